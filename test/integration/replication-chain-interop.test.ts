/**
 * A chain real → embedded → real: a real redis-server 7.0 master, an embedded replica of
 * it, and a real replica of the embedded one. The embedded node relays the master's stream
 * unchanged, so offsets agree down the chain and DEBUG DIGEST ends equal on all three.
 */
import { afterAll, beforeAll, expect, test } from 'vitest'
import { RedisServer } from '../../src/main/server/node'
import { RawConn } from '../helpers/raw-conn'
import { startRedisServer, type RealRedis } from '../helpers/redis-server'
import { info, waitCaughtUp, waitSameDigest, writeLoad } from '../helpers/replication'

let top: RealRedis
let bottom: RealRedis
let middle: RedisServer
const conns: RawConn[] = []

beforeAll(async () => {
  top = await startRedisServer(['--enable-debug-command', 'yes', '--repl-diskless-sync-delay', '0'])
  bottom = await startRedisServer(['--enable-debug-command', 'yes'])
  middle = new RedisServer({ port: 0, config: { 'enable-debug-command': 'yes', 'repl-diskless-sync-delay': '0' } })
  await middle.listen()
})

afterAll(async () => {
  for (const c of conns) c.close()
  await middle?.close()
  await top?.stop()
  await bottom?.stop()
})

test('real master → embedded replica → real replica', async () => {
  const [t, m, b] = await Promise.all([RawConn.open(top.port), RawConn.open(middle.port), RawConn.open(bottom.port)])
  conns.push(t, m, b)
  await writeLoad(t, 0)
  expect(await m.call('REPLICAOF', '127.0.0.1', String(top.port))).toBe('+OK\r\n')
  expect(await b.call('REPLICAOF', '127.0.0.1', String(middle.port))).toBe('+OK\r\n')
  await waitCaughtUp(t, m)
  await waitCaughtUp(m, b)
  for (let round = 1; round < 4; round++) await writeLoad(t, round)
  await waitCaughtUp(t, m)
  await waitCaughtUp(m, b)
  const [ti, mi, bi] = await Promise.all([info(t), info(m), info(b)])
  // One history down the chain: same replid, same offsets.
  expect(mi.master_replid).toBe(ti.master_replid)
  expect(bi.master_replid).toBe(ti.master_replid)
  expect(bi.master_repl_offset).toBe(ti.master_repl_offset)
  expect(mi.connected_slaves).toBe('1')
  await waitSameDigest(t, [m, b])
  // WAIT on the real master counts the embedded replica (it ACKs the offsets it applied).
  await t.call('SET', 'acked', '1')
  expect(await t.call('WAIT', '1', '4000')).toBe(':1\r\n')
})
