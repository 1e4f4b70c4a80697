/**
 * Replication through the real lab: the tutorial's SLAVEOF typed into node consoles, the
 * events the UI receives (role, link steps, full and partial syncs), the sampled offsets in
 * node snapshots, link faults made in the lab's network (cut, heal, latency) while both nodes
 * keep running, and the loud warning when a master without persistence restarts empty.
 */
import { afterEach, describe, expect, test } from 'vitest'
import { Lab } from '../../src/main/lab/lab'
import { validateCall, type LabEvent, type NodeSnapshot } from '../../src/shared/api'
import type { Reply } from '../../src/shared/reply'
import type { ReplicationEvent } from '../../src/shared/replication-events'
import { freePort } from '../helpers/ports'
import { waitFor } from '../helpers/replication'
import { tempDir } from '../helpers/web-mode'

const cleanups: (() => Promise<unknown> | void)[] = []
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!()
})

interface Tutorial {
  lab: Lab
  events: LabEvent[]
  master: NodeSnapshot
  replicas: NodeSnapshot[]
}

function run(lab: Lab, id: string, ...args: string[]): Promise<Reply> {
  return lab.call('execute', { id, args })
}

function snapshot(lab: Lab, id: string): NodeSnapshot {
  return lab.list().find((n) => n.id === id)!
}

function replicationEvents(events: LabEvent[], nodeId: string): ReplicationEvent[] {
  return events.flatMap((e) => (e.type === 'replication' && e.nodeId === nodeId ? [e.event] : []))
}

const linked = (lab: Lab, id: string) => async () => snapshot(lab, id).replication?.master?.link === 'connected'

/** Three nodes; SLAVEOF on two of them, as a person types it. */
async function tutorial(): Promise<Tutorial> {
  const lab = new Lab({ dataDir: tempDir(), mode: 'web', version: 'test', basePort: await freePort() })
  const events: LabEvent[] = []
  lab.events.on('event', (e) => events.push(e))
  cleanups.push(() => lab.close())
  await lab.open()
  const [master, ...replicas] = lab.list()
  // Redis 7 waits repl-diskless-sync-delay (5 s) for more replicas; the lesson does not need to.
  await run(lab, master!.id, 'CONFIG', 'SET', 'repl-diskless-sync-delay', '0')
  await run(lab, master!.id, 'SET', 'greeting', 'hello')
  for (const r of replicas) {
    expect(await run(lab, r.id, 'SLAVEOF', '127.0.0.1', String(master!.port))).toEqual({ type: 'status', value: 'OK' })
  }
  for (const r of replicas) await waitFor(`${r.id} linked`, linked(lab, r.id))
  return { lab, events, master: master!, replicas }
}

