/**
 * Streaming parser for Redis REPLIES (the client side): used by consoles and by the replica
 * side of replication. RESP2 types (+ - : $ *) and RESP3 types (_ , # ( = ! % ~ > |) are
 * decoded into the Reply type of src/shared/reply.ts; bulk strings become binary strings
 * (latin1, one char per byte). RESP3 blob errors (`!`) read as errors; attributes (`|`)
 * are parsed and dropped (they annotate the reply that follows, as hiredis/redis-cli do).
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

type AggregateKind = 'array' | 'map' | 'set' | 'push' | 'attribute'

/** Frame of an aggregate being filled. */
interface Frame {
  kind: AggregateKind
  items: Reply[]
  left: number
}

const AGGREGATE_KINDS: Record<number, AggregateKind> = {
  42: 'array', // *
  37: 'map', // %
  126: 'set', // ~
  62: 'push', // >
  124: 'attribute' // |
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
              // An attribute is dropped: it is no element of its parent.
              v = top.kind === 'attribute' ? undefined : ({ type: top.kind, value: top.items } as Reply)
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
        case 36: /* $ */
        case 61: /* = */
        case 33: /* ! */ {
          const s = this.line()
          if (s === null) return undefined
          const len = parseLength(s, 'bulk')
          if (len < 0) {
            if (type !== 36) throw new ReplyProtocolError(`invalid length '${s}'`)
            return { type: 'bulk', value: null }
          }
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
          if (type === 36) return { type: 'bulk', value }
          if (type === 33) return { type: 'error', value }
          if (len < 4 || value[3] !== ':') throw new ReplyProtocolError('verbatim string without a format')
          return { type: 'verbatim', format: value.slice(0, 3), value: value.slice(4) }
        }
        case 42: /* * */
        case 37: /* % */
        case 126: /* ~ */
        case 62: /* > */
        case 124: /* | */ {
          const s = this.line()
          if (s === null) return undefined
          const kind = AGGREGATE_KINDS[type]!
          const len = parseLength(s, 'multibulk')
          if (len < 0) {
            if (kind !== 'array') throw new ReplyProtocolError(`invalid ${kind} length '${s}'`)
            return { type: 'array', value: null }
          }
          const n = kind === 'map' || kind === 'attribute' ? len * 2 : len
          if (n === 0) {
            if (kind === 'attribute') continue
            return { type: kind, value: [] } as Reply
          }
          this.stack.push({ kind, items: [], left: n })
          continue
        }
        case 95: /* _ */ {
          const s = this.line()
          if (s === null) return undefined
          if (s !== '') throw new ReplyProtocolError(`invalid null '${s}'`)
          return { type: 'null' }
        }
        case 44: /* , */ {
          const s = this.line()
          if (s === null) return undefined
          if (!/^(-?inf|nan|-nan|[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?)$/.test(s)) {
            throw new ReplyProtocolError(`invalid double '${s}'`)
          }
          return { type: 'double', value: s }
        }
        case 35: /* # */ {
          const s = this.line()
          if (s === null) return undefined
          if (s !== 't' && s !== 'f') throw new ReplyProtocolError(`invalid boolean '${s}'`)
          return { type: 'bool', value: s === 't' }
        }
        case 40: /* ( */ {
          const s = this.line()
          if (s === null) return undefined
          if (!/^-?\d+$/.test(s)) throw new ReplyProtocolError(`invalid big number '${s}'`)
          return { type: 'bignum', value: s }
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
