/**
 * Loading an RDB image into a server (rdbLoad): all or nothing. The image is parsed into
 * fresh Maps; only when the whole file (checksum included) is good are the server's
 * databases replaced, so a corrupt or truncated file leaves the data as it was.
 */
import { readFile } from 'node:fs/promises'
import type { RedisServer } from '../node'
import type { RedisValue } from '../keyspace/types'
import { hashName, ScanIndex } from '../keyspace/scan'
import { encodingLimits } from '../keyspace/encoding-limits'
import { isBufferValue, readRdbKeys } from '../rdb/reader'
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

/**
 * One database's keys as parsed, inserted only once the whole image is good: then in the
 * order of their SCAN hash, so the dictionary's insertion order, the SCAN index's buckets
 * and (through the GC's copying) the objects' memory layout all follow the order in which
 * snapshots visit keys. Saving and snapshotting a loaded dataset then walk memory
 * sequentially instead of taking a cache miss per key.
 */
class StagedDb {
  keys: string[] = []
  values: RedisValue[] = []
  expires: (number | null)[] = []
  hashes: number[] = []

  constructor(readonly index: number) {}

  add(key: string, value: RedisValue, expireMs: number | null): void {
    this.keys.push(key)
    this.values.push(value)
    this.expires.push(expireMs)
    this.hashes.push(hashName(key))
  }

  /** The dictionary, expires and SCAN index; RdbError on a duplicated key. */
  build(): { dict: Map<string, RedisValue>; expires: Map<string, number>; scanIndex: ScanIndex } {
    const { keys, values, expires, hashes } = this
    const n = keys.length
    const dict = new Map<string, RedisValue>()
    const exp = new Map<string, number>()
    const scanIndex = new ScanIndex()
    scanIndex.reserve(n)
    // Counting sort on the top 16 hash bits (SCAN index buckets are ranges of the top bits).
    const starts = new Int32Array(65537)
    for (let i = 0; i < n; i++) starts[(hashes[i]! >>> 16) + 1]++
    for (let b = 0; b < 65536; b++) starts[b + 1] += starts[b]!
    const order = new Int32Array(n)
    for (let i = 0; i < n; i++) order[starts[hashes[i]! >>> 16]!++] = i
    for (let j = 0; j < n; j++) {
      const i = order[j]!
      const key = keys[i]!
      const size = dict.size
      dict.set(key, values[i]!)
      if (dict.size === size) throw new RdbError(`duplicated key ${JSON.stringify(key)} in database ${this.index}`)
      scanIndex.addHashed(key, hashes[i]!)
      const e = expires[i]!
      if (e !== null) exp.set(key, e)
    }
    return { dict, expires: exp, scanIndex }
  }
}

/** Replaces the server's data with the RDB image's; throws RdbError (data untouched) if it is bad. */
export function loadRdb(server: RedisServer, rdb: Buffer, opts: LoadRdbOptions = {}): LoadRdbResult {
  const keepExpired = opts.keepExpired ?? server.replication.isReplica
  const now = opts.now ?? Date.now()
  const limits = encodingLimits(server.config)
  const dbCount = server.keyspace.dbs.length
  const staged: StagedDb[] = []
  for (let i = 0; i < dbCount; i++) staged.push(new StagedDb(i))
  let keys = 0
  let expired = 0
  const { aux } = readRdbSafely(rdb, {
    checksum: opts.checksum ?? server.config.getBool('rdbchecksum'),
    onKey(db, key, expireMs, v) {
      const target = staged[db]
      if (target === undefined) {
        throw new RdbError(`the RDB has keys in database ${db}, but this server has only ${dbCount} databases`)
      }
      let value: RedisValue | null
      if (isBufferValue(v)) value = v
      else {
        try {
          value = fromRdbValueWithLimits(v, limits)
        } catch (err) {
          if (err instanceof RdbError) throw new RdbError(`${err.message}; key ${JSON.stringify(key)}`)
          throw err
        }
      }
      if (value === null) return // empty keys are skipped, as Redis 7.0 does
      if (expireMs !== null && expireMs < now && !keepExpired) {
        expired++
        return
      }
      target.add(key, value, expireMs)
      keys++
    }
  })
  const built = staged.map((st) => st.build())
  server.keyspace.dbs.forEach((db, i) => {
    const f = built[i]!
    db.replaceContents(f.dict, f.expires, f.scanIndex)
  })
  server.scheduleKeysCheck()
  return { keys, expired, aux }
}

/**
 * readRdb with every failure as an RdbError: absurd lengths in a corrupt file can make the
 * codec's allocations throw RangeError (e.g. an LZF string claiming terabytes).
 */
function readRdbSafely(rdb: Buffer, opts: Parameters<typeof readRdbKeys>[1]): ReturnType<typeof readRdbKeys> {
  try {
    return readRdbKeys(rdb, opts)
  } catch (err) {
    if (err instanceof RangeError || err instanceof TypeError) throw new RdbError(`corrupt RDB: ${err.message}`)
    throw err
  }
}

/** Reads an RDB file; an I/O error is thrown as is (ENOENT: no file). */
export function readRdbFile(path: string): Promise<Buffer> {
  return readFile(path)
}
