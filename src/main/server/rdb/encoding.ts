/**
 * The RDB primitives (rdb.c's rdbSaveLen/rdbLoadLen, string encodings, expire times,
 * binary doubles), shared by the file reader/writer, DUMP/RESTORE and full sync.
 * Lengths are big-endian; integer strings, times and doubles little-endian.
 */
import { RdbError } from './errors'
import { lzfCompressInto, lzfDecompress, LzfError } from './lzf'
import { canonicalInt } from './string-int'
import { binaryString } from '../util'

const ENC_INT8 = 0
const ENC_INT16 = 1
const ENC_INT32 = 2
const ENC_LZF = 3

const SLAB_BYTES = 64 * 1024
/** Where string() compresses (then copies the result into its slab): no Buffer per string. */
let lzfScratch = Buffer.allocUnsafe(4096)
/** Up to this many bytes a JS loop copies faster than TypedArray#set / Buffer#write. */
const SMALL_COPY = 48

/**
 * A synchronous consumer of output (SAVE's file): each chunk is only valid during the call,
 * so one slab serves the whole save and nothing accumulates (no 25 MB of Buffers per 1M keys
 * for the garbage collector to account for).
 */
export type RdbSink = (chunk: Buffer) => void

/** Appends to a growing list of chunks (or hands them to a sink); small writes go through one scratch slab. */
export class RdbWriter {
  private chunks: Buffer[] = []
  private slab = Buffer.allocUnsafe(SLAB_BYTES)
  private pos = 0
  /** Total bytes written so far. */
  length = 0

  constructor(
    readonly compress = true,
    private readonly sink: RdbSink | null = null
  ) {}

  private room(n: number): void {
    if (this.pos + n <= this.slab.length) return
    this.cut()
    if (n > this.slab.length) this.slab = Buffer.allocUnsafe(n)
  }

  private cut(): void {
    if (this.pos === 0) return
    if (this.sink !== null) {
      this.sink(this.slab.subarray(0, this.pos))
    } else if (this.pos >= this.slab.length >> 1) {
      // Mostly full: hand the slab over instead of copying it.
      this.chunks.push(this.slab.subarray(0, this.pos))
      this.slab = Buffer.allocUnsafe(SLAB_BYTES)
    } else {
      this.chunks.push(Buffer.from(this.slab.subarray(0, this.pos)))
    }
    this.pos = 0
  }

  byte(b: number): void {
    this.room(1)
    this.slab[this.pos++] = b
    this.length++
  }

