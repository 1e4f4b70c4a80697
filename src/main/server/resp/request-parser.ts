/**
 * Streaming RESP2 request parser (the server side of networking.c: processMultibulkBuffer
 * and processInlineBuffer).
 *
 * Feed socket chunks with feed(), then call next() until it returns null. Each call returns
 * one complete command as an array of Buffers (binary safe), skipping empty commands
 * (`*0`, `*-1`, blank inline lines) exactly as Redis does. A malformed request makes next()
 * throw a ProtocolError carrying Redis's message; the commands returned before it are
 * valid and should be executed (Redis replies to them, then sends the error and closes).
 *
 * Speed: the parser works on the raw chunks with indexOf, keeps a read offset and never
 * builds strings. Arguments are zero-copy views (arg-view.ts) of the received chunks. Memory
 * that was handed out as an argument is never overwritten (the parser compacts by copying
 * the unread tail into a fresh buffer), so an argument stays valid for as long as it is
 * referenced; code that keeps one for long (the keyspace) should copy it so it does not pin
 * a whole socket chunk.
 *
 * Raw bytes (replication): with `keepRaw`, rawCommand() gives the exact bytes consumed for
 * the command next() just returned, as one contiguous view (a replica counts its offset in
 * stream bytes and relays them unchanged). The parser then keeps a partial command's bytes
 * together when it compacts; without `keepRaw` nothing of this costs anything.
 *
 * Limits (Redis 7.0's processMultibulkBuffer): `maxBulkLen` is proto-max-bulk-len;
 * `authRequired` makes the parser refuse the large counts Redis refuses before AUTH
 * (a multibulk of more than 10 arguments, a bulk of more than 16384 bytes).
 */

import { string2ll } from '../util'
import { viewOf } from './arg-view'
import { decimalDigits } from './decimal'
import { splitArgs } from './split-args'

/** Redis's PROTO_INLINE_MAX_SIZE: longest inline request / header line without a newline. */
export const PROTO_INLINE_MAX_SIZE = 64 * 1024
/** Redis's default proto-max-bulk-len (512MB). */
export const PROTO_MAX_BULK_LEN = 512 * 1024 * 1024
const INT_MAX = 2147483647
/** Capacity of a buffer the parser allocates to hold partial requests. */
const MIN_ALLOC = 16 * 1024

export class ProtocolError extends Error {
  /** `message` is exactly what follows `-ERR ` in Redis's reply. */
  constructor(message: string) {
    super(message)
    this.name = 'ProtocolError'
  }
}

const EMPTY = Buffer.alloc(0)
/** this.argv while no request is partly read (frozen: nothing may fill it). */
const NO_ARGV: Buffer[] = Object.freeze([]) as unknown as Buffer[]
/** Redis's cap on the argv it allocates up front for a multibulk count (a count is not a promise). */
const ARGV_PREALLOC_MAX = 1024

/**
 * The argv of an n-argument request: allocated at its size (no growth while it fills) up
 * to ARGV_PREALLOC_MAX; past it, filled one by one as the arguments arrive.
 */
function newArgv(n: number): Buffer[] {
  return n <= ARGV_PREALLOC_MAX ? new Array<Buffer>(n) : []
}

export interface RequestParserOptions {
  /** Largest accepted bulk argument (proto-max-bulk-len). */
  maxBulkLen?: number
  /** Make rawCommand() available (see the header comment). */
  keepRaw?: boolean
}

/** Largest multibulk count / bulk length Redis accepts from a client that must AUTH first. */
const UNAUTH_MAX_MULTIBULK = 10
const UNAUTH_MAX_BULK = 16384

export class RequestParser {
  private buf: Buffer = EMPTY
  /** buf's ArrayBuffer and its offset there, read once per buf (each getter is a runtime call). */
  private mem: ArrayBuffer = EMPTY.buffer as ArrayBuffer
  private memBase = EMPTY.byteOffset
  /** Read offset into buf. */
  private pos = 0
  /** End of valid data in buf (buf may have spare capacity after it). */
  private end = 0
  /** True when buf was allocated by us, so its spare capacity can receive more data. */
  private owned = false

