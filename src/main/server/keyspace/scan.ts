/**
 * Cursor iteration over a dictionary with Redis's SCAN guarantee (dict.c dictScan), for
 * SCAN and for HSCAN/SSCAN/ZSCAN.
 *
 * The guarantee: an element present in the dictionary from the start to the end of a full
 * iteration (cursor 0 ... cursor 0) is returned at least once, whatever inserts, deletes
 * and resizes happen between calls; each call costs O(COUNT); the cursor is a plain
 * integer (no server-side state per iteration).
 *
 * Design. A JS Map has no stable positions, so a ScanIndex is kept next to it: every
 * member is placed by a 32-bit hash of its name into a bucket of a power-of-two table.
 * Buckets are selected by the HIGH bits of the hash, so bucket b of a table with 2^k
 * buckets holds exactly the members whose hash lies in [b·2^(32-k), (b+1)·2^(32-k)): each
 * table is a partition of hash space into contiguous ranges, and the ranges of a bigger
 * table refine those of a smaller one. (This is the same idea as Redis's reverse-binary
 * cursor, which makes the low-bit masked buckets contiguous in reversed-bit space.)
 *
 * The cursor is a position in hash space: "every member whose hash is below the cursor
 * has been returned". A call returns all members whose hash lies in [cursor, next) for a
 * `next` at a bucket boundary, and replies `next` (0 once past 2^32 - 1). Successive calls
 * cover disjoint consecutive ranges of hash space whose union is [0, 2^32), whatever the
 * table size was at each call (after a shrink the cursor may fall inside a bigger bucket:
 * members below the cursor are filtered out). A member present throughout has a fixed
 * hash h and is present during the one call whose range contains h, so it is returned —
 * exactly once, in fact. Members added or removed meanwhile may or may not be returned.
 *
 * Resizes are incremental like Redis's rehashing: while a rehash runs, bucket b0 of the
 * old table lives in the new table iff b0 < rehashIdx, and every add/delete moves one more
 * bucket. Per-member cost on add/delete is one hash of the name plus an O(1) expected
 * bucket update (buckets hold 4-16 names: big buckets mean few small
 * arrays, which keeps SET of new keys within a few % of a bare Map; tables grow 4× at a
 * time so each name is moved about 1/3 time on average).
 *
 * Usage for a hash/set/zset type (members as binary strings):
 *
 *   class RedisSet { members = new Set<string>(); index = new ScanIndex()
 *     add(m) { const n = this.members.size; this.members.add(m)
 *              if (this.members.size !== n) this.index.add(m) }
 *     remove(m) { if (this.members.delete(m)) this.index.delete(m) } }
 *   // SSCAN: const next = scanDict(set.index, cursor, count, (m) => out.push(m))
 *
 * `cursor` comes from parseScanCursor (below); the reply's cursor is String(next).
 */

const TWO32 = 4294967296
/** Smallest table: 2^MIN_BITS buckets. */
const MIN_BITS = 2
const MAX_BITS = 30
/** Grow when members > LOAD_MAX × buckets; shrink when members × SHRINK_RATIO < buckets. */
const LOAD_MAX = 16
const SHRINK_RATIO = 8

/** 32-bit hash of a binary string (FNV-1a with a murmur3 finalizer for good high bits). */
export function hashName(s: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193)
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

type Bucket = string[] | undefined

function newTable(bits: number): Bucket[] {
  return new Array<Bucket>(1 << bits).fill(undefined)
}

function removeFrom(b: string[], name: string): boolean {
  const i = b.indexOf(name)
  if (i === -1) return false
  const last = b.pop()!
  if (i < b.length) b[i] = last
  return true
}

export class ScanIndex {
  private t0: Bucket[] = newTable(MIN_BITS)
  private bits0 = MIN_BITS
  /** Rehash target (null when not rehashing). */
  private t1: Bucket[] | null = null
  private bits1 = 0
  /** Buckets of t0 below this index have been moved to t1. */
  private rehashIdx = 0
  /** Number of names in the index. */
  size = 0