  raw(buf: Uint8Array): void {
    if (buf.length > 4096) {
      this.cut()
      // A sink consumes it before anything can change it: no copy.
      if (this.sink !== null) this.sink(Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.length))
      else this.chunks.push(Buffer.from(buf))
    } else {
      this.room(buf.length)
      const slab = this.slab
      const n = buf.length
      if (n <= SMALL_COPY) {
        let p = this.pos
        for (let i = 0; i < n; i++) slab[p++] = buf[i]!
      } else slab.set(buf, this.pos)
      this.pos += n
    }
    this.length += buf.length
  }

  /** raw(buf.subarray(0, n)) without the view (one per compressed string otherwise). */
  private rawPrefix(buf: Buffer, n: number): void {
    if (n > 4096) {
      this.raw(buf.subarray(0, n))
      return
    }
    this.room(n)
    const slab = this.slab
    if (n <= SMALL_COPY) {
      let p = this.pos
      for (let i = 0; i < n; i++) slab[p++] = buf[i]!
    } else buf.copy(slab, this.pos, 0, n)
    this.pos += n
    this.length += n
  }

  /**
   * string() of a binary (latin1) JS string, as keys are held: written straight into the
   * slab, without a Buffer per key, unless it may take an integer or LZF encoding.
   */
  latin1String(s: string): void {
    const n = s.length
    const c0 = n > 0 ? s.charCodeAt(0) : 0
    if ((n <= 11 && (c0 === 0x2d || (c0 >= 0x30 && c0 <= 0x39))) || (this.compress && n > 20) || n > 4096) {
      this.string(Buffer.from(s, 'latin1'))
      return
    }
    this.len(n)
    this.room(n)
    const slab = this.slab
    if (n <= SMALL_COPY) {
      let p = this.pos
      for (let i = 0; i < n; i++) slab[p++] = s.charCodeAt(i)
    } else slab.write(s, this.pos, n, 'latin1')
    this.pos += n
    this.length += n
  }

  len(n: number): void {
    if (n < 64) this.byte(n)
    else if (n < 16384) {
      this.byte(0x40 | (n >> 8))
      this.byte(n & 0xff)
    } else if (n <= 0xffffffff) {
      this.room(5)
      this.slab[this.pos] = 0x80
      this.slab.writeUInt32BE(n, this.pos + 1)
      this.pos += 5
      this.length += 5
    } else {
      this.room(9)
      this.slab[this.pos] = 0x81
      this.slab.writeBigUInt64BE(BigInt(n), this.pos + 1)
      this.pos += 9
      this.length += 9
    }
  }

  /** rdbSaveRawString: integer encoding when it applies, LZF when worth it, else plain. */
  string(s: Uint8Array): void {
    if (s.length <= 11 && (s[0] === 0x2d || (s[0]! >= 0x30 && s[0]! <= 0x39))) {
      const v = canonicalInt(s)
      if (typeof v === 'number' && v >= -2147483648 && v <= 2147483647) {
        this.room(5)
        if (v >= -128 && v <= 127) {
          this.slab[this.pos++] = 0xc0 | ENC_INT8
          this.slab.writeInt8(v, this.pos)
          this.pos += 1
          this.length += 2
        } else if (v >= -32768 && v <= 32767) {
          this.slab[this.pos++] = 0xc0 | ENC_INT16
          this.slab.writeInt16LE(v, this.pos)
          this.pos += 2
          this.length += 3
        } else {
          this.slab[this.pos++] = 0xc0 | ENC_INT32
          this.slab.writeInt32LE(v, this.pos)
          this.pos += 4
          this.length += 5
        }
        return
      }
    }
    if (this.compress && s.length > 20) {
      // Redis keeps the compressed form only when it saves at least 4 bytes.
      const maxOut = s.length - 4
      if (lzfScratch.length < maxOut + 64) lzfScratch = Buffer.allocUnsafe(Math.max(maxOut + 64, lzfScratch.length * 2))
      const clen = lzfCompressInto(s, maxOut, lzfScratch, 0)
      if (clen >= 0) {
        this.byte(0xc0 | ENC_LZF)
        this.len(clen)
        this.len(s.length)
        this.rawPrefix(lzfScratch, clen)
        return
      }
    }
    this.len(s.length)
    this.raw(s)
  }

  /** 8-byte little-endian signed milliseconds (EXPIRETIME_MS payload). */
  millis(ms: number): void {
    this.room(8)
    this.slab.writeBigInt64LE(BigInt(ms), this.pos)
    this.pos += 8
    this.length += 8
  }

  /** 8-byte IEEE-754 little-endian (ZSET_2 scores). */
  binaryDouble(d: number): void {
    this.room(8)
    this.slab.writeDoubleLE(d, this.pos)
    this.pos += 8
    this.length += 8
  }

  /** Takes everything written so far (the writer can go on). */
  take(): Buffer[] {
    this.cut()
    const out = this.chunks
    this.chunks = []
    return out
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.take())
  }
}

/**
 * A plain string (length-prefixed raw bytes: 6-, 14- or 32-bit length, not an integer or
 * LZF encoding) whose length prefix is at `at`: where its bytes start, or -1 when the string
 * there is encoded otherwise or its prefix runs past the end. See plainStringLength.
 */
export function plainStringStart(buf: Uint8Array, at: number): number {
  if (at >= buf.length) return -1
  const b = buf[at]!
  if (b < 0x40) return at + 1
  if (b < 0x80) return at + 1 < buf.length ? at + 2 : -1
  if (b === 0x80) return at + 4 < buf.length ? at + 5 : -1
  return -1
}

/** The length of the plain string whose prefix is at `at` (plainStringStart said it is one). */
export function plainStringLength(buf: Uint8Array, at: number): number {
  const b = buf[at]!
  if (b < 0x40) return b
  if (b < 0x80) return ((b & 0x3f) << 8) | buf[at + 1]!
  return ((buf[at + 1]! << 24) >>> 0) + (buf[at + 2]! << 16) + (buf[at + 3]! << 8) + buf[at + 4]!
}

/** A copy of the plain string whose prefix is at `at` (a value loaded in place: KeyTable). */
export function plainStringCopy(buf: Buffer, at: number): Buffer {
  const start = plainStringStart(buf, at)
  const out = Buffer.allocUnsafe(plainStringLength(buf, at))
  buf.copy(out, 0, start, start + out.length)
  return out
}

/** A bounds-checked cursor: every read past the end is an RdbError naming the offset. */
export class RdbReader {
  pos = 0

  constructor(readonly buf: Buffer) {}

  get remaining(): number {
    return this.buf.length - this.pos
  }

  private need(n: number, what: string): void {
    if (this.pos + n > this.buf.length) throw new RdbError(`truncated: ${what} needs ${n} bytes`, this.pos)
  }

  byte(): number {
    this.need(1, 'a byte')
    return this.buf[this.pos++]!
  }

  /**
   * string() as a binary (latin1) JS string, as keys are held; plain strings are decoded
   * straight from the image, without an intermediate Buffer.
   */
  latin1String(): string {
    const buf = this.buf
    const p = this.pos
    if (p < buf.length) {
      const b = buf[p]!
      if (b < 0x40) {
        const end = p + 1 + b
        if (end <= buf.length) {
          this.pos = end
          return binaryString(buf, p + 1, end)
        }
      }
    }
    return this.string().toString('latin1')
  }

