import { Socket, connect } from 'node:net'
import { connect as tlsConnect } from 'node:tls'
import type { TlsParams } from '../../shared/api'
import type { Reply } from '../../shared/reply'
import { bytesToText, textToBytes } from '../../shared/reply'
import type { LabSession } from './lab-node'
import { RespConnection, describeErrno } from './resp-connection'

export interface RemoteSessionOptions {
  host: string
  port: number
  username?: string
  /** Sent with AUTH on every new connection, as `redis-cli -a` does; never logged. */
  password?: string
  /** CLIENT SETNAME on every new connection, so the operator can tell the lab's clients apart. */
  clientName?: string
  connectTimeoutMs?: number
  /** A reply that takes longer drops the connection (the control connection must not hang on a dead peer). */
  replyTimeoutMs?: number
  /** Connect over TLS with this material (PEM texts). */
  tls?: TlsParams
  /** Replies no request waits for: what SUBSCRIBE and MONITOR push. */
  onPush?(reply: Reply): void
}

/**
 * A redis-cli-like connection to a server the lab reaches over the network (a spawned or an
 * external one): like ConsoleSession, one reply per request in order and a reconnect on
 * the next command once the server closed it; in addition it authenticates and names
 * itself on each connection, and bounds how long a connect (and optionally a reply) may take.
 */
export class RemoteSession implements LabSession {
  private conn: RespConnection | null = null
  private connecting: Promise<RespConnection> | null = null
  private closed = false

  constructor(private readonly opts: RemoteSessionOptions) {}

  async execute(args: string[]): Promise<Reply> {
    this.closed = false
    const conn = await this.connect()
    const reply = await this.send(conn, args)
    if (args[0]!.toLowerCase() === 'quit') conn.drop()
    return reply
  }

  close(): void {
    this.closed = true
    this.conn?.drop(new Error('connection closed by the lab'))
  }

  private send(conn: RespConnection, args: string[]): Promise<Reply> {
    return conn.send(args, this.opts.replyTimeoutMs ? { ms: this.opts.replyTimeoutMs, peer: this.address } : undefined)
  }

  private get address(): string {
    return `${this.opts.host}:${this.opts.port}`
  }

  private connect(): Promise<RespConnection> {
    if (this.conn) return Promise.resolve(this.conn)
    this.connecting ??= this.open().finally(() => {
      this.connecting = null
    })
    return this.connecting
  }

  private async open(): Promise<RespConnection> {
    const conn = await new Promise<RespConnection>((resolve, reject) => {
      const tls = this.opts.tls
      const socket: Socket = tls
        ? tlsConnect({
            host: this.opts.host,
            port: this.opts.port,
            ...(tls.ca !== undefined ? { ca: tls.ca } : {}),
            ...(tls.cert !== undefined ? { cert: tls.cert } : {}),
            ...(tls.key !== undefined ? { key: tls.key } : {}),
            ...(tls.servername !== undefined ? { servername: tls.servername } : {})
          })
        : connect({ host: this.opts.host, port: this.opts.port })
      socket.setNoDelay(true)
      const timer = setTimeout(() => {
        socket.destroy()
        reject(new Error(`Could not connect to Redis at ${this.address}: Connection timed out`))
      }, this.opts.connectTimeoutMs ?? 5000)
      socket.once('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer)
        reject(new Error(`Could not connect to Redis at ${this.address}: ${tls ? 'TLS: ' : ''}${describeErrno(err)}`))
      })
      // A TLS socket is usable once the handshake is done (the server's certificate checked).
      socket.once(tls ? 'secureConnect' : 'connect', () => {
        clearTimeout(timer)
        socket.removeAllListeners('error')
        resolve(
          new RespConnection(socket, {
            ...(this.opts.onPush ? { onPush: (r: Reply) => this.opts.onPush!(r) } : {}),
            onGone: (c) => {
              if (this.conn === c) this.conn = null
            },
            sayWhyClosed: true
          })
        )
      })
    })
    try {
      if (this.opts.password !== undefined) {
        const password = textToBytes(this.opts.password)
        const args = this.opts.username ? ['AUTH', textToBytes(this.opts.username), password] : ['AUTH', password]
        const reply = await this.send(conn, args)
        if (reply.type === 'error') throw new Error(`AUTH failed on ${this.address}: ${bytesToText(reply.value)}`)
      }
      if (this.opts.clientName) {
        // A courtesy to whoever reads CLIENT LIST: a user not allowed to name itself still works.
        await this.send(conn, ['CLIENT', 'SETNAME', this.opts.clientName])
      }
    } catch (err) {
      conn.drop(err as Error)
      throw err
    }
    if (this.closed) {
      conn.drop(new Error('connection closed by the lab'))
      throw new Error('connection closed by the lab')
    }
    this.conn = conn
    return conn
  }
}
