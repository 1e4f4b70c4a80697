/**
 * One Redis database (db.c): the main dictionary and the expires dictionary, with lazy
 * expiration on access. Keys are binary strings (Buffer.toString('latin1')).
 */
import type { RedisValue } from './types'

export interface KeyspaceStats {
  keyspaceHits: number
  keyspaceMisses: number
  expiredKeys: number
}

export class RedisDb {
  dict = new Map<string, RedisValue>()
  /** Absolute expire time in unix milliseconds, for keys that have one. */
  expires = new Map<string, number>()
  /** Running estimate of the average TTL (ms) of volatile keys, as INFO keyspace shows. */
  avgTtl = 0
  /** Cursor of the active expire cycle over `expires` (Map iterators survive deletions). */
  expireCursor: Iterator<[string, number]> | null = null

  /**
   * Called by signalModifiedKey: WATCH invalidation, client-side caching and keyspace
   * events hang off it. Set by the server.
   */
  onModified: ((db: RedisDb, key: string) => void) | null = null

  constructor(
    readonly id: number,
    private readonly stats: KeyspaceStats
  ) {}

  /** signalModifiedKey: every command that changes a key calls this, as in Redis. */
  signalModifiedKey(key: string): void {
    this.onModified?.(this, key)
  }

  get size(): number {
    return this.dict.size
  }

  /** Deletes the key if its time has come (expireIfNeeded). Returns true if it expired. */
  expireIfNeeded(key: string, now = Date.now()): boolean {
    const when = this.expires.get(key)
    if (when === undefined || when > now) return false
    this.dict.delete(key)
    this.expires.delete(key)
    this.stats.expiredKeys++
    return true
  }

  /** lookupKeyRead: counts keyspace hits/misses. */
  lookupRead(key: string): RedisValue | undefined {
    if (this.expires.size > 0) this.expireIfNeeded(key)
    const v = this.dict.get(key)
    if (v === undefined) this.stats.keyspaceMisses++
    else this.stats.keyspaceHits++
    return v
  }

  /** lookupKeyWrite: no hit/miss accounting. */
  lookupWrite(key: string): RedisValue | undefined {
    if (this.expires.size > 0) this.expireIfNeeded(key)
    return this.dict.get(key)
  }

  exists(key: string): boolean {
    if (this.expires.size > 0) this.expireIfNeeded(key)
    return this.dict.has(key)
  }

  /** setKey: overwrites the value; drops the TTL unless keepTtl. */
  set(key: string, value: RedisValue, keepTtl = false): void {
    this.dict.set(key, value)
    if (!keepTtl && this.expires.size > 0) this.expires.delete(key)
  }

  delete(key: string): boolean {
    if (this.expires.size > 0) {
      if (this.expireIfNeeded(key)) return false
      this.expires.delete(key)
    }
    return this.dict.delete(key)
  }

  setExpire(key: string, whenMs: number): void {
    this.expires.set(key, whenMs)
  }

  getExpire(key: string): number | undefined {
    return this.expires.get(key)
  }

  removeExpire(key: string): boolean {
    return this.expires.delete(key)
  }

  /** Empties the database; returns the number of keys removed. */
  flush(): number {
    const n = this.dict.size
    // Fresh maps instead of clear(): O(1) here, the old ones are freed by the GC later
    // (what FLUSHALL ASYNC does in Redis).
    this.dict = new Map()
    this.expires = new Map()
    this.avgTtl = 0
    this.expireCursor = null
    return n
  }
}