  /**
   * Sizes an empty index's table for about `n` names, as the adds would grow it, so a bulk
   * load (RDB) does not rehash its way up. No effect on a non-empty index.
   */
  reserve(n: number): void {
    if (this.size !== 0) return
    let bits = MIN_BITS
    while (n > LOAD_MAX << bits && bits + 2 <= MAX_BITS) bits += 2
    if (bits === this.bits0) return
    this.t0 = newTable(bits)
    this.bits0 = bits
    this.t1 = null
    this.rehashIdx = 0
  }

  /** Adds a name known not to be present. */
  add(name: string): void {
    this.addHashed(name, hashName(name))
  }

  /** add() with hashName(name) already computed (bulk loads compute it to order the keys). */
  addHashed(name: string, h: number): void {
    const b0 = h >>> (32 - this.bits0)
    let bucket: Bucket[]
    let i: number
    if (this.t1 !== null && b0 < this.rehashIdx) {
      bucket = this.t1
      i = h >>> (32 - this.bits1)
    } else {
      bucket = this.t0
      i = b0
    }
    const b = bucket[i]
    if (b === undefined) bucket[i] = [name]
    else b.push(name)
    this.size++
    if (this.t1 !== null) this.rehashStep()
    else if (this.size > LOAD_MAX << this.bits0 && this.bits0 < MAX_BITS) this.startRehash(Math.min(MAX_BITS, this.bits0 + 2))
  }

  /** Removes a name; returns false if it was not there. */
  delete(name: string): boolean {
    const h = hashName(name)
    const b0 = h >>> (32 - this.bits0)
    let removed: boolean
    if (this.t1 !== null && b0 < this.rehashIdx) {
      const i = h >>> (32 - this.bits1)
      const b = this.t1[i]
      removed = b !== undefined && removeFrom(b, name)
      if (removed && b!.length === 0) this.t1[i] = undefined
    } else {
      const b = this.t0[b0]
      removed = b !== undefined && removeFrom(b, name)
      if (removed && b!.length === 0) this.t0[b0] = undefined
    }
    if (!removed) return false
    this.size--
    if (this.t1 !== null) this.rehashStep()
    else if (this.bits0 > MIN_BITS && this.size * SHRINK_RATIO < 1 << this.bits0) {
      // Smallest table that keeps the load at most 2.
      let bits = MIN_BITS
      while (bits < this.bits0 - 1 && 2 << bits < this.size) bits++
      this.startRehash(bits)
    }
    return true
  }

  clear(): void {
    this.t0 = newTable(MIN_BITS)
    this.bits0 = MIN_BITS
    this.t1 = null
    this.rehashIdx = 0
    this.size = 0
  }

  private startRehash(bits: number): void {
    this.t1 = newTable(bits)
    this.bits1 = bits
    this.rehashIdx = 0
    this.rehashStep()
  }

  /** Moves one non-empty bucket of t0 (visiting at most 10 empty ones, like Redis). */
  private rehashStep(): void {
    const t0 = this.t0
    const t1 = this.t1!
    let empty = 10
    while (this.rehashIdx < t0.length) {
      const b = t0[this.rehashIdx]
      if (b === undefined) {
        this.rehashIdx++
        if (--empty === 0) return
        continue
      }
      t0[this.rehashIdx++] = undefined
      const shift = 32 - this.bits1
      for (let j = 0; j < b.length; j++) {
        const name = b[j]!
        const i = hashName(name) >>> shift
        const d = t1[i]
        if (d === undefined) t1[i] = [name]
        else d.push(name)
      }
      break
    }
    if (this.rehashIdx >= t0.length) {
      this.t0 = t1
      this.bits0 = this.bits1
      this.t1 = null
      this.rehashIdx = 0
    }
  }

  /** A uniformly chosen non-empty bucket's random name (dictGetRandomKey), or null. */
  randomName(): string | null {
    if (this.size === 0) return null
    for (;;) {
      let b: Bucket
      if (this.t1 !== null) {
        // Pick over both tables, as Redis does while rehashing.
        const n0 = this.t0.length - this.rehashIdx
        const r = Math.floor(Math.random() * (n0 + this.t1.length))
        b = r < n0 ? this.t0[this.rehashIdx + r] : this.t1[r - n0]
      } else {
        b = this.t0[Math.floor(Math.random() * this.t0.length)]
      }
      if (b !== undefined && b.length > 0) return b[Math.floor(Math.random() * b.length)]!
    }
  }

