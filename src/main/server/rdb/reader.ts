/**
 * Reads an RDB file (versions 1–11; what Redis 7.0/7.2 and older servers write) into a
 * neutral form: header facts, aux fields and one RdbEntry per key. Building keyspace
 * values from entries is the loader's job, so the same reader serves files, full sync and
 * RESTORE. Anything it cannot load is an RdbError naming the offset (and the key).
 */
import { Crc64 } from './crc64'
import { RdbReader } from './encoding'
import { RdbError } from './errors'
import { readIntset } from './intset'
import { readListpack, type LpEntry } from './listpack'
import { readZiplist, readZipmap } from './ziplist'

export const RDB_TYPE = {
  STRING: 0,
  LIST: 1,
  SET: 2,
  ZSET: 3,
  HASH: 4,
  ZSET_2: 5,
  MODULE: 6,
  MODULE_2: 7,
  HASH_ZIPMAP: 9,
  LIST_ZIPLIST: 10,
  SET_INTSET: 11,
  ZSET_ZIPLIST: 12,
  HASH_ZIPLIST: 13,
  LIST_QUICKLIST: 14,
  STREAM_LISTPACKS: 15,
  HASH_LISTPACK: 16,
  ZSET_LISTPACK: 17,
  LIST_QUICKLIST_2: 18,
  STREAM_LISTPACKS_2: 19,
  SET_LISTPACK: 20,
  STREAM_LISTPACKS_3: 21
} as const

export const RDB_OPCODE = {
  FUNCTION2: 245,
  FUNCTION: 246,
  MODULE_AUX: 247,
  IDLE: 248,
  FREQ: 249,
  AUX: 250,
  RESIZEDB: 251,
  EXPIRETIME_MS: 252,
  EXPIRETIME: 253,
  SELECTDB: 254,
  EOF: 255
} as const

/** The newest RDB version this reader understands (7.2 writes 11). */
export const RDB_MAX_VERSION = 11

export type RdbValue =
  | { type: 'string'; value: Buffer }
  | { type: 'list'; items: Buffer[] }
  | { type: 'set'; members: Buffer[] }
  | { type: 'hash'; pairs: Buffer[] /* field, value, field, value … */ }
  | { type: 'zset'; entries: { member: Buffer; score: number }[] }

export interface RdbEntry {
  db: number
  key: Buffer
  /** Absolute unix ms, or null. */
  expireMs: number | null
  value: RdbValue
}

export interface RdbHeader {
  version: number
  aux: Map<string, Buffer>
}

export interface ReadRdbOptions {
  /** Verify the CRC64 trailer (rdbchecksum); on by default. */
  checksum?: boolean
  onEntry(entry: RdbEntry): void
}

/** Tells readRdbKeys's and RdbFileWriter.entry's bare string values from RdbValues. */
export function isBufferValue(v: Buffer | RdbValue): v is Buffer {
  return v instanceof Buffer
}

/** readRdbKeys's consumer: the loader's fast path (no RdbEntry objects, keys as strings). */
export interface ReadRdbKeysOptions {
  /** Verify the CRC64 trailer (rdbchecksum); on by default. */
  checksum?: boolean
  /**
   * One key: its name as a binary (latin1) string; a string value as the Buffer itself
   * (a copy of its own, not a view of the image), any other value as an RdbValue.
   */
  onKey(db: number, key: string, expireMs: number | null, value: Buffer | RdbValue | number): void
  /**
   * Plain string values (raw bytes behind a length) are not copied: onKey gets the offset of
   * their length prefix in the image (a number) instead, to read with plainStringCopy.
   */
  deferPlainStrings?: boolean
  /**
   * RESIZEDB: how many keys (and keys with a TTL) the file says database `db` holds, to
   * size the loader's arrays once. A hint only: a corrupt file may say anything.
   */
  onResize?(db: number, keys: number, expires: number): void
}

