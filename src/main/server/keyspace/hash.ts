/**
 * The value of a hash (t_hash.c's hash type): field (binary string) → value (Buffer,
 * treated as immutable).
 *
 * Encodings as Redis 7.0 reports them: 'listpack' while the hash has at most
 * hash-max-listpack-entries (512) fields and no field or value longer than
 * hash-max-listpack-value bytes, then 'hashtable' for good (the conversion is one-way).
 * A Map keeps insertion order and updates values in place, which is exactly a listpack's
 * order, so replies for small hashes come out in Redis's order. Once converted, a ScanIndex
 * keeps HSCAN's guarantee and gives O(1) random fields (dictGetRandomKey).
 */
import { DEFAULT_LIMITS, type EncodingLimits } from './encoding-limits'
import { ScanIndex } from './scan'

export class RedisHash {
  readonly map = new Map<string, Buffer>()
  /** Null while listpack-encoded. */
  private index: ScanIndex | null = null

  /** The owning server's hash-max-listpack-entries/value (read when the hash grows). */
  constructor(readonly limits: Readonly<EncodingLimits> = DEFAULT_LIMITS) {}

  get size(): number {
    return this.map.size
  }

  encoding(): 'listpack' | 'hashtable' {
    return this.index === null ? 'listpack' : 'hashtable'
  }

  get isListpack(): boolean {
    return this.index === null
  }

  /** hashTypeConvert(OBJ_ENCODING_HT): one-way. */
  convert(): void {
    if (this.index !== null) return
    const index = new ScanIndex()
    for (const f of this.map.keys()) index.add(f)
    this.index = index
  }

  get(field: string): Buffer | undefined {
    return this.map.get(field)
  }

  has(field: string): boolean {
    return this.map.has(field)
  }

  /**
   * hashTypeSet: sets a field (value must not be shared with a socket chunk). Returns true
   * when the field is new. Converts like Redis (too long, too many entries).
   */
  set(field: string, value: Buffer): boolean {
    if (this.index === null && (field.length > this.limits.hashMaxListpackValue || value.length > this.limits.hashMaxListpackValue)) {
      this.convert()
    }
    const map = this.map
    const n = map.size
    map.set(field, value)
    if (map.size === n) return false
    if (this.index !== null) this.index.add(field)
    else if (map.size > this.limits.hashMaxListpackEntries) this.convert()
    return true
  }

  delete(field: string): boolean {
    if (!this.map.delete(field)) return false
    if (this.index !== null) this.index.delete(field)
    return true
  }

  /** A random field: O(1) expected when hashtable-encoded; O(N ≤ 512) for a listpack. */
  randomField(): string {
    if (this.index !== null) return this.index.randomName()!
    return this.nth(Math.floor(Math.random() * this.map.size))
  }

  /** The field at a position in listpack order (small hashes only). */
  nth(i: number): string {
    for (const f of this.map.keys()) if (i-- === 0) return f
    throw new Error('RedisHash.nth out of range')
  }

  /**
   * One HSCAN step: emits fields and returns the next cursor. A listpack is returned whole
   * with cursor 0, as Redis does.
   */
  scan(cursor: number, count: number, emit: (field: string) => void): number {
    if (this.index === null) {
      for (const f of this.map.keys()) emit(f)
      return 0
    }
    return this.index.scan(cursor, count, emit)
  }

  /** COPY: a new hash with the same fields and encoding (values are immutable). */
  clone(): RedisHash {
    const h = new RedisHash(this.limits)
    for (const [f, v] of this.map) h.map.set(f, v)
    if (this.index !== null) h.convert()
    return h
  }
}
