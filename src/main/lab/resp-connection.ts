import type { Socket } from 'node:net'
import type { Reply } from '../../shared/reply'
import { encodeCommand } from '../server/resp/encode-command'
import { ReplyReader } from '../server/resp/reply-reader'

interface Pending {
  resolve(reply: Reply): void
  reject(err: Error): void
}

export interface RespConnectionOptions {
  /**
   * Replies that arrive when no request waits for one: what the server pushes after
   * SUBSCRIBE, PSUBSCRIBE or MONITOR (and the extra confirmations of a SUBSCRIBE to
   * several channels), which redis-cli prints until Ctrl+C.
   */
  onPush?(reply: Reply): void
  /** The connection is let go of (ended, failed or dropped), so its owner forgets it. */
  onGone(conn: RespConnection): void
  /** Name the socket error (a TLS alert, a reset) that preceded a close in the error requests fail with. */
  sayWhyClosed?: boolean
}

/**
 * One connected socket speaking RESP as redis-cli does: one reply per request in order,
 * which only this connection's replies can answer. The sessions own how it is opened
 * (plain or TLS, authenticated or not) and when it is replaced.
 */
export class RespConnection {
  private readonly reader = new ReplyReader()
  private pending: Pending[] = []

  constructor(
    private readonly socket: Socket,
    private readonly opts: RespConnectionOptions
  ) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk))
    // 'close' follows an error and does the cleanup; the error only says why.
    let why: Error | null = null
    socket.on('error', (err) => (why = err))
    socket.on('end', () => this.drop())
    socket.on('close', () =>
      this.drop(new Error(`Server closed the connection${opts.sayWhyClosed && why ? ` (${why.message})` : ''}`))
    )
  }

  /** Sends one command (args are binary strings); a reply later than `timeout` fails the whole connection. */
  send(args: string[], timeout?: { ms: number; peer: string }): Promise<Reply> {
    return new Promise<Reply>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined
      this.pending.push({
        resolve: (r) => {
          clearTimeout(timer)
          resolve(r)
        },
        reject: (e) => {
          clearTimeout(timer)
          reject(e)
        }
      })
      if (timeout?.ms) {
        timer = setTimeout(
          () => this.drop(new Error(`${timeout.peer} did not answer ${args[0]} within ${timeout.ms} ms`)),
          timeout.ms
        )
      }
      this.socket.write(encodeCommand(args))
    })
  }

  /** Lets go of the connection; with `err`, fails what is still waiting on it and closes it at once. */
  drop(err?: Error): void {
    this.opts.onGone(this)
    if (!err) {
      this.socket.end()
      return
    }
    this.socket.destroy()
    const pending = this.pending
    this.pending = []
    for (const p of pending) p.reject(err)
  }

  private onData(chunk: Buffer): void {
    let replies: Reply[]
    try {
      replies = this.reader.push(chunk)
    } catch (err) {
      this.drop(new Error(`Bad reply from server: ${(err as Error).message}`))
      return
    }
    for (const reply of replies) {
      const waiting = this.pending.shift()
      if (waiting) waiting.resolve(reply)
      else this.opts.onPush?.(reply)
    }
  }
}

/** redis-cli words its connection errors after strerror(). */
export function describeErrno(err: NodeJS.ErrnoException): string {
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