/** Parses a whole RDB image; throws RdbError on the first problem, having emitted entries before it. */
export function readRdb(buf: Buffer, opts: ReadRdbOptions): RdbHeader {
  return readRdbKeys(buf, {
    checksum: opts.checksum,
    onKey(db, key, expireMs, value) {
      // Without deferPlainStrings every value comes decoded.
      const decoded = value as Buffer | RdbValue
      const v: RdbValue = isBufferValue(decoded) ? { type: 'string', value: decoded } : decoded
      opts.onEntry({ db, key: Buffer.from(key, 'latin1'), expireMs, value: v })
    }
  })
}

/** readRdb for the loader: the same parser, values handed over with less per-key garbage. */
export function readRdbKeys(buf: Buffer, opts: ReadRdbKeysOptions): RdbHeader {
  const r = new RdbReader(buf)
  const magic = r.bytes(9, 'the RDB header')
  if (magic.toString('latin1', 0, 5) !== 'REDIS' || !/^\d{4}$/.test(magic.toString('latin1', 5, 9))) {
    throw new RdbError('not an RDB file: wrong signature', 0)
  }
  const version = Number(magic.toString('latin1', 5, 9))
  if (version < 1 || version > RDB_MAX_VERSION) throw new RdbError(`can't handle RDB format version ${version}`, 5)
  const aux = new Map<string, Buffer>()
  let db = 0
  let expireMs: number | null = null
  for (;;) {
    const at = r.pos
    const type = r.byte()
    switch (type) {
      case RDB_OPCODE.EXPIRETIME_MS:
        expireMs = r.millis()
        continue
      case RDB_OPCODE.EXPIRETIME:
        expireMs = r.seconds() * 1000
        continue
      case RDB_OPCODE.FREQ:
        r.byte()
        continue
      case RDB_OPCODE.IDLE:
        r.len()
        continue
      case RDB_OPCODE.SELECTDB:
        db = r.len()
        continue
      case RDB_OPCODE.RESIZEDB: {
        const keys = r.len()
        const expires = r.len()
        opts.onResize?.(db, keys, expires)
        continue
      }
      case RDB_OPCODE.AUX: {
        const name = r.string().toString('latin1')
        aux.set(name, r.stringCopy())
        continue
      }
      case RDB_OPCODE.MODULE_AUX:
        throw new RdbError('the RDB holds module data, which this server cannot load', at)
      case RDB_OPCODE.FUNCTION:
      case RDB_OPCODE.FUNCTION2:
        throw new RdbError('the RDB holds Redis Functions (Lua libraries), which this server cannot load', at)
      case RDB_OPCODE.EOF: {
        const end = r.pos
        if (version >= 5) {
          const stored = r.bytes(8, 'the checksum')
          const zero = stored.every((b) => b === 0)
          if (!zero && opts.checksum !== false) {
            const actual = new Crc64().update(buf.subarray(0, end)).bytes()
            if (!actual.equals(stored)) throw new RdbError('wrong RDB checksum: the file is corrupt', end)
          }
        }
        return { version, aux }
      }
      default: {
        const key = r.latin1String()
        let value: Buffer | RdbValue | number
        try {
          if (type !== RDB_TYPE.STRING) value = readValue(r, type)
          else {
            const at = opts.deferPlainStrings === true ? r.skipPlainString() : -1
            value = at >= 0 ? at : r.stringCopy()
          }
        } catch (err) {
          if (err instanceof RdbError) throw new RdbError(`${err.message}; key ${JSON.stringify(key)}`)
          throw err
        }
        opts.onKey(db, key, expireMs, value)
        expireMs = null
      }
    }
  }
}

function elementBuffer(e: LpEntry): Buffer {
  return Buffer.isBuffer(e) ? e : Buffer.from(String(e))
}

function scoreOf(e: LpEntry): number {
  if (!Buffer.isBuffer(e)) return Number(e)
  const s = e.toString('latin1')
  const v = s === 'inf' || s === '+inf' ? Infinity : s === '-inf' ? -Infinity : Number(s)
  if (Number.isNaN(v)) throw new RdbError(`invalid score ${JSON.stringify(s)}`)
  return v
}

