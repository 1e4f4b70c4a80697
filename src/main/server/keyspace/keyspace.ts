/**
 * All databases of a server (server.db[] in Redis) plus keyspace statistics.
 */
import { RedisDb, type ExpirePolicy, type KeyspaceStats } from './db'

export const DEFAULT_DATABASES = 16

export class Keyspace {
  readonly stats: KeyspaceStats = {
    keyspaceHits: 0,
    keyspaceMisses: 0,
    expiredKeys: 0,
    expiredStalePerc: 0,
    expiredTimeCapReachedCount: 0,
    expireCycleCpuMs: 0
  }
  /** Master or replica expiry rules (see ExpirePolicy), shared by every database. */
  readonly expirePolicy: ExpirePolicy = { replica: false, fromMaster: false }
  readonly dbs: RedisDb[]

  constructor(count = DEFAULT_DATABASES) {
    this.dbs = []
    for (let i = 0; i < count; i++) this.dbs.push(new RedisDb(i, this.stats, this.expirePolicy))
  }

  db(index: number): RedisDb {
    const db = this.dbs[index]
    if (!db) throw new RangeError(`no database ${index}`)
    return db
  }

  /** Keys in all databases (keys already expired but not yet collected included). */
  keyCount(): number {
    let n = 0
    for (const db of this.dbs) n += db.dict.size
    return n
  }

  /** FLUSHALL: returns the number of keys removed. */
  flushAll(): number {
    let n = 0
    for (const db of this.dbs) n += db.flush()
    return n
  }
}
