/**
 * Full-sync variants of an embedded master with real redis-server 7.0 replicas: the
 * disk-based `$<len>` payload, two replicas sharing one diskless snapshot after
 * repl-diskless-sync-delay, the legacy SYNC; and the master's cron: PINGs in the stream,
 * min-replicas-to-write, repl-backlog-ttl, the replica output buffer limit.
 */
import { mkdtempSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import net from 'node:net'
import { afterEach, describe, expect, test } from 'vitest'
import { RedisServer } from '../../src/main/server/node'
import { RawConn } from '../helpers/raw-conn'
import { startRedisServer, type RealRedis } from '../helpers/redis-server'
import { digest, info, waitCaughtUp, waitFor, writeLoad } from '../helpers/replication'

const cleanup: (() => Promise<void> | void)[] = []

afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f()
})

async function embedded(config: Record<string, string> = {}): Promise<{ server: RedisServer; conn: RawConn; logs: string[]; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'repl-master-sync-'))
  const server = new RedisServer({ port: 0, config: { 'enable-debug-command': 'yes', dir, ...config } })
  const logs: string[] = []
  server.on('log', (_l, m) => logs.push(m))
  await server.listen()
  const conn = await RawConn.open(server.port)
  cleanup.push(async () => {
    conn.close()
    await server.close()
  })
  return { server, conn, logs, dir }
}

async function real(args: string[] = []): Promise<{ srv: RealRedis; conn: RawConn }> {
  const srv = await startRedisServer(['--enable-debug-command', 'yes', ...args])
  const conn = await RawConn.open(srv.port)
  cleanup.push(async () => {
    conn.close()
    await srv.stop()
  })
  return { srv, conn }
}

/** writeLoad's `short` keys live 1 ms: expire them on the master so the replica gets their DELs. */
async function expireShort(conn: RawConn, rounds: number[]): Promise<void> {
  await new Promise((res) => setTimeout(res, 10))
  for (const r of rounds) expect(await conn.call('GET', `r${r}:short`)).toBe('$-1\r\n')
}

async function seed(conn: RawConn, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await conn.call('SET', `key:${i}`, 'v'.repeat(100) + i)
  await conn.call('RPUSH', 'list', ...Array.from({ length: 300 }, (_, i) => `item${i}`))
  await conn.call('HSET', 'hash', ...Array.from({ length: 100 }, (_, i) => [`f${i}`, `${i}`]).flat())
  await conn.call('ZADD', 'zset', ...Array.from({ length: 200 }, (_, i) => [`${i / 3}`, `m${i}`]).flat())
  await conn.call('SADD', 'iset', ...Array.from({ length: 50 }, (_, i) => `${i}`))
}

