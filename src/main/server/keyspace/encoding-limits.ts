/**
 * The encoding thresholds of one server (hash-max-listpack-*, set-max-intset-entries,
 * zset-max-listpack-*). Each server of the process has its own object, kept current by its
 * CONFIG SET hooks; every hash/set/zset holds the object of the server it lives in and reads
 * it when it grows, as Redis reads server.*_max_* (one property load, like a module global).
 */
import type { ServerConfig } from '../config-table'

export interface EncodingLimits {
  hashMaxListpackEntries: number
  hashMaxListpackValue: number
  setMaxIntsetEntries: number
  zsetMaxListpackEntries: number
  zsetMaxListpackValue: number
}

/**
 * Redis 7.0's built-in defaults (config.c: 512/64, 512, 128/64; the sample redis.conf says
 * 128 hash entries, but a server started without it uses 512). Used by values built outside
 * any server (tests, tools); never changed.
 */
export const DEFAULT_LIMITS: Readonly<EncodingLimits> = Object.freeze({
  hashMaxListpackEntries: 512,
  hashMaxListpackValue: 64,
  setMaxIntsetEntries: 512,
  zsetMaxListpackEntries: 128,
  zsetMaxListpackValue: 64
})

const PARAMS: [keyof EncodingLimits, string][] = [
  ['hashMaxListpackEntries', 'hash-max-listpack-entries'],
  ['hashMaxListpackValue', 'hash-max-listpack-value'],
  ['setMaxIntsetEntries', 'set-max-intset-entries'],
  ['zsetMaxListpackEntries', 'zset-max-listpack-entries'],
  ['zsetMaxListpackValue', 'zset-max-listpack-value']
]

const byConfig = new WeakMap<ServerConfig, EncodingLimits>()

/** The limits of the server owning `config` (created and hooked to CONFIG SET on first use). */
export function encodingLimits(config: ServerConfig): EncodingLimits {
  let limits = byConfig.get(config)
  if (limits !== undefined) return limits
  const made = { ...DEFAULT_LIMITS }
  for (const [field, name] of PARAMS) {
    made[field] = config.getNumber(name)
    config.on(name, (v) => {
      made[field] = Number(v)
    })
  }
  limits = made
  byConfig.set(config, limits)
  return limits
}
