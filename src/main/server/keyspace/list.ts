/**
 * The value of a list: Redis 7.0's quicklist (OBJECT ENCODING always says 'quicklist'), a
 * sequence of nodes of up to 8 KB each (list-max-listpack-size -2).
 *
 * A node packs its elements into one byte buffer, each already encoded as the RESP bulk
 * string it is replied as (`$3\r\nfoo\r\n`), with an Int32Array of where each one starts.
 * Both keep free room at both ends, so pushes and pops at either end are O(1) and write no
 * more than the element's bytes. Why packed: a list holds many small values, and one JS
 * object per element (a string or a Buffer view) made LPUSH spend more in the young-
 * generation GC, the write barrier and the page faults of a growing heap than in the
 * command. Here an element is bytes in a buffer the GC never looks inside; LRANGE copies a
 * node's run of elements into the reply in one go, LPOP copies one.
 *
 * Positions are found by walking node counts from the nearer end (O(nodes), like Redis's
 * quicklistGetIteratorAtIdx), then O(1) inside the node. Operations in the middle (LSET,
 * LINSERT, LREM) rebuild or compact the one node they touch; a node that grows past 8 KB
 * is split in two. The value-level API (push, get, pop, iteration) takes and returns plain
 * values; pushing copies its argument, so socket views may be passed.
 */
import { allocBytes } from '../byte-arena'
import { decimalDigits, writeDecimal } from '../resp/decimal'
import type { ReplyWriter } from '../resp/reply-writer'

/** An element as moved between lists (LMOVE, popRaw/pushRaw): its encoded RESP bulk, a Buffer of its own. */
export type ListElement = Buffer

/** list-max-listpack-size -2: a node takes entries while it holds at most this many bytes. */
const NODE_BYTES = 8192
/** The first node of a list starts this small (most lists are short) and doubles. */
const FIRST_NODE_BYTES = 64
const FIRST_OFFSETS = 8

/** Bytes of an element of `len` bytes encoded: `$<len>\r\n<bytes>\r\n`. */
function entrySize(len: number): number {
  return decimalDigits(len) + len + 5
}

/** Encodes v as a RESP bulk at out[at]. */
function writeEntry(out: Uint8Array, at: number, v: Uint8Array): void {
  const len = v.length
  const digits = decimalDigits(len)
  out[at] = 36
  let p = at + 1 + digits
  writeDecimal(out, p, len)
  out[p] = 13
  out[p + 1] = 10
  p += 2
  // A short value is copied faster by a loop than by a call into TypedArray#set.
  if (len <= 32) for (let i = 0; i < len; i++) out[p + i] = v[i]!
  else out.set(v, p)
  p += len
  out[p] = 13
  out[p + 1] = 10
}

/** Where the payload of the entry starting at `start` begins (after `$<len>\r\n`). */
function payloadAt(bytes: Uint8Array, start: number): number {
  let p = start + 1
  while (bytes[p] !== 10) p++
  return p + 1
}

class ListNode {
  /** Entries occupy bytes[lo, hi). */
  bytes: Buffer
  lo: number
  hi: number
  /** Entry i (0-based) starts at offs[olo + i]; entries are offs[olo, ohi). */
  offs: Int32Array
  olo: number
  ohi: number

  /** An empty node with its room on the side it is pushed from. */
  constructor(capacity: number, atHead: boolean, offsets = FIRST_OFFSETS) {
    this.bytes = allocBytes(capacity)
    this.lo = this.hi = atHead ? capacity : 0
    this.offs = new Int32Array(offsets)
    this.olo = this.ohi = atHead ? offsets : 0
  }

  get count(): number {
    return this.ohi - this.olo
  }

  /** Bytes of the entries. */
  get size(): number {
    return this.hi - this.lo
  }

  start(k: number): number {
    return this.offs[this.olo + k]!
  }

  end(k: number): number {
    return this.olo + k + 1 < this.ohi ? this.offs[this.olo + k + 1]! : this.hi
  }

  /** Makes room for an entry of `need` bytes and its offset at the head (or the tail). */
  reserve(need: number, atHead: boolean): void {
    if (atHead ? this.lo < need : this.bytes.length - this.hi < need) this.placeBytes(need, atHead)
    if (atHead ? this.olo === 0 : this.ohi === this.offs.length) this.placeOffsets(atHead)
  }

