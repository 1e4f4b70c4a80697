/** A raw RESP connection that reads whole replies, framed exactly (no waiting for silence). */
import net from 'node:net'
import { encodeCommand } from '../../src/main/server/resp/encode-command'

export { encodeCommand }

/** End offset of the complete RESP2/RESP3 value starting at `pos`, or -1 if incomplete. */
export function respEnd(buf: Buffer, pos: number): number {
  if (pos >= buf.length) return -1
  const nl = buf.indexOf('\r\n', pos)
  if (nl < 0) return -1
  const type = buf[pos]!
  const after = nl + 2
  switch (type) {
    case 0x2b /* + */:
    case 0x2d /* - */:
    case 0x3a /* : */:
    case 0x5f /* _ */:
    case 0x2c /* , */:
    case 0x23 /* # */:
    case 0x28 /* ( */:
      return after
    case 0x24 /* $ */:
    case 0x21 /* ! */:
    case 0x3d /* = */: {
      const n = Number(buf.toString('latin1', pos + 1, nl))
      if (n < 0) return after
      return buf.length >= after + n + 2 ? after + n + 2 : -1
    }
    case 0x2a /* * */:
    case 0x7e /* ~ */:
    case 0x3e /* > */:
    case 0x25 /* % */:
    case 0x7c /* | */: {
      let n = Number(buf.toString('latin1', pos + 1, nl))
      if (n < 0) return after
      if (type === 0x25 || type === 0x7c) n *= 2
      let p = after
      for (let i = 0; i < n; i++) {
        p = respEnd(buf, p)
        if (p < 0) return -1
      }
      // An attribute precedes the value it describes.
      return type === 0x7c ? respEnd(buf, p) : p
    }
  }
  throw new Error(`not RESP at byte ${pos}: ${JSON.stringify(buf.toString('latin1', pos, pos + 20))}`)
}

/** A raw connection that reads whole replies. Args given as strings are binary strings. */
export class RawConn {
  private buf: Buffer = Buffer.alloc(0)
  private waiters: (() => void)[] = []
  closed = false

  private constructor(private readonly sock: net.Socket) {
    sock.on('data', (d: Buffer) => {
      this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d
      this.wake()
    })
    sock.on('close', () => {
      this.closed = true
      this.wake()
    })
    sock.on('error', () => undefined)
  }

  static open(port: number): Promise<RawConn> {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, '127.0.0.1', () => resolve(new RawConn(s)))
      s.setNoDelay(true)
      s.once('error', reject)
    })
  }

  private wake(): void {
    const w = this.waiters
    this.waiters = []
    for (const f of w) f()
  }

  send(data: Buffer | string): void {
    this.sock.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data)
  }

  /** The next complete reply, as a binary string; '' if the server closed first. */
  async read(timeoutMs = 5000): Promise<string> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const end = respEnd(this.buf, 0)
      if (end > 0) {
        const out = this.buf.toString('latin1', 0, end)
        this.buf = this.buf.subarray(end)
        return out
      }
      if (this.closed) return ''
      const left = deadline - Date.now()
      if (left <= 0) throw new Error(`no complete reply within ${timeoutMs} ms; have ${JSON.stringify(this.buf.toString('latin1'))}`)
      await new Promise<void>((r) => {
        const t = setTimeout(r, left)
        this.waiters.push(() => {
          clearTimeout(t)
          r()
        })
      })
    }
  }

  async call(...args: (string | Buffer)[]): Promise<string> {
    this.send(encodeCommand(args))
    return this.read()
  }

  close(): void {
    this.sock.destroy()
  }
}

