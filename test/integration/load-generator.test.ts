/**
 * The write generator against real lab nodes: its rate is reached and reported, replicas
 * (embedded and a real redis-server) end with the master's DEBUG DIGEST, an error reply
 * (READONLY on a replica) stops it with the reason, and stopping or removing the node stops it.
 */
import { afterEach, describe, expect, test } from 'vitest'
import type { LabEvent, LoadStatus, NodeSnapshot } from '../../src/shared/api'
import type { Lab } from '../../src/main/lab/lab'
import { emptyLab, redisCli, run, runCleanups, text, field, replicate } from '../helpers/lab'
import { waitFor } from '../helpers/replication'

afterEach(runCleanups)

/** Waits until every replica applied the master's offset, then returns all digests. */
async function digestsWhenCaughtUp(lab: Lab, master: NodeSnapshot, replicas: NodeSnapshot[]): Promise<{ master: string; replicas: string[] }> {
  await waitFor('replicas to reach the master offset', async () => {
    const m = field(text(await run(lab, master.id, 'INFO', 'replication')), 'master_repl_offset')
    for (const r of replicas) {
      if (field(text(await run(lab, r.id, 'INFO', 'replication')), 'slave_repl_offset') !== m) return false
    }
    return true
  }, 30_000)
  return {
    master: text(await run(lab, master.id, 'DEBUG', 'DIGEST')),
    replicas: await Promise.all(replicas.map(async (r) => text(await run(lab, r.id, 'DEBUG', 'DIGEST'))))
  }
}

