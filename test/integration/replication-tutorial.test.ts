/**
 * The classic lesson on three embedded nodes, over real sockets: SLAVEOF on two of them,
 * INFO replication on each side, writes flowing, READONLY, the master going away and
 * coming back, and what a cut link, a failover and the backlog mean for resynchronisation.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { RedisServer } from '../../src/main/server/node'
import type { ReplicationEvent } from '../../src/main/server/replication/events'
import { LinkProxy } from '../../src/main/lab/link-proxy'
import { freePort } from '../helpers/ports'
import { RawConn } from '../helpers/raw-conn'
import { digest, info, waitCaughtUp, waitFor, waitSameDigest, writeLoad } from '../helpers/replication'

const CONFIG = { 'enable-debug-command': 'yes', 'repl-diskless-sync-delay': '0' }

let master: RedisServer
let r1: RedisServer
let r2: RedisServer
let m: RawConn
let c1: RawConn
let c2: RawConn
const conns: RawConn[] = []

async function open(s: RedisServer): Promise<RawConn> {
  const c = await RawConn.open(s.port)
  conns.push(c)
  return c
}

/** Collects a server's replication events from now on. */
function record(s: RedisServer): ReplicationEvent[] {
  const seen: ReplicationEvent[] = []
  s.on('replication', (e) => seen.push(e))
  return seen
}

beforeAll(async () => {
  // A fixed port: the master comes back on it after going down.
  master = new RedisServer({ port: await freePort(), config: CONFIG })
  r1 = new RedisServer({ port: 0, config: CONFIG })
  r2 = new RedisServer({ port: 0, config: CONFIG })
  await Promise.all([master.listen(), r1.listen(), r2.listen()])
  m = await open(master)
  c1 = await open(r1)
  c2 = await open(r2)
})

afterAll(async () => {
  for (const c of conns) c.close()
  await Promise.all([master, r1, r2].map((s) => s?.close()))
})

