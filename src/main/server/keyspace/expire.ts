/**
 * Active expiration (expire.c activeExpireCycle, ACTIVE_EXPIRE_CYCLE_SLOW with the default
 * active-expire-effort 1): called hz times per second, it samples the volatile keys of
 * each database 20 at a time, deletes the expired ones, and keeps sampling a database while
 * more than 10% of a sample had expired; the time spent per call is bounded (25% of the
 * CPU per cron period, checked every 16 samples as Redis does), and the next call resumes
 * where a call that ran out of time stopped (database and position). Keeps the avg_ttl
 * estimate INFO keyspace shows.
 *
 * Sampling walks the expires Map with a persistent iterator per database instead of
 * Redis's random buckets: Map iterators survive deletions and see insertions, so every
 * volatile key is looked at once per pass; the cost per sample is O(1).
 */
import type { RedisDb } from './db'
import type { Keyspace } from './keyspace'

/** Keys looked at per database per loop (ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP). */
const KEYS_PER_LOOP = 20
/** Keep looping on a database while more than this % of the sample had expired. */
const ACCEPTABLE_STALE = 10
/** ACTIVE_EXPIRE_CYCLE_SLOW_TIME_PERC: share of each cron period the cycle may use. */
const SLOW_TIME_PERC = 25

/** Where the previous call stopped (Redis's static current_db). */
const state = new WeakMap<Keyspace, { currentDb: number }>()

/** The time budget (ms) of one call at the given hz, as Redis computes it. */
export function expireCycleTimeLimit(hz: number): number {
  return SLOW_TIME_PERC * 1000 / hz / 100
}

/** Runs one cycle; returns the number of keys deleted. */
export function activeExpireCycle(ks: Keyspace, timeLimitMs: number, now = Date.now()): number {
  // A replica waits for its master's DELs (Redis runs the cycle on masters only).
  if (ks.expirePolicy.replica) return 0
  let st = state.get(ks)
  if (!st) state.set(ks, (st = { currentDb: 0 }))
  const start = performance.now()
  const dbs = ks.dbs
  let expired = 0
  let sampled = 0
  let timeCapReached = false
  for (let j = 0; j < dbs.length && !timeCapReached; j++) {
    const db = dbs[st.currentDb % dbs.length]!
    // Incremented first: if we run out of time here, the next call starts with the next db.
    st.currentDb = (st.currentDb + 1) % dbs.length
    let iteration = 0
    for (;;) {
      const num = Math.min(db.expires.size, KEYS_PER_LOOP)
      if (num === 0) {
        db.avgTtl = 0
        break
      }
      iteration++
      const r = sample(db, num, now)
      expired += r.expired
      sampled += r.sampled
      if (r.ttlSamples > 0) {
        const avg = r.ttlSum / r.ttlSamples
        // Same smoothing as Redis: the estimate moves 2% towards each sample's average.
        db.avgTtl = db.avgTtl === 0 ? avg : (db.avgTtl / 50) * 49 + avg / 50
      }
      if ((iteration & 0xf) === 0 && performance.now() - start > timeLimitMs) {
        timeCapReached = true
        break
      }
      if ((r.expired * 100) / num <= ACCEPTABLE_STALE) break
    }
    if (performance.now() - start > timeLimitMs) timeCapReached = true
  }
  const st2 = ks.stats
  const elapsed = performance.now() - start
  st2.expireCycleCpuMs += elapsed
  if (timeCapReached) st2.expiredTimeCapReachedCount++
  // Same smoothing as Redis's stat_expired_stale_perc.
  if (sampled > 0) st2.expiredStalePerc = (expired / sampled) * 0.05 + st2.expiredStalePerc * 0.95
  return expired
}

const result = { expired: 0, sampled: 0, ttlSum: 0, ttlSamples: 0 }

/** Looks at the next `num` volatile keys of db, deleting the expired ones. */
function sample(db: RedisDb, num: number, now: number): typeof result {
  result.expired = 0
  result.sampled = 0
  result.ttlSum = 0
  result.ttlSamples = 0
  let wrapped = false
  for (let i = 0; i < num; i++) {
    if (db.expireCursor === null) db.expireCursor = db.expires.keys()
    const step = db.expireCursor.next()
    if (step.done) {
      db.expireCursor = null
      // One wrap per sample at most: a pass over a small dict looks at each key once.
      if (wrapped || db.expires.size === 0) break
      wrapped = true
      i--
      continue
    }
    const key = step.value
    const when = db.expires.get(key)
    if (when === undefined) continue
    result.sampled++
    if (when <= now) {
      db.deleteExpired(key)
      result.expired++
    } else {
      result.ttlSum += when - now
      result.ttlSamples++
    }
  }
  return result
}
