/**
 * Values stored in the keyspace. Strings are Buffers (binary safe, treated as immutable:
 * replies may hand them to sockets by reference, so commands that modify a string build a
 * new Buffer). Each other type is its own class in its own file.
 */
import { RedisHash } from './hash'
import { RedisList } from './list'
import { RedisSet } from './set'
import { RedisZset } from './zset'

export type RedisValue = Buffer | RedisList | RedisHash | RedisSet | RedisZset

export type RedisType = 'string' | 'list' | 'hash' | 'set' | 'zset'

/** TYPE's answer for a value. */
export function typeOf(value: RedisValue): RedisType {
  if (value instanceof Buffer) return 'string'
  if (value instanceof RedisList) return 'list'
  if (value instanceof RedisHash) return 'hash'
  if (value instanceof RedisSet) return 'set'
  return 'zset'
}

/** Redis's WRONGTYPE error (shared.wrongtypeerr), for Client.error(). */
export const WRONGTYPE_ERR = '-WRONGTYPE Operation against a key holding the wrong kind of value'
