import { Socket, connect } from 'node:net'
import { connect as tlsConnect } from 'node:tls'
import type { TlsParams } from '../../shared/api'
import type { Reply } from '../../shared/reply'
import { bytesToText, textToBytes } from '../../shared/reply'
import { encodeCommand } from '../server/resp/encode-command'
import { ReplyReader } from '../server/resp/reply-reader'
import type { LabSession } from './lab-node'

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

interface Pending {
  resolve(reply: Reply): void
  reject(err: Error): void
}

interface Connection {
  socket: Socket
  reader: ReplyReader
  pending: Pending[]
}

/**
 * A redis-cli-like connection to a server the lab reaches over the network (a spawned or an
 * external one): like ConsoleSession, one reply per request in order and a reconnect on
 * the next command once the server closed it; in addition it authenticates and names
 * itself on each connection, and bounds how long a connect (and optionally a reply) may take.
 */
export class RemoteSession implements LabSession {
  private conn: Connection | null = null
  private connecting: Promise<Connection> | null = null
  private closed = false

  constructor(private readonly opts: RemoteSessionOptions) {}

  async execute(args: string[]): Promise<Reply> {
    this.closed = false
    const conn = await this.connect()
    const reply = await this.send(conn, args)
    if (args[0]!.toLowerCase() === 'quit') this.drop(conn)
    return reply
  }

  close(): void {
    this.closed = true
    if (this.conn) this.drop(this.conn, new Error('connection closed by the lab'))
  }

  private send(conn: Connection, args: string[]): Promise<Reply> {
    return new Promise<Reply>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined
      const timeout = this.opts.replyTimeoutMs
      conn.pending.push({
        resolve: (r) => {
          clearTimeout(timer)
          resolve(r)
        },
        reject: (e) => {
          clearTimeout(timer)
          reject(e)
        }
      })
      if (timeout) {
        timer = setTimeout(() => this.drop(conn, new Error(`${this.address} did not answer ${args[0]} within ${timeout} ms`)), timeout)
      }
      conn.socket.write(encodeCommand(args))
    })
  }

  private get address(): string {
    return `${this.opts.host}:${this.opts.port}`
  }

  private connect(): Promise<Connection> {
    if (this.conn) return Promise.resolve(this.conn)
    this.connecting ??= this.open().finally(() => {
      this.connecting = null
    })
    return this.connecting
  }

  private async open(): Promise<Connection> {
    const conn = await new Promise<Connection>((resolve, reject) => {
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
        const c: Connection = { socket, reader: new ReplyReader(), pending: [] }
        socket.on('data', (chunk: Buffer) => this.onData(c, chunk))
        // 'close' follows an error and does the cleanup; the error says why (a TLS alert, a reset).
        let why: Error | null = null
        socket.on('error', (err) => (why = err))
        socket.on('end', () => this.drop(c))
        socket.on('close', () => this.drop(c, new Error(`Server closed the connection${why ? ` (${why.message})` : ''}`)))
        resolve(c)
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
      this.drop(conn, err as Error)
      throw err
    }
    if (this.closed) {
      this.drop(conn, new Error('connection closed by the lab'))
      throw new Error('connection closed by the lab')
    }
    this.conn = conn
    return conn
  }

  private onData(conn: Connection, chunk: Buffer): void {
    let replies: Reply[]
    try {
      replies = conn.reader.push(chunk)
    } catch (err) {
      this.drop(conn, new Error(`Bad reply from server: ${(err as Error).message}`))
      return
    }
    for (const reply of replies) {
      const waiting = conn.pending.shift()
      if (waiting) waiting.resolve(reply)
      else this.opts.onPush?.(reply)
    }
  }

  private drop(conn: Connection, err?: Error): void {
    if (this.conn === conn) this.conn = null
    if (!err) {
      conn.socket.end()
      return
    }
    conn.socket.destroy()
    const pending = conn.pending
    conn.pending = []
    for (const p of pending) p.reject(err)
  }
}

function describeErrno(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'ECONNREFUSED':
      return 'Connection refused'
    case 'ETIMEDOUT':
      return 'Connection timed out'
    case 'EHOSTUNREACH':
      return 'No route to host'
    case 'ENOTFOUND':
      return 'Name or service not known'
    default:
      return err.message
  }
}
