/**
 * An embedded master serving real redis-server 7.0 replicas over real sockets: diskless
 * full sync, the stream under a write load of every type (DEBUG DIGEST equal), WAIT,
 * partial resync after the link is killed, INFO replication's shape beside a real master
 * with a real replica, and expired keys reaching the replica as DEL.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { RedisServer } from '../../src/main/server/node'
import { RawConn } from '../helpers/raw-conn'
import { startRedisServer, type RealRedis } from '../helpers/redis-server'
import { digest, info, waitCaughtUp, waitFor, writeLoad } from '../helpers/replication'

let ours: RedisServer
let replica: RealRedis
let refMaster: RealRedis
let refReplica: RealRedis
let o: RawConn
let r: RawConn
let rm: RawConn
let rr: RawConn
const logs: string[] = []

beforeAll(async () => {
  ours = new RedisServer({
    port: 0,
    config: { 'enable-debug-command': 'yes', 'repl-diskless-sync-delay': '0', dir: mkdtempSync(join(tmpdir(), 'repl-master-')) }
  })
  ours.on('log', (_level, msg) => logs.push(msg))
  await ours.listen()
  ;[replica, refMaster, refReplica] = await Promise.all([
    startRedisServer(['--enable-debug-command', 'yes']),
    startRedisServer(['--enable-debug-command', 'yes', '--repl-diskless-sync-delay', '0']),
    startRedisServer(['--enable-debug-command', 'yes'])
  ])
  ;[o, r, rm, rr] = await Promise.all([RawConn.open(ours.port), RawConn.open(replica.port), RawConn.open(refMaster.port), RawConn.open(refReplica.port)])
  // Data before the sync travels in the RDB payload.
  for (const conn of [o, rm]) {
    await conn.call('SET', 'before', 'the sync')
    await conn.call('RPUSH', 'lbefore', 'a', 'b', 'c')
    await conn.call('HSET', 'hbefore', 'f', 'v')
    await conn.call('ZADD', 'zbefore', '1', 'x', '2.5', 'y')
    await conn.call('SADD', 'sbefore', 'p', 'q')
    await conn.call('SET', 'ttlbefore', 'v', 'EX', '1000')
    await conn.call('SELECT', '5')
    await conn.call('SET', 'in5', 'five')
    await conn.call('SELECT', '0')
  }
})

afterAll(async () => {
  for (const c of [o, r, rm, rr]) c?.close()
  await ours?.close()
  await Promise.all([replica?.stop(), refMaster?.stop(), refReplica?.stop()])
})

describe('a real replica of an embedded master', () => {
  test('diskless full sync: the payload carries the data set, the master a new replid', async () => {
    const before = await info(o)
    expect(before.repl_backlog_active).toBe('0')
    expect(await r.call('REPLICAOF', '127.0.0.1', String(ours.port))).toBe('+OK\r\n')
    expect(await rr.call('REPLICAOF', '127.0.0.1', String(refMaster.port))).toBe('+OK\r\n')
    await waitCaughtUp(o, r)
    await waitCaughtUp(rm, rr)
    const after = await info(o)
    // The backlog is created with the first replica, under a new replication id (Redis does the same).
    expect(after.master_replid).not.toBe(before.master_replid)
    expect(after.repl_backlog_active).toBe('1')
    expect((await info(r)).master_replid).toBe(after.master_replid)
    expect(await r.call('GET', 'before')).toBe('$8\r\nthe sync\r\n')
    expect(await digest(r)).toBe(await digest(o))
    // Same commands on a real master: the same data set (no TTLs or random pops yet).
    expect(await digest(o)).toBe(await digest(rm))
    const stats = await info(o, 'stats')
    expect(stats.sync_full).toBe('1')
    expect(logs).toContain('Starting BGSAVE for SYNC with target: replicas sockets')
  })

  test('INFO replication and ROLE have a real master\'s shape with the replica attached', async () => {
    await waitFor('the replicas to ACK', async () => {
      const [a, b] = await Promise.all([info(o), info(rm)])
      return a.slave0?.includes('state=online') && b.slave0?.includes('state=online') && a
    })
    const [mine, theirs] = await Promise.all([info(o), info(rm)])
    expect(Object.keys(mine)).toEqual(Object.keys(theirs))
    expect(mine.role).toBe('master')
    expect(mine.connected_slaves).toBe('1')
    expect(mine.slave0).toMatch(new RegExp(`^ip=127\\.0\\.0\\.1,port=${replica.port},state=online,offset=\\d+,lag=[01]$`))
    expect(mine.master_replid2).toBe(theirs.master_replid2)
    expect(mine.second_repl_offset).toBe(theirs.second_repl_offset)
    expect(mine.repl_backlog_first_byte_offset).toBe('1')
    const role = await o.call('ROLE')
    expect(role).toMatch(new RegExp(`^\\*3\\r\\n\\$6\\r\\nmaster\\r\\n:${mine.master_repl_offset}\\r\\n\\*1\\r\\n\\*3\\r\\n\\$9\\r\\n127\\.0\\.0\\.1\\r\\n\\$${String(replica.port).length}\\r\\n${replica.port}\\r\\n\\$\\d+\\r\\n\\d+\\r\\n$`))
  })

  test('a write load of every type, blocking pops served later and expiries end with equal digests', async () => {
    const blocker = await RawConn.open(ours.port)
    const refBlocker = await RawConn.open(refMaster.port)
    blocker.send('*3\r\n$5\r\nBLPOP\r\n$2\r\nbq\r\n$1\r\n0\r\n')
    refBlocker.send('*3\r\n$5\r\nBLPOP\r\n$2\r\nbq\r\n$1\r\n0\r\n')
    await new Promise((res) => setTimeout(res, 50))
    for (let round = 0; round < 3; round++) {
      await writeLoad(o, round)
      await writeLoad(rm, round)
    }
    for (const conn of [o, rm]) await conn.call('RPUSH', 'bq', 'one', 'two')
    expect(await blocker.read()).toBe('*2\r\n$2\r\nbq\r\n$3\r\none\r\n')
    expect(await refBlocker.read()).toBe('*2\r\n$2\r\nbq\r\n$3\r\none\r\n')
    blocker.close()
    refBlocker.close()
    // `short` keys (PX 1) expire on the master: the replica learns it by a DEL.
    await new Promise((res) => setTimeout(res, 20))
    for (let round = 0; round < 3; round++) expect(await o.call('GET', `r${round}:short`)).toBe('$-1\r\n')
    await waitCaughtUp(o, r)
    const want = await digest(o)
    expect(await digest(r)).toBe(want)
    // A replica never expires keys itself: equal DBSIZE proves the DELs arrived.
    expect(await r.call('DBSIZE')).toBe(await o.call('DBSIZE'))
    expect(await r.call('TTL', 'r2:h')).toBe(await o.call('TTL', 'r2:h'))
    expect(await r.call('LRANGE', 'bq', '0', '-1')).toBe('*1\r\n$3\r\ntwo\r\n')
  })

  test('a transaction that SELECTs leaves the stream in that database for the next writer', async () => {
    const other = await RawConn.open(ours.port)
    expect(await o.call('MULTI')).toBe('+OK\r\n')
    await o.call('SET', 'tx:a', 'in0')
    await o.call('SELECT', '4')
    await o.call('SET', 'tx:b', 'in4')
    expect(await o.call('EXEC')).toBe('*3\r\n+OK\r\n+OK\r\n+OK\r\n')
    // Another client, in database 0: its write must not land in database 4 on the replica.
    await other.call('SET', 'tx:c', 'in0')
    await o.call('SELECT', '0')
    other.close()
    await waitCaughtUp(o, r)
    expect(await r.call('GET', 'tx:c')).toBe('$3\r\nin0\r\n')
    expect(await r.call('SELECT', '4')).toBe('+OK\r\n')
    expect(await r.call('EXISTS', 'tx:c')).toBe(':0\r\n')
    expect(await r.call('GET', 'tx:b')).toBe('$3\r\nin4\r\n')
    expect(await r.call('SELECT', '0')).toBe('+OK\r\n')
    expect(await digest(r)).toBe(await digest(o))
  })

  test('WAIT counts the real replica, times out when asking for more, and does not block in MULTI', async () => {
    await o.call('SET', 'waited', '1')
    expect(await o.call('WAIT', '1', '2000')).toBe(':1\r\n')
    const t0 = Date.now()
    expect(await o.call('WAIT', '2', '300')).toBe(':1\r\n')
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290)
    expect(await o.call('MULTI')).toBe('+OK\r\n')
    expect(await o.call('SET', 'waited', '2')).toBe('+QUEUED\r\n')
    expect(await o.call('WAIT', '5', '0')).toBe('+QUEUED\r\n')
    const t1 = Date.now()
    const exec = await o.call('EXEC')
    expect(Date.now() - t1).toBeLessThan(1000)
    expect(exec).toMatch(/^\*2\r\n\+OK\r\n:[01]\r\n$/)
    // The GETACKs WAIT sent are part of the stream: the replica still agrees on the offset.
    await waitCaughtUp(o, r)
  })

  test('the replica\'s master link killed: it continues with a partial resync', async () => {
    const statsBefore = await info(o, 'stats')
    await o.call('SET', 'during', 'x')
    expect(await r.call('CLIENT', 'KILL', 'TYPE', 'master')).toBe(':1\r\n')
    await o.call('SET', 'after-kill', 'y')
    await waitCaughtUp(o, r)
    const stats = await info(o, 'stats')
    expect(stats.sync_partial_ok).toBe(String(Number(statsBefore.sync_partial_ok) + 1))
    expect(stats.sync_full).toBe(statsBefore.sync_full)
    expect(await r.call('GET', 'after-kill')).toBe('$1\r\ny\r\n')
    expect(logs.some((l) => /^Partial resynchronization request from 127\.0\.0\.1:\d+ accepted\. Sending \d+ bytes of backlog starting from offset \d+\.$/.test(l))).toBe(true)
    expect(await digest(r)).toBe(await digest(o))
  })
})
