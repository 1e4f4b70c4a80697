/**
 * Sorted set commands (t_zset.c), differential against a real redis-server 7: every reply
 * byte for byte (a zset's order is defined), random commands by properties.
 */
import { beforeEach, describe, expect, test } from 'vitest'
import { type DiffConn, sharedPair } from '../helpers/differential'
import { RedisZset } from '../../src/main/server/keyspace/zset'

const { pair, c } = sharedPair({ reset: [['FLUSHALL']] })

/** Bulk strings (and integers) of a flat array reply. */
function items(reply: string): string[] {
  const buf = Buffer.from(reply, 'latin1')
  const out: string[] = []
  let p = buf.indexOf('\r\n') + 2
  while (p < buf.length) {
    const nl = buf.indexOf('\r\n', p)
    if (buf[p] === 0x24) {
      const len = Number(buf.toString('latin1', p + 1, nl))
      out.push(buf.toString('latin1', nl + 2, nl + 2 + len))
      p = nl + 2 + len + 2
    } else {
      // nested array headers are skipped (flattened); integers and nulls kept
      if (buf[p] !== 0x2a) out.push(buf.toString('latin1', p + 1, nl))
      p = nl + 2
    }
  }
  return out
}

/** ZADD args for n members m0..m(n-1) with scores from f. */
function members(n: number, f: (i: number) => string, prefix = 'm'): string[] {
  const out: string[] = []
  for (let i = 0; i < n; i++) out.push(f(i), `${prefix}${i}`)
  return out
}

describe('ZADD / ZINCRBY', () => {
  test('basic adds, updates, replies', async () => {
    await c.same('ZADD', 'z', '1', 'a', '2', 'b', '3', 'c')
    await c.same('ZADD', 'z', '1', 'a', '5', 'b', '0', 'd')
    await c.same('ZADD', 'z', 'CH', '1', 'a', '6', 'b', '0', 'e')
    await c.same('ZRANGE', 'z', '0', '-1', 'WITHSCORES')
    await c.same('ZADD', 'z', '1.1', 'f', '-0', 'g', '+inf', 'h', '-inf', 'i', '1e20', 'j', '0.000001', 'k', '1e-7', 'l')
    await c.same('ZRANGE', 'z', '0', '-1', 'WITHSCORES')
    await c.same('ZADD', 'z', '0x10', 'hex', '  1', 'bad')
    await c.same('ZADD', 'z', '1e400', 'x')
    await c.same('ZADD', 'z', '1e-400', 'x')
    await c.same('ZADD', 'z', 'nan', 'x')
    await c.same('ZADD', 'z', '', 'x')
    await c.same('ZADD', 'z', 'inf', 'x', 'abc', 'y')
    await c.same('EXISTS', 'x')
    await c.same('ZCARD', 'z')
    await c.same('ZSCORE', 'z', 'f')
    await c.same('ZSCORE', 'z', 'h')
    await c.same('ZSCORE', 'z', 'i')
    await c.same('ZSCORE', 'z', 'g')
    await c.same('ZSCORE', 'z', 'nope')
    await c.same('ZSCORE', 'nokey', 'a')
  })

  test('options and their conflicts', async () => {
    await c.same('ZADD', 'z', 'NX', '1', 'a')
    await c.same('ZADD', 'z', 'NX', '2', 'a', '3', 'b')
    await c.same('ZADD', 'z', 'XX', '5', 'a', '3', 'c')
    await c.same('ZADD', 'z', 'XX', 'CH', '6', 'a', '3', 'c')
    await c.same('ZADD', 'z', 'GT', 'CH', '1', 'a', '10', 'b', '7', 'new')
    await c.same('ZADD', 'z', 'LT', 'CH', '1', 'a', '10', 'b')
    await c.same('ZADD', 'z', 'XX', 'GT', 'CH', '100', 'a', '1', 'b')
    await c.same('ZRANGE', 'z', '0', '-1', 'WITHSCORES')
    await c.same('ZADD', 'z', 'NX', 'XX', '1', 'a')
    await c.same('ZADD', 'z', 'GT', 'LT', '1', 'a')
    await c.same('ZADD', 'z', 'NX', 'GT', '1', 'a')
    await c.same('ZADD', 'z', 'NX', 'LT', '1', 'a')
    await c.same('ZADD', 'z', 'INCR', '1', 'a', '2', 'b')
    await c.same('ZADD', 'z', 'NX', 'XX', 'INCR', '1', 'a', '2', 'b')
    await c.same('ZADD', 'z', 'NX')
    await c.same('ZADD', 'z', '1')
    await c.same('ZADD', 'z', '1', 'a', '2')
    await c.same('ZADD', 'z', 'xx', 'nx', 'bad', 'a')
    await c.same('ZADD', 'z')
    await c.same('ZADD', 'nokey', 'XX', '1', 'a')
    await c.same('ZADD', 'nokey', 'XX', 'INCR', '1', 'a')
    await c.same('EXISTS', 'nokey')
  })

  test('INCR / ZINCRBY, NaN', async () => {
    await c.same('ZADD', 'z', 'INCR', '1.5', 'a')
    await c.same('ZADD', 'z', 'INCR', '0.1', 'a')
    await c.same('ZADD', 'z', 'INCR', 'NX', '1', 'a')
    await c.same('ZADD', 'z', 'INCR', 'XX', '1', 'b')
    await c.same('ZADD', 'z', 'INCR', 'GT', '-1', 'a')
    await c.same('ZADD', 'z', 'INCR', 'LT', '-1', 'a')
    await c.same('ZINCRBY', 'z', '2', 'b')
    await c.same('ZINCRBY', 'z', '-0.2', 'b')
    await c.same('ZINCRBY', 'z', 'abc', 'b')
    await c.same('ZINCRBY', 'z', 'nx', 'b')
    await c.same('ZINCRBY', 'z', 'inf', 'c')
    await c.same('ZINCRBY', 'z', '-inf', 'c')
    await c.same('ZADD', 'z', 'INCR', '-inf', 'c')
    await c.same('ZSCORE', 'z', 'c')
    await c.same('ZRANGE', 'z', '0', '-1', 'WITHSCORES')
    await c.same('ZINCRBY', 'new', '3', 'x')
    await c.same('ZRANGE', 'new', '0', '-1', 'WITHSCORES')
  })

  test('WRONGTYPE and arity', async () => {
    await c.same('SET', 's', 'v')
    for (const cmd of [
      ['ZADD', 's', '1', 'a'], ['ZINCRBY', 's', '1', 'a'], ['ZSCORE', 's', 'a'], ['ZMSCORE', 's', 'a'],
      ['ZCARD', 's'], ['ZCOUNT', 's', '0', '1'], ['ZLEXCOUNT', 's', '-', '+'], ['ZRANK', 's', 'a'],
      ['ZREVRANK', 's', 'a'], ['ZRANGE', 's', '0', '1'], ['ZRANGESTORE', 'd', 's', '0', '1'],
      ['ZRANGEBYSCORE', 's', '0', '1'], ['ZREVRANGEBYSCORE', 's', '0', '1'], ['ZRANGEBYLEX', 's', '-', '+'],
      ['ZREVRANGEBYLEX', 's', '+', '-'], ['ZREVRANGE', 's', '0', '1'], ['ZREM', 's', 'a'],
      ['ZREMRANGEBYRANK', 's', '0', '1'], ['ZREMRANGEBYSCORE', 's', '0', '1'], ['ZREMRANGEBYLEX', 's', '-', '+'],
      ['ZPOPMIN', 's'], ['ZPOPMAX', 's', '2'], ['ZMPOP', '1', 's', 'MIN'], ['ZRANDMEMBER', 's'],
      ['ZRANDMEMBER', 's', '2'], ['ZUNION', '1', 's'], ['ZINTER', '1', 's'], ['ZDIFF', '1', 's'],
      ['ZUNIONSTORE', 'd', '1', 's'], ['ZINTERCARD', '1', 's'], ['ZSCAN', 's', '0']
    ]) {
      await c.same(...cmd)
    }
    for (const cmd of [
      ['ZADD', 'z', '1'], ['ZINCRBY', 'z', '1'], ['ZSCORE', 'z'], ['ZMSCORE', 'z'], ['ZCARD'], ['ZCOUNT', 'z', '0'],
      ['ZRANK', 'z'], ['ZRANK', 'z', 'a', 'WITHSCORE'], ['ZRANGE', 'z', '0'], ['ZPOPMIN'], ['ZMPOP', '1', 'z'],
      ['ZUNION', '1'], ['ZUNIONSTORE', 'd', '1'], ['ZINTERCARD', '1'], ['ZSCAN', 'z'], ['ZRANDMEMBER']
    ]) {
      await c.same(...cmd)
    }
  })
})

