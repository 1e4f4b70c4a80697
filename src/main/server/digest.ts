/**
 * DEBUG DIGEST / DIGEST-VALUE exactly as Redis 7.0's debug.c computes them
 * (computeDatasetDigest, xorObjectDigest, xorDigest, mixDigest), so the same dataset gives
 * the same 40 hex characters as a real server:
 * - per database with keys: mix(final, htonl(dbid)); per key: a fresh 20-byte digest,
 *   mix(key), mix(htonl(type)), then the value, then xor("!!expire!!") when the key has a
 *   TTL (not the time itself); the key digest is xored into the final one.
 * - string: mix(value). list: mix(element) in order. set: xor(member). hash: per field a
 *   fresh digest mix(field), mix(value), xored in. zset: per member a fresh digest
 *   mix(member), mix(score as %.17g), xored in.
 */
import type { RedisDb } from './keyspace/db'
import { RedisHash } from './keyspace/hash'
import { RedisList } from './keyspace/list'
import type { Keyspace } from './keyspace/keyspace'
import { RedisSet } from './keyspace/set'
import type { RedisValue } from './keyspace/types'
import { RedisZset } from './keyspace/zset'
import { formatDouble17g } from './numbers'
import { sha1Into } from './sha1'

type Bytes = Buffer | string

const hashed = Buffer.alloc(20)

/** xorDigest: digest ^= SHA1(data). */
function xorDigest(digest: Buffer, data: Bytes): void {
  sha1Into(data, hashed)
  for (let j = 0; j < 20; j++) digest[j]! ^= hashed[j]!
}

/** mixDigest: digest = SHA1(digest ^ SHA1(data)). */
function mixDigest(digest: Buffer, data: Bytes): void {
  xorDigest(digest, data)
  sha1Into(digest, digest)
}

const word = Buffer.alloc(4)
function u32be(n: number): Buffer {
  word.writeUInt32BE(n >>> 0)
  return word
}

const OBJ_STRING = 0
const OBJ_LIST = 1
const OBJ_SET = 2
const OBJ_ZSET = 3
const OBJ_HASH = 4

function typeCode(v: RedisValue): number {
  if (v instanceof Buffer) return OBJ_STRING
  if (v instanceof RedisList) return OBJ_LIST
  if (v instanceof RedisSet) return OBJ_SET
  if (v instanceof RedisZset) return OBJ_ZSET
  return OBJ_HASH
}

/** List elements in order, whatever the list class offers (iterator or values()). */
function listElements(list: RedisList): Iterable<Bytes> {
  const l = list as unknown as { values?: () => Iterable<Bytes>; [Symbol.iterator]?: () => Iterator<Bytes> }
  if (typeof l[Symbol.iterator] === 'function') return l as Iterable<Bytes>
  if (typeof l.values === 'function') return l.values()
  throw new Error('DEBUG DIGEST: lists are not iterable yet')
}

/** xorObjectDigest: mixes one value (and its TTL flag) into `digest`. */
export function xorObjectDigest(db: RedisDb, key: string, digest: Buffer, o: RedisValue): void {
  mixDigest(digest, u32be(typeCode(o)))
  if (o instanceof Buffer) {
    mixDigest(digest, o)
  } else if (o instanceof RedisList) {
    for (const e of listElements(o)) mixDigest(digest, e)
  } else if (o instanceof RedisSet) {
    for (const m of o.values()) xorDigest(digest, m)
  } else if (o instanceof RedisZset) {
    const ele = Buffer.alloc(20)
    for (let n = o.first(); n !== null; n = n.next[0] ?? null) {
      ele.fill(0)
      mixDigest(ele, n.member)
      mixDigest(ele, formatDouble17g(n.score))
      xorDigest(digest, ele)
    }
  } else if (o instanceof RedisHash) {
    const ele = Buffer.alloc(20)
    for (const [f, v] of o.map) {
      ele.fill(0)
      mixDigest(ele, f)
      mixDigest(ele, v)
      xorDigest(digest, ele)
    }
  }
  if (db.getExpire(key) !== undefined) xorDigest(digest, '!!expire!!')
}

/** computeDatasetDigest: the DEBUG DIGEST reply (40 hex chars; all zeros when empty). */
export function computeDatasetDigest(keyspace: Keyspace): string {
  const final = Buffer.alloc(20)
  const digest = Buffer.alloc(20)
  for (const db of keyspace.dbs) {
    if (db.dict.size === 0) continue
    mixDigest(final, u32be(db.id))
    for (const [key, o] of db.dict) {
      digest.fill(0)
      mixDigest(digest, key)
      xorObjectDigest(db, key, digest, o)
      xorDigest(final, digest)
    }
  }
  return final.toString('hex')
}

/** DEBUG DIGEST-VALUE for one key of a database (no expiry check, as Redis). */
export function valueDigest(db: RedisDb, key: string): string {
  const digest = Buffer.alloc(20)
  const o = db.dict.get(key)
  if (o !== undefined) xorObjectDigest(db, key, digest, o)
  return digest.toString('hex')
}
