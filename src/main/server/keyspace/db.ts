/**
 * One Redis database (db.c): the main dictionary and the expires dictionary, with lazy
 * expiration on access. Keys are binary strings (Buffer.toString('latin1')).
 *
 * `dict` and `expires` are read-only outside this file: add, overwrite and remove keys
 * only through set/delete/setExpire/removeExpire/flush, which also run the hooks below.
 */
import { KeyTable } from './key-table'
import { signalKeyAsReady } from '../blocking'
import type { RedisValue } from './types'

export interface KeyspaceStats {
  keyspaceHits: number
  keyspaceMisses: number
  expiredKeys: number
  /** INFO stats expired_stale_perc / 100: smoothed share of expired keys in the samples. */
  expiredStalePerc: number
  /** INFO stats expired_time_cap_reached_count. */
  expiredTimeCapReachedCount: number
  /** INFO stats expire_cycle_cpu_milliseconds (time spent in active expire cycles). */
  expireCycleCpuMs: number
}

/**
 * How expired keys are treated (Redis's expireIfNeeded on a master vs a replica). Shared by
 * all databases of a server; the replication engine flips it.
 */
export interface ExpirePolicy {
  /**
   * This server replicates a master: expired keys read as missing but are not deleted (the
   * master's DELs do that), and the active expire cycle does not run.
   */
  replica: boolean
  /** Set while executing a command received from the master: nothing counts as expired. */
  fromMaster: boolean
}

/**
 * Strings whose OBJECT ENCODING is 'raw' whatever their length (Redis's results of
 * APPEND/SETRANGE on an existing value, which are sds strings never re-encoded). String
 * commands add their results here; see objectEncoding in commands/keys.ts.
 */
export const rawEncodedStrings = new WeakSet<Buffer>()

export class RedisDb {
  dict = new KeyTable<RedisValue>()
  /** Absolute expire time in unix milliseconds, for keys that have one. */
  expires = new Map<string, number>()
  /** Running estimate of the average TTL (ms) of volatile keys, as INFO keyspace shows. */
  avgTtl = 0
  /** Cursor of the active expire cycle over `expires` (Map iterators survive deletions). */
  expireCursor: Iterator<string> | null = null

  /**
   * Called by signalModifiedKey: WATCH invalidation, client-side caching and keyspace
   * events hang off it. Set by the server.
   */
  onModified: ((db: RedisDb, key: string) => void) | null = null
  /**
   * Called when a key is removed because it expired (on access or by the active expire
   * cycle), after it was removed: the replication engine propagates a DEL from it.
   */
  onExpired: ((db: RedisDb, key: string) => void) | null = null
  /**
   * Called when the whole database changes at once (FLUSHDB/FLUSHALL, SWAPDB: Redis's
   * signalFlushedDb / touchAllWatchedKeysInDb): WATCH hangs off it.
   */
  onFlushed: ((db: RedisDb, replacedWith?: RedisDb) => void) | null = null
  /**
   * Set while point-in-time snapshots run (persistence/snapshot.ts): called before a key's
   * value or TTL changes or the key is created or removed (`after` false), so the snapshot
   * can save the pre-image first; and from signalModifiedKey (`after` true), to detect a
   * change that bypassed the hooks.
   */
  cow: ((db: RedisDb, key: string, after: boolean) => void) | null = null

  constructor(
    readonly id: number,
    private readonly stats: KeyspaceStats,
    readonly policy: ExpirePolicy = { replica: false, fromMaster: false }
  ) {}

  /** signalModifiedKey: every command that changes a key calls this, as in Redis. */
  signalModifiedKey(key: string): void {
    if (this.cow !== null) this.cow(this, key, true)
    this.onModified?.(this, key)
  }

  get size(): number {
    return this.dict.size
  }

  /**
   * expireIfNeeded: true if the key's time has come (it is then deleted, except on a
   * replica, where it only reads as missing).
   */
  expireIfNeeded(key: string, now = Date.now()): boolean {
    const when = this.expires.get(key)
    if (when === undefined || when > now) return false
    const p = this.policy
    if (p.replica) return !p.fromMaster
    this.deleteExpired(key)
    return true
  }

  /** deleteExpiredKeyAndPropagate: removes an expired key, counts it, fires the hooks. */
  deleteExpired(key: string): void {
    if (this.cow !== null) this.cow(this, key, false)
    this.dict.delete(key)
    this.expires.delete(key)
    this.stats.expiredKeys++
    this.onModified?.(this, key)
    this.onExpired?.(this, key)
  }