function pairsToZset(items: LpEntry[]): { member: Buffer; score: number }[] {
  if (items.length % 2) throw new RdbError('sorted set blob with an odd number of entries')
  const out: { member: Buffer; score: number }[] = []
  for (let i = 0; i < items.length; i += 2) out.push({ member: elementBuffer(items[i]!), score: scoreOf(items[i + 1]!) })
  return out
}

function readValue(r: RdbReader, type: number): RdbValue {
  const at = r.pos
  switch (type) {
    case RDB_TYPE.STRING:
      return { type: 'string', value: r.stringCopy() }
    case RDB_TYPE.LIST: {
      const n = r.len()
      const items: Buffer[] = []
      for (let i = 0; i < n; i++) items.push(r.stringCopy())
      return { type: 'list', items }
    }
    case RDB_TYPE.SET: {
      const n = r.len()
      const members: Buffer[] = []
      for (let i = 0; i < n; i++) members.push(r.stringCopy())
      return { type: 'set', members }
    }
    case RDB_TYPE.ZSET:
    case RDB_TYPE.ZSET_2: {
      const n = r.len()
      const entries: { member: Buffer; score: number }[] = []
      for (let i = 0; i < n; i++) {
        const member = r.stringCopy()
        const score = type === RDB_TYPE.ZSET_2 ? r.binaryDouble() : r.asciiDouble()
        if (Number.isNaN(score)) throw new RdbError('sorted set score is NaN', r.pos)
        entries.push({ member, score })
      }
      return { type: 'zset', entries }
    }
    case RDB_TYPE.HASH: {
      const n = r.len()
      const pairs: Buffer[] = []
      for (let i = 0; i < n; i++) pairs.push(r.stringCopy(), r.stringCopy())
      return { type: 'hash', pairs }
    }
    case RDB_TYPE.HASH_ZIPMAP:
      return { type: 'hash', pairs: readZipmap(r.string()) }
    case RDB_TYPE.LIST_ZIPLIST:
      return { type: 'list', items: readZiplist(r.string()).map(elementBuffer) }
    case RDB_TYPE.SET_INTSET:
      return { type: 'set', members: readIntset(r.string()).map((s) => Buffer.from(s)) }
    case RDB_TYPE.SET_LISTPACK:
      return { type: 'set', members: readListpack(r.string()).map(elementBuffer) }
    case RDB_TYPE.ZSET_ZIPLIST:
      return { type: 'zset', entries: pairsToZset(readZiplist(r.string())) }
    case RDB_TYPE.ZSET_LISTPACK:
      return { type: 'zset', entries: pairsToZset(readListpack(r.string())) }
    case RDB_TYPE.HASH_ZIPLIST:
    case RDB_TYPE.HASH_LISTPACK: {
      const items = type === RDB_TYPE.HASH_ZIPLIST ? readZiplist(r.string()) : readListpack(r.string())
      if (items.length % 2) throw new RdbError('hash blob with an odd number of entries', at)
      return { type: 'hash', pairs: items.map(elementBuffer) }
    }
    case RDB_TYPE.LIST_QUICKLIST:
    case RDB_TYPE.LIST_QUICKLIST_2: {
      const nodes = r.len()
      const items: Buffer[] = []
      for (let i = 0; i < nodes; i++) {
        if (type === RDB_TYPE.LIST_QUICKLIST) {
          for (const e of readZiplist(r.string())) items.push(elementBuffer(e))
          continue
        }
        const container = r.len()
        if (container === 1) items.push(r.stringCopy()) // PLAIN node: one big element
        else if (container === 2) for (const e of readListpack(r.string())) items.push(elementBuffer(e))
        else throw new RdbError(`quicklist node with container type ${container}`, r.pos)
      }
      return { type: 'list', items }
    }
    case RDB_TYPE.STREAM_LISTPACKS:
    case RDB_TYPE.STREAM_LISTPACKS_2:
    case RDB_TYPE.STREAM_LISTPACKS_3:
      throw new RdbError('streams are not supported by this server', at)
    case RDB_TYPE.MODULE:
    case RDB_TYPE.MODULE_2:
      throw new RdbError('module values are not supported by this server', at)
    default:
      throw new RdbError(`unknown RDB value type ${type}`, at - 1)
  }
}
