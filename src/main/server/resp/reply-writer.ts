/**
 * Encodes RESP2 or RESP3 replies (`resp`, switched by HELLO) for one client into a slab and writes them to the socket in one go
 * per processed chunk (Redis's client reply buffer + writeToClient).
 *
 * Replies are appended to the current slab; flush() hands every region written since the
 * last flush to the socket. Regions the socket may still hold are never overwritten (the
 * writer moves on in the slab, then takes a fresh slab; it starts over only once the sink
 * says it holds nothing), so no copy is needed at flush time. Big bulk payloads are passed
 * to the socket as they are (zero copy): callers must treat stored values as immutable.
 *
 * Protocol-dependent shapes (null, map, set, push, double, bool, verbatim, big number) go
 * through their own methods, which test `resp` once: RESP2 pays one comparison.
 *
 * Status and error strings are "binary strings" (one char per byte, latin1), like the
 * Reply type of src/shared/reply.ts; bulkText() encodes text as UTF-8.
 */
import { formatDouble17g } from '../numbers'
import { decimalDigits, writeDecimal } from './decimal'

export interface ReplySink {
  write(chunk: Buffer): unknown
  cork?(): void
  uncork?(): void
  /**
   * True when everything written so far has left the process (a socket whose writes the
   * kernel took whole): nothing references the written memory any more.
   */
  drained?(): boolean
}

/** Slabs start small (idle clients stay cheap) and double up to this size. */
const SLAB_MIN = 4 * 1024
const SLAB_MAX = 64 * 1024
/** Payloads at least this big are written by reference instead of copied. */
const ZERO_COPY_MIN = 16 * 1024

const CRLF = Buffer.from('\r\n')

export const Shared = {
  ok: Buffer.from('+OK\r\n'),
  pong: Buffer.from('+PONG\r\n'),
  nullBulk: Buffer.from('$-1\r\n'),
  nullArray: Buffer.from('*-1\r\n'),
  /** RESP3 null (`_`): what null bulks and null arrays become under HELLO 3. */
  null3: Buffer.from('_\r\n'),
  true3: Buffer.from('#t\r\n'),
  false3: Buffer.from('#f\r\n'),
  emptyArray: Buffer.from('*0\r\n'),
  emptyBulk: Buffer.from('$0\r\n\r\n'),
  czero: Buffer.from(':0\r\n'),
  cone: Buffer.from(':1\r\n'),
  syntaxErr: Buffer.from('-ERR syntax error\r\n')
} as const

export class ReplyWriter {
  private slab: Buffer = Buffer.allocUnsafe(0)
  /** Start of the region not handed to the socket yet. */
  private start = 0
  private pos = 0
  /** Regions ready to write, in order (slab regions and zero-copy payloads). */
  private chunks: Buffer[] = []
  private chunkBytes = 0
  /** Total bytes handed to the socket. */
  bytesWritten = 0
  /** Protocol version (HELLO 2 / HELLO 3). */
  resp: 2 | 3 = 2

  constructor(private readonly sink: ReplySink) {}

  /** Bytes encoded but not flushed yet. */
  get pending(): number {
    return this.chunkBytes + (this.pos - this.start)
  }

  private reserve(n: number): void {
    if (this.pos + n <= this.slab.length) return
    this.cut()
    const size = Math.min(SLAB_MAX, Math.max(SLAB_MIN, this.slab.length * 2))
    this.slab = Buffer.allocUnsafe(Math.max(size, n))
    this.start = this.pos = 0
  }

  /** Closes the current slab region and queues it. */
  private cut(): void {
    if (this.pos > this.start) {
      const region = this.slab.subarray(this.start, this.pos)
      this.chunks.push(region)
      this.chunkBytes += region.length
      this.start = this.pos
    }
  }

  private ascii(s: string): void {
    // Worst case one byte per char (latin1).
    const n = s.length
    this.reserve(n)
    if (n > 32) {
      this.pos += this.slab.write(s, this.pos, 'latin1')
      return
    }
    // Short headers and integers: a JS loop beats the call into Buffer#write.
    const slab = this.slab
    let p = this.pos
    for (let i = 0; i < n; i++) slab[p++] = s.charCodeAt(i)
    this.pos = p
  }

