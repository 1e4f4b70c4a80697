/**
 * An embedded node as the replica of a real redis-server 7.0 master, beside a real replica
 * of the same master: REPLICAOF's replies, INFO replication's shape, the stream under a
 * write load of every type (DEBUG DIGEST equal), READONLY, the link going down with the
 * data still served, a partial resync after a cut, and promotion (PSYNC2 ids).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { RedisServer } from '../../src/main/server/node'
import { RawConn } from '../helpers/raw-conn'
import { startRedisServer, type RealRedis } from '../helpers/redis-server'
import { digest, info, waitCaughtUp, waitFor, waitSameDigest, writeLoad } from '../helpers/replication'

let master: RealRedis
let realReplica: RealRedis
let ours: RedisServer
let m: RawConn
let rr: RawConn
let o: RawConn

beforeAll(async () => {
  master = await startRedisServer(['--enable-debug-command', 'yes', '--repl-diskless-sync-delay', '0'])
  realReplica = await startRedisServer(['--enable-debug-command', 'yes'])
  ours = new RedisServer({ port: 0, config: { 'enable-debug-command': 'yes' } })
  await ours.listen()
  m = await RawConn.open(master.port)
  rr = await RawConn.open(realReplica.port)
  o = await RawConn.open(ours.port)
  await m.call('SET', 'before', 'the sync')
  await m.call('HSET', 'hbefore', 'a', '1')
})

afterAll(async () => {
  for (const c of [m, rr, o]) c?.close()
  await ours?.close()
  await master?.stop()
  await realReplica?.stop()
})

describe('an embedded replica of a real master', () => {
  test('REPLICAOF replies as Redis does and the full sync brings the data', async () => {
    const [a, b] = await Promise.all([
      rr.call('REPLICAOF', '127.0.0.1', String(master.port)),
      o.call('REPLICAOF', '127.0.0.1', String(master.port))
    ])
    expect(b).toBe(a)
    expect(b).toBe('+OK\r\n')
    expect(await o.call('REPLICAOF', '127.0.0.1', String(master.port))).toBe('+OK Already connected to specified master\r\n')
    expect(await o.call('REPLICAOF', '127.0.0.1', 'notaport')).toBe(await rr.call('REPLICAOF', '127.0.0.1', 'notaport'))
    await waitCaughtUp(m, o)
    await waitCaughtUp(m, rr)
    expect(await o.call('GET', 'before')).toBe('$8\r\nthe sync\r\n')
    expect(await digest(o)).toBe(await digest(m))
  })

  test('INFO replication has the real replica\'s fields in its order; ROLE agrees', async () => {
    const [mine, theirs] = await Promise.all([info(o), info(rr)])
    expect(Object.keys(mine)).toEqual(Object.keys(theirs))
    for (const k of ['role', 'master_host', 'master_port', 'master_link_status', 'master_sync_in_progress', 'master_replid', 'master_repl_offset', 'slave_repl_offset', 'slave_read_only']) {
      expect(mine[k], k).toBe(theirs[k])
    }
    const role = await o.call('ROLE')
    expect(role).toBe(`*5\r\n$5\r\nslave\r\n$9\r\n127.0.0.1\r\n:${master.port}\r\n$9\r\nconnected\r\n:${mine.slave_repl_offset}\r\n`)
    // The master lists both replicas, ours announced with its own listening port. Online
    // once the master has our first ACK, which a loaded machine may deliver a moment late.
    const mi = await info(m)
    expect(mi.connected_slaves).toBe('2')
    await expect
      .poll(async () => Object.values(await info(m)).find((v) => v.startsWith(`ip=127.0.0.1,port=${ours.port},`)), { timeout: 5000 })
      .toMatch(/^ip=127\.0\.0\.1,port=\d+,state=online,/)
  })

  test('a write load of every type streams to both replicas identically', async () => {
    for (let round = 0; round < 3; round++) await writeLoad(m, round)
    await waitCaughtUp(m, o)
    await waitCaughtUp(m, rr)
    await waitSameDigest(m, [o, rr])
    expect(await o.call('SELECT', '3')).toBe('+OK\r\n')
    expect(await o.call('GET', 'r1:db3')).toBe('$8\r\nin three\r\n')
    expect(await o.call('SELECT', '0')).toBe('+OK\r\n')
    // TTLs arrive as absolute times: the same second-resolution TTL on both replicas.
    expect(await o.call('TTL', 'r2:h')).toBe(await rr.call('TTL', 'r2:h'))
  })

  test('writes are refused with READONLY, exactly as on the real replica', async () => {
    for (const cmd of [['SET', 'x', 'y'], ['LPUSH', 'l', 'a'], ['DEL', 'before']]) {
      const [a, b] = await Promise.all([rr.call(...cmd), o.call(...cmd)])
      expect(b).toBe(a)
      expect(b).toBe("-READONLY You can't write against a read only replica.\r\n")
    }
    // Queued writes abort the transaction the same way.
    for (const conn of [rr, o]) await conn.call('MULTI')
    const [qa, qb] = await Promise.all([rr.call('SET', 'x', 'y'), o.call('SET', 'x', 'y')])
    expect(qb).toBe(qa)
    const [ea, eb] = await Promise.all([rr.call('EXEC'), o.call('EXEC')])
    expect(eb).toBe(ea)
  })

  test('a cut link resumes with a partial resync (+CONTINUE), not a full one', async () => {
    const before = await info(m, 'stats')
    await m.call('CLIENT', 'KILL', 'TYPE', 'replica')
    await m.call('SET', 'during', 'the cut')
    await waitFor('both replicas back', async () => (await info(m)).connected_slaves === '2')
    await waitCaughtUp(m, o)
    const after = await info(m, 'stats')
    expect(Number(after.sync_full)).toBe(Number(before.sync_full))
    expect(Number(after.sync_partial_ok)).toBe(Number(before.sync_partial_ok) + 2)
    expect(await o.call('GET', 'during')).toBe('$7\r\nthe cut\r\n')
    expect(await digest(o)).toBe(await digest(m))
  })

  test('REPLICAOF NO ONE promotes: the old id becomes replid2, writes are accepted', async () => {
    const was = await info(o)
    expect(await o.call('REPLICAOF', 'NO', 'ONE')).toBe('+OK\r\n')
    const now = await info(o)
    expect(now.role).toBe('master')
    expect(now.master_replid2).toBe(was.master_replid)
    expect(now.master_replid).not.toBe(was.master_replid)
    expect(now.second_repl_offset).toBe(String(Number(was.master_repl_offset) + 1))
    expect(await o.call('SET', 'mine', 'now')).toBe('+OK\r\n')
    // Back to following the master: our history diverged, so this is a full sync again.
    expect(await o.call('REPLICAOF', '127.0.0.1', String(master.port))).toBe('+OK\r\n')
    await waitCaughtUp(m, o)
    expect(await o.call('GET', 'mine')).toBe('$-1\r\n')
    expect(await digest(o)).toBe(await digest(m))
  })

  test('the master going away leaves the link down and the data served', async () => {
    await master.stop()
    const st = await waitFor('link down', async () => {
      const i = await info(o)
      return i.master_link_status === 'down' ? i : null
    })
    expect(st.role).toBe('slave')
    expect(st.master_last_io_seconds_ago).toBe('-1')
    expect(Number(st.master_link_down_since_seconds)).toBeGreaterThanOrEqual(0)
    expect(await o.call('GET', 'before')).toBe('$8\r\nthe sync\r\n')
    expect(await o.call('SET', 'x', 'y')).toBe("-READONLY You can't write against a read only replica.\r\n")
    // With replica-serve-stale-data no, only commands flagged "stale" are served, as on the
    // real replica (whose master is gone too).
    await waitFor('the real replica\'s link down', async () => (await info(rr)).master_link_status === 'down')
    for (const conn of [o, rr]) expect(await conn.call('CONFIG', 'SET', 'replica-serve-stale-data', 'no')).toBe('+OK\r\n')
    expect(await o.call('GET', 'before')).toBe("-MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.\r\n")
    for (const cmd of [['GET', 'before'], ['PING'], ['ECHO', 'x'], ['DBSIZE'], ['CONFIG', 'GET', 'port'], ['MULTI'], ['GET', 'x'], ['EXEC']]) {
      const [a, b] = await Promise.all([rr.call(...cmd), o.call(...cmd)])
      if (cmd[0] === 'CONFIG') expect(b.startsWith('*2\r\n$4\r\nport\r\n'), cmd.join(' ')).toBe(a.startsWith('*2\r\n$4\r\nport\r\n'))
      else expect(b, cmd.join(' ')).toBe(a)
    }
    for (const conn of [o, rr]) expect(await conn.call('CONFIG', 'SET', 'replica-serve-stale-data', 'yes')).toBe('+OK\r\n')
  })
})