describe('replication in the lab', () => {
  test('snapshots show roles, the link and offsets; events show the steps and a full sync', async () => {
    const { lab, events, master, replicas } = await tutorial()
    const r = snapshot(lab, replicas[0]!.id)
    expect(r.role).toBe('replica')
    expect(r.replication?.master).toMatchObject({ host: '127.0.0.1', port: master.port, link: 'connected', cut: false, latencyMs: 0 })
    await waitFor('two replicas listed on the master', async () => snapshot(lab, master.id).replication?.replicas.length === 2)
    const m = snapshot(lab, master.id)
    expect(m.role).toBe('master')
    expect(m.replication?.replicas.map((x) => x.state)).toEqual(['online', 'online'])
    const steps = replicationEvents(events, r.id)
    expect(steps[0]).toEqual({ type: 'role', role: 'replica', master: `127.0.0.1:${master.port}` })
    expect(steps.filter((e) => e.type === 'link').map((e) => e.type === 'link' && e.state)).toEqual(['handshake', 'sync', 'connected'])
    // The handshake's steps, worded as Redis logs them.
    const said = steps.flatMap((e) => (e.type === 'step' ? [e.message] : []))
    for (const line of [`Connecting to MASTER 127.0.0.1:${master.port}`, 'Master replied to PING, replication can continue...']) {
      expect(said).toContain(line)
    }
    expect(said.some((l) => l.startsWith('Full resync from master: '))).toBe(true)
    const sync = steps.find((e) => e.type === 'sync')
    expect(sync).toMatchObject({ type: 'sync', kind: 'full', keys: 1 })
    expect(sync?.type === 'sync' && sync.bytes).toBeGreaterThan(0)
    // Offsets are sampled: a write moves the master's and then the replica's.
    await run(lab, master.id, 'SET', 'k', 'v')
    await waitFor('offsets to agree', async () => {
      const mo = snapshot(lab, master.id).replication?.offset
      return mo !== undefined && mo > 0 && snapshot(lab, r.id).replication?.master?.offset === mo
    })
  })

  test('cut a link: the replica sees its master unreachable while the master keeps running; heal: partial resync', async () => {
    const { lab, events, master, replicas } = await tutorial()
    const r = replicas[0]!
    const cut = await lab.call('cutLink', { id: r.id })
    expect(cut.replication?.master?.cut).toBe(true)
    await waitFor('link down', async () => snapshot(lab, r.id).replication?.master?.link !== 'connected')
    expect(snapshot(lab, master.id).status).toBe('running')
    await run(lab, master.id, 'SET', 'during', 'the cut')
    // Reconnect attempts keep failing while cut (the replica retries every second).
    await new Promise((res) => setTimeout(res, 1500))
    expect(snapshot(lab, r.id).replication?.master?.link).not.toBe('connected')
    expect(await run(lab, r.id, 'GET', 'during')).toEqual({ type: 'bulk', value: null })
    const info = await run(lab, r.id, 'INFO', 'replication')
    expect(info.type === 'bulk' && info.value).toContain('master_link_status:down')
    const before = replicationEvents(events, r.id).length
    const masterBefore = replicationEvents(events, master.id).length
    await lab.call('healLink', { id: r.id })
    await waitFor('healed', linked(lab, r.id))
    expect(await run(lab, r.id, 'GET', 'during')).toEqual({ type: 'bulk', value: 'the cut' })
    const after = replicationEvents(events, r.id).slice(before)
    expect(after.filter((e) => e.type === 'sync').map((e) => e.type === 'sync' && e.kind)).toEqual(['partial'])
    // The master says what the partial resync cost: at least the SET written during the cut
    // (38 bytes as RESP; a PING may have gone into the backlog too).
    const served = replicationEvents(events, master.id).slice(masterBefore).filter((e) => e.type === 'served')
    expect(served).toHaveLength(1)
    const set = '*3\r\n$3\r\nSET\r\n$6\r\nduring\r\n$7\r\nthe cut\r\n'
    expect(served[0]!.type === 'served' && served[0]!.bytes).toBeGreaterThanOrEqual(set.length)
    // The other replica never noticed.
    expect(await run(lab, replicas[1]!.id, 'GET', 'during')).toEqual({ type: 'bulk', value: 'the cut' })
  })

  test('added latency delays what the replica sees; a master has no link to cut', async () => {
    const { lab, master, replicas } = await tutorial()
    const r = replicas[0]!
    expect((await lab.call('setLinkLatency', { id: r.id, ms: 400 })).replication?.master?.latencyMs).toBe(400)
    await waitFor('relinked through the lab', linked(lab, r.id))
    await run(lab, master.id, 'SET', 'slow', '1')
    const t0 = Date.now()
    await waitFor('the write to arrive', async () => {
      const v = await run(lab, r.id, 'GET', 'slow')
      return v.type === 'bulk' && v.value === '1'
    })
    expect(Date.now() - t0).toBeGreaterThanOrEqual(300)
    await lab.call('setLinkLatency', { id: r.id, ms: 0 })
    await expect(lab.call('cutLink', { id: master.id })).rejects.toThrow(/is a master: only a replica has a link/)
    expect(validateCall('setLinkLatency', { id: r.id, ms: -1 })).toMatch(/ms must be an integer/)
    expect(validateCall('cutLink', { id: '../x' })).toMatch(/id must be a node id/)
  })

  test('a master without persistence restarting with replicas attached: a loud warning, and the replicas are emptied', async () => {
    const { lab, events, master, replicas } = await tutorial()
    expect(await run(lab, master.id, 'CONFIG', 'SET', 'save', '')).toEqual({ type: 'status', value: 'OK' })
    await lab.call('restartNode', { id: master.id })
    const warning = events.find((e) => e.type === 'notice' && e.level === 'warning' && e.nodeId === master.id)
    expect(warning?.type === 'notice' && warning.message).toMatch(/no persistence .* restarts with an empty data set/)
    await run(lab, master.id, 'CONFIG', 'SET', 'repl-diskless-sync-delay', '0')
    for (const r of replicas) {
      await waitFor(`${r.id} resynced`, async () => {
        const v = await run(lab, r.id, 'DBSIZE')
        return v.type === 'integer' && v.value === 0
      }, 15_000)
    }
  })
})