  /**
   * Pre-encoded reply bytes (see Shared). Shared.nullBulk / Shared.nullArray become the
   * RESP3 null under HELLO 3 (prefer nullBulk()/nullArray()).
   */
  raw(bytes: Buffer): void {
    if (this.resp === 3 && (bytes === Shared.nullBulk || bytes === Shared.nullArray)) bytes = Shared.null3
    if (bytes.length >= ZERO_COPY_MIN) {
      this.cut()
      this.chunks.push(bytes)
      this.chunkBytes += bytes.length
      return
    }
    this.reserve(bytes.length)
    this.copyIn(bytes)
  }

  /**
   * Pre-encoded reply bytes src[start, end), always copied: for bytes their owner may
   * change before the flush (a list node's elements).
   */
  copy(src: Uint8Array, start: number, end: number): void {
    this.reserve(end - start)
    this.copyIn(src, start, end)
  }

  /** Copies bytes[start, end) to the slab at pos (reserved by the caller). */
  private copyIn(bytes: Uint8Array, start = 0, end = bytes.length): void {
    const slab = this.slab
    // Small replies are most of them: a loop beats the call into Buffer#copy / set.
    if (end - start <= 32) {
      let p = this.pos
      for (let i = start; i < end; i++) slab[p++] = bytes[i]!
      this.pos = p
    } else {
      slab.set(start === 0 && end === bytes.length ? bytes : bytes.subarray(start, end), this.pos)
      this.pos += end - start
    }
  }

  /** `<type><n>\r\n` (n ≥ 0) written as bytes: no string is built for a header. */
  private header(type: number, n: number): void {
    const digits = decimalDigits(n)
    this.reserve(digits + 3)
    const slab = this.slab
    const p = this.pos
    slab[p] = type
    writeDecimal(slab, p + digits + 1, n)
    slab[p + digits + 1] = 13
    slab[p + digits + 2] = 10
    this.pos = p + digits + 3
  }

  status(s: string): void {
    this.ascii('+' + s + '\r\n')
  }

  error(s: string): void {
    this.ascii('-' + s + '\r\n')
  }

  integer(n: number | bigint): void {
    if (n === 0) this.raw(Shared.czero)
    else if (n === 1) this.raw(Shared.cone)
    else if (typeof n === 'number' && n > 0 && n >>> 0 === n) this.header(58 /* : */, n)
    else this.ascii(':' + n + '\r\n')
  }

  bulk(b: Buffer | null): void {
    if (b === null) {
      this.raw(this.resp === 2 ? Shared.nullBulk : Shared.null3)
      return
    }
    this.header(36 /* $ */, b.length)
    if (b.length >= ZERO_COPY_MIN) {
      this.raw(b)
      this.raw(CRLF)
    } else {
      this.reserve(b.length + 2)
      this.copyIn(b)
      this.slab[this.pos++] = 13
      this.slab[this.pos++] = 10
    }
  }

  /** Bulk string from a binary string (latin1, one char per byte). */
  bulkBinary(s: string): void {
    this.header(36 /* $ */, s.length)
    this.ascii(s)
    this.reserve(2)
    this.slab[this.pos++] = 13
    this.slab[this.pos++] = 10
  }

  /** Bulk string from text, encoded as UTF-8. */
  bulkText(s: string): void {
    const len = Buffer.byteLength(s, 'utf8')
    this.ascii('$' + len + '\r\n')
    this.reserve(len + 2)
    this.pos += this.slab.write(s, this.pos, 'utf8')
    this.slab[this.pos++] = 13
    this.slab[this.pos++] = 10
  }

  /**
   * addReplyDouble: Redis 7.0 prints doubles with %.17g ("inf"/"-inf" for infinities), as a
   * bulk string in RESP2 and as a RESP3 double (`,1.5`).
   */
  double(d: number): void {
    if (this.resp === 2) this.bulkBinary(formatDouble17g(d))
    else this.ascii(',' + formatDouble17g(d) + '\r\n')
  }

