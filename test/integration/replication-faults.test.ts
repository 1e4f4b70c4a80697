/**
 * Faults around synchronisation, on embedded nodes over real sockets: a master that dies
 * in the middle of a full sync, a replica that goes away while it receives one, and a
 * master restarted empty without persistence (its replicas are flushed, as in Redis).
 */
import { afterEach, expect, test } from 'vitest'
import { RedisServer } from '../../src/main/server/node'
import { freePort } from '../helpers/ports'
import { RawConn } from '../helpers/raw-conn'
import { digest, info, waitCaughtUp, waitFor } from '../helpers/replication'

const CONFIG = { 'enable-debug-command': 'yes', 'repl-diskless-sync-delay': '0' }
const cleanup: (() => unknown)[] = []
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f()
})

async function node(port = 0): Promise<{ server: RedisServer; conn: RawConn }> {
  const server = new RedisServer({ port, config: CONFIG })
  await server.listen()
  const conn = await RawConn.open(server.port)
  cleanup.push(() => server.close(), () => conn.close())
  return { server, conn }
}

test('a master dying mid full sync: the replica keeps its old data, then syncs when it returns', async () => {
  const port = await freePort()
  const master = await node(port)
  const replica = await node()
  await master.conn.call('DEBUG', 'POPULATE', '200000', 'key', '100')
  await replica.conn.call('SET', 'old', 'data')
  // Slow the payload down so the master can be stopped while it is in flight.
  await master.conn.call('CONFIG', 'SET', 'repl-diskless-sync', 'no')
  await replica.conn.call('REPLICAOF', '127.0.0.1', String(port))
  await waitFor('the sync to start', async () => (await info(replica.conn)).master_sync_in_progress === '1', 10_000)
  await master.server.close()
  await waitFor('the link to be down', async () => {
    const i = await info(replica.conn)
    return i.master_link_status === 'down' && i.master_sync_in_progress === '0'
  })
  // Nothing half-loaded: the old data set is intact.
  expect(await replica.conn.call('GET', 'old')).toBe('$4\r\ndata\r\n')
  expect(await replica.conn.call('DBSIZE')).toBe(':1\r\n')
  await master.server.listen()
  const m2 = await RawConn.open(port)
  cleanup.push(() => m2.close())
  await waitCaughtUp(m2, replica.conn, 30_000)
  expect(await replica.conn.call('DBSIZE')).toBe(':200000\r\n')
  expect(await digest(replica.conn)).toBe(await digest(m2))
})

test('a replica going away mid full sync leaves the master clean and serving', async () => {
  const master = await node()
  await master.conn.call('DEBUG', 'POPULATE', '200000', 'key', '100')
  const replicaPort = await freePort()
  const replica = new RedisServer({ port: replicaPort, config: CONFIG })
  await replica.listen()
  const rc = await RawConn.open(replicaPort)
  await rc.call('REPLICAOF', '127.0.0.1', String(master.server.port))
  await waitFor('the master to see it', async () => (await info(master.conn)).connected_slaves === '1')
  rc.close()
  await replica.close()
  await waitFor('the replica to be gone', async () => (await info(master.conn)).connected_slaves === '0')
  expect(await master.conn.call('SET', 'still', 'serving')).toBe('+OK\r\n')
  // A new replica on the same port gets a complete sync.
  const again = new RedisServer({ port: replicaPort, config: CONFIG })
  await again.listen()
  const ac = await RawConn.open(replicaPort)
  cleanup.push(() => again.close(), () => ac.close())
  await ac.call('REPLICAOF', '127.0.0.1', String(master.server.port))
  await waitCaughtUp(master.conn, ac, 30_000)
  expect(await digest(ac)).toBe(await digest(master.conn))
})

test('a master restarted empty without persistence flushes its replicas, as Redis does', async () => {
  const port = await freePort()
  const master = await node(port)
  const replica = await node()
  await master.conn.call('SET', 'precious', 'data')
  await replica.conn.call('REPLICAOF', '127.0.0.1', String(port))
  await waitCaughtUp(master.conn, replica.conn)
  expect(await replica.conn.call('GET', 'precious')).toBe('$4\r\ndata\r\n')
  await master.server.close()
  // The "restart": a new process with nothing loaded, on the same port.
  const fresh = new RedisServer({ port, config: CONFIG })
  await fresh.listen()
  const fc = await RawConn.open(port)
  cleanup.push(() => fresh.close(), () => fc.close())
  await waitCaughtUp(fc, replica.conn)
  expect(await replica.conn.call('GET', 'precious')).toBe('$-1\r\n')
  expect(await replica.conn.call('DBSIZE')).toBe(':0\r\n')
})
