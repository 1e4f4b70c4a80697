/**
 * Values stored in the keyspace. Strings are Buffers (binary safe, treated as immutable:
 * replies may hand them to sockets by reference, so commands that modify a string build a
 * new Buffer). Lists, hashes, sets, sorted sets and streams join this union later, each as
 * its own class, and typeOf() grows with them.
 */
export type RedisValue = Buffer

export type RedisType = 'string'

export function typeOf(_value: RedisValue): RedisType {
  return 'string'
}

/** Redis's WRONGTYPE error (shared.wrongtypeerr), for Client.error(). */
export const WRONGTYPE_ERR = '-WRONGTYPE Operation against a key holding the wrong kind of value'
