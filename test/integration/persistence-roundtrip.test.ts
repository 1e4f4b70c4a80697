/**
 * RDB files and DUMP payloads exchanged with a real redis-server 7.0 both ways: a dataset of
 * every type and encoding (small and large values, integers, compressible strings, binary
 * keys, TTLs, several databases) saved by one side is loaded by the other, and DEBUG DIGEST
 * (Redis-identical, see digest.ts) must match.
 */
import { afterAll, beforeAll, expect, test } from 'vitest'
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { RedisServer } from '../../src/main/server/node'
import { RawConn, encodeCommand } from '../helpers/raw-conn'
import { startRedisServer, type RealRedis } from '../helpers/redis-server'

const FAR = String(Date.now() + 10 * 365 * 86400_000)

/** Commands building the dataset (db switches included). */
function dataset(): (string | Buffer)[][] {
  const cmds: (string | Buffer)[][] = []
  const bin = Buffer.alloc(5000)
  for (let i = 0; i < bin.length; i++) bin[i] = (i * 131 + 7) & 0xff
  cmds.push(['SET', 'str:small', 'hello'], ['SET', 'str:int', '12345'], ['SET', 'str:neg', '-7'],
    ['SET', 'str:llmin', '-9223372036854775808'], ['SET', 'str:big-int-like', '123456789012'],
    ['SET', 'str:lzf', 'abc'.repeat(700)], ['SET', 'str:bin', bin], ['SET', 'str:empty', ''],
    ['SET', Buffer.from([0, 0xff, 0x0a, 0x0d, 0x80]), 'binary key'])
  cmds.push(['RPUSH', 'list:small', 'a', 'b', 'c', '1', '2', '-3', '99999999999'])
  const big: string[] = []
  for (let i = 0; i < 3000; i++) big.push(i % 7 === 0 ? String(i) : `element-${i}-${'x'.repeat(i % 40)}`)
  cmds.push(['RPUSH', 'list:big', ...big], ['RPUSH', 'list:huge-elem', 'y'.repeat(20000), 'z', 'q'.repeat(9000)])
  cmds.push(['HSET', 'hash:small', 'f1', 'v1', 'f2', '2', 'num', '-100'])
  const hf: string[] = []
  for (let i = 0; i < 700; i++) hf.push(`field:${i}`, i % 3 ? `value:${i}` : String(i * 1000))
  cmds.push(['HSET', 'hash:big', ...hf], ['HSET', 'hash:longval', 'a', 'v'.repeat(100), 'b', 'short'])
  cmds.push(['SADD', 'set:intset', '1', '2', '3', '-5', '4294967296', '-9223372036854775808'])
  const ints: string[] = []
  for (let i = 0; i < 600; i++) ints.push(String(i * 17))
  cmds.push(['SADD', 'set:bigints', ...ints], ['SADD', 'set:strs', 'apple', 'banana', 'cherry', '7'])
  cmds.push(['ZADD', 'zset:small', '1', 'a', '2.5', 'b', '-3', 'c', 'inf', 'top', '-inf', 'bottom', '0', 'zero'])
  const zf: string[] = []
  for (let i = 0; i < 400; i++) zf.push(String(i / 7), `member:${i}`)
  cmds.push(['ZADD', 'zset:big', ...zf], ['ZADD', 'zset:longmember', '1', 'm'.repeat(100), '2', 'x'])
  cmds.push(['SET', 'ttl:str', 'expiring'], ['PEXPIREAT', 'ttl:str', FAR])
  cmds.push(['RPUSH', 'ttl:list', 'a', 'b'], ['PEXPIREAT', 'ttl:list', FAR])
  cmds.push(['SELECT', '3'], ['SET', 'db3:key', 'in db 3'], ['HSET', 'db3:hash', 'a', '1'], ['PEXPIREAT', 'db3:hash', FAR])
  cmds.push(['SELECT', '15'], ['SADD', 'db15:set', 'x', 'y'], ['ZADD', 'db15:z', '5', 'five'])
  cmds.push(['SELECT', '0'])
  return cmds
}

