/**
 * BGSAVE is a forkless point-in-time snapshot: while it serialises in slices, another client
 * overwrites, deletes, expires, mutates containers in place, renames, FLUSHDBs, SWAPDBs and
 * FLUSHALLs — and the file must still hold exactly the data of the BGSAVE moment, proven by
 * loading it into a real redis-server and comparing DEBUG DIGEST with the digest taken then.
 */
import { afterEach, expect, test } from 'vitest'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { RedisServer } from '../../src/main/server/node'
import { computeDatasetDigest } from '../../src/main/server/digest'
import { beginSnapshot } from '../../src/main/server/persistence/snapshot'
import { loadRdb } from '../../src/main/server/persistence/rdb-load'
import { RawConn, encodeCommand } from '../helpers/raw-conn'
import { startRedisServer, type RealRedis } from '../helpers/redis-server'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const f of cleanups.splice(0).reverse()) await f()
})

async function embedded(dir: string): Promise<{ server: RedisServer; conn: RawConn }> {
  const server = new RedisServer({ port: 0, config: { dir, 'enable-debug-command': 'yes' } })
  await server.listen()
  const conn = await RawConn.open(server.port)
  cleanups.push(async () => {
    conn.close()
    await server.close()
  })
  return { server, conn }
}

/** Sends commands in one write and returns all replies. */
async function pipeline(conn: RawConn, cmds: (string | Buffer)[][]): Promise<string[]> {
  conn.send(Buffer.concat(cmds.map((c) => encodeCommand(c))))
  const out: string[] = []
  for (let i = 0; i < cmds.length; i++) out.push(await conn.read(120_000)) // DEBUG DIGEST of 300k keys is slow
  return out
}

const FAR = String(Date.now() + 10 * 365 * 86400_000)

async function buildDataset(conn: RawConn, keys: number): Promise<void> {
  expect(await conn.call('DEBUG', 'POPULATE', String(keys))).toBe('+OK\r\n')
  const cmds: string[][] = []
  for (let i = 0; i < 200; i++) {
    cmds.push(['HSET', `hash:${i}`, ...Array.from({ length: 40 }, (_, j) => [`f${j}`, `v${j}`]).flat()])
    cmds.push(['RPUSH', `list:${i}`, ...Array.from({ length: 30 }, (_, j) => `e${j}`)])
    cmds.push(['SADD', `set:${i}`, ...Array.from({ length: 20 }, (_, j) => String(j * i))])
    cmds.push(['ZADD', `zset:${i}`, ...Array.from({ length: 20 }, (_, j) => [String(j / 3), `m${j}`]).flat()])
    cmds.push(['SET', `ttl:${i}`, 'v', 'PXAT', FAR])
  }
  for (const db of ['1', '2', '5']) {
    cmds.push(['SELECT', db])
    for (let i = 0; i < 300; i++) cmds.push(['SET', `db${db}:${i}`, `value-${i}`])
    cmds.push(['HSET', `db${db}:h`, 'a', '1', 'b', '2'])
  }
  cmds.push(['SELECT', '0'])
  for (const r of await pipeline(conn, cmds)) expect(r.startsWith('-')).toBe(false)
}

async function bgsaveInProgress(conn: RawConn): Promise<boolean> {
  return (await conn.call('INFO', 'persistence')).includes('rdb_bgsave_in_progress:1')
}