describe('reads', () => {
  beforeEach(async () => {
    await c.same('ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '3', 'cc', '3', 'ca', '4', 'd', '-1.5', 'neg', 'inf', 'top', '-inf', 'bottom')
  })

  test('ZCARD ZSCORE ZMSCORE ZRANK ZREVRANK', async () => {
    await c.same('ZCARD', 'z')
    await c.same('ZCARD', 'nokey')
    await c.same('ZMSCORE', 'z', 'a', 'nope', 'neg', 'top')
    await c.same('ZMSCORE', 'nokey', 'a', 'b')
    for (const m of ['a', 'c', 'ca', 'cc', 'top', 'bottom', 'nope']) {
      await c.same('ZRANK', 'z', m)
      await c.same('ZREVRANK', 'z', m)
    }
    await c.same('ZRANK', 'nokey', 'a')
    await c.same('ZREVRANK', 'nokey', 'a')
  })

  test('ZCOUNT with every kind of bound', async () => {
    const bounds = ['-inf', '+inf', 'inf', '-1.5', '(-1.5', '1', '(1', '3', '(3', '4', '(4', '5', '', '(', ' 2', '0x3', '1e0', '-INF', '(inf', '(-inf']
    for (const a of bounds) for (const b of ['-inf', '3', '(3', '+inf', '(inf', '4']) await c.same('ZCOUNT', 'z', a, b)
    for (const bad of ['abc', 'nan', '(nan', '1x', '((1', '1 ', '-', '+']) {
      await c.same('ZCOUNT', 'z', bad, '1')
      await c.same('ZCOUNT', 'z', '1', bad)
    }
    await c.same('ZCOUNT', 'nokey', '0', '1')
    await c.same('ZCOUNT', 'nokey', 'x', '1')
  })

  test('ZLEXCOUNT and lex ranges', async () => {
    await c.same('ZADD', 'lex', '0', 'a', '0', 'b', '0', 'c', '0', 'd', '0', 'e', '0', 'ab', '0', '', '0', 'B', '0', '\xff')
    const bounds = ['-', '+', '[a', '(a', '[c', '(c', '[', '(', '[zz', '(ab', '[ab', '[\xff']
    for (const a of bounds) {
      for (const b of bounds) {
        await c.same('ZLEXCOUNT', 'lex', a, b)
        await c.same('ZRANGEBYLEX', 'lex', a, b)
        await c.same('ZREVRANGEBYLEX', 'lex', a, b)
      }
    }
    for (const bad of ['a', '', '+a', '-a', 'x']) {
      await c.same('ZLEXCOUNT', 'lex', bad, '+')
      await c.same('ZRANGEBYLEX', 'lex', '-', bad)
      await c.same('ZREMRANGEBYLEX', 'lex', bad, '+')
    }
    await c.same('ZRANGEBYLEX', 'lex', '-', '+', 'LIMIT', '2', '3')
    await c.same('ZRANGEBYLEX', 'lex', '-', '+', 'LIMIT', '2', '-1')
    await c.same('ZRANGEBYLEX', 'lex', '-', '+', 'LIMIT', '-1', '3')
    await c.same('ZREVRANGEBYLEX', 'lex', '+', '-', 'LIMIT', '1', '2')
    await c.same('ZRANGEBYLEX', 'lex', '-', '+', 'WITHSCORES')
    await c.same('ZRANGE', 'lex', '[b', '(e', 'BYLEX')
    await c.same('ZRANGE', 'lex', '(e', '[b', 'BYLEX', 'REV', 'LIMIT', '1', '1')
    await c.same('ZLEXCOUNT', 'nokey', '-', '+')
  })

  test('ZRANGE by rank: negative and out-of-range indexes', async () => {
    const idx = ['0', '1', '-1', '-2', '3', '8', '9', '100', '-100', '-9', '-10']
    for (const a of idx) {
      for (const b of idx) {
        await c.same('ZRANGE', 'z', a, b)
        await c.same('ZREVRANGE', 'z', a, b, 'WITHSCORES')
      }
    }
    await c.same('ZRANGE', 'z', '0', '-1', 'REV', 'WITHSCORES')
    await c.same('ZRANGE', 'z', 'x', '1')
    await c.same('ZRANGE', 'z', '0', '1.5')
    await c.same('ZRANGE', 'z', '0', '99999999999999999999')
    await c.same('ZRANGE', 'z', '-9223372036854775808', '9223372036854775807')
    await c.same('ZRANGE', 'nokey', '0', '-1')
    await c.same('ZRANGE', 'nokey', 'x', '-1')
  })

  test('ZRANGE unified syntax: options and errors', async () => {
    await c.same('ZRANGE', 'z', '1', '3', 'BYSCORE')
    await c.same('ZRANGE', 'z', '(1', '3', 'BYSCORE', 'WITHSCORES')
    await c.same('ZRANGE', 'z', '3', '1', 'BYSCORE', 'REV', 'WITHSCORES')
    await c.same('ZRANGE', 'z', '+inf', '-inf', 'byscore', 'rev', 'limit', '1', '3')
    await c.same('ZRANGE', 'z', '-inf', '+inf', 'BYSCORE', 'LIMIT', '0', '-1')
    await c.same('ZRANGE', 'z', '-inf', '+inf', 'BYSCORE', 'LIMIT', '-1', '2')
    await c.same('ZRANGE', 'z', '-inf', '+inf', 'BYSCORE', 'LIMIT', '8', '2')
    await c.same('ZRANGE', 'z', '-inf', '+inf', 'BYSCORE', 'LIMIT', '9', '2')
    await c.same('ZRANGE', 'z', '-inf', '+inf', 'BYSCORE', 'LIMIT', '2', '0')
    await c.same('ZRANGE', 'z', '-inf', '+inf', 'BYSCORE', 'LIMIT', '2', '2', 'LIMIT', '3', '1')
    await c.same('ZRANGE', 'z', '0', '-1', 'LIMIT', '0', '1')
    await c.same('ZRANGE', 'z', '-', '+', 'BYLEX', 'WITHSCORES')
    await c.same('ZRANGE', 'z', '0', '-1', 'BYSCORE', 'BYLEX')
    await c.same('ZRANGE', 'z', '0', '-1', 'REV', 'REV')
    await c.same('ZRANGE', 'z', '0', '-1', 'LIMIT', '1')
    await c.same('ZRANGE', 'z', '0', '-1', 'LIMIT', 'x', '1')
    await c.same('ZRANGE', 'z', '0', '-1', 'BYSCORE', 'LIMIT', '0', 'y')
    await c.same('ZRANGE', 'z', 'a', '1', 'BYSCORE')
    await c.same('ZRANGE', 'z', 'a', '1', 'BYLEX')
    await c.same('ZRANGE', 'z', '0', '-1', 'foo')
    await c.same('ZRANGE', 'nokey', '0', '-1', 'foo')
    await c.same('ZRANGE', 'nokey', 'a', '1', 'BYSCORE')
  })

  test('ZRANGEBYSCORE / ZREVRANGEBYSCORE', async () => {
    const pairs: [string, string][] = [['-inf', '+inf'], ['1', '3'], ['(1', '(3'], ['3', '3'], ['(3', '3'], ['5', '1'], ['-1.5', '-1.5'], ['+inf', '+inf'], ['(-inf', '(+inf']]
    for (const [a, b] of pairs) {
      await c.same('ZRANGEBYSCORE', 'z', a, b)
      await c.same('ZRANGEBYSCORE', 'z', a, b, 'WITHSCORES')
      await c.same('ZREVRANGEBYSCORE', 'z', b, a, 'WITHSCORES')
      await c.same('ZRANGEBYSCORE', 'z', a, b, 'WITHSCORES', 'LIMIT', '1', '2')
      await c.same('ZREVRANGEBYSCORE', 'z', b, a, 'LIMIT', '1', '-5')
    }
    await c.same('ZRANGEBYSCORE', 'z', '0', '1', 'REV')
    await c.same('ZRANGEBYSCORE', 'z', '0', '1', 'BYSCORE')
    await c.same('ZRANGEBYSCORE', 'z', '0', '1', 'LIMIT', '1')
    await c.same('ZRANGEBYSCORE', 'z', 'x', '1')
  })

  test('ZRANGESTORE', async () => {
    await c.same('ZRANGESTORE', 'd', 'z', '0', '2')
    await c.same('ZRANGE', 'd', '0', '-1', 'WITHSCORES')
    await c.same('ZRANGESTORE', 'd', 'z', '(1', '+inf', 'BYSCORE', 'LIMIT', '1', '3')
    await c.same('ZRANGE', 'd', '0', '-1', 'WITHSCORES')
    await c.same('ZRANGESTORE', 'd', 'z', '+', '-', 'BYLEX', 'REV')
    await c.same('ZRANGE', 'd', '0', '-1', 'WITHSCORES')
    await c.same('ZRANGESTORE', 'd', 'z', '0', '-1', 'WITHSCORES')
    await c.same('SET', 's', 'x')
    await c.same('EXPIRE', 's', '100')
    await c.same('ZRANGESTORE', 's', 'z', '0', '0')
    await c.same('TTL', 's')
    await c.same('TYPE', 's')
    await c.same('ZRANGESTORE', 'd', 'z', '5', '1')
    await c.same('EXISTS', 'd')
    await c.same('ZRANGESTORE', 's', 'nokey', '0', '-1')
    await c.same('EXISTS', 's')
  })
})

describe('writes', () => {
  test('ZREM and key deletion', async () => {
    await c.same('ZADD', 'z', '1', 'a', '2', 'b', '3', 'c')
    await c.same('ZREM', 'z', 'a', 'x', 'a')
    await c.same('ZREM', 'z', 'b', 'c', 'd')
    await c.same('EXISTS', 'z')
    await c.same('ZREM', 'z', 'a')
  })

  test('ZREMRANGEBYRANK / BYSCORE / BYLEX', async () => {
    const fill = members(20, (i) => String(i % 7))
    for (const [a, b] of [['0', '0'], ['-3', '-1'], ['5', '2'], ['-100', '2'], ['18', '100'], ['0', '-1'], ['x', '1'], ['1', '2.5']]) {
      await c.same('ZADD', 'z', ...fill)
      await c.same('ZREMRANGEBYRANK', 'z', a!, b!)
      await c.same('ZRANGE', 'z', '0', '-1', 'WITHSCORES')
    }
    for (const [a, b] of [['1', '3'], ['(1', '(3'], ['-inf', '+inf'], ['5', '1'], ['x', '1'], ['6', '6']]) {
      await c.same('ZADD', 'z', ...fill)
      await c.same('ZREMRANGEBYSCORE', 'z', a!, b!)
      await c.same('ZRANGE', 'z', '0', '-1', 'WITHSCORES')
    }
    for (const [a, b] of [['[m1', '(m3'], ['-', '+'], ['(m5', '+'], ['+', '-'], ['x', '+']]) {
      await c.same('ZADD', 'lz', ...members(20, () => '0'))
      await c.same('ZREMRANGEBYLEX', 'lz', a!, b!)
      await c.same('ZRANGE', 'lz', '0', '-1')
    }
    await c.same('ZREMRANGEBYRANK', 'nokey', '0', '-1')
    await c.same('ZREMRANGEBYSCORE', 'nokey', 'x', '1')
  })

  test('ZPOPMIN / ZPOPMAX / ZMPOP', async () => {
    await c.same('ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd', '5', 'e')
    await c.same('ZPOPMIN', 'z')
    await c.same('ZPOPMAX', 'z')
    await c.same('ZPOPMIN', 'z', '0')
    await c.same('ZPOPMIN', 'z', '2')
    await c.same('ZPOPMIN', 'z', '-1')
    await c.same('ZPOPMIN', 'z', 'x')
    await c.same('ZPOPMIN', 'z', '1', '2')
    await c.same('ZPOPMAX', 'z', '10')
    await c.same('EXISTS', 'z')
    await c.same('ZPOPMIN', 'z')
    await c.same('ZPOPMAX', 'z', '3')
    await c.same('ZADD', 'z2', '1', 'a', '2', 'b', '3', 'c')
    await c.same('ZMPOP', '2', 'z', 'z2', 'MIN')
    await c.same('ZMPOP', '2', 'z', 'z2', 'max', 'COUNT', '10')
    await c.same('ZMPOP', '2', 'z', 'z2', 'MIN')
    for (const bad of [
      ['0', 'z', 'MIN'], ['x', 'z', 'MIN'], ['-1', 'z', 'MIN'], ['1', 'z', 'MID'], ['3', 'z', 'MIN'],
      ['1', 'z', 'MIN', 'COUNT'], ['1', 'z', 'MIN', 'COUNT', '0'], ['1', 'z', 'MIN', 'COUNT', '1', 'COUNT', '1'],
      ['1', 'z', 'MIN', 'foo', '1'], ['9223372036854775807', 'z', 'MIN']
    ]) {
      await c.same('ZMPOP', ...bad)
    }
    await c.same('SET', 's', 'x')
    await c.same('ZADD', 'z', '1', 'a')
    await c.same('ZMPOP', '2', 'z', 's', 'MIN')
    await c.same('ZMPOP', '2', 's', 'z', 'MIN')
  })
})

describe('ZRANDMEMBER', () => {
  test('errors and trivial cases are exact', async () => {
    await c.same('ZRANDMEMBER', 'nokey')
    await c.same('ZRANDMEMBER', 'nokey', '5')
    await c.same('ZRANDMEMBER', 'nokey', '-5', 'WITHSCORES')
    await c.same('ZADD', 'z', '1', 'a', '2', 'b', '3', 'c')
    await c.same('ZRANDMEMBER', 'z', '0')
    await c.same('ZRANDMEMBER', 'z', '3', 'WITHSCORES')
    await c.same('ZRANDMEMBER', 'z', '100')
    await c.same('ZRANDMEMBER', 'z', 'x')
    await c.same('ZRANDMEMBER', 'z', '1', 'foo')
    await c.same('ZRANDMEMBER', 'z', '1', 'WITHSCORES', 'x')
    await c.same('ZRANDMEMBER', 'z', '-9223372036854775808')
    await c.same('ZRANDMEMBER', 'z', '9223372036854775807', 'WITHSCORES')
    await c.same('ZRANDMEMBER', 'z', '-4611686018427387904', 'WITHSCORES')
  })

  test('random picks by properties', async () => {
    const scores = new Map<string, string>()
    for (let i = 0; i < 200; i++) scores.set(`m${i}`, String(i * 1.5))
    for (const key of ['small', 'big']) {
      const n = key === 'small' ? 50 : 200
      await c.same('ZADD', key, ...members(n, (i) => String(i * 1.5)))
      const r1 = await c.ours.call('ZRANDMEMBER', key)
      expect(scores.has(items(`*1\r\n${r1}`)[0]!)).toBe(true)
      for (const count of [5, 20, 40, n - 1, -5, -300]) {
        const got = items(await c.ours.call('ZRANDMEMBER', key, String(count), 'WITHSCORES'))
        expect(got.length).toBe(Math.abs(count) * 2)
        const seen = new Set<string>()
        for (let i = 0; i < got.length; i += 2) {
          expect(scores.get(got[i]!)).toBe(got[i + 1])
          expect(Number(got[i]!.slice(1))).toBeLessThan(n)
          seen.add(got[i]!)
        }
        if (count > 0) expect(seen.size).toBe(count)
      }
    }
  })
})

describe('ZUNION / ZINTER / ZDIFF', () => {
  beforeEach(async () => {
    await c.same('ZADD', 'z1', '1', 'a', '2', 'b', '3', 'c', 'inf', 'i')
    await c.same('ZADD', 'z2', '10', 'b', '20', 'c', '30', 'd', '-inf', 'i')
    await c.same('SADD', 's1', 'a', 'd', 'e')
    await c.same('SADD', 'si', '1', '2', 'c')
  })

  test('replies with weights and aggregates', async () => {
    for (const op of ['ZUNION', 'ZINTER']) {
      await c.same(op, '2', 'z1', 'z2')
      await c.same(op, '2', 'z1', 'z2', 'WITHSCORES')
      await c.same(op, '3', 'z1', 'z2', 's1', 'WITHSCORES')
      await c.same(op, '2', 'z1', 'si', 'WITHSCORES')
      await c.same(op, '2', 'z1', 'z2', 'WEIGHTS', '2', '0.5', 'WITHSCORES')
      await c.same(op, '2', 'z1', 'z2', 'WEIGHTS', '0', '0', 'WITHSCORES')
      await c.same(op, '2', 'z1', 'z2', 'AGGREGATE', 'MIN', 'WITHSCORES')
      await c.same(op, '2', 'z1', 'z2', 'aggregate', 'max', 'weights', '1', '-1', 'withscores')
      await c.same(op, '2', 'z1', 'z1', 'WITHSCORES')
      await c.same(op, '2', 'z1', 'nokey', 'WITHSCORES')
      await c.same(op, '1', 'nokey')
      await c.same(op, '2', 'z1', 'z2', 'WEIGHTS', '1')
      await c.same(op, '2', 'z1', 'z2', 'WEIGHTS', '1', 'x')
      await c.same(op, '2', 'z1', 'z2', 'AGGREGATE', 'AVG')
      await c.same(op, '2', 'z1', 'z2', 'AGGREGATE')
      await c.same(op, '2', 'z1', 'z2', 'LIMIT', '1')
      await c.same(op, '0', 'z1')
      await c.same(op, '-1', 'z1')
      await c.same(op, 'x', 'z1')
      await c.same(op, '3', 'z1', 'z2')
    }
    await c.same('ZDIFF', '2', 'z1', 'z2', 'WITHSCORES')
    await c.same('ZDIFF', '3', 'z1', 's1', 'si', 'WITHSCORES')
    await c.same('ZDIFF', '2', 's1', 'z1', 'WITHSCORES')
    await c.same('ZDIFF', '2', 'z1', 'z1')
    await c.same('ZDIFF', '1', 'nokey')
    await c.same('ZDIFF', '2', 'z1', 'nokey')
    await c.same('ZDIFF', '2', 'z1', 'z2', 'WEIGHTS', '1', '2')
    await c.same('ZDIFF', '2', 'z1', 'z2', 'AGGREGATE', 'MIN')
  })

  test('STORE variants and ZINTERCARD', async () => {
    await c.same('ZUNIONSTORE', 'd', '2', 'z1', 'z2', 'WEIGHTS', '1', '2')
    await c.same('ZRANGE', 'd', '0', '-1', 'WITHSCORES')
    await c.same('ZINTERSTORE', 'd', '3', 'z1', 'z2', 'si', 'AGGREGATE', 'MAX')
    await c.same('ZRANGE', 'd', '0', '-1', 'WITHSCORES')
    await c.same('ZDIFFSTORE', 'd', '2', 'z1', 'z2')
    await c.same('ZRANGE', 'd', '0', '-1', 'WITHSCORES')
    await c.same('ZINTERSTORE', 'd', '2', 'z1', 'nokey')
    await c.same('EXISTS', 'd')
    await c.same('ZUNIONSTORE', 'd', '2', 'z1', 'z2', 'WITHSCORES')
    await c.same('ZUNIONSTORE', 'z1', '2', 'z1', 'z2')
    await c.same('ZRANGE', 'z1', '0', '-1', 'WITHSCORES')
    await c.same('ZINTERCARD', '2', 'z1', 'z2')
    await c.same('ZINTERCARD', '2', 'z1', 'z2', 'LIMIT', '1')
    await c.same('ZINTERCARD', '2', 'z1', 'z2', 'LIMIT', '0')
    await c.same('ZINTERCARD', '2', 'z1', 'z2', 'LIMIT', '-1')
    await c.same('ZINTERCARD', '2', 'z1', 'z2', 'LIMIT')
    await c.same('ZINTERCARD', '2', 'z1', 'z2', 'WITHSCORES')
    await c.same('ZINTERCARD', '2', 'z1', 's1')
    await c.same('ZINTERCARD', '0', 'z1')
    await c.same('ZINTERCARD', '5', 'z1')
    await c.same('ZINTERCARD', '1', 'nokey')
  })
})

describe('encodings and large sets', () => {
  test('listpack → skiplist at 129 members or a 65-byte member, one way', async () => {
    await c.same('ZADD', 'z', ...members(128, (i) => String(i)))
    await c.same('OBJECT', 'ENCODING', 'z')
    await c.same('ZADD', 'z', '1000', 'extra')
    await c.same('OBJECT', 'ENCODING', 'z')
    await c.same('ZREM', 'z', 'extra', 'm1', 'm2')
    await c.same('OBJECT', 'ENCODING', 'z')
    await c.same('ZADD', 'long', '1', 'x'.repeat(64))
    await c.same('OBJECT', 'ENCODING', 'long')
    await c.same('ZADD', 'long', '1', 'y'.repeat(65))
    await c.same('OBJECT', 'ENCODING', 'long')
    await c.same('ZADD', 'long2', '1', 'y'.repeat(65))
    await c.same('OBJECT', 'ENCODING', 'long2')
    await c.same('ZUNIONSTORE', 'u', '1', 'z')
    await c.same('OBJECT', 'ENCODING', 'u')
    await c.same('ZRANGESTORE', 'u', 'z', '0', '9')
    await c.same('OBJECT', 'ENCODING', 'u')
    await c.same('ZINTERSTORE', 'u', '1', 'long')
    await c.same('OBJECT', 'ENCODING', 'u')
    await c.same('COPY', 'z', 'zc')
    await c.same('OBJECT', 'ENCODING', 'zc')
    await c.same('ZRANGE', 'zc', '0', '-1', 'WITHSCORES')
  })

  test('a big set with ties, binary members and many scores, byte for byte', async () => {
    const args: string[] = []
    for (let i = 0; i < 600; i++) {
      const score = String(((i * 7919) % 97) / 8 - 3)
      const member = i % 5 === 0 ? `b\x00\xff${i}` : i % 3 === 0 ? `${i}` : `m${(i * 31) % 600}`
      args.push(score, member)
    }
    await c.same('ZADD', 'big', ...args)
    await c.same('ZCARD', 'big')
    await c.same('OBJECT', 'ENCODING', 'big')
    await c.same('ZRANGE', 'big', '0', '-1', 'WITHSCORES')
    await c.same('ZRANGE', 'big', '0', '-1', 'REV', 'WITHSCORES')
    await c.same('ZRANGE', 'big', '100', '250')
    await c.same('ZRANGE', 'big', '-300', '-200', 'REV')
    await c.same('ZRANGEBYSCORE', 'big', '(1', '5', 'WITHSCORES', 'LIMIT', '7', '30')
    await c.same('ZREVRANGEBYSCORE', 'big', '5', '(1', 'WITHSCORES', 'LIMIT', '7', '30')
    await c.same('ZCOUNT', 'big', '-1', '(2.5')
    for (const m of ['m1', 'm599', '300', 'b\x00\xff0', 'b\x00\xff595', 'nope']) {
      await c.same('ZRANK', 'big', m)
      await c.same('ZREVRANK', 'big', m)
      await c.same('ZSCORE', 'big', m)
    }
    await c.same('ZINCRBY', 'big', '100', 'm1')
    await c.same('ZINCRBY', 'big', '-100', 'b\x00\xff5')
    await c.same('ZADD', 'big', 'GT', 'CH', '0', 'm2', '50', 'm3')
    await c.same('ZRANGE', 'big', '0', '-1', 'WITHSCORES')
    await c.same('ZREMRANGEBYRANK', 'big', '10', '40')
    await c.same('ZREMRANGEBYSCORE', 'big', '(0', '1')
    await c.same('ZRANGE', 'big', '0', '-1', 'WITHSCORES')
    await c.same('ZPOPMIN', 'big', '5')
    await c.same('ZPOPMAX', 'big', '5')
    await c.same('ZMPOP', '1', 'big', 'MAX', 'COUNT', '3')
    await c.same('ZRANGESTORE', 'dst', 'big', '10', '200')
    await c.same('ZRANGE', 'dst', '0', '-1', 'WITHSCORES')
    await c.same('OBJECT', 'ENCODING', 'dst')
    await c.same('ZADD', 'lexbig', ...members(300, () => '0', 'k'))
    await c.same('ZRANGEBYLEX', 'lexbig', '[k150', '(k2', 'LIMIT', '3', '20')
    await c.same('ZREVRANGEBYLEX', 'lexbig', '(k2', '[k150')
    await c.same('ZLEXCOUNT', 'lexbig', '(k1', '+')
    await c.same('ZREMRANGEBYLEX', 'lexbig', '[k1', '[k2')
    await c.same('ZRANGE', 'lexbig', '0', '-1')
    await c.same('ZUNION', '2', 'big', 'lexbig', 'WITHSCORES')
    await c.same('ZINTER', '2', 'big', 'dst', 'WEIGHTS', '2', '3', 'WITHSCORES')
    await c.same('ZDIFF', '2', 'big', 'dst', 'WITHSCORES')
    await c.same('ZRANDMEMBER', 'big', '1000', 'WITHSCORES')
  })

  test('the skiplist keeps its order through random operations (model check)', () => {
    const z = new RedisZset()
    const model = new Map<string, number>()
    let seed = 12345
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648
      return Math.floor((seed / 2147483648) * n)
    }
    for (let step = 0; step < 5000; step++) {
      const m = `k${rnd(400)}`
      const op = rnd(3)
      if (op === 0) {
        if (model.has(m)) z.delete(m)
        model.delete(m)
      } else {
        const s = rnd(50) - 25
        if (model.has(m)) z.setScore(m, s)
        else z.insert(m, s)
        model.set(m, s)
      }
    }
    const expected = [...model].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    const got: [string, number][] = []
    z.forEach((m, s) => got.push([m, s]))
    expect(got).toEqual(expected)
    expect(z.size).toBe(model.size)
    expect(z.size).toBeGreaterThan(128)
    for (let i = 0; i < expected.length; i++) {
      expect(z.rank(expected[i]![0])).toBe(i)
      expect(z.byRank(i)!.member).toBe(expected[i]![0])
    }
    expect(z.encoding()).toBe('skiplist')
    const copy = z.clone()
    const got2: [string, number][] = []
    copy.forEach((m, s) => got2.push([m, s]))
    expect(got2).toEqual(expected)
    expect(copy.encoding()).toBe('skiplist')
  })
})

