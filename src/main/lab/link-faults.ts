/**
 * The faults the lab applies to one replica's link to its master. While any fault is set,
 * the replica's connections to its master go through a LinkProxy (link-proxy.ts) in the
 * lab's network; with none, they are direct again. Neither node's state is touched: the
 * replica only sees what the network does to it.
 */
import net from 'node:net'
import type { ReplicaSide } from '../server/replication/replica-side'
import { LinkProxy } from './link-proxy'

export class LinkFaults {
  cut = false
  latencyMs = 0
  private proxy: LinkProxy | null = null
  private opening: Promise<void> | null = null

  constructor(private readonly replica: ReplicaSide) {}

  get active(): boolean {
    return this.cut || this.latencyMs > 0
  }

  setCut(cut: boolean): void {
    this.cut = cut
    this.apply()
  }

  setLatency(ms: number): void {
    this.latencyMs = ms
    this.apply()
  }

  /** The node is going away: drop the proxy, connect directly again. */
  async close(): Promise<void> {
    if (this.replica.connector === this.connect) this.replica.connector = null
    const proxy = this.proxy
    this.proxy = null
    await proxy?.close()
  }

  private apply(): void {
    const viaProxy = this.replica.connector === this.connect
    if (this.active && !viaProxy) {
      this.replica.connector = this.connect
      // The current connection is direct: end it, so the next one goes through the proxy
      // (for a latency change this costs a reconnect, which resumes with a partial resync).
      this.replica.link?.close(this.cut ? 'link cut by the lab' : 'link rerouted by the lab')
    }
    if (this.proxy) {
      this.proxy.latencyMs = this.latencyMs
      this.proxy.setCut(this.cut)
    }
    if (!this.active && viaProxy) {
      // Healed and no latency: later connections go direct; the current one may stay.
      this.replica.connector = null
    }
  }

  /** A ReplicaLink connector: a socket to the proxy for this master (made on first use). */
  private readonly connect = (host: string, port: number): net.Socket => {
    let proxy = this.proxy
    if (!proxy || proxy.targetHost !== host || proxy.targetPort !== port) {
      void proxy?.close()
      proxy = new LinkProxy(host, port)
      this.proxy = proxy
      this.opening = proxy.open()
    }
    proxy.latencyMs = this.latencyMs
    proxy.setCut(this.cut)
    const socket = new net.Socket()
    const target = proxy
    this.opening!.then(
      () => socket.destroyed || socket.connect(target.listenPort, '127.0.0.1'),
      (err: Error) => socket.destroy(err)
    )
    return socket
  }
}