  /**
   * Emits every name whose hash lies in [lo, hi) (hi ≤ 2^32); returns how many buckets
   * were looked at.
   */
  private emitRange(lo: number, hi: number, emit: (name: string) => void): number {
    let visited = 0
    visited += emitTable(this.t0, this.bits0, this.t1 !== null ? this.rehashIdx : 0, lo, hi, emit)
    if (this.t1 !== null) visited += emitTable(this.t1, this.bits1, 0, lo, hi, emit)
    return visited
  }

  /** One SCAN step: see scanDict. */
  scan(cursor: number, count: number, emit: (name: string) => void): number {
    if (!(cursor >= 0 && cursor < TWO32)) return 0
    let pos = Math.floor(cursor)
    let emitted = 0
    const counting = (name: string): void => {
      emitted++
      emit(name)
    }
    let budget = count * 10
    do {
      // Step by the coarser table's buckets, so each range is whole buckets of both.
      const bits = this.t1 !== null ? Math.min(this.bits0, this.bits1) : this.bits0
      const width = 2 ** (32 - bits)
      const hi = (Math.floor(pos / width) + 1) * width
      budget -= this.emitRange(pos, hi, counting)
      pos = hi
    } while (pos < TWO32 && emitted < count && budget > 0)
    return pos >= TWO32 ? 0 : pos
  }

  /** Every name (KEYS, full iterations): O(N). */
  forEach(fn: (name: string) => void): void {
    const tables = this.t1 !== null ? [this.t0, this.t1] : [this.t0]
    for (const t of tables) {
      for (let i = 0; i < t.length; i++) {
        const b = t[i]
        if (b !== undefined) for (let j = 0; j < b.length; j++) fn(b[j]!)
      }
    }
  }
}

function emitTable(
  t: Bucket[],
  bits: number,
  firstLive: number,
  lo: number,
  hi: number,
  emit: (name: string) => void
): number {
  const width = 2 ** (32 - bits)
  let first = Math.floor(lo / width)
  const last = Math.ceil(hi / width) - 1
  let visited = 0
  if (first < firstLive) first = firstLive
  for (let i = first; i <= last; i++) {
    visited++
    const b = t[i]
    if (b === undefined) continue
    const start = i * width
    if (start >= lo && start + width <= hi) {
      for (let j = 0; j < b.length; j++) emit(b[j]!)
    } else {
      for (let j = 0; j < b.length; j++) {
        const h = hashName(b[j]!)
        if (h >= lo && h < hi) emit(b[j]!)
      }
    }
  }
  return visited
}

/**
 * One SCAN/HSCAN/SSCAN/ZSCAN step over `index`: calls emit(name) for a batch of about
 * `count` names (whole buckets: possibly a few more; possibly fewer or none when empty
 * buckets are met — at most 10×count buckets are looked at) and returns the next cursor,
 * 0 when the iteration is complete. emit must not modify the index.
 */
export function scanDict(index: ScanIndex, cursor: number, count: number, emit: (name: string) => void): number {
  return index.scan(cursor, count, emit)
}

/**
 * parseScanCursorOrReply's parsing: the cursor as a number, or null when invalid (the
 * caller replies "invalid cursor"). Redis uses strtoul and rejects a leading space or
 * trailing bytes ("" is cursor 0, "-1" wraps). Cursors at or beyond 2^32 end the
 * iteration here.
 */
export function parseScanCursor(arg: Buffer): number | null {
  const m = /^(?:([+-]?)(\d+))?$/.exec(arg.toString('latin1'))
  if (m === null) return null
  if (m[2] === undefined) return 0
  let v = BigInt(m[2])
  if (v > 18446744073709551615n) return null // ERANGE
  if (m[1] === '-') v = (18446744073709551616n - v) % 18446744073709551616n
  return v >= BigInt(TWO32) ? TWO32 : Number(v)
}
