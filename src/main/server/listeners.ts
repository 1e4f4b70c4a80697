/**
 * The listening sockets of a server (listenToPort, changeListenPort, changeBindAddr): one TCP
 * listener per `bind` address on the server's port.
 *
 * Addresses are Redis's: `*` is every IPv4 address, `::*` every IPv6 one, a leading `-`
 * makes an address optional (skipped when the machine does not have it). Binding an IP
 * literal is done synchronously here (listenNow; only the 'listening'/'error' events come
 * later), which lets CONFIG SET port/bind answer at once, as Redis does; host names are
 * refused.
 */
import net from 'node:net'
import { networkInterfaces } from 'node:os'
import { strerror } from './config-file'

/**
 * A failed bind. Node reports the system error a tick later, so it comes as a promise
 * (`failure`: the error, or null when there is none, e.g. not an IP address; `reason`:
 * its strerror text, as Redis logs it); the failure itself is known at once.
 */
export class BindError extends Error {
  readonly reason: Promise<string>
  /** The system error's code (EADDRINUSE...) once known: see settled(). */
  code: string | undefined

  constructor(
    readonly address: string,
    readonly port: number,
    readonly failure: Promise<NodeJS.ErrnoException | null>,
    why?: string
  ) {
    super(`Could not bind ${address}:${port}${why ? `: ${why}` : ''}`)
    this.name = 'BindError'
    this.reason = failure.then((err) => (err ? strerror(err) : (why ?? 'failed')))
  }

  /** This error with `code` filled in, once the system error has arrived. */
  async settled(): Promise<this> {
    this.code = (await this.failure)?.code ?? 'EINVAL'
    return this
  }
}

/** Node's listen host for a Redis bind address ('*' any IPv4, '::*' any IPv6). */
export function listenHost(addr: string): string {
  if (addr === '*') return '0.0.0.0'
  if (addr === '::*') return '::'
  return addr
}

/** Redis's CONFIG_DEFAULT_BINDADDR: what an empty `bind` means. */
const DEFAULT_BIND = ['*', '-::*']

/** The bind config value as addresses (`bind "a b"` and `bind a b` alike; "" is the default). */
export function bindAddresses(value: string): string[] {
  const addrs = value.split(' ').filter((a) => a !== '')
  return addrs.length > 0 ? addrs : [...DEFAULT_BIND]
}

export class Listeners {
  private servers: net.Server[] = []
  private boundPort = 0
  private boundAddrs: string[] = []

  constructor(private readonly accept: (socket: net.Socket) => void) {}

  get port(): number {
    return this.boundPort
  }

  get addresses(): readonly string[] {
    return this.boundAddrs
  }

  get listening(): boolean {
    return this.servers.length > 0
  }

  /**
   * Listens on `port` (0: any free port, the same for every address) at each address and
   * replaces the current listeners; throws a BindError if a required address cannot be
   * bound, the listeners then being as before. Returns the bound port.
   */
  bind(addrs: readonly string[], port: number): number {
    // The same port again (CONFIG SET bind): the old listeners must let go of it first.
    const previous = port !== 0 && port === this.boundPort ? this.detach() : null
    const fresh: net.Server[] = []
    let bound = port
    try {
      for (const raw of addrs) {
        const optional = raw.startsWith('-')
        const addr = optional ? raw.slice(1) : raw
        const host = listenHost(addr)
        if (net.isIP(host) === 0) throw new BindError(addr, bound, Promise.resolve(null), 'not an IP address')
        const srv = net.createServer({ noDelay: true }, this.accept)
        const failure = new Promise<NodeJS.ErrnoException | null>((resolve) => srv.once('error', resolve))
        listenNow(srv, host, bound)
        if (!srv.listening) {
          srv.close()
          // An optional address this machine does not have is skipped (listenToPort).
          if (optional && !hasLocalAddress(host)) continue
          throw new BindError(addr, bound, failure)
        }
        srv.on('error', () => {
          /* accept errors (EMFILE...) must not crash the process */
        })
        const a = srv.address()
        if (bound === 0 && typeof a === 'object' && a) bound = a.port
        fresh.push(srv)
      }
      if (fresh.length === 0) throw new BindError(addrs.join(' '), bound, Promise.resolve(null), 'no address to listen on')
    } catch (err) {
      for (const s of fresh) s.close()
      if (previous !== null) this.reattach(previous)
      throw err
    }
    if (previous === null) for (const s of this.servers) s.close()
    this.servers = fresh
    this.boundPort = bound
    this.boundAddrs = [...addrs]
    return bound
  }

  /** Stops listening (accepted connections stay); resolves once the listeners are closed. */
  close(): Promise<void> {
    const servers = this.servers
    this.servers = []
    this.boundPort = 0
    return Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve())))).then(() => {})
  }

  /** Closes the current listeners, remembering where they were so they can come back. */
  private detach(): { addrs: string[]; port: number } {
    const saved = { addrs: this.boundAddrs, port: this.boundPort }
    for (const s of this.servers) s.close()
    this.servers = []
    this.boundPort = 0
    return saved
  }

  private reattach(saved: { addrs: string[]; port: number }): void {
    try {
      this.bind(saved.addrs, saved.port)
    } catch {
      // The old addresses failed too: no listener left, as Redis would be after this.
    }
  }
}

/** libuv's UV_TCP_IPV6ONLY. */
const UV_TCP_IPV6ONLY = 1
/** Redis's default tcp-backlog (and Node's). */
const BACKLOG = 511

interface SyncListen {
  _listen2?: (address: string, port: number, addressType: number, backlog: number, fd: undefined, flags: number) => void
}

/**
 * Binds and listens before returning. net.Server.listen({ host }) first resolves the host
 * (a tick later even for an IP literal); for a literal, Node then calls _listen2, its
 * bind-and-listen step, which this calls directly, exactly as an exclusive listen does.
 */
function listenNow(srv: net.Server, host: string, port: number): void {
  const family = net.isIP(host)
  const listen2 = (srv as unknown as SyncListen)._listen2
  if (typeof listen2 !== 'function') throw new Error('this Node.js cannot bind synchronously (no net.Server#_listen2)')
  listen2.call(srv, host, port, family, BACKLOG, undefined, family === 6 ? UV_TCP_IPV6ONLY : 0)
}

/** Whether this machine has the address (wildcards: any address of that family). */
function hasLocalAddress(host: string): boolean {
  const all = Object.values(networkInterfaces()).flat()
  if (host === '0.0.0.0') return all.some((i) => i?.family === 'IPv4')
  if (host === '::') return all.some((i) => i?.family === 'IPv6')
  return all.some((i) => i?.address === host)
}
