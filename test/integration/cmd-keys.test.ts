/**
 * Generic keyspace commands, side by side with a real redis-server 7 (byte-identical
 * replies), plus SCAN's guarantee under concurrent inserts/deletes.
 */
import { describe, expect, test } from 'vitest'
import { ScanIndex, scanDict } from '../../src/main/server/keyspace/scan'
import { RawConn, sharedPair } from '../helpers/differential'

const { c } = sharedPair({ reset: [['SELECT', '0'], ['FLUSHALL']] })


/** Parses a RESP2 reply (enough for SCAN/KEYS replies). */
function parse(reply: string): unknown {
  let p = 0
  const rd = (): unknown => {
    const t = reply[p]!
    const nl = reply.indexOf('\r\n', p)
    const head = reply.slice(p + 1, nl)
    p = nl + 2
    if (t === '$') {
      const n = Number(head)
      if (n < 0) return null
      const s = reply.slice(p, p + n)
      p += n + 2
      return s
    }
    if (t === '*') {
      const n = Number(head)
      const out: unknown[] = []
      for (let i = 0; i < n; i++) out.push(rd())
      return out
    }
    if (t === ':') return Number(head)
    return t + head
  }
  return rd()
}

describe('DEL, UNLINK, EXISTS, TYPE, TOUCH', () => {
  test('counts and types', async () => {
    await c.same('SET', 'a', '1')
    await c.same('SET', 'b', '2')
    await c.same('EXISTS', 'a', 'b', 'a', 'nope')
    await c.same('TOUCH', 'a', 'b', 'nope')
    await c.same('TYPE', 'a')
    await c.same('TYPE', 'nope')
    await c.same('DEL', 'a', 'a', 'nope')
    await c.same('UNLINK', 'b', 'nope')
    await c.same('EXISTS', 'a', 'b')
    await c.same('DBSIZE')
  })
  test('binary keys', async () => {
    const k = Buffer.from([0, 1, 255, 13, 10])
    await c.same('SET', k, 'v')
    await c.same('EXISTS', k)
    await c.same('KEYS', '*')
    await c.same('DEL', k)
  })
  test('arity errors', async () => {
    for (const cmd of ['DEL', 'UNLINK', 'EXISTS', 'TYPE', 'TOUCH', 'KEYS', 'SCAN', 'RENAME', 'COPY', 'MOVE', 'TTL', 'PERSIST'])
      await c.same(cmd)
    await c.same('TYPE', 'a', 'b')
    await c.same('RANDOMKEY', 'x')
    await c.same('SWAPDB', '0')
    await c.same('OBJECT')
    await c.same('OBJECT', 'ENCODING')
    await c.same('OBJECT', 'NOPE', 'x')
    await c.same('OBJECT', 'ENCODING', 'a', 'b')
    await c.same('OBJECT', 'HELP', 'x')
    await c.same('EXPIRETIME', 'a', 'b')
    await c.same('FLUSHDB', 'a', 'b', 'c')
  })
  test('TYPE of a list', async () => {
    await c.same('RPUSH', 'l', 'a')
    await c.same('TYPE', 'l')
  })
  test('TYPE of a set and a hash; SCAN TYPE', async () => {
    await c.same('SADD', 's', 'a')
    await c.same('HSET', 'h', 'f', 'v')
    await c.same('SET', 'str', 'v')
    await c.same('TYPE', 's')
    await c.same('TYPE', 'h')
    await c.same('SCAN', '0', 'TYPE', 'set')
    await c.same('SCAN', '0', 'TYPE', 'HASH')
    await c.same('SCAN', '0', 'TYPE', 'string')
  })
})

describe('KEYS', () => {
  test('patterns', async () => {
    for (const k of ['foo', 'fob', 'bar', 'f*o', 'hello world', 'x\\y']) await c.same('SET', k, '1')
    for (const pat of ['*', 'f*', 'fo?', 'f[a-o]b', 'f[^o]*', 'f\\*o', '*o*', 'nothing*', 'x\\\\y', '', 'h*d'])
      await c.sameUnordered('KEYS', pat)
  })
  test('skips expired keys', async () => {
    await c.same('SET', 'k1', '1')
    await c.same('SET', 'k2', '1', 'PX', '1')
    await new Promise((r) => setTimeout(r, 10))
    await c.sameUnordered('KEYS', '*')
  })
})

