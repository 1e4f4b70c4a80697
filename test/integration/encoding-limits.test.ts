/**
 * Encoding thresholds are per server: several embedded nodes in one process (as the lab
 * runs them) each follow their own hash-max-listpack-*, set-max-intset-entries and
 * zset-max-listpack-*. Node A is configured like a real redis-server and must report the
 * same OBJECT ENCODING as it; node B keeps the defaults and must not notice A's CONFIG SET.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { RedisServer } from '../../src/main/server/node'
import { RawConn } from '../helpers/raw-conn'
import { startRedisServer, type RealRedis } from '../helpers/redis-server'

let real: RealRedis
let a: RedisServer
let b: RedisServer
let cr: RawConn
let ca: RawConn
let cb: RawConn

beforeAll(async () => {
  real = await startRedisServer()
  a = new RedisServer({ port: 0 })
  b = new RedisServer({ port: 0 })
  await a.listen()
  await b.listen()
  cr = await RawConn.open(real.port)
  ca = await RawConn.open(a.port)
  cb = await RawConn.open(b.port)
})
afterAll(async () => {
  for (const c of [cr, ca, cb]) c?.close()
  await a?.close()
  await b?.close()
  await real?.stop()
})
beforeEach(async () => {
  for (const c of [cr, ca, cb]) expect(await c.call('FLUSHALL')).toBe('+OK\r\n')
  // Back to the defaults on A and the real server (B is never configured).
  const defaults = ['hash-max-listpack-entries', '512', 'hash-max-listpack-value', '64', 'set-max-intset-entries', '512',
    'zset-max-listpack-entries', '128', 'zset-max-listpack-value', '64']
  for (const c of [cr, ca]) expect(await c.call('CONFIG', 'SET', ...defaults)).toBe('+OK\r\n')
})

/** Sends to A, B and the real server; A's reply must equal the real one's. */
async function all(...args: string[]): Promise<{ a: string; b: string; real: string }> {
  const [r, ra, rb] = await Promise.all([cr.call(...args), ca.call(...args), cb.call(...args)])
  expect(ra, `A's reply to ${args.join(' ')}`).toBe(r)
  return { a: ra, b: rb, real: r }
}

/** OBJECT ENCODING of key on A (checked against the real server) and on B. */
async function encodings(key: string): Promise<{ a: string; b: string }> {
  const r = await all('OBJECT', 'ENCODING', key)
  const enc = (s: string): string => s.split('\r\n')[1]!
  return { a: enc(r.a), b: enc(r.b) }
}

/** CONFIG SET on A and the real server only. */
async function configA(...nameValues: string[]): Promise<void> {
  expect(await cr.call('CONFIG', 'SET', ...nameValues)).toBe('+OK\r\n')
  expect(await ca.call('CONFIG', 'SET', ...nameValues)).toBe('+OK\r\n')
}

function fieldsValues(n: number, value = 'v'): string[] {
  const out: string[] = []
  for (let i = 0; i < n; i++) out.push('f' + i, value)
  return out
}