async function apply(conn: RawConn, cmds: (string | Buffer)[][]): Promise<void> {
  for (const c of cmds) {
    const r = await conn.call(...c)
    expect(r.startsWith('-'), `${c.map(String).join(' ').slice(0, 60)} → ${r}`).toBe(false)
  }
}

async function digest(conn: RawConn): Promise<string> {
  const r = await conn.call('DEBUG', 'DIGEST')
  expect(r).toMatch(/^\+[0-9a-f]{40}\r\n$/)
  return r
}

async function configGet(conn: RawConn, name: string): Promise<string> {
  const r = await conn.call('CONFIG', 'GET', name)
  const parts = r.split('\r\n')
  return parts[4]!
}

let real: RealRedis
let realConn: RawConn
beforeAll(async () => {
  real = await startRedisServer(['--enable-debug-command', 'yes'])
  realConn = await RawConn.open(real.port)
})
afterAll(async () => {
  realConn?.close()
  await real?.stop()
})

async function embedded(dir: string, extra: Record<string, string> = {}): Promise<{ server: RedisServer; conn: RawConn }> {
  const server = new RedisServer({ port: 0, rdbFile: true, config: { dir, 'enable-debug-command': 'yes', ...extra } })
  await server.listen()
  return { server, conn: await RawConn.open(server.port) }
}

test('a dump.rdb written by real Redis loads into an embedded node at start with the same DEBUG DIGEST', async () => {
  expect(await realConn.call('FLUSHALL')).toBe('+OK\r\n')
  await apply(realConn, dataset())
  const want = await digest(realConn)
  expect(want).not.toBe('+' + '0'.repeat(40) + '\r\n')
  expect(await realConn.call('SAVE')).toBe('+OK\r\n')
  const realFile = join(await configGet(realConn, 'dir'), await configGet(realConn, 'dbfilename'))
  const dir = mkdtempSync(join(tmpdir(), 'p-load-'))
  copyFileSync(realFile, join(dir, 'dump.rdb'))
  const { server, conn } = await embedded(dir)
  try {
    expect(await digest(conn)).toBe(want)
    expect(server.persistence.lastLoadKeysLoaded).toBe(dataset().filter((c) => !['SELECT', 'PEXPIREAT'].includes(String(c[0]))).length - 0)
    // Encodings follow the loader's limits as in Redis.
    expect(await conn.call('OBJECT', 'ENCODING', 'hash:small')).toBe('$8\r\nlistpack\r\n')
    expect(await conn.call('OBJECT', 'ENCODING', 'hash:big')).toBe('$9\r\nhashtable\r\n')
    expect(await conn.call('OBJECT', 'ENCODING', 'set:intset')).toBe('$6\r\nintset\r\n')
    expect(await conn.call('OBJECT', 'ENCODING', 'zset:big')).toBe('$8\r\nskiplist\r\n')
    expect(await conn.call('PEXPIRETIME', 'ttl:str')).toBe(`:${FAR}\r\n`)
  } finally {
    conn.close()
    await server.close()
  }
}, 30_000)

test.each(['yes', 'no'])('a dump.rdb saved by an embedded node (SAVE, rdbchecksum %s) loads into real Redis with the same DEBUG DIGEST', async (checksum) => {
  const dir = mkdtempSync(join(tmpdir(), 'p-save-'))
  const { server, conn } = await embedded(dir, { rdbchecksum: checksum })
  let other: RealRedis | null = null
  try {
    await apply(conn, dataset())
    const want = await digest(conn)
    expect(await conn.call('SAVE')).toBe('+OK\r\n')
    // The EOF opcode, then the CRC64; with rdbchecksum no, eight zero bytes, which loaders skip.
    const file = readFileSync(join(dir, 'dump.rdb'))
    expect(file[file.length - 9]).toBe(0xff)
    if (checksum === 'no') expect(file.subarray(file.length - 8)).toEqual(Buffer.alloc(8))
    else expect(file.subarray(file.length - 8)).not.toEqual(Buffer.alloc(8))
    other = await startRedisServer(['--enable-debug-command', 'yes', '--dir', dir, '--dbfilename', 'dump.rdb'])
    const oc = await RawConn.open(other.port)
    expect(await digest(oc)).toBe(want)
    expect(await oc.call('PEXPIRETIME', 'ttl:list')).toBe(`:${FAR}\r\n`)
    oc.close()
  } finally {
    conn.close()
    await server.close()
    await other?.stop()
  }
}, 30_000)

