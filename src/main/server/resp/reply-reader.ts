/**
 * Streaming parser for Redis REPLIES (the client side): used by consoles and by the replica
 * side of replication. RESP2 types (+ - : $ *) are decoded into the Reply type of
 * src/shared/reply.ts; bulk strings become binary strings (latin1, one char per byte).
 *
 * RESP3 types (_ , # ( = % ~ > |) are not accepted yet: each one is a case in
 * parseValue(); adding them means extending Reply and adding a case.
 *
 * Usage: `const r = new ReplyReader(); for (const reply of r.push(chunk)) ...`.
 * push() throws ReplyProtocolError on malformed input; the reader is unusable afterwards.
 */
import type { Reply } from '../../../shared/reply'

export class ReplyProtocolError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ReplyProtocolError'
  }
}

/** Integers outside ±2^53 are returned as decimal strings to stay exact. */
function toInteger(s: string): number | string {
  const n = Number(s)
  return Number.isSafeInteger(n) ? n : s
}

/** Frame of an aggregate being filled. */
interface Frame {
  items: Reply[]
  left: number
}

const EMPTY = Buffer.alloc(0)
const MAX_LINE = 64 * 1024 * 1024

export class ReplyReader {
  private buf: Buffer = EMPTY
  private pos = 0
  /** Aggregates being filled, outermost first. */
  private stack: Frame[] = []
  private failed: Error | null = null
  /** Chunks waiting until `need` bytes are buffered (a big bulk arriving piecewise). */
  private waiting: Buffer[] = []
  private waitingBytes = 0
  private need = 0

  /** Bytes received and not consumed yet. */
  get pending(): number {
    return this.buf.length - this.pos + this.waitingBytes
  }

  /** Feeds a chunk; returns the replies completed by it (possibly none). */
  push(chunk: Buffer): Reply[] {
    if (this.failed) throw this.failed
    if (this.need > 0) {
      this.waiting.push(chunk)
      this.waitingBytes += chunk.length
      if (this.buf.length - this.pos + this.waitingBytes < this.need) return []
      this.buf = Buffer.concat([this.buf.subarray(this.pos), ...this.waiting])
      this.waiting = []
      this.waitingBytes = 0
      this.need = 0
    } else if (this.pos >= this.buf.length) {
      this.buf = chunk
    } else {
      this.buf = Buffer.concat([this.buf.subarray(this.pos), chunk])
    }
    this.pos = 0
    const out: Reply[] = []
    try {
      for (;;) {
        const value = this.parseValue()
        if (value === undefined) break
        // Fold the value into the enclosing aggregates.
        let v: Reply | undefined = value
        while (v !== undefined) {
          const top = this.stack[this.stack.length - 1]
          if (!top) {
            out.push(v)
            v = undefined
          } else {
            top.items.push(v)
            if (--top.left === 0) {
              this.stack.pop()
              v = { type: 'array', value: top.items }
            } else {
              v = undefined
            }
          }
        }
      }
    } catch (err) {
      this.failed = err instanceof Error ? err : new Error(String(err))
      throw err
    }
    if (this.pos >= this.buf.length) {
      this.buf = EMPTY
      this.pos = 0
    }
    return out
  }

  /** Reads a line (without CRLF) as a latin1 string, or null when incomplete. */
  private line(): string | null {
    const cr = this.buf.indexOf('\r\n', this.pos + 1, 'latin1')
    if (cr === -1) {
      if (this.buf.length - this.pos > MAX_LINE) throw new ReplyProtocolError('reply line too long')
      return null
    }
    const s = this.buf.toString('latin1', this.pos + 1, cr)
    this.pos = cr + 2
    return s
  }

  /**
   * Parses one value at pos. Returns it, or undefined when more data is needed (pos is then
   * at the start of the incomplete value). Aggregate headers push a frame (kept across
   * push() calls) and go on with the first element; empty and null aggregates are values.
   */
  private parseValue(): Reply | undefined {
    for (;;) {
      if (this.pos >= this.buf.length) return undefined
      const start = this.pos
      const type = this.buf[start]!
      switch (type) {
        case 43: /* + */ {
          const s = this.line()
          if (s === null) return undefined
          return { type: 'status', value: s }
        }
        case 45: /* - */ {
          const s = this.line()
          if (s === null) return undefined
          return { type: 'error', value: s }
        }
        case 58: /* : */ {
          const s = this.line()
          if (s === null) return undefined
          if (!/^-?\d+$/.test(s)) throw new ReplyProtocolError(`invalid integer '${s}'`)
          return { type: 'integer', value: toInteger(s) }
        }
        case 36: /* $ */ {
          const s = this.line()
          if (s === null) return undefined
          const len = parseLength(s, 'bulk')
          if (len < 0) return { type: 'bulk', value: null }
          if (this.buf.length - this.pos < len + 2) {
            this.need = this.pos - start + len + 2
            this.pos = start
            return undefined
          }
          const end = this.pos + len
          if (this.buf[end] !== 13 || this.buf[end + 1] !== 10) {
            throw new ReplyProtocolError('bulk string not terminated by CRLF')
          }
          const value = this.buf.toString('latin1', this.pos, end)
          this.pos = end + 2
          return { type: 'bulk', value }
        }
        case 42: /* * */ {
          const s = this.line()
          if (s === null) return undefined
          const len = parseLength(s, 'multibulk')
          if (len < 0) return { type: 'array', value: null }
          if (len === 0) return { type: 'array', value: [] }
          this.stack.push({ items: [], left: len })
          continue
        }
        default:
          throw new ReplyProtocolError(
            `unexpected reply type byte ${JSON.stringify(String.fromCharCode(type))}`
          )
      }
    }
  }
}

function parseLength(s: string, what: string): number {
  if (!/^(-1|0|[1-9]\d{0,15})$/.test(s)) throw new ReplyProtocolError(`invalid ${what} length '${s}'`)
  return Number(s)
}