describe('SCAN', () => {
  test('errors', async () => {
    await c.same('SCAN', 'x')
    await c.same('SCAN', ' 1')
    await c.same('SCAN', '1x')
    await c.same('SCAN', '18446744073709551616')
    await c.same('SCAN', '0', 'COUNT')
    await c.same('SCAN', '0', 'COUNT', 'x')
    await c.same('SCAN', '0', 'COUNT', '0')
    await c.same('SCAN', '0', 'COUNT', '-1')
    await c.same('SCAN', '0', 'MATCH')
    await c.same('SCAN', '0', 'FOO', 'bar')
    await c.same('SCAN', '0', 'TYPE')
  })
  /** A SCAN that completes in one call: same final cursor, same keys in any order. */
  async function sameScan(...args: string[]): Promise<void> {
    const { real, ours } = await c.both(...args)
    const [rc, rk] = parse(real) as [string, string[]]
    const [oc, ok] = parse(ours) as [string, string[]]
    expect(rc).toBe('0')
    expect(oc).toBe('0')
    expect([...ok].sort()).toEqual([...rk].sort())
  }
  test('empty db and full iteration in one call', async () => {
    await c.same('SCAN', '0')
    await c.same('SCAN', '')
    for (let i = 0; i < 5; i++) await c.same('SET', `k${i}`, 'v')
    await sameScan('SCAN', '0', 'COUNT', '100')
    await sameScan('SCAN', '0', 'COUNT', '100', 'MATCH', 'k[12]')
    await sameScan('SCAN', '0', 'count', '100', 'type', 'STRING', 'match', 'k3')
    await sameScan('SCAN', '0', 'COUNT', '100', 'TYPE', 'list')
    await sameScan('SCAN', '0', 'COUNT', '100', 'TYPE', 'nosuchtype')
  })

  test('ScanIndex: the guarantee under random churn with resizes mid-iteration', () => {
    let seed = 12345
    const rnd = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0
      return seed % n
    }
    for (let trial = 0; trial < 8; trial++) {
      const idx = new ScanIndex()
      const present = new Set<string>()
      const add = (k: string): void => {
        if (!present.has(k)) {
          present.add(k)
          idx.add(k)
        }
      }
      const del = (k: string): void => {
        if (present.delete(k)) expect(idx.delete(k)).toBe(true)
      }
      const n0 = rnd(3000)
      for (let i = 0; i < n0; i++) add(`k${i}`)
      const atStart = new Set(present)
      const removed = new Set<string>()
      const seen = new Set<string>()
      let cursor = 0
      let calls = 0
      do {
        cursor = scanDict(idx, cursor, 1 + rnd(20), (k) => seen.add(k))
        calls++
        // Big swings: grow past several doublings, or delete most keys.
        const op = rnd(6)
        if (op === 0) for (let i = 0, m = rnd(1000); i < m; i++) add(`n${rnd(100000)}`)
        else if (op === 1 && present.size > 500)
          for (const k of [...present]) {
            if (rnd(10) < 8) {
              del(k)
              removed.add(k)
            }
          }
        else for (let i = 0; i < 10; i++) add(`n${rnd(100000)}`)
      } while (cursor !== 0 && calls < 100000)
      expect(cursor).toBe(0)
      for (const k of atStart) if (!removed.has(k)) expect(seen.has(k), k).toBe(true)
      expect(idx.size).toBe(present.size)
      // forEach sees exactly the members.
      const all = new Set<string>()
      idx.forEach((k) => all.add(k))
      expect(all).toEqual(present)
    }
  })

  async function fullScan(conn: RawConn, count: number, during?: (round: number) => Promise<void>): Promise<Set<string>> {
    const seen = new Set<string>()
    let cursor = '0'
    let round = 0
    do {
      const [next, keys] = parse(await conn.call('SCAN', cursor, 'COUNT', String(count))) as [string, string[]]
      expect(keys.length).toBeLessThanOrEqual(count * 10 + 50)
      for (const k of keys) seen.add(k)
      cursor = next
      if (during) await during(round++)
    } while (cursor !== '0')
    return seen
  }

  test('returns every key exactly when nothing changes', async () => {
    const o = c.ours
    const pipe: Promise<string>[] = []
    for (let i = 0; i < 3000; i++) pipe.push(o.call('SET', `key:${i}`, 'x'))
    await Promise.all(pipe)
    const seen = await fullScan(o, 37)
    expect(seen.size).toBe(3000)
  })

  test('guarantee: keys present throughout are returned despite inserts, deletes and resizes', async () => {
    const o = c.ours
    const stable: string[] = []
    const pipe: Promise<string>[] = []
    for (let i = 0; i < 2000; i++) {
      stable.push(`stable:${i}`)
      pipe.push(o.call('SET', `stable:${i}`, 'x'))
      pipe.push(o.call('SET', `temp:${i}`, 'x'))
    }
    await Promise.all(pipe)
    let tempNext = 2000
    const seen = await fullScan(o, 20, async (round) => {
      const ops: Promise<string>[] = []
      if (round % 3 === 0) {
        // Grow a lot (forces table growth and rehashing between calls).
        for (let i = 0; i < 400; i++) ops.push(o.call('SET', `temp:${tempNext++}`, 'x'))
      } else {
        // Shrink a lot (forces shrinking).
        for (let i = 0; i < 500; i++) ops.push(o.call('DEL', `temp:${Math.floor(Math.random() * tempNext)}`))
      }
      await Promise.all(ops)
    })
    for (const k of stable) expect(seen.has(k), k).toBe(true)
  })

  test('guarantee through a shrink from many keys to few', async () => {
    const o = c.ours
    const pipe: Promise<string>[] = []
    for (let i = 0; i < 4000; i++) pipe.push(o.call('SET', `t:${i}`, 'x'))
    for (let i = 0; i < 10; i++) pipe.push(o.call('SET', `s:${i}`, 'x'))
    await Promise.all(pipe)
    const seen = await fullScan(o, 10, async (round) => {
      if (round === 2) {
        const ops: Promise<string>[] = []
        for (let i = 0; i < 4000; i++) ops.push(o.call('DEL', `t:${i}`))
        await Promise.all(ops)
      }
    })
    for (let i = 0; i < 10; i++) expect(seen.has(`s:${i}`)).toBe(true)
  })

  test('skips and deletes expired keys', async () => {
    await c.same('SET', 'a', '1', 'PX', '1')
    await c.same('SET', 'b', '1')
    await new Promise((r) => setTimeout(r, 10))
    await c.same('SCAN', '0', 'COUNT', '100')
    await c.same('DBSIZE')
  })
})