function loadEvents(events: LabEvent[], nodeId: string): LoadStatus[] {
  return events.flatMap((e) => (e.type === 'load' && e.nodeId === nodeId ? [e.status] : []))
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

describe('write generator', () => {
  test('reaches its rate on an embedded master with two replicas, which end with the master digest', async () => {
    const { lab, events } = await emptyLab()
    const master = await lab.call('addNode', {})
    const r1 = await lab.call('addNode', {})
    const r2 = await lab.call('addNode', {})
    await replicate(lab, r1, master)
    await replicate(lab, r2, master)

    const started = await lab.call('startLoad', { id: master.id, opsPerSec: 2000, keys: 500, prefix: 'lg:' })
    expect(started).toMatchObject({ running: true, opsPerSec: 2000, keys: 500, prefix: 'lg:', types: ['string', 'counter', 'list', 'hash', 'set', 'zset'] })
    await sleep(5200)
    const statuses = loadEvents(events, master.id)
    // One report per second (give or take one for timer drift on a busy machine).
    expect(statuses.length).toBeGreaterThanOrEqual(4)
    // The first second ramps up from zero. A stalled second on a busy machine is made up in the
    // next one, so each second is held loosely (±50%) and their mean tightly (±20%).
    const later = statuses.slice(1)
    for (const s of later) {
      expect(s.running).toBe(true)
      expect(s.errors).toBe(0)
      expect(s.achievedOpsPerSec).toBeGreaterThan(1000)
      expect(s.achievedOpsPerSec).toBeLessThan(3000)
    }
    const mean = later.reduce((sum, s) => sum + s.achievedOpsPerSec, 0) / later.length
    expect(mean).toBeGreaterThan(1600)
    expect(mean).toBeLessThan(2400)
    const stopped = await lab.call('stopLoad', { id: master.id })
    expect(stopped.running).toBe(false)
    expect(stopped.totalOps).toBeGreaterThan(2000 * 4)
    expect(stopped.totalOps).toBeLessThan(2000 * 6.5)
    expect(loadEvents(events, master.id).at(-1)).toMatchObject({ running: false })

    // Every type was written, under the prefix, within the key space.
    expect(await run(lab, master.id, 'DBSIZE')).toEqual({ type: 'integer', value: 500 })
    for (const [key, type] of [['lg:string:0', 'string'], ['lg:counter:1', 'string'], ['lg:list:2', 'list'], ['lg:hash:3', 'hash'], ['lg:set:4', 'set'], ['lg:zset:5', 'zset']]) {
      expect(await run(lab, master.id, 'TYPE', key!)).toEqual({ type: 'status', value: type })
    }
    const d = await digestsWhenCaughtUp(lab, master, [r1, r2])
    expect(d.master).toMatch(/^[0-9a-f]{40}$/)
    expect(d.master).not.toBe('0'.repeat(40))
    expect(d.replicas).toEqual([d.master, d.master])
    const stopLoadAgain = lab.call('stopLoad', { id: master.id })
    await expect(stopLoadAgain).rejects.toThrow(/No load is running/)
  }, 90_000)

  test('a real redis-server replica keeps the master digest under load (types subset, TTL)', async () => {
    const { lab } = await emptyLab()
    const master = await lab.call('addNode', {})
    const real = await lab.call('addNode', { engine: 'redis-server' })
    await replicate(lab, real, master)
    await lab.call('startLoad', { id: master.id, opsPerSec: 1000, keys: 200, types: ['string', 'hash', 'zset'], ttlSeconds: 3600 })
    await sleep(2500)
    const s = await lab.call('stopLoad', { id: master.id })
    expect(s.errors).toBe(0)
    expect(s.totalOps).toBeGreaterThan(1500)
    expect(await redisCli(real.port, 'TTL', 'load:string:0')).toMatch(/^3[56]\d\d$/)
    expect(await redisCli(real.port, 'TYPE', 'load:zset:2')).toBe('zset')
    expect(await redisCli(real.port, 'EXISTS', 'load:list:3')).toBe('0')
    const d = await digestsWhenCaughtUp(lab, master, [real])
    expect(d.replicas).toEqual([d.master])
    expect(d.master).not.toBe('0'.repeat(40))
  }, 90_000)

  test('pointed at a replica, the READONLY error stops it and is reported', async () => {
    const { lab, events } = await emptyLab()
    const master = await lab.call('addNode', {})
    const replica = await lab.call('addNode', {})
    await replicate(lab, replica, master)
    const started = await lab.call('startLoad', { id: replica.id, opsPerSec: 500, keys: 10 })
    expect(started.running).toBe(true)
    const last = await waitFor('the load to stop', async () => {
      const s = loadEvents(events, replica.id).at(-1)
      return s && !s.running ? s : null
    })
    expect(last.stoppedReason).toMatch(/READONLY You can't write against a read only replica/)
    expect(last.stoppedReason).toContain(`127.0.0.1:${replica.port}`)
    expect(last.errors).toBeGreaterThanOrEqual(1)
    expect(events.some((e) => e.type === 'notice' && e.level === 'error' && e.nodeId === replica.id && /READONLY/.test(e.message))).toBe(true)
    // Gone from the lab: a stop now says no load runs; a new start is accepted (and fails the same way).
    await expect(lab.call('stopLoad', { id: replica.id })).rejects.toThrow(/No load is running/)
    expect(await run(lab, replica.id, 'DBSIZE')).toEqual({ type: 'integer', value: 0 })
  }, 60_000)

  test('stopping or removing the node stops its generator', async () => {
    const { lab, events } = await emptyLab()
    const a = await lab.call('addNode', {})
    const b = await lab.call('addNode', {})
    await lab.call('startLoad', { id: a.id, opsPerSec: 300, keys: 50 })
    await lab.call('startLoad', { id: b.id, opsPerSec: 300, keys: 50 })
    await sleep(1200)
    await lab.call('stopNode', { id: a.id })
    await lab.call('removeNode', { id: b.id })
    const lastA = loadEvents(events, a.id).at(-1)!
    const lastB = loadEvents(events, b.id).at(-1)!
    expect(lastA).toMatchObject({ running: false, stoppedReason: `127.0.0.1:${a.port} was stopped` })
    expect(lastB).toMatchObject({ running: false, stoppedReason: `127.0.0.1:${b.port} was removed` })
    expect(lastA.totalOps).toBeGreaterThan(200)
    const count = events.length
    await sleep(1500)
    expect(events.slice(count).filter((e) => e.type === 'load')).toEqual([])
    await expect(lab.call('stopLoad', { id: a.id })).rejects.toThrow(/No load is running/)
    await expect(lab.call('startLoad', { id: a.id, opsPerSec: 10, keys: 1 })).rejects.toThrow(/is stopped: start it/)
  }, 60_000)
})