describe('ZSCAN', () => {
  test('a listpack comes back whole with cursor 0', async () => {
    await c.same('ZADD', 'z', '1', 'a', '1.1', 'b', '-inf', 'c', '1e20', 'd', '-0', 'e', '100', 'f')
    await c.same('ZSCAN', 'z', '0')
    await c.same('ZSCAN', 'z', '0', 'COUNT', '1')
    await c.same('ZSCAN', 'z', '0', 'MATCH', '[a-c]')
    await c.same('ZSCAN', 'z', '0', 'COUNT', '0')
    await c.same('ZSCAN', 'z', '0', 'COUNT', 'x')
    await c.same('ZSCAN', 'z', '0', 'FOO', 'x')
    await c.same('ZSCAN', 'z', 'x')
    await c.same('ZSCAN', 'nokey', '0')
  })

  test('a skiplist is scanned completely', async () => {
    await c.same('ZADD', 'z', ...members(500, (i) => String(i / 4)))
    const seen = new Map<string, string>()
    let cursor = '0'
    let calls = 0
    do {
      const r = items(await c.ours.call('ZSCAN', 'z', cursor, 'COUNT', '20'))
      // items flattens [cursor, [m, s, ...]]: the cursor, then the pairs
      cursor = r[0]!
      for (let i = 1; i < r.length; i += 2) seen.set(r[i]!, r[i + 1]!)
      calls++
    } while (cursor !== '0' && calls < 1000)
    expect(cursor).toBe('0')
    expect(seen.size).toBe(500)
    expect(seen.get('m6')).toBe('1.5')
    expect(seen.get('m2')).toBe('0.5')
  })
})