  /** lookupKeyRead: counts keyspace hits/misses. */
  lookupRead(key: string): RedisValue | undefined {
    const v = this.expires.size > 0 && this.expireIfNeeded(key) ? undefined : this.dict.get(key)
    if (v === undefined) this.stats.keyspaceMisses++
    else this.stats.keyspaceHits++
    return v
  }

  /** lookupKeyWrite: no hit/miss accounting. */
  lookupWrite(key: string): RedisValue | undefined {
    if (this.expires.size > 0 && this.expireIfNeeded(key)) return undefined
    const v = this.dict.get(key)
    // The caller may change the value in place: a running snapshot saves it first.
    if (v !== undefined && this.cow !== null) this.cow(this, key, false)
    return v
  }

  /** The value without expiring or accounting (lookupKey with LOOKUP_NOTOUCH|NOEXPIRE). */
  peek(key: string): RedisValue | undefined {
    return this.dict.get(key)
  }

  exists(key: string): boolean {
    if (this.expires.size > 0 && this.expireIfNeeded(key)) return false
    return this.dict.has(key)
  }

  /** setKey/dbAdd/dbOverwrite: stores the value; drops the TTL unless keepTtl. */
  set(key: string, value: RedisValue, keepTtl = false): void {
    if (this.cow !== null) this.cow(this, key, false)
    if (this.dict.set(key, value)) {
      // dbAdd: clients blocked on this key may be served (RENAME, COPY, MOVE, RESTORE…).
      signalKeyAsReady(this, key)
    } else if (!keepTtl && this.expires.size > 0) this.expires.delete(key)
  }

  /** dbDelete: removes the key (and its TTL). False if it did not exist (or had expired). */
  delete(key: string): boolean {
    if (this.expires.size > 0 && this.expireIfNeeded(key)) return false
    if (this.cow !== null) this.cow(this, key, false)
    if (this.expires.size > 0) this.expires.delete(key)
    return this.dict.delete(key)
  }

  setExpire(key: string, whenMs: number): void {
    if (this.cow !== null) this.cow(this, key, false)
    this.expires.set(key, whenMs)
  }

  getExpire(key: string): number | undefined {
    return this.expires.get(key)
  }

  removeExpire(key: string): boolean {
    if (this.cow !== null) this.cow(this, key, false)
    return this.expires.delete(key)
  }

  /**
   * dbRandomKey: a random key that is not expired (expired ones met are deleted), or null.
   * O(1) expected.
   */
  randomKey(): string | null {
    // On a master each expired key met is deleted, so this ends; a replica gives up after
    // 100 tries when every key is volatile, as Redis does.
    for (let tries = 0; ; tries++) {
      const key = this.dict.randomKey()
      if (key === null) return null
      if (this.expires.size === 0 || !this.expireIfNeeded(key)) return key
      if (this.policy.replica && tries >= 100 && this.expires.size === this.dict.size) return key
    }
  }

  /** Empties the database; returns the number of keys removed. */
  flush(): number {
    const n = this.dict.size
    // Before emptying: WATCH invalidates the watched keys that exist (signalFlushedDb).
    this.onFlushed?.(this)
    // Fresh maps instead of clear(): O(1) here, the old ones are freed by the GC later
    // (what FLUSHALL ASYNC does in Redis).
    this.dict = new KeyTable()
    this.expires = new Map()
    this.avgTtl = 0
    this.expireCursor = null
    return n
  }

  /**
   * Replaces the contents with a loaded dataset (RDB load, full sync, DEBUG RELOAD): WATCH
   * sees it as a flush, a running snapshot keeps reading the detached old maps.
   */
  replaceContents(dict: KeyTable<RedisValue>, expires: Map<string, number>): void {
    this.onFlushed?.(this)
    this.dict = dict
    this.expires = expires
    this.avgTtl = 0
    this.expireCursor = null
  }

  /** SWAPDB: exchanges the contents (not the identities, hooks or ids) of two databases. */
  swapWith(other: RedisDb): void {
    // Before swapping, as Redis's touchAllWatchedKeysInDb(db1, db2) and (db2, db1).
    this.onFlushed?.(this, other)
    other.onFlushed?.(other, this)
    const { dict, expires, avgTtl } = this
    this.dict = other.dict
    this.expires = other.expires
    this.avgTtl = other.avgTtl
    other.dict = dict
    other.expires = expires
    other.avgTtl = avgTtl
    this.expireCursor = null
    other.expireCursor = null
  }
}
