/**
 * The value of a list (Redis 7.0's quicklist; OBJECT ENCODING always says 'quicklist').
 *
 * A ring buffer of elements: O(1) push/pop at both ends, O(1) index (LINDEX/LSET), O(N)
 * middle insertions/removals (LINSERT, LREM) like Redis's.
 *
 * A short element is kept as a binary string (one char per byte), a longer one pre-encoded
 * as a RESP bulk string ("$3\r\nfoo\r\n", an immutable Buffer owned by the list). Strings
 * because a list of many small values is what lists mostly hold: a V8 string of a few bytes
 * is ~24 bytes on the heap where a Buffer view is ~100, and the young-generation GC copies
 * every pushed element that survives (LPUSH spent more in the GC than in the command).
 * Long values stay off the V8 heap as Buffers. LRANGE/LINDEX/LPOP reply straight from the
 * stored element (getRaw + replyElement). The value-level API (push, get, pop, iteration)
 * takes and returns plain values; pushing copies its argument, so socket views may be passed.
 */
import { allocBytes } from '../byte-arena'
import { decimalDigits, writeDecimal } from '../resp/decimal'
import type { ReplyWriter } from '../resp/reply-writer'
import { binaryString } from '../util'

/** A stored element: a binary string (short values) or a pre-encoded RESP bulk. */
export type ListElement = string | Buffer

/** Values up to this many bytes are stored as strings. */
const SHORT_MAX = 64

function toElement(v: Uint8Array): ListElement {
  return v.length <= SHORT_MAX ? binaryString(v as Buffer) : encodeBulk(v)
}

/** The value of an element (a fresh Buffer for a string, a view of an encoded bulk). */
function elementValue(e: ListElement): Buffer {
  if (typeof e !== 'string') return bulkValue(e)
  const n = e.length
  const out = allocBytes(n)
  for (let i = 0; i < n; i++) out[i] = e.charCodeAt(i)
  return out
}

/** Replies with a stored element as a bulk string. */
export function replyElement(reply: ReplyWriter, e: ListElement): void {
  if (typeof e === 'string') reply.bulkBinary(e)
  else reply.raw(e)
}

/** A RESP bulk string holding v (a fresh Buffer). */
function encodeBulk(v: Uint8Array): Buffer {
  const len = v.length
  // `$<len>\r\n` written byte by byte: no header string, no call into Buffer#write.
  const digits = decimalDigits(len)
  const headLen = digits + 3
  const out = allocBytes(headLen + len + 2)
  out[0] = 36
  writeDecimal(out, digits + 1, len)
  out[digits + 1] = 13
  out[digits + 2] = 10
  if (len < 64) for (let i = 0; i < len; i++) out[headLen + i] = v[i]!
  else out.set(v, headLen)
  out[headLen + len] = 13
  out[headLen + len + 1] = 10
  return out
}

/** Start of the payload in an encoded bulk. */
function payloadStart(enc: Buffer): number {
  let p = 1
  while (enc[p] !== 10) p++
  return p + 1
}

/** The value inside an encoded bulk (a view). */
function bulkValue(enc: Buffer): Buffer {
  return enc.subarray(payloadStart(enc), enc.length - 2)
}
export class RedisList {
  private buf: (ListElement | undefined)[]
  private head = 0
  private len = 0
  /** buf.length - 1; buf.length is a power of two. */
  private mask: number

  constructor(capacity = 8) {
    let cap = 8
    while (cap < capacity) cap *= 2
    this.buf = new Array<ListElement | undefined>(cap)
    this.mask = cap - 1
  }

  /** A list holding items (values), head to tail. */
  static from(items: Iterable<Uint8Array>): RedisList {
    const arr = Array.isArray(items) ? (items as Uint8Array[]) : [...items]
    const l = new RedisList(arr.length)
    for (let i = 0; i < arr.length; i++) l.buf[i] = toElement(arr[i]!)
    l.len = arr.length
    return l
  }

  get length(): number {
    return this.len
  }

  encoding(): 'quicklist' {
    return 'quicklist'
  }

  private grow(): void {
    const old = this.buf
    const cap = old.length * 2
    const nb = new Array<ListElement | undefined>(cap)
    for (let i = 0; i < this.len; i++) nb[i] = old[(this.head + i) & this.mask]
    this.buf = nb
    this.head = 0
    this.mask = cap - 1
  }

  /** Halves the storage when mostly empty (after big pops). */
  private maybeShrink(): void {
    const cap = this.buf.length
    if (cap > 64 && this.len < cap >>> 2) {
      const nb = new Array<ListElement | undefined>(cap >>> 1)
      for (let i = 0; i < this.len; i++) nb[i] = this.buf[(this.head + i) & this.mask]
      this.buf = nb
      this.head = 0
      this.mask = (cap >>> 1) - 1
    }
  }

  /** Pushes a stored element (from getRaw/popHeadRaw of a list). */
  pushHeadRaw(enc: ListElement): void {
    if (this.len === this.buf.length) this.grow()
    this.head = (this.head - 1) & this.mask
    this.buf[this.head] = enc
    this.len++
  }

  pushTailRaw(enc: ListElement): void {
    if (this.len === this.buf.length) this.grow()
    this.buf[(this.head + this.len) & this.mask] = enc
    this.len++
  }

  /** Pushes a copy of v at the head. */
  pushHead(v: Uint8Array): void {
    this.pushHeadRaw(toElement(v))
  }

  pushTail(v: Uint8Array): void {
    this.pushTailRaw(toElement(v))
  }

  /** Alias used by generic builders (SORT … STORE). */
  rpush(v: Uint8Array): void {
    this.pushTail(v)
  }

