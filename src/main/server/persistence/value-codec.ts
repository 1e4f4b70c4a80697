/**
 * Keyspace values ↔ the RDB codec's neutral RdbValue. toRdbValue copies whatever a later
 * command could change in place (member/field lists), so the result is a stable pre-image;
 * immutable Buffers (string values, hash values, list elements) are shared, not copied.
 * fromRdbValue builds values through the types' own add/set/insert, so encodings follow
 * the server's current limits exactly as commands building the same value would.
 */
import type { RdbValue } from '../rdb/reader'
import { RdbError } from '../rdb/errors'
import type { RedisServer } from '../node'
import { encodingLimits, type EncodingLimits } from '../keyspace/encoding-limits'
import { RedisHash } from '../keyspace/hash'
import { RedisList } from '../keyspace/list'
import { RedisSet } from '../keyspace/set'
import { RedisZset } from '../keyspace/zset'
import type { RedisValue } from '../keyspace/types'

export function toRdbValue(v: RedisValue): RdbValue {
  if (v instanceof Buffer) return { type: 'string', value: v }
  if (v instanceof RedisList) return { type: 'list', items: v.toArray() }
  if (v instanceof RedisHash) {
    const pairs: Buffer[] = []
    for (const [f, val] of v.map) pairs.push(Buffer.from(f, 'latin1'), val)
    return { type: 'hash', pairs }
  }
  if (v instanceof RedisSet) {
    const members: Buffer[] = []
    v.forEach((m) => members.push(Buffer.from(m, 'latin1')))
    return { type: 'set', members }
  }
  const entries: { member: Buffer; score: number }[] = []
  ;(v as RedisZset).forEach((member, score) => entries.push({ member: Buffer.from(member, 'latin1'), score }))
  return { type: 'zset', entries }
}

/**
 * Null for an empty container (Redis 7.0 skips empty keys when loading). Duplicate members
 * are an RdbError, as Redis reports them (a corrupt file).
 */
export function fromRdbValue(v: RdbValue, server: RedisServer): RedisValue | null {
  return fromRdbValueWithLimits(v, encodingLimits(server.config))
}

export function fromRdbValueWithLimits(v: RdbValue, limits: Readonly<EncodingLimits>): RedisValue | null {
  switch (v.type) {
    case 'string':
      return v.value
    case 'list':
      return v.items.length === 0 ? null : RedisList.from(v.items)
    case 'hash': {
      if (v.pairs.length === 0) return null
      const h = new RedisHash(limits)
      for (let i = 0; i < v.pairs.length; i += 2) {
        if (!h.set(v.pairs[i]!.toString('latin1'), v.pairs[i + 1]!)) throw new RdbError('duplicate hash fields detected')
      }
      return h
    }
    case 'set': {
      if (v.members.length === 0) return null
      const s = new RedisSet(limits)
      for (const m of v.members) if (!s.add(m.toString('latin1'))) throw new RdbError('duplicate set members detected')
      return s
    }
    case 'zset': {
      if (v.entries.length === 0) return null
      const z = new RedisZset(limits)
      for (const e of v.entries) {
        const m = e.member.toString('latin1')
        if (z.has(m)) throw new RdbError('duplicate zset fields detected')
        z.insert(m, e.score)
      }
      return z
    }
  }
}
