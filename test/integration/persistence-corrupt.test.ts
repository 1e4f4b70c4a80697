/**
 * Bad dump files are refused whole: truncated or corrupted (fuzzed from a valid file written
 * by real Redis) images give an RdbError saying where they broke, never another exception,
 * and the data loaded before stays exactly as it was; a node whose dump.rdb is bad does not
 * start (and holds nothing).
 */
import { afterAll, beforeAll, expect, test } from 'vitest'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import net from 'node:net'
import { RedisServer } from '../../src/main/server/node'
import { computeDatasetDigest } from '../../src/main/server/digest'
import { loadRdb } from '../../src/main/server/persistence/rdb-load'
import { RdbError } from '../../src/main/server/rdb/errors'
import { RawConn } from '../helpers/raw-conn'
import { startRedisServer, type RealRedis } from '../helpers/redis-server'

let real: RealRedis
let valid: Buffer
beforeAll(async () => {
  real = await startRedisServer()
  const c = await RawConn.open(real.port)
  const cmds: string[][] = [
    ['SET', 's', 'x'.repeat(200)], ['SET', 'i', '42'], ['RPUSH', 'l', 'a', 'b', '3'],
    ['HSET', 'h', 'f', 'v', 'g', 'w'], ['SADD', 'si', '1', '2'], ['SADD', 'ss', 'a', 'b'],
    ['ZADD', 'z', '1', 'a', '2.5', 'b'], ['SET', 't', 'v', 'PX', '100000000'], ['SELECT', '2'], ['SET', 'd2', 'y']
  ]
  for (let i = 0; i < 300; i++) cmds.push(['HSET', 'bigh', `f${i}`, `v${i}`], ['ZADD', 'bigz', String(i), `m${i}`])
  for (const cmd of cmds) expect((await c.call(...cmd)).startsWith('-')).toBe(false)
  expect(await c.call('SAVE')).toBe('+OK\r\n')
  const dir = (await c.call('CONFIG', 'GET', 'dir')).split('\r\n')[4]!
  valid = readFileSync(join(dir, 'dump.rdb'))
  c.close()
})
afterAll(async () => {
  await real?.stop()
})

/** A deterministic PRNG (mulberry32), so failures reproduce. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function withData(): { server: RedisServer; digest: string } {
  const server = new RedisServer({ port: 0 })
  server.keyspace.db(0).set('existing', Buffer.from('data'))
  server.keyspace.db(1).set('other', Buffer.from('db1'))
  return { server, digest: computeDatasetDigest(server.keyspace) }
}

test('the valid file loads (the fuzzing baseline)', () => {
  const { server } = withData()
  expect(loadRdb(server, valid).keys).toBe(11)
})

test('every truncation of a valid file is refused with an RdbError and leaves the data untouched', () => {
  const { server, digest } = withData()
  let refused = 0
  for (let len = 0; len < valid.length; len++) {
    let err: unknown = null
    try {
      loadRdb(server, valid.subarray(0, len))
    } catch (e) {
      err = e
    }
    expect(err, `truncated to ${len} bytes`).toBeInstanceOf(RdbError)
    expect((err as Error).message, `truncated to ${len}`).toMatch(/at byte \d+|checksum|signature/)
    refused++
  }
  expect(refused).toBe(valid.length)
  expect(computeDatasetDigest(server.keyspace)).toBe(digest)
}, 120_000)

test('corrupted bytes are caught by the checksum; without it, the parser refuses or loads, never crashes', () => {
  const { server, digest } = withData()
  const rand = rng(4)
  for (let i = 0; i < 1500; i++) {
    const bad = Buffer.from(valid)
    const flips = 1 + Math.floor(rand() * 3)
    for (let f = 0; f < flips; f++) {
      const at = 9 + Math.floor(rand() * (bad.length - 9 - 8))
      bad[at] = (bad[at]! + 1 + Math.floor(rand() * 255)) & 0xff
    }
    expect(() => loadRdb(server, bad), `fuzz case ${i}`).toThrow(RdbError)
    expect(computeDatasetDigest(server.keyspace)).toBe(digest)
    // The parser alone: any outcome but a non-RdbError exception (or a hang) is acceptable.
    const probe = new RedisServer({ port: 0 })
    try {
      loadRdb(probe, bad, { checksum: false })
    } catch (e) {
      expect(e, `fuzz case ${i} without checksum`).toBeInstanceOf(RdbError)
    }
  }
}, 120_000)

test('garbage and foreign files are refused', () => {
  const { server, digest } = withData()
  const cases = [Buffer.alloc(0), Buffer.from('hello world'), Buffer.from('REDIS0012\xff', 'latin1'), Buffer.from('REDIS00x1', 'latin1')]
  // An LZF string claiming 2^40 bytes (the checksum is zero: not verified, as Redis).
  const huge = Buffer.concat([Buffer.from('REDIS0010', 'latin1'), Buffer.from([0, 1, 0x6b, 0xc3, 1, 0x81, 0, 0, 1, 0, 0, 0, 0, 0, 0x41, 0xff]), Buffer.alloc(8)])
  expect(() => loadRdb(server, huge)).toThrow(/corrupt RDB/)
  for (const c of cases) expect(() => loadRdb(server, c)).toThrow(RdbError)
  expect(computeDatasetDigest(server.keyspace)).toBe(digest)
})

test('a node whose dump.rdb is corrupt refuses to start, says where the file broke and does not listen', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'p-corrupt-'))
  writeFileSync(join(dir, 'dump.rdb'), valid.subarray(0, Math.floor(valid.length / 2)))
  const server = new RedisServer({ port: 0, rdbFile: true, config: { dir } })
  const err = await server.listen().then(() => null, (e: unknown) => e)
  expect(err).toBeInstanceOf(RdbError)
  expect((err as Error).message).toContain(join(dir, 'dump.rdb'))
  expect((err as Error).message).toMatch(/truncated.*at byte \d+/)
  expect(server.listening).toBe(false)
  expect(server.keyCount()).toBe(0)
  // The valid file loads into the same configuration.
  writeFileSync(join(dir, 'dump.rdb'), valid)
  const ok = new RedisServer({ port: 0, rdbFile: true, config: { dir } })
  await ok.listen()
  try {
    expect(ok.keyCount()).toBe(11)
    const sock = await new Promise<net.Socket>((resolve, reject) => {
      const s = net.connect(ok.port, '127.0.0.1', () => resolve(s))
      s.once('error', reject)
    })
    sock.destroy()
  } finally {
    await ok.close()
  }
})