  popHeadRaw(): ListElement | undefined {
    if (this.len === 0) return undefined
    const v = this.buf[this.head]
    this.buf[this.head] = undefined
    this.head = (this.head + 1) & this.mask
    this.len--
    if ((this.len & 63) === 0) this.maybeShrink()
    return v
  }

  popTailRaw(): ListElement | undefined {
    if (this.len === 0) return undefined
    const i = (this.head + this.len - 1) & this.mask
    const v = this.buf[i]
    this.buf[i] = undefined
    this.len--
    if ((this.len & 63) === 0) this.maybeShrink()
    return v
  }

  popHead(): Buffer | undefined {
    const e = this.popHeadRaw()
    return e === undefined ? undefined : elementValue(e)
  }

  popTail(): Buffer | undefined {
    const e = this.popTailRaw()
    return e === undefined ? undefined : elementValue(e)
  }

  /** Stored element at index 0..length-1, undefined out of range. */
  getRaw(index: number): ListElement | undefined {
    if (index < 0 || index >= this.len) return undefined
    return this.buf[(this.head + index) & this.mask]
  }

  /** Value at index 0..length-1, undefined out of range. */
  get(index: number): Buffer | undefined {
    const e = this.getRaw(index)
    return e === undefined ? undefined : elementValue(e)
  }

  /** Is the element at index (in range) equal to v? */
  equalsAt(index: number, v: Uint8Array): boolean {
    const e = this.buf[(this.head + index) & this.mask]!
    if (typeof e === 'string') {
      if (e.length !== v.length) return false
      for (let i = 0; i < v.length; i++) if (e.charCodeAt(i) !== v[i]) return false
      return true
    }
    const start = payloadStart(e)
    if (e.length - 2 - start !== v.length) return false
    return e.compare(v, 0, v.length, start, e.length - 2) === 0
  }

  /** Replaces the element at index (in range) by a copy of v. */
  set(index: number, v: Uint8Array): void {
    this.buf[(this.head + index) & this.mask] = toElement(v)
  }

  /** Inserts a copy of v so that it ends up at `index` (0..length), shifting the shorter side. */
  insertAt(index: number, v: Uint8Array): void {
    if (index <= 0) return this.pushHead(v)
    if (index >= this.len) return this.pushTail(v)
    if (this.len === this.buf.length) this.grow()
    const m = this.mask
    if (index < this.len - index) {
      // Shift [0, index) one slot towards the head.
      this.head = (this.head - 1) & m
      for (let i = 0; i < index; i++) this.buf[(this.head + i) & m] = this.buf[(this.head + i + 1) & m]
    } else {
      for (let i = this.len; i > index; i--) this.buf[(this.head + i) & m] = this.buf[(this.head + i - 1) & m]
    }
    this.buf[(this.head + index) & m] = toElement(v)
    this.len++
  }

  /** Keeps elements [start, end] (inclusive, already clamped; start > end empties). */
  trim(start: number, end: number): void {
    if (start > end || start >= this.len) {
      this.clear()
      return
    }
    const m = this.mask
    for (let i = 0; i < start; i++) this.buf[(this.head + i) & m] = undefined
    for (let i = end + 1; i < this.len; i++) this.buf[(this.head + i) & m] = undefined
    this.head = (this.head + start) & m
    this.len = end - start + 1
    this.maybeShrink()
  }

  clear(): void {
    this.buf = new Array<ListElement | undefined>(8)
    this.mask = 7
    this.head = 0
    this.len = 0
  }

  /**
   * LREM: removes up to `limit` elements equal to v (0 = all), scanning from the head, or
   * from the tail when fromTail. Returns how many were removed. O(N).
   */
  remove(v: Uint8Array, limit: number, fromTail: boolean): number {
    const n = this.len
    const m = this.mask
    const b = this.buf
    const h = this.head
    let removed = 0
    if (!fromTail) {
      let w = 0
      for (let r = 0; r < n; r++) {
        const e = b[(h + r) & m]!
        if ((limit === 0 || removed < limit) && this.equalsAt(r, v)) {
          removed++
          continue
        }
        if (w !== r) b[(h + w) & m] = e
        w++
      }
      for (let i = w; i < n; i++) b[(h + i) & m] = undefined
      this.len = w
    } else {
      let w = n - 1
      for (let r = n - 1; r >= 0; r--) {
        const e = b[(h + r) & m]!
        if ((limit === 0 || removed < limit) && this.equalsAt(r, v)) {
          removed++
          continue
        }
        if (w !== r) b[(h + w) & m] = e
        w--
      }
      // Elements now occupy [w+1, n).
      for (let i = 0; i <= w; i++) b[(h + i) & m] = undefined
      this.head = (h + w + 1) & m
      this.len = n - (w + 1)
    }
    if (removed > 0) this.maybeShrink()
    return removed
  }

  /** Values head to tail, as a new array. */
  toArray(): Buffer[] {
    const out = new Array<Buffer>(this.len)
    for (let i = 0; i < this.len; i++) out[i] = elementValue(this.buf[(this.head + i) & this.mask]!)
    return out
  }

  *[Symbol.iterator](): IterableIterator<Buffer> {
    for (let i = 0; i < this.len; i++) yield elementValue(this.buf[(this.head + i) & this.mask]!)
  }

  /** COPY: stored elements are immutable, so the copy shares them. */
  clone(): RedisList {
    const l = new RedisList(this.len)
    for (let i = 0; i < this.len; i++) l.buf[i] = this.buf[(this.head + i) & this.mask]
    l.len = this.len
    return l
  }
}