describe('dirty counts (INFO rdb_changes_since_last_save)', () => {
  async function dirty(conn: DiffConn['real']): Promise<number> {
    const info = await conn.call('INFO', 'persistence')
    return Number(/rdb_changes_since_last_save:(\d+)/.exec(info)![1])
  }

  test('each write adds what Redis adds', async () => {
    const cmds: string[][] = [
      ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c'],
      ['ZADD', 'z', '1', 'a', '5', 'b', '0', 'd'],
      ['ZADD', 'z', 'NX', '1', 'a'],
      ['ZADD', 'z', 'INCR', '1', 'a'],
      ['ZINCRBY', 'z', '0', 'a'],
      ['ZREM', 'z', 'a', 'nope', 'b'],
      ['ZADD', 'z', ...members(10, (i) => String(i))],
      ['ZREMRANGEBYRANK', 'z', '0', '2'],
      ['ZREMRANGEBYSCORE', 'z', '5', '6'],
      ['ZREMRANGEBYLEX', 'z', '-', '+'],
      ['ZADD', 'z', ...members(10, (i) => String(i))],
      ['ZPOPMIN', 'z', '3'],
      ['ZPOPMAX', 'z'],
      ['ZMPOP', '1', 'z', 'MIN', 'COUNT', '2'],
      ['ZRANGESTORE', 'd', 'z', '0', '-1'],
      ['ZRANGESTORE', 'd', 'z', '5', '1'],
      ['ZRANGESTORE', 'd', 'z', '5', '1'],
      ['ZUNIONSTORE', 'd', '1', 'z'],
      ['ZINTERSTORE', 'd', '2', 'z', 'nokey'],
      ['ZDIFFSTORE', 'd', '1', 'z'],
      ['ZPOPMIN', 'z', '100']
    ]
    for (const cmd of cmds) {
      const before = [await dirty(c.real), await dirty(c.ours)]
      await c.same(...cmd)
      const after = [await dirty(c.real), await dirty(c.ours)]
      expect(after[1]! - before[1]!, cmd.join(' ')).toBe(after[0]! - before[0]!)
    }
  })
})

