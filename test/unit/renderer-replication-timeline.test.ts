import { beforeEach, describe, expect, test } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { LabError, type LabClient, type LabEvent, type LabMethod, type LabParams, type LabResult, type NodeReplication, type NodeSnapshot } from '@shared/api'
import { useLabStore } from '../../src/renderer/src/stores/lab'
import { useReplicationStore } from '../../src/renderer/src/stores/replication'
import { useOperationsStore } from '../../src/renderer/src/stores/operations'
import { useTimelineStore } from '../../src/renderer/src/stores/timeline'
import { describeReplicationEvent } from '../../src/renderer/src/timeline/describe'

/**
 * The lab's side scripted by the test: it pushes snapshots and events as the real lab
 * does (node-updated with `replication`, replication events) and answers the link-fault
 * calls the way the lab does (a master is refused).
 */
class ScriptedLab implements LabClient {
  nodes: NodeSnapshot[] = []
  calls: Array<{ method: string; params: unknown }> = []
  private listeners = new Set<(e: LabEvent) => void>()

  onEvent(listener: (e: LabEvent) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  emit(event: LabEvent): void {
    for (const l of this.listeners) l(event)
  }

  push(node: NodeSnapshot): void {
    this.nodes = this.nodes.map((n) => (n.id === node.id ? node : n))
    this.emit({ type: 'node-updated', node })
  }

  async call<M extends LabMethod>(method: M, params: LabParams<M>): Promise<LabResult<M>> {
    this.calls.push({ method, params })
    if (method === 'listNodes') return this.nodes as LabResult<M>
    if (method === 'info') return { mode: 'web', dataDir: '/tmp/x', version: '0' } as LabResult<M>
    if (method === 'cutLink' || method === 'healLink') {
      const node = this.nodes.find((n) => n.id === (params as { id: string }).id)!
      const m = node.replication?.master
      if (!m) throw new LabError('only a replica has a link to its master')
      // As the lab does: the cut drops the link before the call answers.
      if (method === 'cutLink') this.emit({ type: 'replication', nodeId: node.id, at: Date.now(), event: { type: 'link', state: 'down', reason: 'link cut by the lab' } })
      const next: NodeSnapshot = { ...node, replication: { ...node.replication!, master: { ...m, cut: method === 'cutLink' } } }
      this.push(next)
      return next as LabResult<M>
    }
    throw new LabError(`not scripted: ${method}`)
  }
}

const master = (offset: number, replicas: NodeReplication['replicas'] = []): NodeReplication => ({ replid: 'a'.repeat(40), offset, replicas })
const replicaOf = (port: number, link: NonNullable<NodeReplication['master']>['link'], offset: number, extra: Partial<NonNullable<NodeReplication['master']>> = {}): NodeReplication => ({
  replid: 'a'.repeat(40),
  offset,
  master: { host: '127.0.0.1', port, link, offset, lastIoSecondsAgo: link === 'connected' ? 0 : -1, downSinceSeconds: link === 'connected' ? -1 : 3, cut: false, latencyMs: 0, ...extra },
  replicas: []
})
const node = (id: string, port: number, replication: NodeReplication | undefined, status: NodeSnapshot['status'] = 'running'): NodeSnapshot => ({
  id,
  host: '127.0.0.1',
  port,
  status,
  role: replication?.master ? 'replica' : 'master',
  keys: 0,
  ...(replication ? { replication } : {})
})

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve()
}

describe('replication store: links from the replication the lab pushes', () => {
  let fake: ScriptedLab

  beforeEach(async () => {
    setActivePinia(createPinia())
    fake = new ScriptedLab()
    fake.nodes = [node('n1', 6379, master(100)), node('n2', 6380, replicaOf(6379, 'connected', 90)), node('n3', 6381, master(0))]
    useLabStore().attach(fake)
    await settle()
  })

  test('a replica reporting its master makes a link; lag is the offsets apart; nothing is asked on a console', () => {
    const repl = useReplicationStore()
    expect(repl.links).toEqual([{ id: 'n1->n2', masterId: 'n1', replicaId: 'n2', state: 'up', lagBytes: 10, lagSeconds: 0, cut: false, latencyMs: 0 }])
    expect(repl.roleOf(useLabStore().node('n2')!)).toBe('replica')
    expect([...repl.masterOf]).toEqual([['127.0.0.1:6380', '127.0.0.1:6379']])
    expect(fake.calls.map((c) => c.method)).not.toContain('execute')
  })

  test('link states follow ROLE: sync is syncing, connecting/handshake are down; lag is unknown while not up', () => {
    const repl = useReplicationStore()
    fake.push(node('n2', 6380, replicaOf(6379, 'sync', 0)))
    expect(repl.links[0]).toMatchObject({ state: 'syncing', lagBytes: null, lagSeconds: null })
    fake.push(node('n2', 6380, replicaOf(6379, 'handshake', 0)))
    expect(repl.links[0]!.state).toBe('down')
    fake.push(node('n2', 6380, replicaOf(6379, 'connecting', 0, { cut: true, latencyMs: 250 })))
    expect(repl.links[0]).toMatchObject({ state: 'down', cut: true, latencyMs: 250 })
  })

  test('a stopped replica keeps its link, drawn down; back as a master, the link goes', () => {
    const repl = useReplicationStore()
    fake.push(node('n2', 6380, undefined, 'stopped'))
    expect(repl.links).toHaveLength(1)
    expect(repl.links[0]!.state).toBe('down')
    expect(repl.infoOf('n2')).toBeNull()
    fake.push(node('n2', 6380, master(0)))
    expect(repl.links).toEqual([])
  })

  test('a stopped master takes its replicas\' links down', () => {
    const repl = useReplicationStore()
    fake.push(node('n1', 6379, undefined, 'stopped'))
    expect(repl.links[0]!.state).toBe('down')
  })

  test('Cut link calls the lab and logs what the network does (no redis-cli line exists); a master is refused', async () => {
    const ops = useOperationsStore()
    const repl = useReplicationStore()
    expect(await ops.linkFault('n2', { cut: true })).toBe(true)
    expect(fake.calls.at(-1)).toEqual({ method: 'cutLink', params: { id: 'n2' } })
    expect(repl.links[0]!.cut).toBe(true)
    expect(ops.commands.at(-1)).toMatchObject({
      kind: 'lab',
      command: "network fault made by the lab: the replica's connection to 127.0.0.1:6379 is dropped (and new ones refused)",
      result: 'OK',
      error: false
    })
    expect(await ops.linkFault('n2', { cut: false })).toBe(true)
    expect(repl.links[0]!.cut).toBe(false)
    // The timeline keeps the operator's faults next to what replication did about them.
    expect(useTimelineStore().shown.map((e) => [e.address, e.kind, e.text])).toEqual([
      ['127.0.0.1:6380', 'fault', 'link healed by the lab'],
      ['127.0.0.1:6380', 'link', 'link down: link cut by the lab'],
      ['127.0.0.1:6380', 'fault', 'link cut by the lab (network fault)']
    ])
    expect(await ops.linkFault('n1', { cut: true })).toBe(false)
    expect(ops.commands.at(-1)).toMatchObject({ kind: 'lab', result: 'only a replica has a link to its master', error: true })
  })
})

