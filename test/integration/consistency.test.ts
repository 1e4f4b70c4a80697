/**
 * checkConsistency against real lab nodes: DEBUG DIGEST on a master and its replicas
 * (embedded and a real redis-server), "in sync" after a load, a load still running never
 * read as divergence, a replica made to diverge reported key by key, and the clear
 * refusals (a replica asked, DEBUG disabled, a replica outside the lab).
 */
import { afterEach, describe, expect, test } from 'vitest'
import type { NodeSnapshot } from '../../src/shared/api'
import { cleanups, emptyLab, redisCli, run, runCleanups, text, field, replicate } from '../helpers/lab'
import { startRedisServer } from '../helpers/redis-server'
import { waitFor } from '../helpers/replication'
import { checkConsistency } from '../../src/main/lab/consistency'
import type { LabNode } from '../../src/main/lab/lab-node'
import { RemoteSession } from '../../src/main/lab/remote-session'

afterEach(runCleanups)

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

describe('consistency check', () => {
  test('in sync after a load: embedded and real redis-server replicas, offsets reported', async () => {
    const { lab } = await emptyLab()
    const master = await lab.call('addNode', {})
    const embedded = await lab.call('addNode', {})
    const real = await lab.call('addNode', { engine: 'redis-server' })
    await replicate(lab, embedded, master)
    await replicate(lab, real, master)
    await lab.call('startLoad', { id: master.id, opsPerSec: 1500, keys: 300 })
    await sleep(2000)

    // While writes flow a replica may be behind, but it is never called diverged.
    const during = await lab.call('checkConsistency', { id: master.id })
    for (const r of during.replicas) expect(['in-sync', 'catching-up']).toContain(r.state)

    await lab.call('stopLoad', { id: master.id })
    const report = await lab.call('checkConsistency', { id: master.id })
    expect(report).toMatchObject({ masterId: master.id, address: `127.0.0.1:${master.port}`, inSync: true })
    expect(report.digest).toMatch(/^[0-9a-f]{40}$/)
    expect(report.digest).not.toBe('0'.repeat(40))
    expect(report.digest).toBe(text(await run(lab, master.id, 'DEBUG', 'DIGEST')))
    const masterOffset = Number(field(text(await run(lab, master.id, 'INFO', 'replication')), 'master_repl_offset'))
    expect(report.offset).toBeGreaterThan(1000)
    expect(report.offset).toBeLessThanOrEqual(masterOffset)
    expect(report.replicas.map((r) => r.address).sort()).toEqual([`127.0.0.1:${embedded.port}`, `127.0.0.1:${real.port}`].sort())
    for (const r of report.replicas) {
      expect(r).toMatchObject({ state: 'in-sync', digest: report.digest, offset: report.offset, lagBytes: 0 })
      expect(r.diff).toBeUndefined()
    }
    expect(report.replicas.find((r) => r.address.endsWith(`:${real.port}`))?.id).toBe(real.id)
  }, 90_000)

  test('a replica written to directly is diverged: missing, extra and different keys with examples', async () => {
    const { lab } = await emptyLab()
    const master = await lab.call('addNode', {})
    const good = await lab.call('addNode', {})
    const bad = await lab.call('addNode', { engine: 'redis-server' })
    await replicate(lab, good, master)
    await replicate(lab, bad, master)
    for (let i = 0; i < 20; i++) await run(lab, master.id, 'SET', `k${i}`, `v${i}`)
    await run(lab, master.id, 'HSET', 'h', 'f', '1')
    await waitFor('the write to reach the replica', async () => (await redisCli(bad.port, 'GET', 'k19')) === 'v19')

    // What an operator does by mistake: lets a replica take writes, then writes to it.
    expect(await redisCli(bad.port, 'CONFIG', 'SET', 'replica-read-only', 'no')).toBe('OK')
    expect(await redisCli(bad.port, 'DEL', 'k1', 'k2')).toBe('2')
    expect(await redisCli(bad.port, 'SET', 'k3', 'changed')).toBe('OK')
    expect(await redisCli(bad.port, 'HSET', 'h', 'g', '2')).toBe('1')
    for (const k of ['x1', 'x2', 'x3']) expect(await redisCli(bad.port, 'SET', k, 'only-here')).toBe('OK')

    const report = await lab.call('checkConsistency', { id: master.id })
    expect(report.inSync).toBe(false)
    const g = report.replicas.find((r) => r.id === good.id)!
    expect(g.state).toBe('in-sync')
    const b = report.replicas.find((r) => r.id === bad.id)!
    expect(b.state).toBe('diverged')
    expect(b.digest).not.toBe(report.digest)
    expect(b.offset).toBe(report.offset)
    expect(b.diff).toMatchObject({ missing: 2, extra: 3, different: 2, compared: 22, truncated: false })
    expect(b.diff!.examples.missing.sort()).toEqual(['k1', 'k2'])
    expect(b.diff!.examples.extra.sort()).toEqual(['x1', 'x2', 'x3'])
    expect(b.diff!.examples.different.sort()).toEqual(['h', 'k3'])
  }, 90_000)

  test('a replica whose link is cut is behind: catching up with its lag, not diverged', async () => {
    const { lab } = await emptyLab()
    const master = await lab.call('addNode', {})
    const replica = await lab.call('addNode', {})
    await replicate(lab, replica, master)
    await lab.call('cutLink', { id: replica.id })
    for (let i = 0; i < 10; i++) await run(lab, master.id, 'SET', `late${i}`, 'v')
    const t0 = Date.now()
    const report = await lab.call('checkConsistency', { id: master.id })
    // It waited for the replica (about 5 s) before saying so.
    expect(Date.now() - t0).toBeGreaterThan(4000)
    expect(report.inSync).toBe(false)
    const [r] = report.replicas
    // Gone from the master's INFO while cut, it is still checked: the lab knows it follows that master.
    expect(r).toMatchObject({ id: replica.id, address: `127.0.0.1:${replica.port}`, state: 'catching-up', linkUp: false })
    expect(r!.lagBytes).toBeGreaterThan(100)
    expect(r!.offset! + r!.lagBytes!).toBe(report.offset)
    expect(r!.diff).toBeUndefined()

    await lab.call('healLink', { id: replica.id })
    await waitFor('the healed replica to be in sync', async () => (await lab.call('checkConsistency', { id: master.id })).inSync, 30_000)
  }, 90_000)

  test('the key comparison stops at its bound and says so', async () => {
    const { lab } = await emptyLab()
    const master = await lab.call('addNode', {})
    const replica = await lab.call('addNode', {})
    await replicate(lab, replica, master)
    for (let i = 0; i < 30; i++) await run(lab, master.id, 'SET', `m${i}`, 'v')
    expect(await redisCli(replica.port, 'CONFIG', 'SET', 'replica-read-only', 'no')).toBe('OK')
    for (let i = 0; i < 40; i++) await redisCli(replica.port, 'SET', `only${i}`, 'x')
    // The servers are the lab's; the check reaches them through its own sessions, with a small bound.
    const asNode = (n: NodeSnapshot): LabNode => {
      const sessions = new Map<string, RemoteSession>()
      return {
        id: n.id,
        host: n.host,
        port: n.port,
        consoleSession: (name = 'console') => {
          if (!sessions.has(name)) sessions.set(name, new RemoteSession({ host: n.host, port: n.port }))
          return sessions.get(name)!
        },
        closeSession: (name: string) => sessions.get(name)?.close()
      } as unknown as LabNode
    }
    const m = asNode(master)
    const r = asNode(replica)
    const report = await checkConsistency(m, (addr) => (addr.port === replica.port ? r : undefined), [], { maxKeys: 20 })
    const diff = report.replicas[0]!.diff!
    expect(report.replicas[0]!.state).toBe('diverged')
    expect(diff.truncated).toBe(true)
    expect(diff.compared).toBe(20)
    expect(diff.missing + diff.extra).toBeGreaterThan(0)
    expect(diff.examples.extra.length + diff.examples.missing.length).toBeLessThanOrEqual(10)
    const full = await checkConsistency(m, (addr) => (addr.port === replica.port ? r : undefined))
    expect(full.replicas[0]!.diff).toMatchObject({ missing: 0, extra: 40, different: 0, compared: 70, truncated: false })
  }, 60_000)

  test('asked of a replica, it names the master to ask; DEBUG refused is said clearly', async () => {
    const { lab } = await emptyLab()
    const master = await lab.call('addNode', {})
    const replica = await lab.call('addNode', {})
    await replicate(lab, replica, master)
    await expect(lab.call('checkConsistency', { id: replica.id })).rejects.toThrow(
      `127.0.0.1:${replica.port} is a replica: check consistency from the master it follows (127.0.0.1:${master.port})`
    )

    const noDebug = await startRedisServer(['--enable-debug-command', 'no'])
    cleanups.push(() => noDebug.stop())
    const ext = await lab.call('connectNode', { host: '127.0.0.1', port: noDebug.port })
    await expect(lab.call('checkConsistency', { id: ext.id })).rejects.toThrow(
      new RegExp(`DEBUG refused by 127\\.0\\.0\\.1:${noDebug.port}: ERR DEBUG command not allowed.*enable-debug-command yes or local`)
    )
  }, 60_000)

  test('a replica outside the lab is listed as not compared', async () => {
    const { lab } = await emptyLab()
    const master = await lab.call('addNode', {})
    const outsider = await startRedisServer(['--enable-debug-command', 'yes'])
    cleanups.push(() => outsider.stop())
    expect(await redisCli(outsider.port, 'SLAVEOF', '127.0.0.1', String(master.port))).toBe('OK')
    await waitFor('the outsider to be linked', async () => /master_link_status:up/.test(await redisCli(outsider.port, 'INFO', 'replication')), 20_000)
    await run(lab, master.id, 'SET', 'a', '1')
    const report = await lab.call('checkConsistency', { id: master.id })
    expect(report.replicas).toEqual([
      { address: `127.0.0.1:${outsider.port}`, state: 'not-in-lab', error: 'not a node of this lab: add it (Connect or Discover) to compare it' }
    ])
    expect(report.inSync).toBe(true)
  }, 60_000)
})