  /** addReplyNull: `$-1` in RESP2, `_` in RESP3. */
  nullBulk(): void {
    this.raw(this.resp === 2 ? Shared.nullBulk : Shared.null3)
  }

  /** addReplyNull (the same as nullBulk; named for RESP3 readers). */
  null(): void {
    this.raw(this.resp === 2 ? Shared.nullBulk : Shared.null3)
  }

  /** addReplyBool: `:1`/`:0` in RESP2, `#t`/`#f` in RESP3. */
  bool(b: boolean): void {
    if (this.resp === 2) this.raw(b ? Shared.cone : Shared.czero)
    else this.raw(b ? Shared.true3 : Shared.false3)
  }

  /**
   * addReplyVerbatim: text (UTF-8) as a bulk string in RESP2, as a RESP3 verbatim string
   * (`=len\r\ntxt:...`) with a 3-letter format ('txt' or 'mkd') in RESP3.
   */
  verbatim(text: string, format = 'txt'): void {
    if (this.resp === 2) {
      this.bulkText(text)
      return
    }
    const len = Buffer.byteLength(text, 'utf8') + 4
    this.ascii('=' + len + '\r\n' + format + ':')
    this.reserve(len - 2)
    this.pos += this.slab.write(text, this.pos, 'utf8')
    this.slab[this.pos++] = 13
    this.slab[this.pos++] = 10
  }

  /** addReplyBigNum: digits as a bulk string in RESP2, `(digits` in RESP3. */
  bigNumber(digits: string): void {
    if (this.resp === 2) this.bulkBinary(digits)
    else this.ascii('(' + digits + '\r\n')
  }

  arrayLen(n: number): void {
    if (n === 0) this.raw(Shared.emptyArray)
    else if (n > 0) this.header(42 /* * */, n)
    else this.ascii('*' + n + '\r\n')
  }

  /** addReplyNullArray: `*-1` in RESP2, `_` in RESP3. */
  nullArray(): void {
    this.raw(this.resp === 2 ? Shared.nullArray : Shared.null3)
  }

  /** A map of n pairs: `%n` in RESP3; RESP2 has no map, so an array of 2n elements. */
  mapLen(n: number): void {
    if (this.resp === 2) this.arrayLen(n * 2)
    else this.ascii('%' + n + '\r\n')
  }

  /** A set: `~n` in RESP3; an array in RESP2. */
  setLen(n: number): void {
    if (this.resp === 2) this.arrayLen(n)
    else this.ascii('~' + n + '\r\n')
  }

  /** An out-of-band push (pub/sub messages, invalidations): `>n` in RESP3, an array in RESP2. */
  pushLen(n: number): void {
    if (this.resp === 2) this.arrayLen(n)
    else this.ascii('>' + n + '\r\n')
  }

  /** RESP3 attribute (`|n`, n pairs) preceding a reply; nothing in RESP2 (callers skip the pairs). */
  attributeLen(n: number): void {
    this.ascii('|' + n + '\r\n')
  }

  /** Writes everything pending to the sink. Returns the number of bytes written. */
  flush(): number {
    this.cut()
    const chunks = this.chunks
    if (chunks.length === 0) return 0
    const bytes = this.chunkBytes
    this.chunkBytes = 0
    if (chunks.length === 1) {
      // The usual case (one reply region per input batch): no new array per flush.
      const only = chunks[0]!
      chunks.length = 0
      this.sink.write(only)
    } else {
      this.chunks = []
      this.sink.cork?.()
      for (const c of chunks) this.sink.write(c)
      this.sink.uncork?.()
    }
    this.bytesWritten += bytes
    // Written memory nobody holds: the slab is written again from its start, so a busy
    // client keeps reusing one warm slab instead of faulting in a fresh one every 64 KB.
    if (this.sink.drained?.() === true) this.start = this.pos = 0
    return bytes
  }

  /** Forgets pending output (client being closed without flushing). */
  discard(): void {
    this.cut()
    this.chunks = []
    this.chunkBytes = 0
  }
}