test('SHUTDOWN saves when save points are set and a new node loads it; SHUTDOWN NOSAVE does not', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'p-shutdown-'))
  const a = await embedded(dir)
  await a.conn.call('SET', 'kept', 'yes')
  const want = await digest(a.conn)
  const closed = new Promise<void>((r) => a.server.once('shutdown', () => r()))
  a.conn.send(encodeCommand(['SHUTDOWN']))
  await closed
  a.conn.close()
  const b = await embedded(dir)
  expect(await digest(b.conn)).toBe(want)
  await b.conn.call('SET', 'lost', 'yes')
  const closedB = new Promise<void>((r) => b.server.once('shutdown', () => r()))
  b.conn.send(encodeCommand(['SHUTDOWN', 'NOSAVE']))
  await closedB
  b.conn.close()
  const c = await embedded(dir)
  expect(await digest(c.conn)).toBe(want)
  c.conn.close()
  // server.shutdown() (the lab's stop) saves per config: here the default save points.
  await c.server.shutdown()
  // With no save points it does not save.
  const d = await embedded(dir, { save: '' })
  await d.conn.call('SET', 'another', '1')
  await d.server.shutdown()
  const e = await embedded(dir)
  expect(await digest(e.conn)).toBe(want)
  e.conn.close()
  await e.server.shutdown({ save: false })
}, 30_000)

test('DUMP payloads of real Redis RESTORE into ours and ours into real Redis, for every key of the dataset', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'p-dump-'))
  const { server, conn } = await embedded(dir)
  try {
    expect(await realConn.call('FLUSHALL')).toBe('+OK\r\n')
    const cmds = dataset()
    await apply(realConn, cmds)
    await apply(conn, cmds)
    const keysReply = await realConn.call('KEYS', '*')
    const keys = keysReply.split('\r\n').filter((_, i) => i > 0 && i % 2 === 0).map((k) => Buffer.from(k, 'latin1'))
    expect(keys.length).toBeGreaterThan(15)
    for (const k of keys) {
      const fromReal = await realConn.call('DUMP', k)
      const fromOurs = await conn.call('DUMP', k)
      expect(fromOurs.startsWith('$'), `DUMP ${k}`).toBe(true)
      const payload = (r: string): Buffer => {
        const nl = r.indexOf('\r\n')
        return Buffer.from(r.slice(nl + 2, nl + 2 + Number(r.slice(1, nl))), 'latin1')
      }
      const rk = Buffer.concat([Buffer.from('r:'), k])
      // The copy gets the same TTL, so the per-key digests (which flag a TTL) are comparable.
      const at = /^:(-?\d+)/.exec(await realConn.call('PEXPIRETIME', k))![1]!
      const ttl = Number(at) > 0 ? [at, 'ABSTTL'] : ['0']
      expect(await conn.call('RESTORE', rk, ttl[0]!, payload(fromReal), ...ttl.slice(1)), `ours RESTORE of real DUMP ${k}`).toBe('+OK\r\n')
      expect(await realConn.call('RESTORE', rk, ttl[0]!, payload(fromOurs), ...ttl.slice(1)), `real RESTORE of our DUMP ${k}`).toBe('+OK\r\n')
      const [dr, dOurs] = [await realConn.call('DEBUG', 'DIGEST-VALUE', k, rk), await conn.call('DEBUG', 'DIGEST-VALUE', k, rk)]
      expect(dOurs).toBe(dr)
      const [a, b] = dr.split('\r\n').filter((l) => l.startsWith('+'))
      expect(a).toBe(b)
    }
    expect(await digest(conn)).toBe(await digest(realConn))
  } finally {
    conn.close()
    await server.close()
  }
}, 60_000)

