/**
 * Replication with a password, both ways: an embedded replica authenticating to a real
 * master with masterauth (and masteruser), and a real replica to an embedded master. A wrong
 * password keeps the link down with Redis's log line, and the data set untouched.
 */
import { afterEach, expect, test } from 'vitest'
import { RedisServer } from '../../src/main/server/node'
import { RawConn } from '../helpers/raw-conn'
import { startRedisServer } from '../helpers/redis-server'
import { info, waitCaughtUp, waitFor } from '../helpers/replication'

const cleanup: (() => unknown)[] = []
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f()
})

async function authed(port: number, password: string): Promise<RawConn> {
  const c = await RawConn.open(port)
  cleanup.push(() => c.close())
  expect(await c.call('AUTH', password)).toBe('+OK\r\n')
  return c
}

test('an embedded replica authenticates to a real master (masterauth, then masteruser + masterauth)', async () => {
  // Started without a password (the helper waits for PING), then protected.
  const master = await startRedisServer(['--repl-diskless-sync-delay', '0'])
  cleanup.push(() => master.stop())
  const ours = new RedisServer({ port: 0 })
  await ours.listen()
  cleanup.push(() => ours.close())
  const m = await RawConn.open(master.port)
  cleanup.push(() => m.close())
  expect(await m.call('CONFIG', 'SET', 'requirepass', 's3cret')).toBe('+OK\r\n')
  expect(await m.call('AUTH', 's3cret')).toBe('+OK\r\n')
  const o = await RawConn.open(ours.port)
  cleanup.push(() => o.close())
  await m.call('SET', 'guarded', 'value')

  const steps: string[] = []
  ours.on('log', (_level, msg) => steps.push(msg))
  expect(await o.call('CONFIG', 'SET', 'masterauth', 'wrong')).toBe('+OK\r\n')
  expect(await o.call('REPLICAOF', '127.0.0.1', String(master.port))).toBe('+OK\r\n')
  await waitFor('the AUTH error', async () => steps.some((l) => l.startsWith('Unable to AUTH to MASTER: ')))
  expect((await info(o)).master_link_status).toBe('down')
  expect(await o.call('DBSIZE')).toBe(':0\r\n')

  expect(await o.call('CONFIG', 'SET', 'masterauth', 's3cret')).toBe('+OK\r\n')
  await waitCaughtUp(m, o)
  expect(await o.call('GET', 'guarded')).toBe('$5\r\nvalue\r\n')

  // ACL form: AUTH <user> <pass> with masteruser.
  expect(await m.call('ACL', 'SETUSER', 'repl', 'on', '>replpass', '+psync', '+replconf', '+ping')).toBe('+OK\r\n')
  expect(await o.call('CONFIG', 'SET', 'masteruser', 'repl')).toBe('+OK\r\n')
  expect(await o.call('CONFIG', 'SET', 'masterauth', 'replpass')).toBe('+OK\r\n')
  await m.call('CLIENT', 'KILL', 'TYPE', 'replica')
  await m.call('SET', 'after', 'acl')
  await waitCaughtUp(m, o)
  expect(await o.call('GET', 'after')).toBe('$3\r\nacl\r\n')
  expect(await m.call('CLIENT', 'LIST', 'TYPE', 'replica')).toMatch(/ user=repl /)
})

test('a real replica authenticates to an embedded master with requirepass', async () => {
  const ours = new RedisServer({ port: 0, config: { requirepass: 'pw', 'repl-diskless-sync-delay': '0' } })
  await ours.listen()
  cleanup.push(() => ours.close())
  const replica = await startRedisServer(['--masterauth', 'pw'])
  cleanup.push(() => replica.stop())
  const o = await authed(ours.port, 'pw')
  const r = await RawConn.open(replica.port)
  cleanup.push(() => r.close())
  await o.call('SET', 'k', 'v')
  expect(await r.call('REPLICAOF', '127.0.0.1', String(ours.port))).toBe('+OK\r\n')
  await waitCaughtUp(o, r)
  expect(await r.call('GET', 'k')).toBe('$1\r\nv\r\n')
  // Without the password the master refuses the sync, and says so.
  const stranger = await RawConn.open(ours.port)
  cleanup.push(() => stranger.close())
  expect(await stranger.call('PSYNC', '?', '-1')).toBe('-NOAUTH Authentication required.\r\n')
})