describe('RANDOMKEY', () => {
  test('empty, single, many', async () => {
    await c.same('RANDOMKEY')
    await c.same('SET', 'only', '1')
    await c.same('RANDOMKEY')
    const seen = new Set<string>()
    for (let i = 0; i < 20; i++) await c.ours.call('SET', `r${i}`, '1')
    for (let i = 0; i < 200; i++) seen.add(await c.ours.call('RANDOMKEY'))
    expect(seen.size).toBeGreaterThan(10)
  })
  test('never returns an expired key', async () => {
    await c.same('SET', 'x', '1', 'PX', '1')
    await new Promise((r) => setTimeout(r, 10))
    await c.same('RANDOMKEY')
  })
})

describe('RENAME, RENAMENX', () => {
  test('basics and errors', async () => {
    await c.same('RENAME', 'nope', 'x')
    await c.same('RENAMENX', 'nope', 'x')
    await c.same('SET', 'a', '1')
    await c.same('RENAME', 'a', 'a')
    await c.same('RENAMENX', 'a', 'a')
    await c.same('RENAME', 'a', 'b')
    await c.same('GET', 'b')
    await c.same('EXISTS', 'a')
    await c.same('SET', 'c', '3')
    await c.same('RENAMENX', 'b', 'c')
    await c.same('RENAME', 'b', 'c')
    await c.same('GET', 'c')
  })
  test('keeps the TTL', async () => {
    await c.same('SET', 'a', '1', 'EX', '100')
    await c.same('RENAME', 'a', 'b')
    await c.same('TTL', 'b')
    await c.same('SET', 'd', '1')
    await c.same('RENAME', 'd', 'b')
    await c.same('TTL', 'b')
  })
})