test('RESTORE options and errors match real Redis', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'p-restore-'))
  const { server, conn } = await embedded(dir)
  try {
    for (const c of [realConn, conn]) {
      await c.call('FLUSHALL')
      await c.call('SET', 'src', 'value')
      await c.call('RPUSH', 'lst', 'a', 'b')
    }
    const p = (r: string): Buffer => {
      const nl = r.indexOf('\r\n')
      return Buffer.from(r.slice(nl + 2, nl + 2 + Number(r.slice(1, nl))), 'latin1')
    }
    const good = p(await realConn.call('DUMP', 'src'))
    const badCrc = Buffer.from(good)
    badCrc[badCrc.length - 1]! ^= 1
    const newer = Buffer.from(good)
    newer.writeUInt16LE(11, newer.length - 10)
    const garbageBody = Buffer.concat([Buffer.from([0x00, 0x3f]), Buffer.from('ab')])
    const { Crc64 } = await import('../../src/main/server/rdb/crc64')
    const withTrailer = (body: Buffer): Buffer => {
      const b = Buffer.concat([body, Buffer.from([10, 0])])
      return Buffer.concat([b, new Crc64().update(b).bytes()])
    }
    const cases: (string | Buffer)[][] = [
      ['RESTORE', 'src', '0', good],
      ['RESTORE', 'src', '0', good, 'REPLACE'],
      ['RESTORE', 'n1', '-1', good],
      ['RESTORE', 'n1', 'abc', good],
      ['RESTORE', 'n1', '0', badCrc],
      ['RESTORE', 'n1', '0', newer],
      ['RESTORE', 'n1', '0', Buffer.from('short')],
      ['RESTORE', 'n1', '0', withTrailer(garbageBody)],
      ['RESTORE', 'n1', '0', withTrailer(Buffer.from([8, 1, 2]))],
      ['RESTORE', 'n2', '0', good, 'IDLETIME', '-1'],
      ['RESTORE', 'n2', '0', good, 'IDLETIME', 'x'],
      ['RESTORE', 'n2', '0', good, 'FREQ', '256'],
      ['RESTORE', 'n2', '0', good, 'FREQ', '5', 'IDLETIME', '5'],
      ['RESTORE', 'n2', '0', good, 'FOO'],
      ['RESTORE', 'n3', '0', good, 'IDLETIME', '100'],
      ['RESTORE', 'n4', '0', good, 'FREQ', '100'],
      ['RESTORE', 'n5', '1', good, 'ABSTTL'],
      ['EXISTS', 'n5'],
      ['RESTORE', 'src', '1', good, 'ABSTTL', 'REPLACE'],
      ['EXISTS', 'src'],
      ['RESTORE', 'n6', '100000', good],
      ['TTL', 'n6'],
      ['RESTORE', 'n7', FAR, good, 'ABSTTL'],
      ['PEXPIRETIME', 'n7'],
      ['DUMP', 'nokey'],
      ['RESTORE', 'lst', '0', good, 'REPLACE'],
      ['TYPE', 'lst'],
      ['GET', 'lst']
    ]
    for (const c of cases) {
      const [r, o] = [await realConn.call(...c), await conn.call(...c)]
      expect(o, c.map((x) => (Buffer.isBuffer(x) ? '<payload>' : x)).join(' ')).toBe(r)
    }
  } finally {
    conn.close()
    await server.close()
  }
}, 30_000)