  /** Remaining bulk arguments of the multibulk request being read, 0 when none. */
  private multibulkLen = 0
  /** Its argument count (argv[argc - multibulkLen] is the next one). */
  private argc = 0
  /** Length of the bulk being read, -1 while its `$len` header is not read yet. */
  private bulkLen = -1
  /** The arguments read so far of a request that is not complete yet. */
  private argv: Buffer[] = NO_ARGV
  private failed: ProtocolError | null = null
  /** proto-max-bulk-len; the server updates it when CONFIG SET changes it. */
  maxBulkLen: number
  /** Set by the server while the client still has to AUTH (Redis's authRequired()). */
  authRequired = false
  private readonly keepRaw: boolean
  /** keepRaw: where the bytes of the command being read start in buf. */
  private rawStart = 0
  /** keepRaw: the bytes of the command next() returned last. */
  private rawBuf: Buffer = EMPTY
  private rawFrom = 0
  private rawTo = 0
  private lastInline = false

  constructor(opts: RequestParserOptions = {}) {
    this.maxBulkLen = opts.maxBulkLen ?? PROTO_MAX_BULK_LEN
    this.keepRaw = opts.keepRaw ?? false
  }

  /**
   * The exact bytes consumed for the command next() returned last, empty requests skipped
   * before it included (needs `keepRaw`). A view: valid as long as it is referenced.
   */
  rawCommand(): Buffer {
    if (!this.keepRaw) throw new Error('RequestParser: rawCommand() needs the keepRaw option')
    return this.rawBuf.subarray(this.rawFrom, this.rawTo)
  }

  /** Whether the command next() returned last came as an inline request. */
  get lastWasInline(): boolean {
    return this.lastInline
  }

  /** Bytes received but not consumed yet (the query buffer length in Redis's terms). */
  get pending(): number {
    return this.end - this.pos
  }

  /** The first (at most) n unparsed bytes, for logging. */
  peekPending(n: number): Buffer {
    return this.buf.subarray(this.pos, Math.min(this.end, this.pos + n))
  }

  private setBuf(b: Buffer): void {
    this.buf = b
    this.mem = b.buffer as ArrayBuffer
    this.memBase = b.byteOffset
  }

  feed(chunk: Buffer): void {
    if (chunk.length === 0) return
    if (this.pos === this.end && (!this.keepRaw || this.rawStart === this.pos)) {
      // Everything consumed: adopt the chunk as is (zero copy, the common case).
      this.setBuf(chunk)
      this.pos = 0
      this.end = chunk.length
      this.owned = false
      this.rawStart = 0
      return
    }
    if (this.owned && this.buf.length - this.end >= chunk.length) {
      // The spare capacity was never handed out: append in place.
      chunk.copy(this.buf, this.end)
      this.end += chunk.length
      return
    }
    // keepRaw: the partial command's parsed part moves along, so its bytes stay contiguous.
    const from = this.keepRaw ? this.rawStart : this.pos
    const unread = this.end - from
    let want = unread + chunk.length
    // While waiting for a big bulk, size the buffer for the whole of it at once so a large
    // value arriving in many chunks costs O(size), not O(size^2).
    if (this.bulkLen >= 0 && this.pos - from + this.bulkLen + 2 > want) want = this.pos - from + this.bulkLen + 2
    const cap = Math.max(MIN_ALLOC, want, unread * 2)
    const next = Buffer.allocUnsafe(cap)
    this.buf.copy(next, 0, from, this.end)
    chunk.copy(next, unread)
    this.setBuf(next)
    this.pos -= from
    this.rawStart = 0
    this.end = unread + chunk.length
    this.owned = true
  }

