/**
 * The RDB reader against files written by a real redis-server 7.0: every type and
 * encoding it emits, expiries, several databases; then damaged copies of the same file.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { RdbError } from '../../src/main/server/rdb/errors'
import { readRdb, type RdbEntry } from '../../src/main/server/rdb/reader'
import { RawConn } from '../helpers/raw-conn'
import { freePort } from '../helpers/ports'

let dir: string
let port: number
let proc: ReturnType<typeof spawn>
let conn: RawConn

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rdb-reader-'))
  port = await freePort()
  proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' })
  for (let i = 0; ; i++) {
    try {
      conn = await RawConn.open(port)
      break
    } catch (err) {
      if (i > 50) throw err
      await new Promise((r) => setTimeout(r, 100))
    }
  }
})
afterAll(() => {
  conn?.close()
  proc?.kill('SIGKILL')
})

/** Parses a RESP2 reply into JS values (bulk strings as latin1 strings). */
function parse(reply: string): unknown {
  let p = 0
  const one = (): unknown => {
    const nl = reply.indexOf('\r\n', p)
    const head = reply[p]
    const line = reply.slice(p + 1, nl)
    p = nl + 2
    if (head === '$') {
      const n = Number(line)
      if (n < 0) return null
      const s = reply.slice(p, p + n)
      p += n + 2
      return s
    }
    if (head === '*') return Array.from({ length: Number(line) }, one)
    if (head === ':') return Number(line)
    return line
  }
  return one()
}

async function call(...args: string[]): Promise<unknown> {
  return parse(await conn.call(...args))
}

async function save(): Promise<Buffer> {
  expect(await call('SAVE')).toBe('OK')
  return readFileSync(join(dir, 'dump.rdb'))
}

function entries(file: Buffer): RdbEntry[] {
  const out: RdbEntry[] = []
  readRdb(file, { onEntry: (e) => out.push(e) })
  return out
}