describe('MOVE, COPY, SWAPDB, FLUSHDB', () => {
  test('MOVE', async () => {
    await c.same('SET', 'a', '1', 'EX', '100')
    await c.same('MOVE', 'a', '0')
    await c.same('MOVE', 'a', 'x')
    await c.same('MOVE', 'a', '16')
    await c.same('MOVE', 'a', '-1')
    await c.same('MOVE', 'a', '99999999999')
    await c.same('MOVE', 'nope', '1')
    await c.same('MOVE', 'a', '1')
    await c.same('EXISTS', 'a')
    await c.same('SELECT', '1')
    await c.same('TTL', 'a')
    await c.same('SET', 'b', 'in1')
    await c.same('SELECT', '0')
    await c.same('SET', 'b', 'in0')
    await c.same('MOVE', 'b', '1')
    await c.same('GET', 'b')
  })
  test('COPY', async () => {
    await c.same('SET', 'a', 'val', 'EX', '100')
    await c.same('COPY', 'a', 'a')
    await c.same('COPY', 'a', 'b', 'FOO')
    await c.same('COPY', 'a', 'b', 'DB')
    await c.same('COPY', 'a', 'b', 'DB', 'x')
    await c.same('COPY', 'a', 'b', 'DB', '16')
    await c.same('COPY', 'nope', 'b')
    await c.same('COPY', 'a', 'b')
    await c.same('GET', 'b')
    await c.same('TTL', 'b')
    await c.same('SET', 'c', 'other')
    await c.same('COPY', 'a', 'c')
    await c.same('COPY', 'a', 'c', 'REPLACE')
    await c.same('GET', 'c')
    await c.same('COPY', 'a', 'a', 'DB', '2', 'REPLACE')
    await c.same('SELECT', '2')
    await c.same('GET', 'a')
    await c.same('TTL', 'a')
  })
  test('COPY makes independent copies of sets and hashes', async () => {
    await c.same('SADD', 's', '1', '2', '3')
    await c.same('SADD', 'big', ...Array.from({ length: 600 }, (_, i) => String(i)))
    await c.same('HSET', 'h', 'f', 'v', 'g', 'w')
    await c.same('COPY', 's', 's2', 'DB', '1')
    await c.same('COPY', 'big', 'big2')
    await c.same('COPY', 'h', 'h2')
    await c.same('SADD', 'big2', 'x')
    await c.same('HSET', 'h2', 'f', 'changed')
    await c.same('SCARD', 'big')
    await c.same('SCARD', 'big2')
    await c.same('OBJECT', 'ENCODING', 'big2')
    await c.same('HGET', 'h', 'f')
    await c.same('HGET', 'h2', 'f')
    await c.same('SELECT', '1')
    await c.same('SMEMBERS', 's2')
    await c.same('OBJECT', 'ENCODING', 's2')
  })
  test('COPY makes an independent copy of a list', async () => {
    await c.same('RPUSH', 'l', 'a', 'b')
    await c.same('COPY', 'l', 'l2')
    await c.same('RPUSH', 'l2', 'c')
    await c.same('LRANGE', 'l', '0', '-1')
    await c.same('LRANGE', 'l2', '0', '-1')
  })
  test('SWAPDB', async () => {
    await c.same('SWAPDB', 'a', '1')
    await c.same('SWAPDB', '1', 'a')
    await c.same('SWAPDB', '0', '16')
    await c.same('SWAPDB', '-1', '0')
    await c.same('SET', 'in0', '0', 'EX', '100')
    await c.same('SELECT', '1')
    await c.same('SET', 'in1', '1')
    await c.same('SWAPDB', '0', '1')
    await c.same('KEYS', '*')
    await c.same('TTL', 'in0')
    await c.same('SELECT', '0')
    await c.same('KEYS', '*')
    await c.same('SWAPDB', '0', '0')
    await c.same('KEYS', '*')
    await c.same('SCAN', '0')
    await c.same('RANDOMKEY')
    await c.same('DBSIZE')
    await c.same('SWAPDB', '1', '0')
    await c.same('RANDOMKEY')
    await c.same('EXISTS', 'in0', 'in1')
  })
  test('FLUSHDB', async () => {
    await c.same('SET', 'a', '1')
    await c.same('SELECT', '1')
    await c.same('SET', 'b', '1')
    await c.same('FLUSHDB', 'x')
    await c.same('FLUSHDB', 'async', 'sync')
    await c.same('FLUSHDB', 'ASYNC')
    await c.same('DBSIZE')
    await c.same('FLUSHDB', 'sync')
    await c.same('FLUSHDB')
    await c.same('SELECT', '0')
    await c.same('DBSIZE')
  })
})