  /**
   * Moves the entries (into a larger buffer when they no longer fit) so that `need` bytes
   * are free on the pushed side: three quarters of the spare room there, a quarter on the
   * other, so pushes that alternate sides do not move the entries on every push.
   */
  private placeBytes(need: number, atHead: boolean): void {
    const used = this.hi - this.lo
    const want = used + need
    const old = this.bytes
    let cap = old.length
    if (want > cap) cap = Math.max(want, Math.min(cap * 2, NODE_BYTES))
    const spare = cap - want
    const lo = atHead ? need + spare - (spare >>> 2) : spare >>> 2
    if (cap === old.length) old.copyWithin(lo, this.lo, this.hi)
    else {
      const fresh = allocBytes(cap)
      old.copy(fresh, lo, this.lo, this.hi)
      this.bytes = fresh
    }
    const delta = lo - this.lo
    const offs = this.offs
    for (let i = this.olo; i < this.ohi; i++) offs[i]! += delta
    this.lo = lo
    this.hi = lo + used
  }

  private placeOffsets(atHead: boolean): void {
    const n = this.ohi - this.olo
    const old = this.offs
    const cap = n + 1 > old.length ? old.length * 2 : old.length
    const spare = cap - n - 1
    const olo = atHead ? 1 + spare - (spare >>> 2) : spare >>> 2
    if (cap === old.length) old.copyWithin(olo, this.olo, this.ohi)
    else {
      const fresh = new Int32Array(cap)
      fresh.set(old.subarray(this.olo, this.ohi), olo)
      this.offs = fresh
    }
    this.olo = olo
    this.ohi = olo + n
  }

  /** Drops the first k entries (k < count). */
  dropHead(k: number): void {
    this.olo += k
    this.lo = this.offs[this.olo]!
  }

  /** Drops the last k entries (k < count). */
  dropTail(k: number): void {
    this.ohi -= k
    this.hi = this.offs[this.ohi]!
  }

  /** Is entry k's value equal to v? */
  equals(k: number, v: Uint8Array): boolean {
    const b = this.bytes
    const p = payloadAt(b, this.start(k))
    const n = this.end(k) - 2 - p
    if (n !== v.length) return false
    if (n <= 32) {
      for (let i = 0; i < n; i++) if (b[p + i] !== v[i]) return false
      return true
    }
    return b.compare(v, 0, n, p, p + n) === 0
  }

  /** Entry k's value (a copy). */
  value(k: number): Buffer {
    const p = payloadAt(this.bytes, this.start(k))
    const e = this.end(k) - 2
    const out = allocBytes(e - p)
    this.bytes.copy(out, 0, p, e)
    return out
  }

  /** Entry k encoded (a copy). */
  encoded(k: number): Buffer {
    const s = this.start(k)
    const e = this.end(k)
    const out = allocBytes(e - s)
    this.bytes.copy(out, 0, s, e)
    return out
  }

  /** Entries [from, to) in a node of their own. */
  slice(from: number, to: number): ListNode {
    const s = from < this.count ? this.start(from) : this.hi
    const e = to < this.count ? this.start(to) : this.hi
    const n = new ListNode(Math.max(e - s, 1), false, Math.max(to - from, 1))
    this.bytes.copy(n.bytes, 0, s, e)
    for (let i = from; i < to; i++) n.offs[i - from] = this.start(i) - s
    n.hi = e - s
    n.ohi = to - from
    return n
  }

  /** Replaces entries [k, k + del) by the encoded entry `ins` (or by nothing): rebuilt in place of this one. */
  splice(k: number, del: number, ins: Uint8Array | null): void {
    const count = this.count
    const s = k < count ? this.start(k) : this.hi
    const e = k + del < count ? this.start(k + del) : this.hi
    const add = ins === null ? 0 : ins.length
    const used = this.hi - this.lo - (e - s) + add
    const bytes = allocBytes(Math.max(used, 1))
    this.bytes.copy(bytes, 0, this.lo, s)
    if (ins !== null) bytes.set(ins, s - this.lo)
    this.bytes.copy(bytes, s - this.lo + add, e, this.hi)
    const n = count - del + (ins === null ? 0 : 1)
    const offs = new Int32Array(Math.max(n, 1))
    let j = 0
    for (let i = 0; i < k; i++) offs[j++] = this.start(i) - this.lo
    if (ins !== null) offs[j++] = s - this.lo
    const shift = add - (e - s) - this.lo
    for (let i = k + del; i < count; i++) offs[j++] = this.start(i) + shift
    this.bytes = bytes
    this.offs = offs
    this.lo = this.olo = 0
    this.hi = used
    this.ohi = n
  }

