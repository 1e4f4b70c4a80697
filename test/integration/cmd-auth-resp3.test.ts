/**
 * AUTH / requirepass, HELLO, RESET and RESP3 replies, differential against a real
 * redis-server 7.0 (client ids masked in HELLO replies).
 */
import { describe, expect, test } from 'vitest'
import { type DiffConn, sharedPair } from '../helpers/differential'
import { ReplyReader } from '../../src/main/server/resp/reply-reader'
import { formatReply } from '../../src/shared/cli-format'

const { pair, c } = sharedPair()

/** HELLO replies carry the client id: compared with the id masked. */
async function hello(conn: DiffConn, ...args: string[]): Promise<string> {
  const { real, ours } = await conn.both('HELLO', ...args)
  const mask = (s: string): string => s.replace(/(\$2\r\nid\r\n):\d+\r\n/, '$1:ID\r\n')
  expect(mask(ours)).toBe(mask(real))
  return mask(real)
}

describe('AUTH without requirepass', () => {
  test('errors and the nopass default user', async () => {
    await c.same('AUTH', 'x')
    await c.same('AUTH', 'default', 'anything')
    await c.same('AUTH', 'nobody', 'x')
    await c.same('AUTH', 'a', 'b', 'c')
    await c.same('AUTH')
    await c.same('AUTH', 'Default', 'x')
  })
})

describe('requirepass', () => {
  test('NOAUTH until AUTH, then commands run; RESET drops authentication', async () => {
    const admin = await pair.connect()
    await admin.same('CONFIG', 'SET', 'requirepass', 'pw')
    try {
      const u = await pair.connect()
      await u.same('GET', 'x')
      await u.same('PING')
      // Existence and arity are checked before authentication.
      await u.same('NOSUCH', 'a')
      await u.same('GET')
      await u.same('MULTI')
      await u.same('AUTH', 'wrong')
      await u.same('AUTH', 'default', 'wrong')
      await u.same('AUTH', 'someone', 'pw')
      await hello(u, '3')
      await hello(u)
      await hello(u, '2', 'AUTH', 'default', 'bad')
      await u.same('AUTH', 'pw')
      await u.same('GET', 'x')
      await u.same('RESET')
      await u.same('GET', 'x')
      await u.same('AUTH', 'default', 'pw')
      await u.same('SET', 'x', '1')
      await u.same('RESET')
      expect(await hello(u, '3', 'AUTH', 'default', 'pw', 'SETNAME', 'me')).toContain('%7\r\n')
      await u.same('CLIENT', 'GETNAME')
      await u.same('QUIT')
      u.close()
      // The connection that set the password stays authenticated.
      await admin.same('GET', 'x')
      // An unauthenticated client's MULTI queue gets NOAUTH errors (transaction flagged).
      const v = await pair.connect()
      await v.same('AUTH', 'pw')
      await v.same('MULTI')
      await v.same('SET', 'x', '2')
      await v.same('RESET')
      await v.same('EXEC')
      v.close()
    } finally {
      await admin.same('CONFIG', 'SET', 'requirepass', '')
      admin.close()
    }
    const w = await pair.connect()
    await w.same('GET', 'x')
    w.close()
  })
})

describe('HELLO', () => {
  test('replies and errors', async () => {
    const h = await pair.connect()
    await hello(h)
    await hello(h, '2')
    await hello(h, '3')
    await hello(h, '3', 'SETNAME', 'abc')
    await h.same('CLIENT', 'GETNAME')
    await hello(h, '4')
    await hello(h, '1')
    await hello(h, 'x')
    await hello(h, '3', 'FOO')
    await hello(h, '2', 'SETNAME')
    await hello(h, '2', 'SETNAME', 'a b')
    await hello(h, '2', 'AUTH', 'default')
    await hello(h, '2', 'AUTH', 'default', 'x')
    await hello(h, '2', 'AUTH', 'nobody', 'x')
    await hello(h, '-1')
    await hello(h, '99999999999999999999999')
    // Still RESP3 (from the last successful HELLO 3)? HELLO 2 switched back.
    await h.same('GET', 'nokey')
    h.close()
  })
})

describe('HELLO inside MULTI', () => {
  test('switches protocol in the middle of the EXEC reply', async () => {
    const h = await pair.connect()
    await h.same('MULTI')
    await h.same('HELLO', '3')
    await h.same('GET', 'nokey')
    const { real, ours } = await h.both('EXEC')
    const mask = (s: string): string => s.replace(/(\$2\r\nid\r\n):\d+\r\n/, '$1:ID\r\n')
    expect(mask(ours)).toBe(mask(real))
    expect(real.endsWith('_\r\n')).toBe(true)
    h.close()
  })
})