describe('per-server encoding limits', () => {
  test('hash-max-listpack-entries on one node leaves another alone', async () => {
    await configA('hash-max-listpack-entries', '4')
    expect(await cb.call('CONFIG', 'GET', 'hash-max-listpack-entries')).toBe('*2\r\n$25\r\nhash-max-listpack-entries\r\n$3\r\n512\r\n')
    await all('HSET', 'h', ...fieldsValues(4))
    expect(await encodings('h')).toEqual({ a: 'listpack', b: 'listpack' })
    await all('HSET', 'h', 'f4', 'v')
    expect(await encodings('h')).toEqual({ a: 'hashtable', b: 'listpack' })
  })

  test('the reverse: B configured, A follows the defaults', async () => {
    expect(await cb.call('CONFIG', 'SET', 'hash-max-ziplist-entries', '2')).toBe('+OK\r\n')
    try {
      await all('HSET', 'h', ...fieldsValues(3))
      expect(await encodings('h')).toEqual({ a: 'listpack', b: 'hashtable' })
    } finally {
      expect(await cb.call('CONFIG', 'SET', 'hash-max-listpack-entries', '512')).toBe('+OK\r\n')
    }
  })

  test('hash-max-listpack-value (also through HSETNX and HINCRBYFLOAT)', async () => {
    await configA('hash-max-listpack-value', '8')
    await all('HSET', 'h', 'f', '123456789')
    expect(await encodings('h')).toEqual({ a: 'hashtable', b: 'listpack' })
    await all('HSETNX', 'h2', 'f', 'x'.repeat(9))
    expect(await encodings('h2')).toEqual({ a: 'hashtable', b: 'listpack' })
    await all('HSET', 'h3', 'f', '1')
    await all('HINCRBYFLOAT', 'h3', 'f', '0.125')
    expect(await encodings('h3')).toEqual({ a: 'listpack', b: 'listpack' })
  })

  test('set-max-intset-entries', async () => {
    await configA('set-max-intset-entries', '3')
    await all('SADD', 's', '1', '2', '3')
    expect(await encodings('s')).toEqual({ a: 'intset', b: 'intset' })
    await all('SADD', 's', '4')
    expect(await encodings('s')).toEqual({ a: 'hashtable', b: 'intset' })
    // The STORE variants build their result with the same server's limits.
    await all('SADD', 't', '4', '5', '6', '7')
    await all('SUNIONSTORE', 'u', 't')
    expect(await encodings('u')).toEqual({ a: 'hashtable', b: 'intset' })
  })

  test('zset-max-listpack-entries and -value, including a STORE result shrunk back', async () => {
    await configA('zset-max-listpack-entries', '2', 'zset-max-listpack-value', '5')
    await all('ZADD', 'z', '1', 'a', '2', 'b')
    expect(await encodings('z')).toEqual({ a: 'listpack', b: 'listpack' })
    await all('ZADD', 'z', '3', 'c')
    expect(await encodings('z')).toEqual({ a: 'skiplist', b: 'listpack' })
    await all('ZADD', 'long', '1', 'abcdef')
    expect(await encodings('long')).toEqual({ a: 'skiplist', b: 'listpack' })
    await all('ZUNIONSTORE', 'u', '1', 'z')
    expect(await encodings('u')).toEqual({ a: 'skiplist', b: 'listpack' })
    await all('ZADD', 'small', '1', 'x')
    await all('ZUNIONSTORE', 'u2', '1', 'small')
    expect(await encodings('u2')).toEqual({ a: 'listpack', b: 'listpack' })
  })

  test('a value keeps following its server after COPY, and a later CONFIG SET applies to existing values', async () => {
    await all('HSET', 'h', ...fieldsValues(3))
    await all('COPY', 'h', 'h2')
    await configA('hash-max-listpack-entries', '3')
    await all('HSET', 'h2', 'f3', 'v')
    expect(await encodings('h2')).toEqual({ a: 'hashtable', b: 'listpack' })
  })

  test('two nodes configured differently at construction', async () => {
    const x = new RedisServer({ port: 0, config: { 'set-max-intset-entries': '1' } })
    const y = new RedisServer({ port: 0, config: { 'set-max-intset-entries': '2' } })
    await x.listen()
    await y.listen()
    const cx = await RawConn.open(x.port)
    const cy = await RawConn.open(y.port)
    try {
      for (const c of [cx, cy]) expect(await c.call('SADD', 's', '1', '2')).toBe(':2\r\n')
      expect(await cx.call('OBJECT', 'ENCODING', 's')).toBe('$9\r\nhashtable\r\n')
      expect(await cy.call('OBJECT', 'ENCODING', 's')).toBe('$6\r\nintset\r\n')
    } finally {
      cx.close()
      cy.close()
      await x.close()
      await y.close()
    }
  })
})