// Loaded data keeps its plain strings in the RDB image until they are read (KeyTable's
// deferred values): the snapshot must read those from the image, pre-images or not.
test.each([
  ['built by commands', false],
  ['reloaded from its dump (values still in the loaded image)', true]
])('writes, deletes, expires, renames, FLUSHDB, SWAPDB and FLUSHALL during a BGSAVE leave the file as of the BGSAVE: %s', async (_, reload) => {
  const dir = mkdtempSync(join(tmpdir(), 'p-bgsave-'))
  const { server, conn } = await embedded(dir)
  await buildDataset(conn, 300_000)
  if (reload) expect(await conn.call('DEBUG', 'RELOAD')).toBe('+OK\r\n')
  const writer = await RawConn.open(server.port)
  cleanups.push(() => writer.close())

  // The digest and BGSAVE in one packet: nothing runs between them.
  const [digestAtSave, started] = await pipeline(conn, [['DEBUG', 'DIGEST'], ['BGSAVE']])
  expect(started).toBe('+Background saving started\r\n')

  const batches: (string | Buffer)[][][] = []
  // 1: strings overwritten, deleted, given/losing TTLs, set to expire at once, renamed; new keys.
  const b1: string[][] = []
  for (let i = 0; i < 2000; i++) {
    const k = 299_999 - i * 37 // spread over the whole key order, most not yet serialised
    b1.push(['SET', `key:${k}`, 'overwritten'])
    b1.push(['DEL', `key:${k - 1}`])
    b1.push(['PEXPIRE', `key:${k - 2}`, '1'])
    b1.push(['EXPIRE', `key:${k - 3}`, '100000'])
    b1.push(['APPEND', `key:${k - 4}`, '+tail'])
    b1.push(['INCR', `fresh:${i}`])
    b1.push(['RENAME', `key:${k - 5}`, `key:${k - 6}`])
  }
  for (let i = 0; i < 200; i += 2) b1.push(['PERSIST', `ttl:${i}`], ['PEXPIRE', `ttl:${i + 1}`, '1'])
  batches.push(b1)
  // 2: containers changed in place.
  const b2: string[][] = []
  for (let i = 0; i < 200; i++) {
    b2.push(['HSET', `hash:${i}`, 'f1', 'changed', 'new', 'field'], ['HDEL', `hash:${i}`, 'f2'])
    b2.push(['LPUSH', `list:${i}`, 'head'], ['RPOP', `list:${i}`], ['LSET', `list:${i}`, '5', 'set'])
    b2.push(['SADD', `set:${i}`, 'not-an-int'], ['SREM', `set:${i}`, '0'])
    b2.push(['ZADD', `zset:${i}`, '100', 'm1', '7', 'new'], ['ZREM', `zset:${i}`, 'm2'])
  }
  batches.push(b2)
  // 3: whole databases: SWAPDB, FLUSHDB, MOVE.
  batches.push([['SWAPDB', '2', '5'], ['SELECT', '1'], ['FLUSHDB'], ['SET', 'db1:after', 'x'], ['SELECT', '2'],
    ['SET', 'db5:0', 'changed-after-swap'], ['DEL', 'db5:1'], ['SELECT', '0'], ['MOVE', 'key:1000', '5']])
  // 4: everything flushed, then new data.
  batches.push([['FLUSHALL'], ...Array.from({ length: 500 }, (_, i) => ['SET', `key:${i}`, 'after-flushall'])])

  for (const b of batches) {
    const replies = await pipeline(writer, [...b, ['INFO', 'persistence']])
    for (const r of replies) expect(r.startsWith('-ERR') || r.startsWith('-WRONGTYPE'), r).toBe(false)
    // Every batch ran while the snapshot was still being written.
    expect(replies[replies.length - 1]).toContain('rdb_bgsave_in_progress:1')
  }
  await server.persistence.waitBgsave()
  expect(await bgsaveInProgress(conn)).toBe(false)
  const info = await conn.call('INFO', 'persistence')
  expect(info).toContain('rdb_last_bgsave_status:ok')
  expect(server.persistence.lastPreImages).toBeGreaterThan(1000)
  expect(server.persistence.lastMissedPreImages).toBe(0)
  expect(Number(/rdb_last_cow_size:(\d+)/.exec(info)![1])).toBeGreaterThan(0)
  // The data now is different from the snapshot's.
  expect(await conn.call('DEBUG', 'DIGEST')).not.toBe(digestAtSave)

  let real: RealRedis | null = null
  try {
    real = await startRedisServer(['--enable-debug-command', 'yes', '--dir', dir, '--dbfilename', 'dump.rdb'])
    const rc = await RawConn.open(real.port)
    expect(await rc.call('DEBUG', 'DIGEST')).toBe(digestAtSave)
    expect(await rc.call('DBSIZE')).toBe(':301000\r\n')
    rc.close()
  } finally {
    await real?.stop()
  }
}, 300_000)