describe('RESET', () => {
  test('clears db, protocol, transaction, subscriptions, name', async () => {
    const r = await pair.connect()
    await r.same('SELECT', '5')
    await hello(r, '3')
    await r.same('CLIENT', 'SETNAME', 'nm')
    await r.same('WATCH', 'k')
    await r.same('MULTI')
    await r.same('SET', 'k', 'v')
    await r.same('RESET')
    await r.same('EXEC')
    await r.same('GET', 'nokey')
    await r.same('CLIENT', 'GETNAME')
    await r.same('SUBSCRIBE', 'ch')
    await r.same('RESET')
    await r.same('GET', 'k')
    await r.same('RESET', 'x')
    r.close()
  })
})

describe('RESP3 replies', () => {
  test('nulls, maps, sets, doubles, pushes', async () => {
    const p = await pair.connect()
    await hello(p, '3')
    await p.same('FLUSHALL')
    await p.same('GET', 'nokey')
    await p.same('SET', 'k', 'v')
    await p.same('GET', 'k')
    await p.same('HSET', 'h', 'f', 'v')
    await p.same('HGETALL', 'h')
    await p.same('HGETALL', 'nokey')
    await p.same('SADD', 's', '1', '2')
    await p.same('SMEMBERS', 's')
    await p.same('SMEMBERS', 'nokey')
    await p.same('INCRBYFLOAT', 'f', '1.1')
    await p.same('INCRBYFLOAT', 'f', '1e300')
    await p.same('HINCRBYFLOAT', 'h', 'g', '2.5')
    await p.same('ZADD', 'z', '1.5', 'a', 'inf', 'b', '-inf', 'c')
    await p.same('ZSCORE', 'z', 'a')
    await p.same('ZSCORE', 'z', 'b')
    await p.same('ZSCORE', 'z', 'c')
    await p.same('ZSCORE', 'z', 'nope')
    await p.same('ZINCRBY', 'z', '0.1', 'a')
    await p.same('ZRANGE', 'z', '0', '-1', 'WITHSCORES')
    await p.same('ZPOPMIN', 'z')
    await p.same('ZMSCORE', 'z', 'b', 'x')
    await p.same('CONFIG', 'GET', 'maxmemory')
    await p.same('OBJECT', 'ENCODING', 'nokey')
    await p.same('TYPE', 'nokey')
    await p.same('SPOP', 'nokey')
    await p.same('SRANDMEMBER', 'nokey')
    await p.same('HRANDFIELD', 'nokey')
    await p.same('PING')
    await p.same('PING', 'x')
    await p.same('ECHO', 'x')
    await p.same('SET', 'k', 'v', 'GET')
    await p.same('SET', 'n', 'v', 'NX', 'GET')
    await p.same('MGET', 'k', 'nokey')
    await p.same('HMGET', 'h', 'f', 'nokey')
    await p.same('EXISTS', 'k')
    await p.same('TTL', 'k')
    await p.same('DEL', 'nokey')
    // PUBSUB NUMSUB stays an array in RESP3; NUMPAT an integer.
    await p.same('PUBSUB', 'NUMSUB', 'a', 'b')
    await p.same('PUBSUB', 'NUMPAT')
    await p.same('PUBSUB', 'CHANNELS', 'zzz*')
    p.close()
  })
})

describe('ReplyReader on real RESP3 replies', () => {
  test('HELLO 3, maps, sets, doubles, nulls as redis-cli shows them', async () => {
    const p = await pair.connect()
    await hello(p, '3')
    await p.same('DEL', 'h3', 's3', 'z3')
    await p.same('HSET', 'h3', 'f', 'v')
    await p.same('SADD', 's3', 'm')
    await p.same('ZADD', 'z3', '2.5', 'a')
    const shown: string[] = []
    for (const args of [['HGETALL', 'h3'], ['SMEMBERS', 's3'], ['ZSCORE', 'z3', 'a'], ['GET', 'nokey'], ['HGETALL', 'nokey'], ['SMEMBERS', 'nokey']]) {
      const raw = await p.same(...args)
      const replies = new ReplyReader().push(Buffer.from(raw, 'latin1'))
      expect(replies).toHaveLength(1)
      shown.push(formatReply(replies[0]!))
    }
    expect(shown).toEqual(['1# "f" => "v"', '1~ "m"', '(double) 2.5', '(nil)', '(empty hash)', '(empty set)'])
    const h = new ReplyReader().push(Buffer.from(await p.real.call('HELLO', '3'), 'latin1'))[0]!
    expect(h.type).toBe('map')
    p.close()
  })
})