test('a dump.rdb with expired keys: a master skips them at load; loadRdb keeps them for a replica', async () => {
  const { loadRdb } = await import('../../src/main/server/persistence/rdb-load')
  const { serializeRdb } = await import('../../src/main/server/persistence/snapshot')
  const dir = mkdtempSync(join(tmpdir(), 'p-exp-'))
  const { server, conn } = await embedded(dir)
  try {
    await conn.call('DEBUG', 'SET-ACTIVE-EXPIRE', '0')
    await conn.call('SET', 'live', '1')
    await conn.call('SET', 'gone', '1', 'PX', '1')
    await new Promise((r) => setTimeout(r, 10))
    const rdb = serializeRdb(server)
    writeFileSync(join(dir, 'dump.rdb'), rdb)
    const other = await startRedisServer(['--dir', dir, '--dbfilename', 'dump.rdb'])
    const oc = await RawConn.open(other.port)
    expect(await oc.call('DBSIZE')).toBe(':1\r\n')
    oc.close()
    await other.stop()
    expect(loadRdb(server, rdb).keys).toBe(1)
    expect(server.keyCount()).toBe(1)
    const r = loadRdb(server, rdb, { keepExpired: true })
    expect(r.keys).toBe(2)
    expect(server.keyCount()).toBe(2)
    expect(readFileSync(join(dir, 'dump.rdb')).equals(rdb)).toBe(true)
    // A node started as a replica (replicaof) keeps them at load too; a master does not.
    const { freePort } = await import('../helpers/ports')
    const asReplica = new RedisServer({ port: 0, rdbFile: true, config: { dir }, replicaOf: { host: '127.0.0.1', port: await freePort() } })
    await asReplica.listen()
    expect(asReplica.keyCount()).toBe(2)
    await asReplica.close()
    const asMaster = new RedisServer({ port: 0, rdbFile: true, config: { dir } })
    await asMaster.listen()
    expect(asMaster.keyCount()).toBe(1)
    expect(asMaster.persistence.lastLoadAux?.get('redis-ver')?.toString()).toBe('7.0.15')
    await asMaster.close()
  } finally {
    conn.close()
    await server.close()
  }
}, 30_000)

test('DEBUG RELOAD saves and reloads the dataset (digest kept); its errors match real Redis', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'p-reload-'))
  const { server, conn } = await embedded(dir)
  const fresh = await startRedisServer(['--enable-debug-command', 'yes'])
  const rc = await RawConn.open(fresh.port)
  try {
    for (const c of [conn, rc]) {
      expect(await c.call('DEBUG', 'RELOAD', 'NOSAVE'), 'no dump file yet').toBe('-ERR Error trying to load the RDB dump\r\n')
      expect(await c.call('DEBUG', 'RELOAD', 'FOO')).toBe('-ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.\r\n')
      await apply(c, dataset())
    }
    const want = await digest(rc)
    expect(await digest(conn)).toBe(want)
    for (const c of [conn, rc]) {
      expect(await c.call('DEBUG', 'RELOAD')).toBe('+OK\r\n')
      expect(await digest(c)).toBe(want)
      await c.call('SET', 'after-save', '1')
      expect(await c.call('DEBUG', 'RELOAD', 'NOSAVE')).toBe('+OK\r\n')
      expect(await digest(c)).toBe(want)
      expect(await c.call('EXISTS', 'after-save')).toBe(':0\r\n')
    }
    expect(server.persistence.saves).toBe(1)
  } finally {
    rc.close()
    await fresh.stop()
    conn.close()
    await server.close()
  }
}, 30_000)

test('RESTORE propagates a relative TTL as an absolute one with ABSTTL, and an already expired REPLACE as DEL', async () => {
  const { propagated } = await import('../helpers/propagation')
  const dir = mkdtempSync(join(tmpdir(), 'p-prop-'))
  const { server, conn } = await embedded(dir)
  try {
    await conn.call('SET', 'src', 'v')
    const r = await conn.call('DUMP', 'src')
    const nl = r.indexOf('\r\n')
    const payload = r.slice(nl + 2, nl + 2 + Number(r.slice(1, nl)))
    const before = Date.now()
    const p = await propagated(server, conn, 'RESTORE', 'k', '100000', payload)
    expect(p).toHaveLength(1)
    const [cmd, key, at, pl, abs] = p![0]!
    expect([cmd, key, pl, abs]).toEqual(['RESTORE', 'k', payload, 'ABSTTL'])
    expect(Number(at)).toBeGreaterThanOrEqual(before + 100000)
    expect(Number(at)).toBeLessThanOrEqual(Date.now() + 100000)
    expect(await propagated(server, conn, 'RESTORE', 'k2', '0', payload)).toBeNull()
    expect(await propagated(server, conn, 'RESTORE', 'k2', '1', payload, 'ABSTTL', 'REPLACE')).toEqual([['DEL', 'k2']])
    expect(await conn.call('EXISTS', 'k2')).toBe(':0\r\n')
  } finally {
    conn.close()
    await server.close()
  }
})