test('overlapping snapshots each keep their own point in time', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'p-overlap-'))
  const { server, conn } = await embedded(dir)
  await buildDataset(conn, 50_000)
  const collect = (): { done: Promise<Buffer>; snap: ReturnType<typeof beginSnapshot> } => {
    const chunks: Buffer[] = []
    let snap!: ReturnType<typeof beginSnapshot>
    const done = new Promise<Buffer>((resolve, reject) => {
      snap = beginSnapshot(server, {
        aux: [['repl-stream-db', 0], ['repl-id', 'a'.repeat(40)], ['repl-offset', 12345]],
        onChunk: (c) => chunks.push(c),
        onEnd: (err) => (err ? reject(err) : resolve(Buffer.concat(chunks)))
      })
    })
    return { done, snap }
  }
  const d1 = computeDatasetDigest(server.keyspace)
  const s1 = collect()
  s1.snap.pause() // held back: must still produce the first point in time later
  await pipeline(conn, [['SET', 'key:1', 'x'], ['DEL', 'key:2'], ['HSET', 'hash:1', 'z', 'z'], ['SWAPDB', '0', '1']])
  const d2 = computeDatasetDigest(server.keyspace)
  const s2 = collect()
  await pipeline(conn, [['FLUSHALL'], ['SET', 'only', 'after']])
  s1.snap.resume()
  const [f1, f2] = await Promise.all([s1.done, s2.done])
  expect(d1).not.toBe(d2)
  const probe = new RedisServer({ port: 0 })
  const r1 = loadRdb(probe, f1)
  expect(r1.aux.get('repl-id')?.toString()).toBe('a'.repeat(40))
  expect(r1.aux.get('repl-offset')?.toString()).toBe('12345')
  expect(computeDatasetDigest(probe.keyspace)).toBe(d1)
  loadRdb(probe, f2)
  expect(computeDatasetDigest(probe.keyspace)).toBe(d2)
}, 120_000)

test('BGSAVE replies and errors as Redis: already in progress, SAVE refused meanwhile, scheduled inside MULTI, syntax', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'p-bgsave-err-'))
  const { server, conn } = await embedded(dir)
  await buildDataset(conn, 200_000)
  const replies = await pipeline(conn, [['BGSAVE'], ['BGSAVE'], ['BGSAVE', 'SCHEDULE'], ['SAVE'], ['BGSAVE', 'foo'], ['INFO', 'persistence']])
  expect(replies.slice(0, 5)).toEqual([
    '+Background saving started\r\n',
    '-ERR Background save already in progress\r\n',
    '-ERR Background save already in progress\r\n',
    '-ERR Background save already in progress\r\n',
    '-ERR syntax error\r\n'
  ])
  expect(replies[5]).toMatch(/rdb_bgsave_in_progress:1\r\n[\s\S]*rdb_current_bgsave_time_sec:0\r\n/)
  await server.persistence.waitBgsave()
  const before = (await conn.call('LASTSAVE'))
  expect(before).toMatch(/^:\d+\r\n$/)
  const tx = await pipeline(conn, [['MULTI'], ['BGSAVE'], ['EXEC']])
  expect(tx[2]).toBe('*1\r\n+Background saving scheduled\r\n')
  // serverCron starts it.
  const deadline = Date.now() + 5000
  while (server.persistence.saves < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
  expect(server.persistence.saves).toBe(2)
  const info = await conn.call('INFO', 'persistence')
  expect(info).toContain('rdb_changes_since_last_save:0')
  expect(info).toContain('rdb_saves:2')
}, 60_000)

test('save points: "save 1 1" starts a BGSAVE from serverCron once a change is older than a second', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'p-savepoint-'))
  const server = new RedisServer({ port: 0, rdbFile: true, config: { dir, save: '1 1' } })
  await server.listen()
  const conn = await RawConn.open(server.port)
  cleanups.push(async () => {
    conn.close()
    await server.close()
  })
  const { existsSync } = await import('node:fs')
  await new Promise((r) => setTimeout(r, 1200))
  expect(existsSync(join(dir, 'dump.rdb')), 'no change: no save').toBe(false)
  await conn.call('SET', 'k', 'v')
  const deadline = Date.now() + 5000
  while (!existsSync(join(dir, 'dump.rdb')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
  expect(existsSync(join(dir, 'dump.rdb'))).toBe(true)
  await server.persistence.waitBgsave()
  const info = await conn.call('INFO', 'persistence')
  expect(info).toContain('rdb_changes_since_last_save:0')
  expect(info).toContain('rdb_saves:1')
  expect(info).toContain('rdb_last_bgsave_status:ok')
  // No temp files left behind.
  const { readdirSync } = await import('node:fs')
  expect(readdirSync(dir)).toEqual(['dump.rdb'])
})
