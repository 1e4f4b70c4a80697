/**
 * Counts that would make one command run for minutes: SRANDMEMBER / HRANDFIELD /
 * ZRANDMEMBER with a huge negative count (repeats allowed, so the reply grows with the count
 * alone). Redis's own range checks are compared with a real redis-server; beyond them the
 * embedded node refuses a reply bigger than its bound (commands/rand-reply.ts) at once, and
 * every other client and node keeps being served.
 */
import net from 'node:net'
import { beforeEach, describe, expect, test } from 'vitest'
import { RedisServer } from '../../src/main/server/node'
import { RAND_REPLY_MAX_BYTES, RAND_REPLY_MAX_ELEMENTS } from '../../src/main/server/commands/rand-reply'
import { sharedPair } from '../helpers/differential'
import { encodeCommand, RawConn } from '../helpers/raw-conn'

const LONG_MAX = '9223372036854775807'
const LONG_MIN = '-9223372036854775808'
const MINUS_LONG_MAX = '-9223372036854775807'
const HALF = 4611686018427387903n // LONG_MAX / 2
const OUT_OF_RANGE = '-ERR value is out of range\r\n'

const { pair, c } = sharedPair()
beforeEach(async () => {
  await c.same('FLUSHALL')
  await c.same('SADD', 's', 'a', 'b', 'c')
  await c.same('SADD', 'is', '1', '2', '3')
  await c.same('HSET', 'h', 'a', '1', 'b', '2')
  await c.same('ZADD', 'z', '1', 'a', '2', 'b')
})

/**
 * A big reply of a known size, read on a connection of its own (RawConn re-frames its
 * buffer on every chunk): its header and whether every element matched `element`.
 */
async function bigReply(port: number, args: string[], n: number, element: string): Promise<{ header: string; ok: boolean }> {
  const header = `*${n}\r\n`
  const expected = header.length + n * element.length
  const sock = net.connect(port, '127.0.0.1')
  const chunks: Buffer[] = []
  let got = 0
  await new Promise<void>((resolve, reject) => {
    sock.on('connect', () => sock.write(encodeCommand(args)))
    sock.on('data', (d: Buffer) => {
      chunks.push(d)
      got += d.length
      if (got >= expected) resolve()
    })
    sock.on('error', reject)
    sock.on('close', () => reject(new Error(`closed after ${got} of ${expected} bytes`)))
    setTimeout(() => reject(new Error(`${got} of ${expected} bytes after 10 s`)), 10_000)
  })
  sock.destroy()
  const all = Buffer.concat(chunks).toString('latin1')
  let ok = all.length === expected && all.startsWith(header)
  for (let p = header.length; ok && p < all.length; p += element.length) ok = all.startsWith(element, p)
  return { header: all.slice(0, header.length), ok }
}

/** Number of elements of an array reply (its header). */
function arrayLen(reply: string): number {
  expect(reply[0]).toBe('*')
  return Number(reply.slice(1, reply.indexOf('\r\n')))
}

describe("Redis's own range checks (same replies as redis-server)", () => {
  test('LONG_MIN is refused, LONG_MAX gives the whole collection', async () => {
    for (const key of ['s', 'is']) {
      await c.same('SRANDMEMBER', key, LONG_MIN)
      await c.sameUnordered('SRANDMEMBER', key, LONG_MAX)
    }
    await c.same('HRANDFIELD', 'h', LONG_MIN)
    await c.sameUnordered('HRANDFIELD', 'h', LONG_MAX)
    await c.same('ZRANDMEMBER', 'z', LONG_MIN)
    await c.same('ZRANDMEMBER', 'z', LONG_MAX)
    await c.same('SRANDMEMBER', 's', '9223372036854775808')
    await c.sameUnordered('SPOP', 's', LONG_MAX)
  })

  test('WITHVALUES / WITHSCORES: ±LONG_MAX/2 is the limit, on both sides', async () => {
    for (const n of [HALF + 1n, -HALF - 1n, BigInt(LONG_MAX), BigInt(MINUS_LONG_MAX)]) {
      await c.same('HRANDFIELD', 'h', String(n), 'WITHVALUES')
      await c.same('ZRANDMEMBER', 'z', String(n), 'WITHSCORES')
    }
    await c.sameUnordered('HRANDFIELD', 'h', String(HALF), 'WITHVALUES')
    await c.same('ZRANDMEMBER', 'z', String(HALF), 'WITHSCORES')
  })

  test('missing keys answer before any count is considered', async () => {
    await c.same('SRANDMEMBER', 'nokey', MINUS_LONG_MAX)
    await c.same('HRANDFIELD', 'nokey', MINUS_LONG_MAX)
    await c.same('ZRANDMEMBER', 'nokey', MINUS_LONG_MAX)
    await c.same('HRANDFIELD', 'nokey', String(-HALF), 'WITHVALUES')
  })
})