describe('timeline: replication events as they happen, newest first', () => {
  let fake: ScriptedLab

  beforeEach(async () => {
    setActivePinia(createPinia())
    fake = new ScriptedLab()
    fake.nodes = [node('n1', 6379, master(0)), node('n2', 6380, master(0))]
    useLabStore().attach(fake)
    await settle()
  })

  test('wording: handshake steps as Redis logs them, full sync with size, partial sync, link down with the reason', () => {
    expect(describeReplicationEvent({ type: 'step', level: 'notice', message: 'Master replied to PING, replication can continue...' }).text).toBe(
      'Master replied to PING, replication can continue...'
    )
    expect(describeReplicationEvent({ type: 'sync', kind: 'full', bytes: 2048, keys: 3, ms: 5012 })).toEqual({ kind: 'sync', level: 'ok', text: 'full sync: 2.0 kB RDB, 3 keys, 5.0 s' })
    expect(describeReplicationEvent({ type: 'sync', kind: 'partial', bytes: 0, keys: 0, ms: 4 }).text).toBe('partial sync: 4 ms')
    expect(describeReplicationEvent({ type: 'served', kind: 'partial', replica: '127.0.0.1:6380', bytes: 38, offset: 1234 }).text).toBe(
      'partial resync served to 127.0.0.1:6380: 38 B of backlog from offset 1234'
    )
    expect(describeReplicationEvent({ type: 'link', state: 'down', reason: 'link cut by the lab' })).toEqual({ kind: 'link', level: 'error', text: 'link down: link cut by the lab' })
    expect(describeReplicationEvent({ type: 'role', role: 'replica', master: '127.0.0.1:6379' }).text).toBe('became a replica of 127.0.0.1:6379')
  })

  test('events, status changes and notices land newest first, each with its node; the filter keeps one node', () => {
    const timeline = useTimelineStore()
    fake.emit({ type: 'replication', nodeId: 'n2', at: 1, event: { type: 'role', role: 'replica', master: '127.0.0.1:6379' } })
    fake.emit({ type: 'replication', nodeId: 'n2', at: 2, event: { type: 'sync', kind: 'full', bytes: 175, keys: 1, ms: 5003 } })
    fake.push(node('n1', 6379, undefined, 'stopped'))
    fake.emit({ type: 'notice', level: 'warning', message: 'something on n1', nodeId: 'n1' })
    expect(timeline.shown.map((e) => [e.address, e.kind, e.text])).toEqual([
      ['127.0.0.1:6379', 'notice', 'something on n1'],
      ['127.0.0.1:6379', 'status', 'stopped'],
      ['127.0.0.1:6380', 'sync', 'full sync: 175 B RDB, 1 key, 5.0 s'],
      ['127.0.0.1:6380', 'role', 'became a replica of 127.0.0.1:6379']
    ])
    timeline.filter = 'n2'
    expect(timeline.shown.map((e) => e.kind)).toEqual(['sync', 'role'])
    fake.emit({ type: 'replication', nodeId: 'n2', at: 3, event: { type: 'step', level: 'notice', message: 'Connecting to MASTER 127.0.0.1:6379' } })
    expect(timeline.shown.map((e) => e.kind)).toEqual(['step', 'sync', 'role'])
    timeline.showSteps = false
    expect(timeline.shown.map((e) => e.kind)).toEqual(['sync', 'role'])
    // An update that does not change the status is not news.
    fake.push(node('n2', 6380, replicaOf(6379, 'connected', 10)))
    expect(timeline.shown.map((e) => e.kind)).toEqual(['sync', 'role'])
  })
})
