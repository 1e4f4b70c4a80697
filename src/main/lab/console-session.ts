import { connect } from 'node:net'
import type { Reply } from '../../shared/reply'
import { RespConnection, describeErrno } from './resp-connection'

/**
 * One redis-cli-like connection from the lab to a node: real TCP, real RESP, one reply
 * per request in order. It stays open between commands so connection state (SELECT,
 * CLIENT SETNAME, …) lives on, as it does in a redis-cli session; once the server closes
 * it (QUIT, a kill), the next command reconnects, again as redis-cli does.
 */
export class ConsoleSession {
  private conn: RespConnection | null = null
  private connecting: Promise<RespConnection> | null = null

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
    const reply = await conn.send(args)
    // The server closes after QUIT's +OK; let go of the socket now so the next command
    // reconnects instead of racing the FIN.
    if (args[0]!.toLowerCase() === 'quit') conn.drop()
    return reply
  }

  /** Closes the connection (as redis-cli's Ctrl+C ends a MONITOR or SUBSCRIBE); the next command reconnects. */
  close(): void {
    this.conn?.drop(new Error('console closed'))
  }

  private connect(): Promise<RespConnection> {
    if (this.conn) return Promise.resolve(this.conn)
    this.connecting ??= new Promise<RespConnection>((resolve, reject) => {
      const socket = connect({ host: this.host, port: this.port })
      socket.setNoDelay(true)
      const onConnectError = (err: NodeJS.ErrnoException): void => {
        this.connecting = null
        reject(new Error(`Could not connect to Redis at ${this.host}:${this.port}: ${describeErrno(err)}`))
      }
      socket.once('error', onConnectError)
      socket.once('connect', () => {
        socket.off('error', onConnectError)
        const conn = new RespConnection(socket, {
          ...(this.onPush ? { onPush: this.onPush } : {}),
          onGone: (c) => {
            if (this.conn === c) this.conn = null
          }
        })
        this.conn = conn
        this.connecting = null
        resolve(conn)
      })
    })
    return this.connecting
  }
}