describe('OBJECT', () => {
  test('string encodings', async () => {
    const cases: [string, string][] = [
      ['i1', '123'],
      ['i2', '-9223372036854775808'],
      ['i3', '9223372036854775807'],
      ['i4', '9223372036854775808'],
      ['i5', '007'],
      ['i6', '12345678901234567890'],
      ['e1', 'hello'],
      ['e2', 'x'.repeat(44)],
      ['r1', 'x'.repeat(45)],
      ['e3', ''],
      ['e4', ' 1'],
      ['e5', '1.5'],
      ['e6', '-0'],
      ['i7', '0'],
      ['i8', '-1'],
      ['e7', '+1'],
      ['b1', '\x00\xff' + 'z'.repeat(42)],
      ['b2', '\x00\xff' + 'z'.repeat(43)]
    ]
    for (const [k, v] of cases) {
      await c.same('SET', k, v)
      await c.same('OBJECT', 'ENCODING', k)
    }
    await c.same('OBJECT', 'ENCODING', 'nope')
  })
  test('REFCOUNT, IDLETIME, FREQ, HELP', async () => {
    await c.same('SET', 'small', '100')
    await c.same('SET', 'big', '10000')
    await c.same('SET', 's', 'str')
    await c.same('OBJECT', 'REFCOUNT', 'small')
    await c.same('OBJECT', 'REFCOUNT', 'big')
    await c.same('OBJECT', 'REFCOUNT', 's')
    await c.same('OBJECT', 'REFCOUNT', 'nope')
    await c.same('OBJECT', 'IDLETIME', 's')
    await c.same('OBJECT', 'IDLETIME', 'nope')
    await c.same('OBJECT', 'FREQ', 's')
    await c.same('OBJECT', 'FREQ', 'nope')
    await c.same('OBJECT', 'HELP')
    await c.same('OBJECT', 'help')
  })
  test('set and hash encodings', async () => {
    await c.same('SADD', 'ints', '1', '2')
    await c.same('SADD', 'strs', 'a')
    await c.same('HSET', 'h', 'f', 'v')
    await c.same('HSET', 'hbig', 'f', 'v'.repeat(100))
    for (const k of ['ints', 'strs', 'h', 'hbig']) await c.same('OBJECT', 'ENCODING', k)
    await c.same('OBJECT', 'REFCOUNT', 'h')
  })
  test('other types call encoding()', async () => {
    await c.same('RPUSH', 'l', 'a')
    await c.same('OBJECT', 'ENCODING', 'l')
  })
})

describe('keyspace statistics', () => {
  test('hits and misses match Redis for the generic commands', async () => {
    const stat = async (conn: RawConn): Promise<[number, number]> => {
      const info = await conn.call('INFO', 'stats')
      const h = Number(/keyspace_hits:(\d+)/.exec(info)![1])
      const m = Number(/keyspace_misses:(\d+)/.exec(info)![1])
      return [h, m]
    }
    const [rh0, rm0] = await stat(c.real)
    const [oh0, om0] = await stat(c.ours)
    await c.same('SET', 'a', '1')
    await c.same('EXISTS', 'a', 'b')
    await c.same('TYPE', 'a')
    await c.same('TOUCH', 'b')
    await c.same('TTL', 'a')
    await c.same('OBJECT', 'ENCODING', 'a')
    const [rh1, rm1] = await stat(c.real)
    const [oh1, om1] = await stat(c.ours)
    expect([oh1 - oh0, om1 - om0]).toEqual([rh1 - rh0, rm1 - rm0])
  })
})