describe('RESP3', () => {
  test('scores are doubles, WITHSCORES replies are pairs', async () => {
    const conn = await pair.connect()
    try {
      await conn.both('HELLO', '3')
      await conn.same('ZADD', 'z', '1', 'a', '2.5', 'b', 'inf', 'c', '-0', 'd')
      await conn.same('ZADD', 'w', 'INCR', '1.1', 'a')
      await conn.same('ZADD', 'w', 'XX', 'INCR', '1', 'nope')
      await conn.same('ZSCORE', 'z', 'b')
      await conn.same('ZSCORE', 'z', 'c')
      await conn.same('ZSCORE', 'z', 'nope')
      await conn.same('ZMSCORE', 'z', 'a', 'nope', 'c')
      await conn.same('ZRANK', 'z', 'nope')
      await conn.same('ZRANK', 'nokey', 'a')
      await conn.same('ZRANGE', 'z', '0', '-1', 'WITHSCORES')
      await conn.same('ZRANGE', 'z', '0', '-1')
      await conn.same('ZRANGEBYSCORE', 'z', '-inf', '+inf', 'WITHSCORES', 'LIMIT', '1', '2')
      await conn.same('ZREVRANGE', 'z', '0', '1', 'WITHSCORES')
      await conn.same('ZUNION', '1', 'z', 'WITHSCORES')
      await conn.same('ZINTER', '1', 'z', 'WITHSCORES')
      await conn.same('ZDIFF', '1', 'z', 'WITHSCORES')
      await conn.same('ZRANDMEMBER', 'z', '10', 'WITHSCORES')
      await conn.same('ZRANDMEMBER', 'nokey')
      await conn.same('ZSCAN', 'z', '0')
      await conn.same('ZPOPMIN', 'z')
      await conn.same('ZPOPMIN', 'z', '1')
      await conn.same('ZPOPMAX', 'z', '5')
      await conn.same('ZPOPMAX', 'z', '5')
      await conn.same('ZADD', 'z', '1', 'a', '2.5', 'b')
      await conn.same('ZMPOP', '1', 'z', 'MIN', 'COUNT', '5')
      await conn.same('ZMPOP', '1', 'z', 'MIN', 'COUNT', '5')
      await conn.same('ZADD', 'z', '1.00000762939453125', 'tie', '1e-5', 'small')
      await conn.same('ZRANGE', 'z', '0', '-1', 'WITHSCORES')
      await conn.same('ZSCORE', 'z', 'tie')
      await conn.same('ZINCRBY', 'z', '0.5', 'tie')
    } finally {
      conn.close()
    }
  })
})

