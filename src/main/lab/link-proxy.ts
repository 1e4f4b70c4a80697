/**
 * Network faults on one replication link, made in the lab's network rather than in either
 * node: the replica's link connects through this TCP proxy on 127.0.0.1, which forwards to
 * the master unchanged, or adds latency, or drops everything while the link is "cut".
 * Both nodes keep running and see what a real network fault shows them: a replica whose
 * master is unreachable (reconnects refused) and a master whose replica went away.
 */
import net from 'node:net'

export class LinkProxy {
  private server: net.Server | null = null
  private port = 0
  private readonly pairs = new Set<{ a: net.Socket; b: net.Socket }>()
  /** While cut, connections are dropped at once, and established ones were closed. */
  private cutNow = false
  /** Delay added to every chunk, each way (ms). */
  latencyMs = 0

  constructor(
    readonly targetHost: string,
    readonly targetPort: number
  ) {}

  /** The port replicas connect to instead of the master's. */
  get listenPort(): number {
    return this.port
  }

  get cut(): boolean {
    return this.cutNow
  }

  async open(): Promise<void> {
    if (this.server) return
    const srv = net.createServer((client) => this.accept(client))
    await new Promise<void>((resolve, reject) => {
      srv.once('error', reject)
      srv.listen({ port: 0, host: '127.0.0.1' }, () => {
        srv.off('error', reject)
        resolve()
      })
    })
    const addr = srv.address()
    this.port = typeof addr === 'object' && addr ? addr.port : 0
    this.server = srv
  }

  /** A connector for ReplicaLink: every attempt goes through the proxy. */
  connect = (): net.Socket => net.connect({ host: '127.0.0.1', port: this.port })

  /** Cuts the link: established connections drop, new ones are refused until healed. */
  setCut(cut: boolean): void {
    this.cutNow = cut
    if (cut) for (const p of this.pairs) this.drop(p)
  }

  async close(): Promise<void> {
    for (const p of this.pairs) this.drop(p)
    const srv = this.server
    this.server = null
    if (srv) await new Promise<void>((resolve) => srv.close(() => resolve()))
  }

  private accept(client: net.Socket): void {
    client.on('error', () => {})
    if (this.cutNow) {
      client.destroy()
      return
    }
    const upstream = net.connect({ host: this.targetHost, port: this.targetPort })
    upstream.on('error', () => {})
    const pair = { a: client, b: upstream }
    this.pairs.add(pair)
    client.setNoDelay(true)
    upstream.setNoDelay(true)
    this.forward(client, upstream)
    this.forward(upstream, client)
    const end = (): void => this.drop(pair)
    client.on('close', end)
    upstream.on('close', end)
  }

  private forward(from: net.Socket, to: net.Socket): void {
    // Each chunk is due no earlier than the one before it, so bytes keep their order even
    // when the latency is lowered while chunks are in flight.
    let lastDue = 0
    from.on('data', (chunk: Buffer) => {
      const now = Date.now()
      if (this.latencyMs <= 0 && lastDue <= now) {
        to.write(chunk)
        return
      }
      lastDue = Math.max(now + this.latencyMs, lastDue)
      setTimeout(() => to.destroyed || to.write(chunk), lastDue - now)
    })
  }

  private drop(pair: { a: net.Socket; b: net.Socket }): void {
    this.pairs.delete(pair)
    pair.a.destroy()
    pair.b.destroy()
  }
}