  /**
   * A plain string is skipped and its offset returned (its bytes stay in the image, read
   * later with plainStringCopy); -1, nothing read, when the string is encoded otherwise.
   */
  skipPlainString(): number {
    const at = this.pos
    const start = plainStringStart(this.buf, at)
    if (start < 0) return -1
    const end = start + plainStringLength(this.buf, at)
    if (end > this.buf.length) return -1 // string() reports the truncation
    this.pos = end
    return at
  }

  /** string() as a Buffer of its own (not a view of the image, which it would keep alive). */
  stringCopy(): Buffer {
    const buf = this.buf
    const p = this.pos
    const b = p < buf.length ? buf[p]! : 0xff
    let start: number
    let n: number
    if (b < 0x40) {
      start = p + 1
      n = b
    } else if (b < 0x80 && p + 1 < buf.length) {
      start = p + 2
      n = ((b & 0x3f) << 8) | buf[p + 1]!
    } else {
      // Integer and LZF encodings already produce a fresh Buffer.
      return (b & 0xc0) === 0xc0 ? this.string() : Buffer.from(this.string())
    }
    if (start + n > buf.length) return this.string() // throws the truncation error
    const out = Buffer.allocUnsafe(n)
    if (n <= SMALL_COPY) {
      for (let i = 0; i < n; i++) out[i] = buf[start + i]!
    } else buf.copy(out, 0, start, start + n)
    this.pos = start + n
    return out
  }

  bytes(n: number, what = 'data'): Buffer {
    this.need(n, what)
    const out = this.buf.subarray(this.pos, this.pos + n)
    this.pos += n
    return out
  }

  /** rdbLoadLenByRef: a length, or a special encoding (isEncoded) from the low 6 bits. */
  lenOrEncoding(): { len: number; encoded: boolean } {
    const at = this.pos
    const b = this.byte()
    const type = b >> 6
    if (type === 0) return { len: b & 0x3f, encoded: false }
    if (type === 1) return { len: ((b & 0x3f) << 8) | this.byte(), encoded: false }
    if (type === 3) return { len: b & 0x3f, encoded: true }
    if (b === 0x80) {
      this.need(4, 'a 32-bit length')
      const v = this.buf.readUInt32BE(this.pos)
      this.pos += 4
      return { len: v, encoded: false }
    }
    if (b === 0x81) {
      this.need(8, 'a 64-bit length')
      const v = this.buf.readBigUInt64BE(this.pos)
      this.pos += 8
      if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new RdbError('length too large', at)
      return { len: Number(v), encoded: false }
    }
    throw new RdbError(`unknown length encoding 0x${b.toString(16)}`, at)
  }

  len(): number {
    const at = this.pos
    const { len, encoded } = this.lenOrEncoding()
    if (encoded) throw new RdbError('expected a length, found a string encoding', at)
    return len
  }

  /** rdbGenericLoadStringObject: plain, integer-encoded or LZF strings. */
  string(): Buffer {
    const at = this.pos
    const { len, encoded } = this.lenOrEncoding()
    if (!encoded) return this.bytes(len, 'a string')
    switch (len) {
      case ENC_INT8:
        return Buffer.from(String(this.bytes(1).readInt8(0)))
      case ENC_INT16:
        return Buffer.from(String(this.bytes(2).readInt16LE(0)))
      case ENC_INT32:
        return Buffer.from(String(this.bytes(4).readInt32LE(0)))
      case ENC_LZF: {
        const clen = this.len()
        const ulen = this.len()
        const data = this.bytes(clen, 'an LZF string')
        try {
          return lzfDecompress(data, ulen)
        } catch (err) {
          if (err instanceof LzfError) throw new RdbError(`invalid LZF string: ${err.message}`, at)
          throw err
        }
      }
      default:
        throw new RdbError(`unknown string encoding ${len}`, at)
    }
  }

  millis(): number {
    this.need(8, 'an expire time')
    const v = this.buf.readBigInt64LE(this.pos)
    this.pos += 8
    return Number(v)
  }

  seconds(): number {
    this.need(4, 'an expire time')
    const v = this.buf.readInt32LE(this.pos)
    this.pos += 4
    return v
  }

  binaryDouble(): number {
    this.need(8, 'a double')
    const v = this.buf.readDoubleLE(this.pos)
    this.pos += 8
    return v
  }

  /** The old ZSET (type 3) score: 1-byte length + ASCII, 253 NaN, 254 +inf, 255 -inf. */
  asciiDouble(): number {
    const at = this.pos
    const n = this.byte()
    if (n === 253) return NaN
    if (n === 254) return Infinity
    if (n === 255) return -Infinity
    const v = Number(this.bytes(n, 'a score').toString('latin1'))
    if (Number.isNaN(v)) throw new RdbError('invalid score', at)
    return v
  }
}