  /** Next complete command, or null when more data is needed. Throws ProtocolError. */
  next(): Buffer[] | null {
    if (this.failed) throw this.failed
    try {
      while (this.pos < this.end) {
        let argv: Buffer[] | null
        let inline = false
        if (this.multibulkLen > 0 || this.buf[this.pos] === 42 /* '*' */) {
          argv = this.parseMultibulk()
        } else {
          argv = this.parseInline()
          inline = true
        }
        if (argv === null) break
        if (argv.length > 0) {
          if (this.keepRaw) {
            this.rawBuf = this.buf
            this.rawFrom = this.rawStart
            this.rawTo = this.pos
            this.rawStart = this.pos
            this.lastInline = inline
          }
          return argv
        }
      }
      if (this.pos === this.end && this.buf !== EMPTY && (!this.keepRaw || this.rawStart === this.pos)) {
        // Fully consumed: forget the buffer, so the next chunk is adopted zero-copy and an
        // idle client does not keep its last chunk's whole slab alive.
        this.setBuf(EMPTY)
        this.pos = this.end = this.rawStart = 0
        this.owned = false
      }
      return null
    } catch (err) {
      if (err instanceof ProtocolError) this.failed = err
      throw err
    }
  }

  /** Returns argv ([] for an empty request), or null when incomplete. */
  private parseInline(): Buffer[] | null {
    const buf = this.buf
    const start = this.pos
    let nl = buf.indexOf(10, start)
    if (nl >= this.end) nl = -1
    if (nl !== -1) {
      // Redis finds the newline with strchr(), which stops at a NUL byte.
      const nul = buf.indexOf(0, start)
      if (nul !== -1 && nul < nl) nl = -1
    }
    if (nl === -1) {
      if (this.end - start > PROTO_INLINE_MAX_SIZE) {
        throw new ProtocolError('Protocol error: too big inline request')
      }
      return null
    }
    let lineEnd = nl
    if (lineEnd > start && buf[lineEnd - 1] === 13) lineEnd--
    const argv = splitArgs(buf, start, lineEnd)
    if (argv === null) throw new ProtocolError('Protocol error: unbalanced quotes in request')
    this.pos = nl + 1
    return argv
  }

  /** Returns argv ([] for `*0`/`*-N`), or null when incomplete. */
  private parseMultibulk(): Buffer[] | null {
    const buf = this.buf
    const end = this.end
    if (this.multibulkLen === 0) {
      const start = this.pos
      const fast = scanSmallLen(buf, start + 1, end)
      if (fast >= 0 && (fast <= UNAUTH_MAX_MULTIBULK || !this.authRequired)) {
        // `*<n>\r\n` with a plain count (the usual case): no indexOf, no second pass.
        this.pos = start + 1 + decimalDigits(fast) + 2
        if (fast === 0) return []
        this.multibulkLen = this.argc = fast
        return this.readBulks(newArgv(fast))
      }
      let cr = buf.indexOf(13, start)
      if (cr >= end) cr = -1
      if (cr === -1) {
        if (end - start > PROTO_INLINE_MAX_SIZE) {
          throw new ProtocolError('Protocol error: too big mbulk count string')
        }
        return null
      }
      // Redis wants one more byte (the \n) after the \r, and does not check what it is.
      if (cr + 1 >= end) return null
      const n = parseLen(buf, start + 1, cr)
      if (n === null || n > INT_MAX) throw new ProtocolError('Protocol error: invalid multibulk length')
      if (n > UNAUTH_MAX_MULTIBULK && this.authRequired) {
        throw new ProtocolError('Protocol error: unauthenticated multibulk length')
      }
      this.pos = cr + 2
      if (n <= 0) return []
      this.multibulkLen = this.argc = n
      return this.readBulks(newArgv(n))
    }
    // Resuming a command whose first part came in an earlier chunk.
    const argv = this.argv
    this.argv = NO_ARGV
    return this.readBulks(argv)
  }