describe('full sync variants', () => {
  test('disk-based: $<len> payload written to a file in dir first, then the stream', async () => {
    const m = await embedded({ 'repl-diskless-sync': 'no' })
    await seed(m.conn, 2000)
    const rep = await real()
    await rep.conn.call('REPLICAOF', '127.0.0.1', String(m.server.port))
    // Writes while the sync runs are held for the replica and sent after the payload.
    for (let round = 0; round < 2; round++) await writeLoad(m.conn, round)
    await expireShort(m.conn, [0, 1])
    await waitCaughtUp(m.conn, rep.conn, 20_000)
    expect(await digest(rep.conn)).toBe(await digest(m.conn))
    expect(m.logs).toContain('Starting BGSAVE for SYNC with target: disk')
    // The temporary RDB is removed once sent.
    await waitFor('the sync file to be removed', async () => readdirSync(m.dir).length === 0)
    await writeLoad(m.conn, 7)
    await expireShort(m.conn, [7])
    await waitCaughtUp(m.conn, rep.conn)
    expect(await digest(rep.conn)).toBe(await digest(m.conn))
  })

  test('two replicas arriving within repl-diskless-sync-delay share one snapshot', async () => {
    const m = await embedded({ 'repl-diskless-sync-delay': '1' })
    await seed(m.conn, 500)
    const [a, b] = await Promise.all([real(), real()])
    await Promise.all([a.conn.call('REPLICAOF', '127.0.0.1', String(m.server.port)), b.conn.call('REPLICAOF', '127.0.0.1', String(m.server.port))])
    // Both wait for the delay: INFO shows them in wait_bgsave meanwhile.
    const waiting = await waitFor('two waiting replicas', async () => {
      const i = await info(m.conn)
      return i.connected_slaves === '2' && i
    })
    expect(waiting.slave0).toMatch(/state=wait_bgsave,offset=0,lag=0$/)
    expect(waiting.slave1).toMatch(/state=wait_bgsave,offset=0,lag=0$/)
    await m.conn.call('SET', 'written-while-waiting', 'yes')
    await Promise.all([waitCaughtUp(m.conn, a.conn), waitCaughtUp(m.conn, b.conn)])
    expect(m.logs.filter((l) => l === 'Starting BGSAVE for SYNC with target: replicas sockets')).toHaveLength(1)
    expect(m.logs.filter((l) => l === 'Delay next BGSAVE for diskless SYNC')).toHaveLength(2)
    expect((await info(m.conn, 'stats')).sync_full).toBe('2')
    const want = await digest(m.conn)
    expect(await digest(a.conn)).toBe(want)
    expect(await digest(b.conn)).toBe(want)
    expect(await a.conn.call('GET', 'written-while-waiting')).toBe('$3\r\nyes\r\n')
  })

  test('legacy SYNC: the $<len> payload without +FULLRESYNC, then the stream, as a real master sends them', async () => {
    const m = await embedded({ 'repl-diskless-sync': 'no' })
    const ref = await real()
    const streams: string[] = []
    for (const [port, conn] of [[m.server.port, m.conn], [ref.srv.port, ref.conn]] as const) {
      await conn.call('SET', 'k', 'v')
      const sock = net.connect(port, '127.0.0.1')
      let got = Buffer.alloc(0)
      sock.on('data', (d) => (got = Buffer.concat([got, d])))
      sock.write('SYNC\r\n')
      // Keep-alive newlines may come first; then $<len>\r\n and exactly len bytes.
      const payloadEnd = await waitFor('the payload', async () => {
        const text = got.toString('latin1').replace(/^\n+/, '')
        const h = /^\$(\d+)\r\n/.exec(text)
        return h && text.length >= h[0].length + Number(h[1]) && got.length - text.length + h[0].length + Number(h[1])
      })
      const text = got.toString('latin1').replace(/^\n+/, '')
      expect(text).toMatch(/^\$\d+\r\nREDIS0010/)
      expect(got.toString('latin1', payloadEnd - 9, payloadEnd - 8)).toBe('\xff')
      await conn.call('SET', 'after', 'sync')
      await waitFor('the stream', async () => got.length > payloadEnd)
      await new Promise((res) => setTimeout(res, 100))
      streams.push(got.toString('latin1', payloadEnd))
      sock.destroy()
    }
    expect(streams[0]).toBe('*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$5\r\nafter\r\n$4\r\nsync\r\n')
    expect(streams[0]).toBe(streams[1])
  })
})

describe('an embedded replica of the embedded master', () => {
  test('full sync, the stream and a partial resync after the link drops', async () => {
    const m = await embedded({ 'repl-diskless-sync-delay': '0' })
    await seed(m.conn, 300)
    const rep = await embedded()
    expect(await rep.conn.call('REPLICAOF', '127.0.0.1', String(m.server.port))).toBe('+OK\r\n')
    await writeLoad(m.conn, 0)
    // The load's last key lives 1 ms: once the master expired it, the replica gets a DEL.
    await new Promise((res) => setTimeout(res, 10))
    expect(await m.conn.call('GET', 'r0:short')).toBe('$-1\r\n')
    await waitCaughtUp(m.conn, rep.conn)
    expect(await digest(rep.conn)).toBe(await digest(m.conn))
    // Drop the replica's connection from the master's side: it comes back with PSYNC and continues.
    const statsBefore = await info(m.conn, 'stats')
    for (const c of m.server.replication.master.replicas) c.socket.destroy()
    await writeLoad(m.conn, 1)
    await new Promise((res) => setTimeout(res, 10))
    expect(await m.conn.call('GET', 'r1:short')).toBe('$-1\r\n')
    await waitCaughtUp(m.conn, rep.conn)
    const stats = await info(m.conn, 'stats')
    expect(stats.sync_full).toBe(statsBefore.sync_full)
    expect(Number(stats.sync_partial_ok)).toBe(Number(statsBefore.sync_partial_ok) + 1)
    expect(await digest(rep.conn)).toBe(await digest(m.conn))
  })
})