  /** Removes the entries whose indexes `ks` lists (ascending), compacting in place. */
  removeEntries(ks: number[]): void {
    const b = this.bytes
    const o = this.offs
    const n = this.count
    let w = this.lo
    let wo = this.olo
    let r = 0
    for (let i = 0; i < n; i++) {
      // Read before anything at or after olo + i is overwritten (wo <= olo + i).
      const s = o[this.olo + i]!
      const e = i + 1 < n ? o[this.olo + i + 1]! : this.hi
      if (r < ks.length && ks[r] === i) {
        r++
        continue
      }
      if (w !== s) b.copyWithin(w, s, e)
      o[wo++] = w
      w += e - s
    }
    this.ohi = wo
    this.hi = w
  }

  /** A copy with its own memory. */
  clone(): ListNode {
    return this.slice(0, this.count)
  }
}

export class RedisList {
  private nodes: ListNode[] = []
  private len = 0
  /** Set by locate(): the node index and the entry in it. */
  private atNode = 0
  private atEntry = 0

  /** A list holding items (values), head to tail. */
  static from(items: Iterable<Uint8Array>): RedisList {
    const l = new RedisList()
    for (const v of items) l.pushTail(v)
    return l
  }

  get length(): number {
    return this.len
  }

  encoding(): 'quicklist' {
    return 'quicklist'
  }

  /** DEBUG OBJECT's ql_nodes and ql_uncompressed_size. */
  nodeStats(): { nodes: number; bytes: number } {
    let bytes = 0
    for (const n of this.nodes) bytes += n.size
    return { nodes: this.nodes.length, bytes }
  }

  /** A node with room for an entry of `need` bytes at the head, the entry's slot taken: write it at node.lo. */
  private headSlot(need: number): ListNode {
    let n = this.nodes[0]
    if (n === undefined || n.size + need > NODE_BYTES) {
      // A list that already fills a node is a long one: its next nodes start full-sized.
      n = new ListNode(Math.max(need, n === undefined ? FIRST_NODE_BYTES : NODE_BYTES), true)
      this.nodes.unshift(n)
    } else n.reserve(need, true)
    n.lo -= need
    n.offs[--n.olo] = n.lo
    this.len++
    return n
  }

  /** The same at the tail: write the entry at node.hi - need. */
  private tailSlot(need: number): ListNode {
    let n = this.nodes[this.nodes.length - 1]
    if (n === undefined || n.size + need > NODE_BYTES) {
      n = new ListNode(Math.max(need, n === undefined ? FIRST_NODE_BYTES : NODE_BYTES), false)
      this.nodes.push(n)
    } else n.reserve(need, false)
    n.offs[n.ohi++] = n.hi
    n.hi += need
    this.len++
    return n
  }

  /** Pushes a copy of v at the head. */
  pushHead(v: Uint8Array): void {
    const n = this.headSlot(entrySize(v.length))
    writeEntry(n.bytes, n.lo, v)
  }

  pushTail(v: Uint8Array): void {
    const need = entrySize(v.length)
    const n = this.tailSlot(need)
    writeEntry(n.bytes, n.hi - need, v)
  }

  /** Alias used by generic builders (SORT … STORE). */
  rpush(v: Uint8Array): void {
    this.pushTail(v)
  }

  /** Pushes an element popped by popRaw at the head (or the tail). */
  pushRaw(e: ListElement, atHead: boolean): void {
    if (atHead) {
      const n = this.headSlot(e.length)
      e.copy(n.bytes, n.lo)
    } else {
      const n = this.tailSlot(e.length)
      e.copy(n.bytes, n.hi - e.length)
    }
  }

  /** The node at the head (or the tail) end, undefined when the list is empty. */
  private endNode(atHead: boolean): ListNode | undefined {
    return this.nodes[atHead ? 0 : this.nodes.length - 1]
  }

  /** Removes the end element of a non-empty list; a node goes with its last element. */
  private dropEnd(atHead: boolean): void {
    const n = this.endNode(atHead)!
    if (n.count === 1) {
      if (atHead) this.nodes.shift()
      else this.nodes.pop()
    } else if (atHead) n.dropHead(1)
    else n.dropTail(1)
    this.len--
  }

