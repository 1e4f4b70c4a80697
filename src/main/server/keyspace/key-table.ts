/**
 * The dictionary under a database (dict.c for db->dict): binary-string keys to values, with
 * Redis's SCAN cursor and random key.
 *
 * Why not a JavaScript Map: inserting a million fresh keys into a Map costs about 0.45 s on
 * these machines (its backing store is rehashed by copying as it grows, and every key pays
 * a string-hash computation in the runtime), more than a real Redis needs to load the same
 * million keys from an RDB; and a Map has no stable positions, so SCAN needed a second index
 * beside it, paid on every key added or removed. Here a million keys are linked in about
 * 60 ms, and SCAN walks the table itself.
 *
 * Layout (a chained hash table, like dict.c). Entries live in slots: parallel arrays of
 * key, value, 32-bit hash and the next slot of the same bucket. `heads[hash & mask]` is a
 * bucket's first slot. Freed slots form a free list (through `next`) and are reused. The
 * table grows when there are as many keys as buckets and shrinks below 1/10 full (Redis's
 * thresholds); a resize relinks the chains from the stored hashes in one pass over typed
 * arrays, touching no key or value (about 10 ms per million keys), so it is done at once
 * rather than incrementally.
 *
 * SCAN (dictScan) uses Redis's reverse-binary cursor over the buckets: a key present from
 * the start to the end of a full iteration is returned at least once, whatever inserts,
 * deletes and resizes happen between calls. Iteration (keys(), entries(), forEach) walks
 * the slots: deleting during an iteration is allowed, as with a Map; adding is not (an add
 * may compact the slots after mass deletions).
 *
 * Keys are hashed with FNV-1a over their char codes, seeded per process (as Redis seeds
 * siphash) so that bucket placement and SCAN order cannot be predicted from outside.
 */

/**
 * Where a bulk load left values it did not copy (RDB loads: plain strings stay in the
 * file's image): a value slot holding a number is an offset into `buffer`, turned into the
 * value by `read` on first access. The buffer is let go once no such slot is left.
 */
export interface DeferredValues<V> {
  readonly buffer: Buffer
  read(buffer: Buffer, offset: number): V
}

/** A duplicated key met while building a table from arrays (a corrupt RDB). */
export class DuplicateKeyError extends Error {
  constructor(readonly key: string) {
    super(`duplicated key ${JSON.stringify(key)}`)
    this.name = 'DuplicateKeyError'
  }
}

const MIN_BUCKETS = 4
/** Redis's HASHTABLE_MIN_FILL: shrink when fewer than 1 key per 10 buckets. */
const MIN_FILL = 10
const MIN_SLOTS = 8
/** Slots are compacted (memory given back) once 3/4 of at least this many are free. */
const COMPACT_MIN = 1024
const TWO32 = 4294967296
const SEED = (Math.random() * TWO32) >>> 0

/** The table's hash of a key (32 bits, unsigned). */
export function keyHash(s: string): number {
  let h = 0x811c9dc5 ^ SEED
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193)
  // murmur3's finalizer: FNV's low bits (the bucket index) are weak on their own.
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

function bucketsFor(n: number): number {
  let b = MIN_BUCKETS
  while (b < n) b *= 2
  return b
}

/** Reverses the bits of a 32-bit unsigned integer (dictScan's rev()). */
function rev32(v: number): number {
  v = ((v >>> 1) & 0x55555555) | ((v & 0x55555555) << 1)
  v = ((v >>> 2) & 0x33333333) | ((v & 0x33333333) << 2)
  v = ((v >>> 4) & 0x0f0f0f0f) | ((v & 0x0f0f0f0f) << 4)
  v = ((v >>> 8) & 0x00ff00ff) | ((v & 0x00ff00ff) << 8)
  return ((v >>> 16) | (v << 16)) >>> 0
}

export class KeyTable<V> implements Iterable<[string, V]> {
  private keyAt: (string | undefined)[] = []
  /** A value, or (a number) its offset in deferred.buffer, or undefined for a free slot. */
  private valueAt: (V | number | undefined)[] = []
  private deferred: DeferredValues<V> | null = null
  /** Value slots still holding an offset, and how many there were after the load. */
  private deferredCount = 0
  private deferredAtLoad = 0
  private hashAt: Uint32Array = new Uint32Array(MIN_SLOTS)
  private next: Int32Array = new Int32Array(MIN_SLOTS)
  private heads: Int32Array = new Int32Array(MIN_BUCKETS).fill(-1)
  private mask = MIN_BUCKETS - 1
  private count = 0
  /** Slots in use or on the free list: keyAt.length. */
  private used = 0
  private free = -1

  get size(): number {
    return this.count
  }

