/**
 * Expiry: the EXPIRE family, TTL/PTTL/EXPIRETIME/PEXPIRETIME, PERSIST, lazy and active
 * expiration, compared with a real redis-server 7; what expiry commands propagate.
 */
import { describe, expect, test } from 'vitest'
import type { RedisDb } from '../../src/main/server/keyspace/db'
import { sharedPair } from '../helpers/differential'
import { propagated as propagatedBy } from '../helpers/propagation'

const { pair, c } = sharedPair({ reset: [['SELECT', '0'], ['FLUSHALL']] })

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))
const int = (reply: string): number => {
  expect(reply[0]).toBe(':')
  return Number(reply.slice(1, -2))
}

/** Both replies are integers within `tol` of each other. */
async function close(tol: number, ...args: string[]): Promise<number> {
  const { real, ours } = await c.both(...args)
  expect(Math.abs(int(real) - int(ours)), `${args.join(' ')}: ${real} vs ${ours}`).toBeLessThanOrEqual(tol)
  return int(ours)
}

describe('EXPIRE family', () => {
  test('errors', async () => {
    await c.same('SET', 'k', 'v')
    await c.same('EXPIRE', 'k', 'x')
    await c.same('EXPIRE', 'k', '1.5')
    await c.same('EXPIRE', 'k', '10', 'NX', 'XX')
    await c.same('EXPIRE', 'k', '10', 'nx', 'gt')
    await c.same('EXPIRE', 'k', '10', 'NX', 'LT')
    await c.same('EXPIRE', 'k', '10', 'GT', 'LT')
    await c.same('EXPIRE', 'k', '10', 'FOO')
    await c.same('EXPIRE', 'k', 'x', 'FOO')
    await c.same('PEXPIRE', 'k', '10', 'xx', 'bar')
    await c.same('EXPIRE', 'k', '9223372036854775807')
    await c.same('EXPIRE', 'k', '-9223372036854775808')
    await c.same('PEXPIRE', 'k', '9223372036854775807')
    await c.same('EXPIREAT', 'k', '9223372036854775807')
    await c.same('EXPIRE', 'k', '9223372036854775808')
    await c.same('EXPIRE')
    await c.same('EXPIRE', 'k')
    await c.same('TTL', 'k')
  })
  test('missing key, basics, TTL and PTTL', async () => {
    await c.same('EXPIRE', 'nope', '10')
    await c.same('TTL', 'nope')
    await c.same('PTTL', 'nope')
    await c.same('EXPIRETIME', 'nope')
    await c.same('PEXPIRETIME', 'nope')
    await c.same('SET', 'k', 'v')
    await c.same('TTL', 'k')
    await c.same('PTTL', 'k')
    await c.same('EXPIRETIME', 'k')
    await c.same('PEXPIRETIME', 'k')
    await c.same('EXPIRE', 'k', '100')
    await close(1, 'TTL', 'k')
    await close(50, 'PTTL', 'k')
    await c.same('PEXPIRE', 'k', '100000')
    await close(1, 'TTL', 'k')
    await close(50, 'PTTL', 'k')
  })
  test('absolute times read back exactly', async () => {
    await c.same('SET', 'k', 'v')
    const at = Math.floor(Date.now() / 1000) + 1000
    await c.same('EXPIREAT', 'k', String(at))
    await c.same('EXPIRETIME', 'k')
    await c.same('PEXPIRETIME', 'k')
    const pat = Date.now() + 123456
    await c.same('PEXPIREAT', 'k', String(pat))
    await c.same('PEXPIRETIME', 'k')
    await c.same('EXPIRETIME', 'k')
    // Rounding of EXPIRETIME: (ms + 500) / 1000.
    await c.same('PEXPIREAT', 'k', String(Math.floor(pat / 1000) * 1000 + 499))
    await c.same('EXPIRETIME', 'k')
    await c.same('PEXPIREAT', 'k', String(Math.floor(pat / 1000) * 1000 + 500))
    await c.same('EXPIRETIME', 'k')
  })
  test('NX XX GT LT', async () => {
    await c.same('SET', 'k', 'v')
    await c.same('EXPIRE', 'k', '100', 'XX')
    await c.same('EXPIRE', 'k', '100', 'GT')
    await c.same('EXPIRE', 'k', '100', 'LT')
    await c.same('TTL', 'k')
    await c.same('PERSIST', 'k')
    await c.same('EXPIRE', 'k', '100', 'NX')
    await c.same('EXPIRE', 'k', '200', 'NX')
    await c.same('EXPIRE', 'k', '200', 'XX')
    await c.same('EXPIRE', 'k', '100', 'GT')
    await c.same('EXPIRE', 'k', '300', 'GT')
    await c.same('EXPIRE', 'k', '400', 'LT')
    await c.same('EXPIRE', 'k', '50', 'lt', 'xx')
    await c.same('TTL', 'k')
    await c.same('EXPIRE', 'k', '40', 'GT', 'GT')
    await c.same('EXPIRE', 'k', '60', 'GT', 'GT')
  })
  test('a time in the past deletes the key', async () => {
    await c.same('SET', 'k', 'v')
    await c.same('EXPIRE', 'k', '-1')
    await c.same('EXISTS', 'k')
    await c.same('SET', 'k', 'v')
    await c.same('PEXPIRE', 'k', '0')
    await c.same('EXISTS', 'k')
    await c.same('SET', 'k', 'v')
    await c.same('EXPIREAT', 'k', '1')
    await c.same('EXISTS', 'k')
    await c.same('SET', 'k', 'v')
    await c.same('PEXPIREAT', 'k', '-5')
    await c.same('EXISTS', 'k')
  })
  test('PERSIST', async () => {
    await c.same('PERSIST', 'nope')
    await c.same('SET', 'k', 'v')
    await c.same('PERSIST', 'k')
    await c.same('EXPIRE', 'k', '100')
    await c.same('PERSIST', 'k')
    await c.same('TTL', 'k')
    await c.same('PERSIST', 'k')
  })
  test('SET without KEEPTTL drops the TTL', async () => {
    await c.same('SET', 'k', 'v', 'EX', '100')
    await c.same('SET', 'k', 'w')
    await c.same('TTL', 'k')
  })
})

