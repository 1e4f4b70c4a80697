/**
 * Active expiration (expire.c activeExpireCycle, simplified): a timer samples volatile keys
 * of every database, deletes the expired ones and keeps the avg_ttl estimate INFO shows.
 * Work per call is bounded by a key budget and a time limit, so big keyspaces never block
 * the event loop.
 */
import type { Keyspace } from './keyspace'

/** Keys looked at per database per loop (ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP). */
const KEYS_PER_LOOP = 20
/** Keep looping on a database while more than this share of the sample had expired. */
const ACCEPTABLE_STALE = 0.1

export function activeExpireCycle(ks: Keyspace, timeLimitMs: number, now = Date.now()): number {
  const deadline = performance.now() + timeLimitMs
  let expired = 0
  for (const db of ks.dbs) {
    if (db.expires.size === 0) continue
    for (;;) {
      let sampled = 0
      let expiredHere = 0
      let ttlSum = 0
      let ttlSamples = 0
      const budget = Math.min(KEYS_PER_LOOP, db.expires.size)
      while (sampled < budget) {
        if (!db.expireCursor) db.expireCursor = db.expires.entries()
        const step = db.expireCursor.next()
        if (step.done) {
          db.expireCursor = null
          if (sampled === 0 && db.expires.size === 0) break
          // Wrapped around: start over next time (or right now if budget remains).
          db.expireCursor = db.expires.entries()
          const again = db.expireCursor.next()
          if (again.done) break
          sampled++
          if (visit(again.value)) expiredHere++
          continue
        }
        sampled++
        if (visit(step.value)) expiredHere++
      }
      function visit([key, when]: [string, number]): boolean {
        if (when <= now) {
          db.dict.delete(key)
          db.expires.delete(key)
          ks.stats.expiredKeys++
          return true
        }
        ttlSum += when - now
        ttlSamples++
        return false
      }
      expired += expiredHere
      if (ttlSamples > 0) {
        const avg = ttlSum / ttlSamples
        // Same smoothing as Redis: the estimate moves 2% towards each sample's average.
        db.avgTtl = db.avgTtl === 0 ? avg : (db.avgTtl / 50) * 49 + avg / 50
      }
      if (db.expires.size === 0) db.avgTtl = 0
      if (sampled === 0 || expiredHere / sampled <= ACCEPTABLE_STALE) break
      if (performance.now() > deadline) return expired
    }
    if (performance.now() > deadline) break
  }
  return expired
}