  /** Pops the element at the head (or the tail) into the reply as a bulk string; false when empty. */
  replyPop(reply: ReplyWriter, atHead: boolean): boolean {
    const n = this.endNode(atHead)
    if (n === undefined) return false
    const k = atHead ? 0 : n.count - 1
    reply.copy(n.bytes, n.start(k), n.end(k))
    this.dropEnd(atHead)
    return true
  }

  /** Pops the end element, as its value or (for pushRaw) encoded. */
  private take(atHead: boolean, encoded: boolean): Buffer | undefined {
    const n = this.endNode(atHead)
    if (n === undefined) return undefined
    const k = atHead ? 0 : n.count - 1
    const v = encoded ? n.encoded(k) : n.value(k)
    this.dropEnd(atHead)
    return v
  }

  /** Pops the element at the head (or the tail) for pushRaw (LMOVE). */
  popRaw(atHead: boolean): ListElement | undefined {
    return this.take(atHead, true)
  }

  popHead(): Buffer | undefined {
    return this.take(true, false)
  }

  popTail(): Buffer | undefined {
    return this.take(false, false)
  }

  /** Finds index (0..length-1) from the nearer end: sets atNode and atEntry. */
  private locate(index: number): void {
    const nodes = this.nodes
    if (index < this.len >>> 1) {
      let i = 0
      while (index >= nodes[i]!.count) index -= nodes[i++]!.count
      this.atNode = i
      this.atEntry = index
    } else {
      let i = nodes.length - 1
      let back = this.len - 1 - index
      while (back >= nodes[i]!.count) back -= nodes[i--]!.count
      this.atNode = i
      this.atEntry = nodes[i]!.count - 1 - back
    }
  }

  /** Value at index 0..length-1 (a copy), undefined out of range. */
  get(index: number): Buffer | undefined {
    if (index < 0 || index >= this.len) return undefined
    this.locate(index)
    return this.nodes[this.atNode]!.value(this.atEntry)
  }

  /** Replies with the element at index as a bulk string; false (nothing written) out of range. */
  replyAt(reply: ReplyWriter, index: number): boolean {
    if (index < 0 || index >= this.len) return false
    this.locate(index)
    const n = this.nodes[this.atNode]!
    reply.copy(n.bytes, n.start(this.atEntry), n.end(this.atEntry))
    return true
  }

  /**
   * Replies with elements [start, end] (in range, start <= end) as bulk strings, reversed
   * when asked; the caller writes the array header. Forwards, each node's run of elements
   * is one copy.
   */
  replyRange(reply: ReplyWriter, start: number, end: number, reverse: boolean): void {
    let left = end - start + 1
    if (!reverse) {
      this.locate(start)
      let k = this.atEntry
      for (let i = this.atNode; left > 0; i++, k = 0) {
        const n = this.nodes[i]!
        const take = Math.min(n.count - k, left)
        reply.copy(n.bytes, n.start(k), n.end(k + take - 1))
        left -= take
      }
    } else {
      this.locate(end)
      let k = this.atEntry
      for (let i = this.atNode; left > 0; i--) {
        const n = this.nodes[i]!
        for (; k >= 0 && left > 0; k--, left--) reply.copy(n.bytes, n.start(k), n.end(k))
        if (i > 0) k = this.nodes[i - 1]!.count - 1
      }
    }
  }

  /** Is the element at index (in range) equal to v? */
  equalsAt(index: number, v: Uint8Array): boolean {
    this.locate(index)
    return this.nodes[this.atNode]!.equals(this.atEntry, v)
  }

  /**
   * Calls onMatch(index) for each element equal to v, from the head (or from the tail),
   * looking at no more than `maxlen` elements (0: all), until onMatch returns false.
   */
  scanEqual(v: Uint8Array, fromTail: boolean, maxlen: number, onMatch: (index: number) => boolean): void {
    const limit = maxlen === 0 || maxlen > this.len ? this.len : maxlen
    let seen = 0
    if (!fromTail) {
      for (const n of this.nodes) {
        for (let k = 0; k < n.count; k++, seen++) {
          if (seen >= limit) return
          if (n.equals(k, v) && !onMatch(seen)) return
        }
      }
    } else {
      for (let i = this.nodes.length - 1; i >= 0; i--) {
        const n = this.nodes[i]!
        for (let k = n.count - 1; k >= 0; k--, seen++) {
          if (seen >= limit) return
          if (n.equals(k, v) && !onMatch(this.len - 1 - seen)) return
        }
      }
    }
  }