  /**
   * Reads the remaining bulk arguments of the current multibulk request into argv (held in
   * a local, and parked in this.argv only when the request is incomplete: a store of a new
   * object into the long-lived parser costs a write barrier).
   */
  private readBulks(argv: Buffer[]): Buffer[] | null {
    const buf = this.buf
    const end = this.end
    const argc = this.argc
    while (this.multibulkLen > 0) {
      if (this.bulkLen === -1) {
        const start = this.pos
        if (buf[start] === 36 /* '$' */) {
          const fast = scanSmallLen(buf, start + 1, end)
          if (fast >= 0 && fast <= this.maxBulkLen && (fast <= UNAUTH_MAX_BULK || !this.authRequired)) {
            this.pos = start + 1 + decimalDigits(fast) + 2
            this.bulkLen = fast
          }
        }
      }
      if (this.bulkLen === -1) {
        const start = this.pos
        let cr = start < end ? buf.indexOf(13, start) : -1
        if (cr >= end) cr = -1
        if (cr === -1) {
          if (end - start > PROTO_INLINE_MAX_SIZE) {
            throw new ProtocolError('Protocol error: too big bulk count string')
          }
          this.argv = argv
          return null
        }
        if (cr + 1 >= end) {
          this.argv = argv
          return null
        }
        if (buf[start] !== 36 /* '$' */) {
          throw new ProtocolError(`Protocol error: expected '$', got '${String.fromCharCode(buf[start]!)}'`)
        }
        const n = parseLen(buf, start + 1, cr)
        if (n === null || n < 0 || n > this.maxBulkLen) {
          throw new ProtocolError('Protocol error: invalid bulk length')
        }
        if (n > UNAUTH_MAX_BULK && this.authRequired) {
          throw new ProtocolError('Protocol error: unauthenticated bulk length')
        }
        this.pos = cr + 2
        this.bulkLen = n
      }
      // Payload plus the trailing two bytes (Redis skips them without looking).
      if (end - this.pos < this.bulkLen + 2) {
        this.argv = argv
        return null
      }
      argv[argc - this.multibulkLen] = viewOf(this.mem, this.memBase + this.pos, this.bulkLen)
      this.pos += this.bulkLen + 2
      this.bulkLen = -1
      this.multibulkLen--
    }
    return argv
  }
}

/**
 * Fast path for a header's number: the value of `<digits>\r\n` at `p` when it is a
 * canonical non-negative integer below 10^9 whose line is complete (CR and LF present),
 * else -1 (the caller then takes the general path, which produces the exact errors).
 */
function scanSmallLen(buf: Buffer, p: number, end: number): number {
  const first = p
  let v = 0
  let c = 0
  while (p < end) {
    c = buf[p]!
    if (c < 48 || c > 57) break
    v = v * 10 + (c - 48)
    p++
  }
  const digits = p - first
  if (digits === 0 || digits > 9 || c !== 13 || p + 1 >= end) return -1
  if (buf[first] === 48 && digits > 1) return -1 // "01": not canonical, string2ll rejects it
  return v
}

/** string2ll over a header line: null when not a valid 64-bit integer. */
function parseLen(buf: Buffer, start: number, end: number): number | null {
  const len = end - start
  if (len <= 0 || len >= 21) return null
  let p = start
  if (len === 1 && buf[p] === 48) return 0
  let neg = false
  if (buf[p] === 45) {
    neg = true
    p++
    if (p === end) return null
  }
  let c = buf[p]!
  if (c < 49 || c > 57) return null
  let v = c - 48
  for (p++; p < end; p++) {
    c = buf[p]!
    if (c < 48 || c > 57) return null
    v = v * 10 + (c - 48)
  }
  if (v > Number.MAX_SAFE_INTEGER) {
    // Rare: exact 64-bit check, then clamp (every limit is far below 2^53).
    if (string2ll(buf, start, end) === null) return null
    return neg ? -Number.MAX_SAFE_INTEGER : Number.MAX_SAFE_INTEGER
  }
  return neg ? -v : v
}

