/**
 * Loading an RDB image into a server (rdbLoad): all or nothing. The image is parsed into
 * fresh Maps; only when the whole file (checksum included) is good are the server's
 * databases replaced, so a corrupt or truncated file leaves the data as it was.
 */
import { readFile } from 'node:fs/promises'
import type { RedisServer } from '../node'
import type { RedisValue } from '../keyspace/types'
import { ScanIndex } from '../keyspace/scan'
import { encodingLimits } from '../keyspace/encoding-limits'
import { readRdb } from '../rdb/reader'
import { RdbError } from '../rdb/errors'
import { fromRdbValueWithLimits } from './value-codec'

export interface LoadRdbOptions {
  /**
   * Keep keys whose TTL already passed. Redis skips them when loading on a master and keeps
   * them on a replica (the master's DELs remove them). Default: keep iff the server is a replica.
   */
  keepExpired?: boolean
  /** Verify the CRC64 trailer; default: the server's rdbchecksum. */
  checksum?: boolean
  /** Current time for the expiry check (tests). */
  now?: number
}

export interface LoadRdbResult {
  /** Keys loaded. */
  keys: number
  /** Keys skipped because they had already expired. */
  expired: number
  aux: Map<string, Buffer>
}

interface FreshDb {
  dict: Map<string, RedisValue>
  expires: Map<string, number>
  scanIndex: ScanIndex
}

/** Replaces the server's data with the RDB image's; throws RdbError (data untouched) if it is bad. */
export function loadRdb(server: RedisServer, rdb: Buffer, opts: LoadRdbOptions = {}): LoadRdbResult {
  const keepExpired = opts.keepExpired ?? server.replication.isReplica
  const now = opts.now ?? Date.now()
  const limits = encodingLimits(server.config)
  const dbCount = server.keyspace.dbs.length
  const fresh: FreshDb[] = []
  for (let i = 0; i < dbCount; i++) fresh.push({ dict: new Map(), expires: new Map(), scanIndex: new ScanIndex() })
  let keys = 0
  let expired = 0
  const { aux } = readRdbSafely(rdb, {
    checksum: opts.checksum ?? server.config.getBool('rdbchecksum'),
    onEntry(e) {
      const target = fresh[e.db]
      if (target === undefined) {
        throw new RdbError(`the RDB has keys in database ${e.db}, but this server has only ${dbCount} databases`)
      }
      const key = e.key.toString('latin1')
      let value: RedisValue | null
      try {
        value = fromRdbValueWithLimits(e.value, limits)
      } catch (err) {
        if (err instanceof RdbError) throw new RdbError(`${err.message}; key ${JSON.stringify(key)}`)
        throw err
      }
      if (value === null) return // empty keys are skipped, as Redis 7.0 does
      if (e.expireMs !== null && e.expireMs < now && !keepExpired) {
        expired++
        return
      }
      const dict = target.dict
      const n = dict.size
      dict.set(key, value)
      if (dict.size === n) throw new RdbError(`duplicated key ${JSON.stringify(key)} in database ${e.db}`)
      target.scanIndex.add(key)
      if (e.expireMs !== null) target.expires.set(key, e.expireMs)
      keys++
    }
  })
  server.keyspace.dbs.forEach((db, i) => {
    const f = fresh[i]!
    db.replaceContents(f.dict, f.expires, f.scanIndex)
  })
  server.scheduleKeysCheck()
  return { keys, expired, aux }
}

/**
 * readRdb with every failure as an RdbError: absurd lengths in a corrupt file can make the
 * codec's allocations throw RangeError (e.g. an LZF string claiming terabytes).
 */
function readRdbSafely(rdb: Buffer, opts: Parameters<typeof readRdb>[1]): ReturnType<typeof readRdb> {
  try {
    return readRdb(rdb, opts)
  } catch (err) {
    if (err instanceof RangeError || err instanceof TypeError) throw new RdbError(`corrupt RDB: ${err.message}`)
    throw err
  }
}

/** Reads an RDB file; an I/O error is thrown as is (ENOENT: no file). */
export function readRdbFile(path: string): Promise<Buffer> {
  return readFile(path)
}