describe('propagation and other families on zsets', () => {
  /** Records what our server's clients propagate (Client.propagateAs), as strings. */
  function recordPropagation(): string[][][] {
    const log: string[][][] = []
    for (const client of pair.ours.clients.values()) {
      const orig = client.propagateAs.bind(client)
      client.propagateAs = (...cmds: Buffer[][]): void => {
        log.push(cmds.map((cmd) => cmd.map((a) => a.toString('latin1'))))
        orig(...cmds)
      }
    }
    return log
  }

  test('ZMPOP propagates as ZPOPMIN/ZPOPMAX key count; others as they are', async () => {
    const log = recordPropagation()
    await c.same('ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd')
    await c.same('ZPOPMIN', 'z')
    await c.same('ZADD', 'z', 'INCR', '1', 'x')
    await c.same('ZINCRBY', 'z', '1', 'x')
    expect(log.splice(0)).toEqual([])
    await c.same('ZMPOP', '2', 'nokey', 'z', 'MAX')
    expect(log.splice(0)).toEqual([[['ZPOPMAX', 'z', '1']]])
    await c.same('ZMPOP', '1', 'z', 'MIN', 'COUNT', '2')
    expect(log.splice(0)).toEqual([[['ZPOPMIN', 'z', '2']]])
    await c.same('ZMPOP', '1', 'nokey', 'MIN', 'COUNT', '2')
    expect(log.splice(0)).toEqual([])
  })

  test('SORT, TYPE, COPY, RENAME, DEBUG DIGEST-VALUE on zsets', async () => {
    await c.same('ZADD', 'z', '3', 'c', '1', 'b', '2', 'a', '2', '10', '0', '9')
    await c.same('TYPE', 'z')
    await c.same('SORT', 'z')
    await c.same('SORT', 'z', 'ALPHA')
    await c.same('SORT', 'z', 'BY', 'nosort')
    await c.same('SORT', 'z', 'BY', 'nosort', 'DESC', 'LIMIT', '1', '3')
    await c.same('COPY', 'z', 'z2')
    await c.same('ZADD', 'z2', '5', 'new')
    await c.same('ZRANGE', 'z', '0', '-1', 'WITHSCORES')
    await c.same('ZRANGE', 'z2', '0', '-1', 'WITHSCORES')
    await c.same('RENAME', 'z2', 'z3')
    await c.same('ZRANGE', 'z3', '0', '-1', 'WITHSCORES')
    await c.same('DEBUG', 'DIGEST-VALUE', 'z', 'z3')
    await c.same('ZRANGE', 'z', '0', '-1', 'LIMIT', '5', '-1')
  })
})

