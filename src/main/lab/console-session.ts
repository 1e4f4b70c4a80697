import { Socket, connect } from 'node:net'
import type { Reply } from '../../shared/reply'
import { encodeCommand } from '../server/resp/encode-command'
import { ReplyReader } from '../server/resp/reply-reader'

interface Pending {
  resolve(reply: Reply): void
  reject(err: Error): void
}

/** One TCP connection and the requests sent on it, which only its replies can answer. */
interface Connection {
  socket: Socket
  reader: ReplyReader
  pending: Pending[]
}

/**
 * One redis-cli-like connection from the lab to a node: real TCP, real RESP, one reply
 * per request in order. It stays open between commands so connection state (SELECT,
 * CLIENT SETNAME, …) lives on, as it does in a redis-cli session; once the server closes
 * it (QUIT, a kill), the next command reconnects, again as redis-cli does.
 */
export class ConsoleSession {
  private conn: Connection | null = null
  private connecting: Promise<Connection> | null = null

  /**
   * @param onPush replies that arrive when no request waits for one: what the server pushes
   *   after SUBSCRIBE, PSUBSCRIBE or MONITOR (and the extra confirmations of a SUBSCRIBE
   *   to several channels), which redis-cli prints until Ctrl+C.
   */
  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly onPush?: (reply: Reply) => void
  ) {}

  /** Sends one command (args are binary strings) and resolves with its reply. */
  async execute(args: string[]): Promise<Reply> {
    const conn = await this.connect()
    const reply = await new Promise<Reply>((resolve, reject) => {
      conn.pending.push({ resolve, reject })
      conn.socket.write(encodeCommand(args))
    })
    // The server closes after QUIT's +OK; let go of the socket now so the next command
    // reconnects instead of racing the FIN.
    if (args[0]!.toLowerCase() === 'quit') this.drop(conn)
    return reply
  }

  /** Closes the connection (as redis-cli's Ctrl+C ends a MONITOR or SUBSCRIBE); the next command reconnects. */
  close(): void {
    if (this.conn) this.drop(this.conn, new Error('console closed'))
  }

  private connect(): Promise<Connection> {
    if (this.conn) return Promise.resolve(this.conn)
    this.connecting ??= new Promise<Connection>((resolve, reject) => {
      const socket = connect({ host: this.host, port: this.port })
      socket.setNoDelay(true)
      const onConnectError = (err: NodeJS.ErrnoException): void => {
        this.connecting = null
        reject(new Error(`Could not connect to Redis at ${this.host}:${this.port}: ${describeErrno(err)}`))
      }
      socket.once('error', onConnectError)
      socket.once('connect', () => {
        socket.off('error', onConnectError)
        const conn: Connection = { socket, reader: new ReplyReader(), pending: [] }
        this.conn = conn
        this.connecting = null
        socket.on('data', (chunk: Buffer) => this.onData(conn, chunk))
        socket.on('error', () => undefined) // 'close' follows and does the cleanup
        socket.on('end', () => this.drop(conn))
        socket.on('close', () => this.drop(conn, new Error('Server closed the connection')))
        resolve(conn)
      })
    })
    return this.connecting
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
      else this.onPush?.(reply)
    }
  }

  /** Forgets a connection; with `err`, fails what is still waiting on it and closes it. */
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

/** redis-cli words its connection errors after strerror(). */
function describeErrno(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'ECONNREFUSED':
      return 'Connection refused'
    case 'ETIMEDOUT':
      return 'Connection timed out'
    case 'EHOSTUNREACH':
      return 'No route to host'
    default:
      return err.message
  }
}