describe('huge negative counts on the embedded node', () => {
  const huge: string[][] = [
    ['SRANDMEMBER', 's', MINUS_LONG_MAX],
    ['SRANDMEMBER', 'is', MINUS_LONG_MAX],
    ['HRANDFIELD', 'h', MINUS_LONG_MAX],
    ['HRANDFIELD', 'h', String(-HALF), 'WITHVALUES'],
    ['ZRANDMEMBER', 'z', MINUS_LONG_MAX],
    ['ZRANDMEMBER', 'z', String(-HALF), 'WITHSCORES'],
    ['SRANDMEMBER', 's', String(-(RAND_REPLY_MAX_ELEMENTS + 1))]
  ]

  test('are refused at once, and other clients and nodes are served meanwhile', async () => {
    const other = new RedisServer({ port: 0 })
    await other.listen()
    const bystander = await RawConn.open(pair.ours.port)
    const otherConn = await RawConn.open(other.port)
    try {
      for (const args of huge) {
        const t0 = performance.now()
        const pending = c.ours.call(...args)
        const [reply, ping, otherPing] = await Promise.all([pending, bystander.call('PING'), otherConn.call('PING')])
        expect(reply, args.join(' ')).toBe(OUT_OF_RANGE)
        expect(performance.now() - t0, args.join(' ')).toBeLessThan(500)
        expect(ping).toBe('+PONG\r\n')
        expect(otherPing).toBe('+PONG\r\n')
      }
      // Counted like any error reply.
      const info = await c.ours.call('INFO', 'errorstats')
      expect(info).toMatch(/errorstat_ERR:count=\d+/)
      // The connection is still usable.
      expect(await c.ours.call('SCARD', 's')).toBe(':3\r\n')
    } finally {
      bystander.close()
      otherConn.close()
      await other.close()
    }
  })

  test('the element bound: exactly RAND_REPLY_MAX_ELEMENTS is served', async () => {
    await c.same('SADD', 'one', 'a')
    const r = await bigReply(pair.ours.port, ['SRANDMEMBER', 'one', String(-RAND_REPLY_MAX_ELEMENTS)], RAND_REPLY_MAX_ELEMENTS, '$1\r\na\r\n')
    expect(r).toEqual({ header: `*${RAND_REPLY_MAX_ELEMENTS}\r\n`, ok: true })
    expect(await c.ours.call('SRANDMEMBER', 'one', String(-RAND_REPLY_MAX_ELEMENTS - 1))).toBe(OUT_OF_RANGE)
  })

  test('the byte bound: big members make a smaller count too big', async () => {
    const member = 'x'.repeat(1001)
    const element = `$1001\r\n${member}\r\n`
    await c.same('SADD', 'big', member)
    const tooMany = Math.ceil(RAND_REPLY_MAX_BYTES / element.length) + 1000
    const fits = Math.floor(RAND_REPLY_MAX_BYTES / element.length / 2)
    expect(tooMany).toBeLessThan(RAND_REPLY_MAX_ELEMENTS)
    expect(await c.ours.call('SRANDMEMBER', 'big', String(-tooMany))).toBe(OUT_OF_RANGE)
    expect(await bigReply(pair.ours.port, ['SRANDMEMBER', 'big', String(-fits)], fits, element)).toEqual({ header: `*${fits}\r\n`, ok: true })
    // The value counts with WITHVALUES, the field alone without.
    await c.same('HSET', 'hb', 'f', member)
    expect(await c.ours.call('HRANDFIELD', 'hb', String(-tooMany), 'WITHVALUES')).toBe(OUT_OF_RANGE)
    expect(await bigReply(pair.ours.port, ['HRANDFIELD', 'hb', String(-tooMany)], tooMany, '$1\r\nf\r\n')).toEqual({ header: `*${tooMany}\r\n`, ok: true })
    await c.same('ZADD', 'zb', '1', member)
    expect(await c.ours.call('ZRANDMEMBER', 'zb', String(-tooMany))).toBe(OUT_OF_RANGE)
  })

  test('ordinary negative counts still match redis-server in size and content', async () => {
    for (const n of ['-1', '-5', '-1000']) {
      const { real, ours } = await c.both('SRANDMEMBER', 's', n)
      expect(arrayLen(ours)).toBe(arrayLen(real))
      const members = ours.split('\r\n').filter((_, i) => i > 0 && i % 2 === 0)
      expect(members.length).toBe(-Number(n))
      for (const m of members) expect(['a', 'b', 'c']).toContain(m)
      const z = await c.both('ZRANDMEMBER', 'z', n, 'WITHSCORES')
      expect(arrayLen(z.ours)).toBe(arrayLen(z.real))
      const h = await c.both('HRANDFIELD', 'h', n, 'WITHVALUES')
      expect(arrayLen(h.ours)).toBe(arrayLen(h.real))
    }
  })
})