  /** Index of the first element equal to v, -1 if none. */
  indexOf(v: Uint8Array): number {
    let found = -1
    this.scanEqual(v, false, 0, (i) => {
      found = i
      return false
    })
    return found
  }

  /** A node grown past NODE_BYTES by an insertion is split in two (one entry may stay big alone). */
  private splitIfOversized(i: number): void {
    const n = this.nodes[i]!
    if (n.size <= NODE_BYTES || n.count < 2) return
    const half = n.count >>> 1
    this.nodes.splice(i, 1, n.slice(0, half), n.slice(half, n.count))
  }

  /** Replaces the element at index (in range) by a copy of v. */
  set(index: number, v: Uint8Array): void {
    this.locate(index)
    const i = this.atNode
    this.nodes[i]!.splice(this.atEntry, 1, encode(v))
    this.splitIfOversized(i)
  }

  /** Inserts a copy of v so that it ends up at `index` (0..length). */
  insertAt(index: number, v: Uint8Array): void {
    if (index <= 0) return this.pushHead(v)
    if (index >= this.len) return this.pushTail(v)
    this.locate(index)
    const i = this.atNode
    this.nodes[i]!.splice(this.atEntry, 0, encode(v))
    this.len++
    this.splitIfOversized(i)
  }

  /** Keeps elements [start, end] (inclusive, already clamped; start > end empties). */
  trim(start: number, end: number): void {
    if (start > end || start >= this.len) {
      this.clear()
      return
    }
    const nodes = this.nodes
    // Whole nodes are dropped at each end, the nodes cut through keep their part.
    let first = 0
    let head = start
    while (nodes[first]!.count <= head) head -= nodes[first++]!.count
    let last = nodes.length - 1
    let tail = this.len - 1 - end
    while (nodes[last]!.count <= tail) tail -= nodes[last--]!.count
    // One node cut at both ends (first === last) keeps head + tail < count entries: fine.
    if (head > 0) nodes[first]!.dropHead(head)
    if (tail > 0) nodes[last]!.dropTail(tail)
    this.nodes = nodes.slice(first, last + 1)
    this.len = end - start + 1
  }

  clear(): void {
    this.nodes = []
    this.len = 0
  }

  /**
   * LREM: removes up to `limit` elements equal to v (0 = all), scanning from the head, or
   * from the tail when fromTail. Returns how many were removed. O(N).
   */
  remove(v: Uint8Array, limit: number, fromTail: boolean): number {
    let removed = 0
    let emptied = false
    const nodes = this.nodes
    for (let j = 0; j < nodes.length && (limit === 0 || removed < limit); j++) {
      const n = nodes[fromTail ? nodes.length - 1 - j : j]!
      const ks: number[] = []
      const count = n.count
      for (let t = 0; t < count && (limit === 0 || removed < limit); t++) {
        const k = fromTail ? count - 1 - t : t
        if (n.equals(k, v)) {
          ks.push(k)
          removed++
        }
      }
      if (ks.length === 0) continue
      if (fromTail) ks.reverse()
      if (ks.length === count) {
        n.olo = n.ohi
        n.lo = n.hi
        emptied = true
      } else n.removeEntries(ks)
    }
    if (emptied) this.nodes = nodes.filter((n) => n.count > 0)
    this.len -= removed
    return removed
  }

  /** Values head to tail, as a new array. */
  toArray(): Buffer[] {
    const out: Buffer[] = []
    for (const n of this.nodes) for (let k = 0; k < n.count; k++) out.push(n.value(k))
    return out
  }

  *[Symbol.iterator](): IterableIterator<Buffer> {
    for (const n of this.nodes) for (let k = 0; k < n.count; k++) yield n.value(k)
  }

  /** COPY: a deep copy (nodes are written in place). */
  clone(): RedisList {
    const l = new RedisList()
    l.nodes = this.nodes.map((n) => n.clone())
    l.len = this.len
    return l
  }
}

/** Replies with an element popped by popRaw. */
export function replyElement(reply: ReplyWriter, e: ListElement): void {
  reply.raw(e)
}

/** v encoded as an entry (a fresh Buffer). */
function encode(v: Uint8Array): Buffer {
  const out = allocBytes(entrySize(v.length))
  writeEntry(out, 0, v)
  return out
}
