/**
 * The value of a set (t_set.c's set type): members are binary strings.
 *
 * Encodings as Redis 7.0 reports them: 'intset' while every member is an integer in
 * string2ll's canonical form and there are at most set-max-intset-entries members, then
 * 'hashtable' for good (one-way; 7.0 has no listpack sets). An intset is kept sorted by
 * value (as Redis's is), so SMEMBERS/SPOP/… of small integer sets come out in Redis's order;
 * its operations are O(log N) lookups and O(N ≤ 512) inserts/removals like Redis's memmove.
 * A hashtable set is a JS Set plus a ScanIndex, which keeps SSCAN's guarantee and gives
 * O(1) expected random members (dictGetRandomKey).
 */
import { DEFAULT_LIMITS, type EncodingLimits } from './encoding-limits'
import { ScanIndex } from './scan'

const LLONG_MAX = 9223372036854775807n
const LLONG_MIN = -9223372036854775808n

/** string2ll over a binary string: the value, or null when not a canonical int64. */
export function setIntValue(s: string): number | bigint | null {
  const len = s.length
  if (len === 0 || len > 20) return null
  let p = 0
  if (s.charCodeAt(0) === 45 /* - */) {
    if (len === 1) return null
    p = 1
  }
  let c = s.charCodeAt(p)
  if (c === 48 /* 0 */) return len === 1 ? 0 : null
  if (c < 49 || c > 57) return null
  for (p++; p < len; p++) {
    c = s.charCodeAt(p)
    if (c < 48 || c > 57) return null
  }
  if (len <= 15) return Number(s)
  const big = BigInt(s)
  if (big > LLONG_MAX || big < LLONG_MIN) return null
  const n = Number(big)
  return Number.isSafeInteger(n) ? n : big
}

export class RedisSet {
  /** intset encoding: members sorted by value, and their values. Null once hashtable. */
  private ints: string[] | null = []
  private vals: (number | bigint)[] | null = []
  /** hashtable encoding. */
  private members: Set<string> | null = null
  private index: ScanIndex | null = null

  /** The owning server's set-max-intset-entries (read when the intset grows). */
  constructor(readonly limits: Readonly<EncodingLimits> = DEFAULT_LIMITS) {}

  get size(): number {
    return this.ints !== null ? this.ints.length : this.members!.size
  }

  encoding(): 'intset' | 'hashtable' {
    return this.ints !== null ? 'intset' : 'hashtable'
  }

  get isIntset(): boolean {
    return this.ints !== null
  }

  /** Position of v in the intset, or -(insertion point) - 1. */
  private search(v: number | bigint): number {
    const vals = this.vals!
    let lo = 0
    let hi = vals.length - 1
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1
      const x = vals[mid]!
      if (x < v) lo = mid + 1
      else if (x > v) hi = mid - 1
      else return mid
    }
    return -lo - 1
  }

  /** setTypeConvert(OBJ_ENCODING_HT): one-way. */
  convert(): void {
    if (this.ints === null) return
    const members = new Set<string>()
    const index = new ScanIndex()
    for (const m of this.ints) {
      members.add(m)
      index.add(m)
    }
    this.members = members
    this.index = index
    this.ints = null
    this.vals = null
  }

  has(m: string): boolean {
    if (this.ints !== null) {
      const v = setIntValue(m)
      return v !== null && this.search(v) >= 0
    }
    return this.members!.has(m)
  }

  /** setTypeAdd: true when the member is new. */
  add(m: string): boolean {
    if (this.ints !== null) {
      const v = setIntValue(m)
      if (v !== null) {
        const i = this.search(v)
        if (i >= 0) return false
        const at = -i - 1
        this.ints.splice(at, 0, m)
        this.vals!.splice(at, 0, v)
        if (this.ints.length > this.limits.setMaxIntsetEntries) this.convert()
        return true
      }
      this.convert()
    }
    const members = this.members!
    const n = members.size
    members.add(m)
    if (members.size === n) return false
    this.index!.add(m)
    return true
  }

  /** setTypeRemove: true when the member was there. */
  delete(m: string): boolean {
    if (this.ints !== null) {
      const v = setIntValue(m)
      if (v === null) return false
      const i = this.search(v)
      if (i < 0) return false
      this.ints.splice(i, 1)
      this.vals!.splice(i, 1)
      return true
    }
    if (!this.members!.delete(m)) return false
    this.index!.delete(m)
    return true
  }

  /** setTypeRandomElement: O(1) (expected, for a hashtable). Set must not be empty. */
  random(): string {
    if (this.ints !== null) return this.ints[Math.floor(Math.random() * this.ints.length)]!
    return this.index!.randomName()!
  }

  /** Members in encoding order (sorted for an intset). Do not modify the set meanwhile. */
  values(): IterableIterator<string> {
    return this.ints !== null ? this.ints.values() : this.members!.values()
  }

  forEach(fn: (m: string) => void): void {
    if (this.ints !== null) for (let i = 0; i < this.ints.length; i++) fn(this.ints[i]!)
    else for (const m of this.members!) fn(m)
  }

  /** One SSCAN step. An intset is returned whole with cursor 0, as Redis does. */
  scan(cursor: number, count: number, emit: (m: string) => void): number {
    if (this.ints !== null) {
      for (let i = 0; i < this.ints.length; i++) emit(this.ints[i]!)
      return 0
    }
    return this.index!.scan(cursor, count, emit)
  }

  /** COPY: a new set with the same members and encoding. */
  clone(): RedisSet {
    const s = new RedisSet(this.limits)
    if (this.ints !== null) {
      s.ints = this.ints.slice()
      s.vals = this.vals!.slice()
    } else {
      s.ints = null
      s.vals = null
      s.members = new Set(this.members)
      const index = new ScanIndex()
      for (const m of s.members) index.add(m)
      s.index = index
    }
    return s
  }
}