  /**
   * A table holding keys[i] → values[i], built in one pass (RDB loads). The arrays are
   * adopted, not copied; so is `hashes` (keyHash of each key, at least keys.length long)
   * when given: a loader hashes each key as it creates it, while its bytes are in cache.
   * With `deferred`, a number in `values` is a value left in its buffer (see DeferredValues;
   * V itself must then not be a number). Throws
   * DuplicateKeyError if a key appears twice.
   */
  static fromArrays<V>(keys: string[], values: (V | number)[], hashes?: Uint32Array, deferred?: DeferredValues<V>): KeyTable<V> {
    const t = new KeyTable<V>()
    const n = keys.length
    let hashAt: Uint32Array
    if (hashes !== undefined && hashes.length >= Math.max(MIN_SLOTS, n)) hashAt = hashes
    else {
      hashAt = new Uint32Array(Math.max(MIN_SLOTS, n))
      for (let i = 0; i < n; i++) hashAt[i] = hashes !== undefined && i < hashes.length ? hashes[i]! : keyHash(keys[i]!)
    }
    const cap = hashAt.length
    const buckets = bucketsFor(n)
    const heads = new Int32Array(buckets).fill(-1)
    const next = new Int32Array(cap)
    const mask = buckets - 1
    for (let i = 0; i < n; i++) {
      const h = hashAt[i]!
      const b = h & mask
      const key = keys[i]!
      for (let j = heads[b]!; j !== -1; j = next[j]!) {
        if (hashAt[j] === h && keys[j] === key) throw new DuplicateKeyError(key)
      }
      next[i] = heads[b]!
      heads[b] = i
    }
    t.keyAt = keys
    t.valueAt = values
    if (deferred !== undefined) {
      let left = 0
      for (let i = 0; i < n; i++) if (typeof values[i] === 'number') left++
      if (left > 0) {
        t.deferred = deferred
        t.deferredCount = t.deferredAtLoad = left
      }
    }
    t.hashAt = hashAt
    t.next = next
    t.heads = heads
    t.mask = mask
    t.count = n
    t.used = n
    return t
  }

  private find(key: string, h: number): number {
    const keyAt = this.keyAt
    const hashAt = this.hashAt
    const next = this.next
    for (let j = this.heads[h & this.mask]!; j !== -1; j = next[j]!) {
      if (hashAt[j] === h && keyAt[j] === key) return j
    }
    return -1
  }

  get(key: string): V | undefined {
    const j = this.find(key, keyHash(key))
    return j === -1 ? undefined : this.valueIn(j)
  }

  /** The value of a used slot, read from the deferred buffer the first time if it is there. */
  private valueIn(j: number): V {
    const v = this.valueAt[j]
    if (this.deferredCount === 0 || typeof v !== 'number') return v as V
    const value = this.deferred!.read(this.deferred!.buffer, v)
    this.valueAt[j] = value
    this.settled()
    return value
  }

  /**
   * One deferred slot less (read, overwritten or deleted): the buffer goes with the last.
   * Once 7/8 of them are gone the rest are read at once, so a few keys never read again do
   * not keep a whole RDB image in memory.
   */
  private settled(): void {
    if (--this.deferredCount === 0) this.deferred = null
    else if (this.deferredCount * 8 < this.deferredAtLoad) this.readAllDeferred()
  }

  private readAllDeferred(): void {
    const d = this.deferred!
    for (let j = 0; j < this.used; j++) {
      const v = this.valueAt[j]
      if (typeof v === 'number') this.valueAt[j] = d.read(d.buffer, v)
    }
    this.deferredCount = 0
    this.deferred = null
  }

  has(key: string): boolean {
    return this.find(key, keyHash(key)) !== -1
  }

  /** Stores the value; true if the key was added, false if an existing one was overwritten. */
  set(key: string, value: V): boolean {
    const h = keyHash(key)
    const found = this.find(key, h)
    if (found !== -1) {
      const was = this.valueAt[found]
      this.valueAt[found] = value
      if (this.deferredCount > 0 && typeof was === 'number') this.settled()
      return false
    }
    if (this.used > COMPACT_MIN && this.count * 4 < this.used) this.compact()
    if (this.count >= this.mask + 1) this.rehash((this.mask + 1) * 2)
    let j = this.free
    if (j !== -1) {
      this.free = this.next[j]!
      this.keyAt[j] = key
      this.valueAt[j] = value
    } else {
      j = this.used++
      if (j === this.hashAt.length) this.growSlots()
      this.keyAt.push(key)
      this.valueAt.push(value)
    }
    this.hashAt[j] = h
    const b = h & this.mask
    this.next[j] = this.heads[b]!
    this.heads[b] = j
    this.count++
    return true
  }

  delete(key: string): boolean {
    const h = keyHash(key)
    const b = h & this.mask
    const keyAt = this.keyAt
    const next = this.next
    let prev = -1
    for (let j = this.heads[b]!; j !== -1; prev = j, j = next[j]!) {
      if (this.hashAt[j] !== h || keyAt[j] !== key) continue
      if (prev === -1) this.heads[b] = next[j]!
      else next[prev] = next[j]!
      const was = this.valueAt[j]
      keyAt[j] = undefined
      this.valueAt[j] = undefined
      next[j] = this.free
      this.free = j
      this.count--
      if (this.deferredCount > 0 && typeof was === 'number') this.settled()
      const buckets = this.mask + 1
      if (buckets > MIN_BUCKETS && this.count * MIN_FILL < buckets) this.rehash(bucketsFor(this.count))
      return true
    }
    return false
  }

