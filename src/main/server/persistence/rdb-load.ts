/**
 * Loading an RDB image into a server (rdbLoad): all or nothing. The image is parsed into
 * fresh tables; only when the whole file (checksum included) is good are the server's
 * databases replaced, so a corrupt or truncated file leaves the data as it was.
 */
import { readFile } from 'node:fs/promises'
import type { RedisServer } from '../node'
import type { RedisValue } from '../keyspace/types'
import { DuplicateKeyError, KeyTable, keyHash } from '../keyspace/key-table'
import { encodingLimits } from '../keyspace/encoding-limits'
import { isBufferValue, readRdbKeys } from '../rdb/reader'
import { RdbError } from '../rdb/errors'
import { plainStringCopy } from '../rdb/encoding'
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

/** One database's keys as parsed, put into a table only once the whole image is good. */
class StagedDb {
  keys: string[] = []
  /** Values, or the image offsets of plain strings not copied yet (KeyTable's deferred values). */
  values: (RedisValue | number)[] = []
  hashes = new Uint32Array(0)
  count = 0
  expireKeys: string[] = []
  expireTimes: number[] = []

  constructor(readonly index: number) {}

  /** Sizes the arrays for n keys at once (RESIZEDB), instead of growing them by copying. */
  reserve(n: number): void {
    if (this.count !== 0 || n <= this.keys.length) return
    this.keys = new Array<string>(n)
    this.values = new Array<RedisValue | number>(n)
    this.hashes = new Uint32Array(n)
  }

  add(key: string, value: RedisValue | number, expireMs: number | null): void {
    const i = this.count++
    if (i < this.keys.length) {
      this.keys[i] = key
      this.values[i] = value
    } else {
      this.keys.push(key)
      this.values.push(value)
    }
    if (i === this.hashes.length) {
      const grown = new Uint32Array(Math.max(1024, i * 2))
      grown.set(this.hashes)
      this.hashes = grown
    }
    this.hashes[i] = keyHash(key)
    if (expireMs !== null) {
      this.expireKeys.push(key)
      this.expireTimes.push(expireMs)
    }
  }

  /** The dictionary (in file order, so memory is walked in order later) and the expires. */
  build(image: Buffer): { dict: KeyTable<RedisValue>; expires: Map<string, number> } {
    let dict: KeyTable<RedisValue>
    // Fewer keys than RESIZEDB announced (expired ones skipped, or a lying file).
    this.keys.length = this.values.length = this.count
    try {
      dict = KeyTable.fromArrays(this.keys, this.values, this.hashes, { buffer: image, read: plainStringCopy })
    } catch (err) {
      if (err instanceof DuplicateKeyError) throw new RdbError(`${err.message} in database ${this.index}`)
      throw err
    }
    const expires = new Map<string, number>()
    for (let i = 0; i < this.expireKeys.length; i++) expires.set(this.expireKeys[i]!, this.expireTimes[i]!)
    return { dict, expires }
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
    deferPlainStrings: true,
    onResize(db, n) {
      // A key takes at least 3 bytes of the file: a bigger count is a corrupt file's.
      staged[db]?.reserve(Math.min(n, Math.floor(rdb.length / 3)))
    },
    onKey(db, key, expireMs, v) {
      const target = staged[db]
      if (target === undefined) {
        throw new RdbError(`the RDB has keys in database ${db}, but this server has only ${dbCount} databases`)
      }
      // A number: a plain string left in the image (deferPlainStrings), copied on first read.
      let value: RedisValue | number | null
      if (typeof v === 'number' || isBufferValue(v)) value = v
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
  const built = staged.map((st) => st.build(rdb))
  server.keyspace.dbs.forEach((db, i) => {
    const f = built[i]!
    db.replaceContents(f.dict, f.expires)
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