describe('lazy and active expiration', () => {
  test('expired keys read as missing', async () => {
    await c.same('SET', 'k', 'v', 'PX', '20')
    await c.same('EXISTS', 'k')
    await sleep(40)
    await c.same('GET', 'k')
    await c.same('TTL', 'k')
    await c.same('EXISTS', 'k')
  })
  test('many short-lived keys disappear without being accessed', async () => {
    const ops: Promise<unknown>[] = []
    for (let i = 0; i < 3000; i++) ops.push(c.both('SET', `k${i}`, 'v', 'PX', String(50 + (i % 50))))
    for (let i = 0; i < 10; i++) ops.push(c.both('SET', `keep${i}`, 'v', 'EX', '1000'))
    ops.push(c.both('SET', 'plain', 'v'))
    await Promise.all(ops)
    // Redis's cycle (hz 10) needs a few hundred ms for 3000 keys; allow a few seconds.
    // DBSIZE does not expire anything: it shows what the active cycles have collected.
    let ours = -1
    let real = -1
    for (let i = 0; i < 100 && (ours !== 11 || real !== 11); i++) {
      await sleep(100)
      ;({ ours, real } = await c.both('DBSIZE').then((r) => ({ ours: int(r.ours), real: int(r.real) })))
    }
    expect(ours).toBe(11)
    expect(real).toBe(11)
    const ks = await c.both('INFO', 'keyspace')
    expect(ks.ours).toContain('db0:keys=11,expires=10,')
    expect(ks.real).toContain('db0:keys=11,expires=10,')
    const expired = (s: string): number => Number(/expired_keys:(\d+)/.exec(s)![1])
    const st = await c.both('INFO', 'stats')
    expect(expired(st.ours)).toBe(expired(st.real))
  })
  test('INFO keyspace counts keys and volatile keys', async () => {
    await c.same('SET', 'a', '1', 'EX', '100')
    await c.same('SET', 'b', '1', 'EX', '100')
    await c.same('SET', 'c', '1')
    await c.same('SELECT', '3')
    await c.same('SET', 'd', '1', 'PX', '100000')
    const { real, ours } = await c.both('INFO', 'keyspace')
    // avg_ttl is an estimate that moves with time, and the bulk length with its digits.
    const strip = (s: string): string => s.replace(/^\$\d+\r\n/, '').replace(/avg_ttl=\d+/g, 'avg_ttl=N')
    expect(strip(ours)).toBe(strip(real))
  })
  test('onExpired fires for lazy and active expiry; onModified too', async () => {
    const db = pair.ours.keyspace.db(0)
    const expired: string[] = []
    const modified: string[] = []
    db.onExpired = (_db: RedisDb, key: string) => expired.push(key)
    const prevModified = db.onModified
    db.onModified = (d: RedisDb, key: string) => {
      modified.push(key)
      prevModified?.(d, key)
    }
    try {
      await c.ours.call('SET', 'lazy', 'v', 'PX', '10')
      await c.ours.call('SET', 'active', 'v', 'PX', '10')
      await sleep(20)
      await c.ours.call('GET', 'lazy')
      expect(expired).toContain('lazy')
      for (let i = 0; i < 100 && !expired.includes('active'); i++) await sleep(50)
      expect(expired.sort()).toEqual(['active', 'lazy'])
      expect(modified).toContain('active')
    } finally {
      db.onExpired = null
      db.onModified = prevModified
    }
  })
})