  private growSlots(): void {
    const cap = this.hashAt.length * 2
    const hashAt = new Uint32Array(cap)
    hashAt.set(this.hashAt)
    const next = new Int32Array(cap)
    next.set(this.next)
    this.hashAt = hashAt
    this.next = next
  }

  /** Moves the entries to the front of fresh slot arrays sized for them, then relinks. */
  private compact(): void {
    const { keys, values } = this.toArrays()
    const n = keys.length
    const cap = Math.max(MIN_SLOTS, n * 2)
    const hashAt = new Uint32Array(cap)
    for (let j = 0, i = 0; j < this.used; j++) if (this.keyAt[j] !== undefined) hashAt[i++] = this.hashAt[j]!
    this.keyAt = keys
    this.valueAt = values
    this.hashAt = hashAt
    this.next = new Int32Array(cap)
    this.used = n
    this.free = -1
    this.rehash(bucketsFor(n))
  }

  /** Relinks every slot into a table of `buckets` buckets (a power of two). */
  private rehash(buckets: number): void {
    const heads = new Int32Array(buckets).fill(-1)
    const mask = buckets - 1
    const keyAt = this.keyAt
    const hashAt = this.hashAt
    const next = this.next
    for (let j = 0; j < this.used; j++) {
      if (keyAt[j] === undefined) continue
      const b = hashAt[j]! & mask
      next[j] = heads[b]!
      heads[b] = j
    }
    this.heads = heads
    this.mask = mask
  }

  /**
   * One SCAN step (dictScan): emits the keys of one or more buckets — about `count` keys,
   * visiting at most 10 × count buckets — and returns the next cursor (0: done). Cursors
   * at or past 2^32 are past the end. emit must not modify the table.
   */
  scan(cursor: number, count: number, emit: (key: string) => void): number {
    if (!(cursor >= 0 && cursor < TWO32) || this.count === 0) return 0
    let v = cursor >>> 0
    let emitted = 0
    let budget = count * 10
    const mask = this.mask
    const heads = this.heads
    const next = this.next
    const keyAt = this.keyAt
    do {
      for (let j = heads[v & mask]!; j !== -1; j = next[j]!) {
        emit(keyAt[j]!)
        emitted++
      }
      // Increment the reversed cursor's unmasked bits (dictScan).
      v = (v | ~mask) >>> 0
      v = rev32((rev32(v) + 1) >>> 0)
    } while (v !== 0 && emitted < count && --budget > 0)
    return v
  }

  /** dictGetFairRandomKey's simple form: a random key of a random non-empty bucket. */
  randomKey(): string | null {
    if (this.count === 0) return null
    // Sampling slots is uniform over keys; fall back to buckets when the slots are sparse.
    if (this.count * 4 >= this.used) {
      for (;;) {
        const k = this.keyAt[Math.floor(Math.random() * this.used)]
        if (k !== undefined) return k
      }
    }
    const next = this.next
    for (;;) {
      let j = this.heads[Math.floor(Math.random() * (this.mask + 1))]!
      if (j === -1) continue
      let len = 0
      for (let i = j; i !== -1; i = next[i]!) len++
      for (let r = Math.floor(Math.random() * len); r > 0; r--) j = next[j]!
      return this.keyAt[j]!
    }
  }

  /**
   * The keys and values as two fresh arrays in slot order (point-in-time snapshots), values
   * as stored: a number is an offset into `deferred` (the same immutable bytes whenever it is
   * read, so a snapshot may read it later without a pre-image), null when there is none.
   */
  toArrays(): { keys: string[]; values: (V | number)[]; deferred: Buffer | null } {
    const deferred = this.deferred?.buffer ?? null
    if (this.count === this.used) return { keys: this.keyAt.slice() as string[], values: this.valueAt.slice() as (V | number)[], deferred }
    const keys: string[] = new Array(this.count)
    const values: (V | number)[] = new Array(this.count)
    let i = 0
    for (let j = 0; j < this.used; j++) {
      const k = this.keyAt[j]
      if (k === undefined) continue
      keys[i] = k
      values[i++] = this.valueAt[j] as V | number
    }
    return { keys, values, deferred }
  }

  forEach(fn: (value: V, key: string) => void): void {
    const keyAt = this.keyAt
    for (let j = 0; j < this.used; j++) {
      const k = keyAt[j]
      if (k !== undefined) fn(this.valueIn(j), k)
    }
  }

  *keys(): IterableIterator<string> {
    for (let j = 0; j < this.used; j++) {
      const k = this.keyAt[j]
      if (k !== undefined) yield k
    }
  }

  *values(): IterableIterator<V> {
    for (let j = 0; j < this.used; j++) {
      if (this.keyAt[j] !== undefined) yield this.valueIn(j)
    }
  }

  *entries(): IterableIterator<[string, V]> {
    for (let j = 0; j < this.used; j++) {
      const k = this.keyAt[j]
      if (k !== undefined) yield [k, this.valueIn(j)]
    }
  }

  [Symbol.iterator](): IterableIterator<[string, V]> {
    return this.entries()
  }
}