describe('the master cron and limits', () => {
  test('PING every repl-ping-replica-period goes into the stream (14 bytes each)', async () => {
    const m = await embedded({ 'repl-diskless-sync-delay': '0', 'repl-ping-replica-period': '1' })
    const rep = await real()
    await rep.conn.call('REPLICAOF', '127.0.0.1', String(m.server.port))
    await waitCaughtUp(m.conn, rep.conn)
    const off0 = Number((await info(m.conn)).master_repl_offset)
    await new Promise((res) => setTimeout(res, 2500))
    const off1 = Number((await info(m.conn)).master_repl_offset)
    expect(off1 - off0).toBeGreaterThanOrEqual(28)
    expect((off1 - off0) % 14).toBe(0)
    await waitCaughtUp(m.conn, rep.conn)
  })

  test('min-replicas-to-write refuses writes with NOREPLICAS as a real master does', async () => {
    const m = await embedded({ 'repl-diskless-sync-delay': '0' })
    const ref = await real()
    for (const conn of [m.conn, ref.conn]) {
      await conn.call('CONFIG', 'SET', 'min-replicas-to-write', '1')
    }
    const mine = [await m.conn.call('SET', 'k', 'v'), await m.conn.call('GET', 'k'), await m.conn.call('MULTI'), await m.conn.call('SET', 'k', 'v'), await m.conn.call('EXEC')]
    const theirs = [await ref.conn.call('SET', 'k', 'v'), await ref.conn.call('GET', 'k'), await ref.conn.call('MULTI'), await ref.conn.call('SET', 'k', 'v'), await ref.conn.call('EXEC')]
    expect(mine).toEqual(theirs)
    expect(mine[0]).toBe('-NOREPLICAS Not enough good replicas to write.\r\n')
    expect((await info(m.conn)).min_slaves_good_slaves).toBe('0')
    const rep = await real()
    await rep.conn.call('REPLICAOF', '127.0.0.1', String(m.server.port))
    await waitCaughtUp(m.conn, rep.conn)
    await waitFor('a good replica', async () => (await info(m.conn)).min_slaves_good_slaves === '1')
    expect(await m.conn.call('SET', 'k', 'v')).toBe('+OK\r\n')
  })

  test('repl-backlog-ttl frees the backlog and changes the replid once the replicas are gone', async () => {
    const m = await embedded({ 'repl-diskless-sync-delay': '0', 'repl-backlog-ttl': '1' })
    const rep = await real()
    await rep.conn.call('REPLICAOF', '127.0.0.1', String(m.server.port))
    await waitCaughtUp(m.conn, rep.conn)
    const withReplica = await info(m.conn)
    expect(withReplica.repl_backlog_active).toBe('1')
    await rep.conn.call('REPLICAOF', 'NO', 'ONE')
    const freed = await waitFor('the backlog to be freed', async () => {
      const i = await info(m.conn)
      return i.repl_backlog_active === '0' && i
    }, 6000)
    expect(freed.master_replid).not.toBe(withReplica.master_replid)
    expect(m.logs).toContain('Replication backlog freed after 1 seconds without connected replicas.')
  })

  test('a replica that never ACKs after an EOF payload is dropped after repl-timeout', async () => {
    const m = await embedded({ 'repl-diskless-sync-delay': '0', 'repl-timeout': '1' })
    const mute = await RawConn.open(m.server.port)
    mute.send('*3\r\n$8\r\nREPLCONF\r\n$4\r\ncapa\r\n$3\r\neof\r\n*3\r\n$5\r\nPSYNC\r\n$1\r\n?\r\n$2\r\n-1\r\n')
    await waitFor('the replica to be online', async () => /state=online,offset=0,lag=\d+$/.test((await info(m.conn)).slave0 ?? ''))
    await waitFor('the replica to be dropped', async () => (await info(m.conn)).connected_slaves === '0', 5000)
    expect(m.logs.some((l) => /^Disconnecting timedout replica \(streaming sync\): 127\.0\.0\.1:<unknown-replica-port>$/.test(l))).toBe(true)
    mute.close()
  })

  test('a replica that does not read is dropped at the hard output buffer limit', async () => {
    const m = await embedded({ 'repl-diskless-sync-delay': '0', 'client-output-buffer-limit': 'replica 1mb 0 0' })
    const sleepy = await RawConn.open(m.server.port)
    sleepy.send('*3\r\n$8\r\nREPLCONF\r\n$4\r\ncapa\r\n$3\r\neof\r\n*3\r\n$5\r\nPSYNC\r\n$1\r\n?\r\n$2\r\n-1\r\n')
    await waitFor('the replica to attach', async () => (await info(m.conn)).connected_slaves === '1')
    // Never ACKed: the stream is held for it, and the held bytes count against the limit.
    const value = 'x'.repeat(64 * 1024)
    for (let i = 0; i < 40; i++) await m.conn.call('SET', `big${i}`, value)
    await waitFor('the replica to be dropped', async () => (await info(m.conn)).connected_slaves === '0')
    expect(m.logs.some((l) => /^Client id=\d+ .* scheduled to be closed ASAP for overcoming of output buffer limits\.$/.test(l))).toBe(true)
    sleepy.close()
  })
})