describe('replica expiry rules', () => {
  test('a replica reads expired keys as missing but leaves deleting them to its master', async () => {
    const ks = pair.ours.keyspace
    const o = c.ours
    await o.call('SET', 'k', 'v', 'PX', '10')
    await o.call('SET', 'k2', 'v', 'PX', '10')
    ks.expirePolicy.replica = true
    try {
      await sleep(250)
      expect(await o.call('GET', 'k')).toBe('$-1\r\n')
      expect(await o.call('EXISTS', 'k')).toBe(':0\r\n')
      expect(await o.call('TTL', 'k')).toBe(':-2\r\n')
      // Neither the lookups nor the active cycle deleted anything.
      expect(await o.call('DBSIZE')).toBe(':2\r\n')
      // Commands from the master see the key as it is.
      ks.expirePolicy.fromMaster = true
      expect(await o.call('GET', 'k')).toBe('$1\r\nv\r\n')
      ks.expirePolicy.fromMaster = false
    } finally {
      ks.expirePolicy.replica = false
      ks.expirePolicy.fromMaster = false
    }
    expect(await o.call('GET', 'k')).toBe('$-1\r\n')
    expect(await o.call('DBSIZE')).toBe(':1\r\n')
  })
})

describe('propagation', () => {
  const propagated = (...args: string[]): Promise<string[][] | null> => propagatedBy(pair.ours, c.ours, ...args)

  test('relative expires become PEXPIREAT <abs ms>, past times DEL', async () => {
    await c.ours.call('SET', 'k', 'v')
    const t0 = Date.now()
    const p1 = (await propagated('EXPIRE', 'k', '100', 'LT'))!
    expect(p1).toEqual([['PEXPIREAT', 'k', p1[0]![2]!, 'LT']])
    expect(Math.abs(Number(p1[0]![2]) - (t0 + 100000))).toBeLessThan(1000)
    await c.ours.call('PERSIST', 'k')
    const p2 = (await propagated('pexpire', 'k', '5000'))!
    expect(p2[0]![0]).toBe('PEXPIREAT')
    expect(Math.abs(Number(p2[0]![2]) - (t0 + 5000))).toBeLessThan(1000)
    const at = Math.floor(Date.now() / 1000) + 500
    expect(await propagated('EXPIREAT', 'k', String(at))).toEqual([['PEXPIREAT', 'k', String(at * 1000)]])
    // Exact 64-bit arithmetic in what is propagated.
    expect(await propagated('EXPIREAT', 'k', '9223372036854775')).toEqual([['PEXPIREAT', 'k', '9223372036854775000']])
    // PEXPIREAT is forwarded as it is.
    expect(await propagated('pexpireat', 'k', String(at * 1000 + 1))).toBeNull()
    expect(await propagated('EXPIRE', 'k', '-1')).toEqual([['DEL', 'k']])
    expect(await c.ours.call('EXISTS', 'k')).toBe(':0\r\n')
  })
  test('FLUSHDB is propagated even on an empty db', async () => {
    expect(await propagated('FLUSHDB')).toEqual([['FLUSHDB']])
  })
})