describe('score formatting', () => {
  test('%.17g with glibc rounding (ties to even) for every kind of score', async () => {
    const scores = ['1.00000762939453125', '1000000000000000.25', '100000000000000.125', '1.0251998901367188e-05',
      '0.1', '1.1', '-2.25', '1e-4', '0.00012345', '123456.789', '1e15', '9007199254740993', '99999999999999984',
      '1e17', '1e-5', '3e-300', '1.7976931348623157e308', '5e-324', '0.30000000000000004', '-1e16', '2.5e-5']
    const args: string[] = []
    scores.forEach((s, i) => args.push(s, `m${i}`))
    await c.same('ZADD', 'z', ...args)
    await c.same('ZRANGE', 'z', '0', '-1', 'WITHSCORES')
    await c.same('ZSCAN', 'z', '0')
    for (let i = 0; i < scores.length; i++) await c.same('ZSCORE', 'z', `m${i}`)
    await c.same('ZINCRBY', 'z', '0.5', 'm0')
    await c.same('ZUNION', '1', 'z', 'WEIGHTS', '3', 'WITHSCORES')
  })
})

describe('BZPOPMIN / BZPOPMAX / BZMPOP', () => {
  const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

  test('served at once, errors, timeouts, MULTI', async () => {
    await c.same('ZADD', 'z', '1', 'a', '2', 'b', '3', 'c')
    await c.same('BZPOPMIN', 'nokey', 'z', '0')
    await c.same('BZPOPMAX', 'z', '0')
    await c.same('BZMPOP', '0', '2', 'nokey', 'z', 'MIN', 'COUNT', '5')
    await c.same('EXISTS', 'z')
    await c.same('BZPOPMIN', 'nokey', '0.05')
    await c.same('BZPOPMAX', 'nokey', '0.01')
    await c.same('BZMPOP', '0.01', '1', 'nokey', 'MAX')
    await c.same('BZPOPMIN', 'nokey', 'x')
    await c.same('BZPOPMIN', 'nokey', '-1')
    await c.same('BZMPOP', 'x', '1', 'nokey', 'MAX')
    await c.same('BZMPOP', '0', '0', 'nokey', 'MAX')
    await c.same('BZMPOP', 'x', '0', 'nokey', 'MAX')
    await c.same('BZMPOP', '0', '1', 'nokey', 'MID')
    await c.same('BZMPOP', '0', '1', 'nokey', 'MIN', 'COUNT', '0')
    await c.same('BZMPOP', '0', '1')
    await c.same('BZPOPMIN', 'z')
    await c.same('SET', 's', 'v')
    await c.same('BZPOPMIN', 's', '0')
    await c.same('BZMPOP', '0', '2', 'nokey', 's', 'MIN')
    await c.same('MULTI')
    await c.same('BZPOPMIN', 'nokey', '0')
    await c.same('BZMPOP', '0', '1', 'nokey', 'MIN')
    await c.same('EXEC')
  })

  test('a blocked client is served by ZADD / ZUNIONSTORE / ZINCRBY, FIFO', async () => {
    const a = await pair.connect()
    const b = await pair.connect()
    try {
      const p1 = a.both('BZPOPMIN', 'k1', 'k2', '0')
      const p2 = b.both('BZMPOP', '0', '2', 'k2', 'k3', 'MAX', 'COUNT', '2')
      await sleep(50)
      await c.same('ZADD', 'k2', '1', 'x', '2', 'y', '3', 'z', '4', 'w')
      const r1 = await p1
      expect(r1.ours).toBe(r1.real)
      const r2 = await p2
      expect(r2.ours).toBe(r2.real)
      await c.same('ZRANGE', 'k2', '0', '-1', 'WITHSCORES')

      const p3 = a.both('BZPOPMAX', 'k5', '0')
      await sleep(50)
      await c.same('ZUNIONSTORE', 'k5', '1', 'k2')
      const r3 = await p3
      expect(r3.ours).toBe(r3.real)

      const p4 = b.both('BZPOPMIN', 'k6', '0')
      await sleep(50)
      await c.same('ZINCRBY', 'k6', '2.5', 'm')
      const r4 = await p4
      expect(r4.ours).toBe(r4.real)
      await c.same('EXISTS', 'k6')

      // A key created with the wrong type does not serve; the client times out.
      const p5 = a.both('BZPOPMIN', 'k7', '0.2')
      await sleep(50)
      await c.same('SET', 'k7', 'str')
      const r5 = await p5
      expect(r5.ours).toBe(r5.real)
      expect(r5.ours).toBe('*-1\r\n')
    } finally {
      a.close()
      b.close()
    }
  })

  test('served at once propagates as ZPOPMIN/ZPOPMAX', async () => {
    const log: string[][][] = []
    for (const client of pair.ours.clients.values()) {
      const orig = client.propagateAs.bind(client)
      client.propagateAs = (...cmds: Buffer[][]): void => {
        log.push(cmds.map((cmd) => cmd.map((a) => a.toString('latin1'))))
        orig(...cmds)
      }
    }
    await c.same('ZADD', 'z', '1', 'a', '2', 'b', '3', 'c')
    await c.same('BZPOPMIN', 'nokey', 'z', '0')
    await c.same('BZPOPMAX', 'z', '0')
    await c.same('BZMPOP', '0', '1', 'z', 'MIN')
    expect(log).toEqual([[['ZPOPMIN', 'z']], [['ZPOPMAX', 'z']], [['ZPOPMIN', 'z', '1']]])
  })
})