describe('reading what Redis 7.0 writes', () => {
  let file: Buffer
  const expected = new Map<string, unknown>()

  beforeAll(async () => {
    await call('FLUSHALL')
    await call('SET', 'int', '12345')
    await call('SET', 'neg', '-7')
    await call('SET', 'long', 'x'.repeat(1000) + 'y')
    await call('SET', 'bin', '\x00\xff\r\n')
    await call('SET', 'ttl', 'v', 'PX', '100000000')
    await call('RPUSH', 'small-list', 'a', 'b', '1', '300', '-70000')
    await call('RPUSH', 'big-list', ...Array.from({ length: 3000 }, (_, i) => `element-${i}`))
    await call('SADD', 'intset', '3', '1', '2')
    await call('SADD', 'strset', 'a', 'b', 'c')
    await call('SADD', 'bigintset', ...Array.from({ length: 600 }, (_, i) => String(i)))
    await call('HSET', 'small-hash', 'f', 'v', 'n', '5')
    await call('HSET', 'big-hash', ...Array.from({ length: 600 }, (_, i) => [`f${i}`, `v${i}`]).flat())
    await call('HSET', 'long-hash', 'f', 'z'.repeat(100))
    await call('ZADD', 'small-zset', '1', 'a', '2.5', 'b', '-inf', 'c')
    await call('ZADD', 'big-zset', ...Array.from({ length: 200 }, (_, i) => [String(i / 3), `m${i}`]).flat())
    await call('SELECT', '3')
    await call('SET', 'in-db3', 'yes')
    await call('SELECT', '0')
    file = await save()
    expected.set('small-list', await call('LRANGE', 'small-list', '0', '-1'))
    expected.set('big-list', await call('LRANGE', 'big-list', '0', '-1'))
  })

  test('every key, value and expiry comes back', async () => {
    const all = entries(file)
    const byKey = new Map(all.map((e) => [`${e.db}:${e.key.toString('latin1')}`, e]))
    expect(byKey.size).toBe(16)
    const str = (k: string): string => {
      const v = byKey.get(`0:${k}`)!.value
      return v.type === 'string' ? v.value.toString('latin1') : `<${v.type}>`
    }
    expect([str('int'), str('neg'), str('long'), str('bin')]).toEqual(['12345', '-7', 'x'.repeat(1000) + 'y', '\x00\xff\r\n'])
    expect(byKey.get('0:ttl')!.expireMs).toBe(await call('PEXPIRETIME', 'ttl'))
    expect(byKey.get('0:int')!.expireMs).toBeNull()
    expect(byKey.get('3:in-db3')!.value).toEqual({ type: 'string', value: Buffer.from('yes') })

    const list = (k: string): string[] => {
      const v = byKey.get(`0:${k}`)!.value
      return v.type === 'list' ? v.items.map((b) => b.toString('latin1')) : []
    }
    expect(list('small-list')).toEqual(expected.get('small-list'))
    expect(list('big-list')).toEqual(expected.get('big-list'))

    for (const k of ['intset', 'strset', 'bigintset']) {
      const v = byKey.get(`0:${k}`)!.value
      const members = v.type === 'set' ? v.members.map((b) => b.toString('latin1')).sort() : []
      expect(members, k).toEqual(((await call('SMEMBERS', k)) as string[]).sort())
    }
    for (const k of ['small-hash', 'big-hash', 'long-hash']) {
      const v = byKey.get(`0:${k}`)!.value
      const got = v.type === 'hash' ? Object.fromEntries(Array.from({ length: v.pairs.length / 2 }, (_, i) => [v.pairs[2 * i]!.toString(), v.pairs[2 * i + 1]!.toString()])) : {}
      const flat = (await call('HGETALL', k)) as string[]
      expect(got, k).toEqual(Object.fromEntries(Array.from({ length: flat.length / 2 }, (_, i) => [flat[2 * i], flat[2 * i + 1]])))
    }
    for (const k of ['small-zset', 'big-zset']) {
      const v = byKey.get(`0:${k}`)!.value
      const got = v.type === 'zset' ? [...v.entries].sort((a, b) => a.score - b.score || Buffer.compare(a.member, b.member)).map((e) => [e.member.toString(), e.score]) : []
      const flat = (await call('ZRANGE', k, '0', '-1', 'WITHSCORES')) as string[]
      const want = Array.from({ length: flat.length / 2 }, (_, i) => [flat[2 * i], Number(flat[2 * i + 1]!.replace(/^(-?)inf$/, '$1Infinity'))])
      expect(got, k).toEqual(want)
    }
  })

  test('header and aux fields', () => {
    const header = readRdb(file, { onEntry: () => undefined })
    expect(header.version).toBe(10)
    expect(header.aux.get('redis-ver')?.toString()).toBe('7.0.15')
    expect(header.aux.get('redis-bits')?.toString()).toBe('64')
  })

  test('a damaged file is refused with an RdbError saying where, never another exception', () => {
    for (let cut = 0; cut < file.length; cut += Math.max(1, Math.floor(file.length / 400))) {
      expect(() => entries(file.subarray(0, cut)), `truncated at ${cut}`).toThrow(RdbError)
    }
    const flipped = Buffer.from(file)
    flipped[Math.floor(file.length / 2)]! ^= 0x5a
    expect(() => entries(flipped)).toThrow(RdbError)
    let seed = 7
    for (let i = 0; i < 300; i++) {
      const bad = Buffer.from(file)
      for (let j = 0; j < 3; j++) {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff
        bad[9 + (seed % (bad.length - 9))] = seed & 0xff
      }
      try {
        readRdb(bad, { checksum: false, onEntry: () => undefined })
      } catch (err) {
        expect(err).toBeInstanceOf(RdbError)
      }
    }
    expect(() => entries(Buffer.from('REDIS0012\xff', 'latin1'))).toThrow("can't handle RDB format version 12")
    expect(() => entries(Buffer.from('NOTRDB0010', 'latin1'))).toThrow('not an RDB file')
  })

  test('a stream is refused by name, not dropped', async () => {
    await call('XADD', 'events', '*', 'a', '1')
    const withStream = await save()
    expect(() => entries(withStream)).toThrow(/streams are not supported by this server.*key "events"/)
    await call('DEL', 'events')
  })
})