describe('one master, two replicas', () => {
  test('SLAVEOF on two nodes; INFO replication on each side', async () => {
    await m.call('SET', 'k1', 'v1')
    expect(await c1.call('SLAVEOF', '127.0.0.1', String(master.port))).toBe('+OK\r\n')
    expect(await c2.call('SLAVEOF', '127.0.0.1', String(master.port))).toBe('+OK\r\n')
    await waitCaughtUp(m, c1)
    await waitCaughtUp(m, c2)
    const mi = await info(m)
    expect(mi.role).toBe('master')
    expect(mi.connected_slaves).toBe('2')
    expect(mi.slave0).toMatch(new RegExp(`^ip=127\\.0\\.0\\.1,port=(${r1.port}|${r2.port}),state=online,offset=\\d+,lag=\\d+$`))
    expect(mi.slave1).toMatch(/state=online/)
    // Replicas are clients of type replica (flag S), not counted in connected_clients.
    const listed = (await m.call('CLIENT', 'LIST', 'TYPE', 'replica')).split('\n').filter((l) => l.includes('id='))
    expect(listed).toHaveLength(2)
    for (const l of listed) expect(l).toMatch(/ flags=S /)
    expect((await info(m, 'clients')).connected_clients).toBe('1')
    for (const c of [c1, c2]) {
      const ri = await info(c)
      expect(ri.role).toBe('slave')
      expect(ri.master_port).toBe(String(master.port))
      expect(ri.master_link_status).toBe('up')
      expect(ri.master_replid).toBe(mi.master_replid)
      expect(await c.call('GET', 'k1')).toBe('$2\r\nv1\r\n')
    }
  })

  test('writes on the master appear on both replicas; a write on a replica is refused', async () => {
    for (let round = 0; round < 2; round++) await writeLoad(m, round)
    await waitCaughtUp(m, c1)
    await waitCaughtUp(m, c2)
    await waitSameDigest(m, [c1, c2])
    expect(await c1.call('SET', 'k2', 'v2')).toBe("-READONLY You can't write against a read only replica.\r\n")
  })

  test('the master goes down: replicas keep their link config and data; it comes back and they catch up', async () => {
    await master.close()
    await waitFor('links down', async () => (await info(c1)).master_link_status === 'down' && (await info(c2)).master_link_status === 'down')
    const ri = await info(c1)
    expect(ri.master_port).toBe(String(master.port))
    expect(await c1.call('GET', 'k1')).toBe('$2\r\nv1\r\n')
    await master.listen()
    m.close()
    m = await open(master)
    await m.call('SET', 'after', 'the return')
    await waitCaughtUp(m, c1)
    await waitCaughtUp(m, c2)
    expect(await c2.call('GET', 'after')).toBe('$10\r\nthe return\r\n')
  })

  test('a cut link heals with a partial resync while the backlog holds what was missed', async () => {
    const events = record(r1)
    const proxy = new LinkProxy('127.0.0.1', master.port)
    await proxy.open()
    r1.replication.replica.connector = proxy.connect
    // Reconnect through the proxy (a new REPLICAOF target would reset the history).
    r1.replication.replica.link?.close('test: reconnect through the proxy')
    await waitCaughtUp(m, c1)
    proxy.setCut(true)
    await waitFor('link down', async () => (await info(c1)).master_link_status === 'down')
    await m.call('SET', 'during', 'the cut')
    expect(await c1.call('GET', 'during')).toBe('$-1\r\n')
    proxy.setCut(false)
    await waitCaughtUp(m, c1)
    expect(await c1.call('GET', 'during')).toBe('$7\r\nthe cut\r\n')
    const syncs = events.filter((e) => e.type === 'sync')
    expect(syncs.map((e) => e.type === 'sync' && e.kind)).toEqual(['partial', 'partial'])

    // Beyond the backlog: the master cannot continue, a full sync follows.
    expect(await m.call('CONFIG', 'SET', 'repl-backlog-size', '16384')).toBe('+OK\r\n')
    proxy.setCut(true)
    await waitFor('link down', async () => (await info(c1)).master_link_status === 'down')
    for (let i = 0; i < 40; i++) await m.call('SET', `fill${i}`, 'y'.repeat(1000))
    proxy.setCut(false)
    await waitCaughtUp(m, c1)
    expect(events.filter((e) => e.type === 'sync').map((e) => e.type === 'sync' && e.kind)).toEqual(['partial', 'partial', 'full'])
    expect(await digest(c1)).toBe(await digest(m))
    r1.replication.replica.connector = null
    await proxy.close()
  })

  test('failover: a promoted replica continues the history, the other replica partially resyncs to it', async () => {
    await waitCaughtUp(m, c1)
    await waitCaughtUp(m, c2)
    const events = record(r2)
    expect(await c1.call('REPLICAOF', 'NO', 'ONE')).toBe('+OK\r\n')
    expect(await c2.call('REPLICAOF', '127.0.0.1', String(r1.port))).toBe('+OK\r\n')
    await waitCaughtUp(c1, c2)
    const syncs = events.filter((e) => e.type === 'sync')
    expect(syncs.map((e) => e.type === 'sync' && e.kind)).toEqual(['partial'])
    expect(await c1.call('SET', 'new', 'master')).toBe('+OK\r\n')
    await waitCaughtUp(c1, c2)
    expect(await c2.call('GET', 'new')).toBe('$6\r\nmaster\r\n')
    expect((await info(c2)).master_replid).toBe((await info(c1)).master_replid)
  })

  test('a chained replica receives the master\'s stream unchanged', async () => {
    // master ← r1 ← r2: r1 follows the master again, r2 still follows r1.
    expect(await c1.call('REPLICAOF', '127.0.0.1', String(master.port))).toBe('+OK\r\n')
    await waitCaughtUp(m, c1)
    await writeLoad(m, 7)
    await waitCaughtUp(m, c1)
    await waitCaughtUp(c1, c2)
    expect((await info(c2)).master_repl_offset).toBe((await info(m)).master_repl_offset)
    await waitSameDigest(m, [c2])
  })
})
