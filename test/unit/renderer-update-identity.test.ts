import { beforeEach, describe, expect, test } from 'vitest'
import { computed } from 'vue'
import { createPinia, setActivePinia } from 'pinia'
import type { LabClient, LabEvent, LabMethod, LabResult, NodeReplication, NodeSnapshot } from '@shared/api'
import { useLabStore } from '../../src/renderer/src/stores/lab'
import { useReplicationStore } from '../../src/renderer/src/stores/replication'

/**
 * A big lab sends ~25 node updates a second. What the UI draws from the stores keeps its
 * identity when an update changed nothing it shows, so Vue does not redraw it: these tests
 * pin that down (and that real changes still come through).
 */
class PushingLab implements LabClient {
  nodes: NodeSnapshot[] = []
  private listeners = new Set<(e: LabEvent) => void>()

  onEvent(listener: (e: LabEvent) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  emit(event: LabEvent): void {
    for (const l of this.listeners) l(event)
  }

  push(node: NodeSnapshot): void {
    this.emit({ type: 'node-updated', node })
  }

  async call<M extends LabMethod>(method: M): Promise<LabResult<M>> {
    if (method === 'listNodes') return this.nodes as LabResult<M>
    if (method === 'info') return { mode: 'web', dataDir: '/tmp/x', version: '0' } as LabResult<M>
    throw new Error(`not scripted: ${method}`)
  }
}

const master = (offset: number): NodeReplication => ({ replid: 'a'.repeat(40), offset, replicas: [] })
const replicaOf = (port: number, offset: number, lastIoSecondsAgo = 0): NodeReplication => ({
  replid: 'a'.repeat(40),
  offset,
  master: { host: '127.0.0.1', port, link: 'connected', offset, lastIoSecondsAgo, downSinceSeconds: -1, cut: false, latencyMs: 0 },
  replicas: []
})
const node = (id: string, port: number, replication: NodeReplication, memory = 1000): NodeSnapshot => ({
  id,
  host: '127.0.0.1',
  port,
  status: 'running',
  role: replication.master ? 'replica' : 'master',
  keys: 0,
  memory,
  replication
})

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve()
}

describe('store identities under a stream of node updates', () => {
  let lab: PushingLab

  beforeEach(async () => {
    setActivePinia(createPinia())
    lab = new PushingLab()
    lab.nodes = [
      node('m1', 7001, master(100)),
      node('r1', 7002, replicaOf(7001, 100)),
      node('m2', 7003, master(50)),
      node('r2', 7004, replicaOf(7003, 50))
    ]
    useLabStore().attach(lab)
    await settle()
  })

  test('a link that did not change keeps its object; one that did gets a new one', () => {
    const repl = useReplicationStore()
    const before = repl.links
    const [l1, l2] = before
    // m1 took writes: its replica's lag grows, the other link is untouched.
    lab.push(node('m1', 7001, master(160)))
    expect(repl.links).not.toBe(before)
    expect(repl.links[0]).not.toBe(l1)
    expect(repl.links[0]).toMatchObject({ id: 'm1->r1', lagBytes: 60 })
    expect(repl.links[1]).toBe(l2)
    expect(repl.link('m2->r2')).toBe(l2)
  })

  test('an update that changes no link (memory) keeps the list itself', () => {
    const repl = useReplicationStore()
    const before = repl.links
    lab.push(node('r2', 7004, replicaOf(7003, 50), 2000))
    expect(useLabStore().node('r2')?.memory).toBe(2000)
    expect(repl.links).toBe(before)
    // The seconds since the master was heard from are shown: that is a change.
    lab.push(node('r2', 7004, replicaOf(7003, 50, 3), 2000))
    expect(repl.links).not.toBe(before)
    expect(repl.link('m2->r2')).toMatchObject({ lagSeconds: 3 })
  })

  test('an update patches the stored node in place: only readers of fields that changed run again', () => {
    const store = useLabStore()
    const stored = store.node('r2')
    let orderRuns = 0
    let memoryRuns = 0
    let replicationRuns = 0
    const order = computed(() => (orderRuns++, store.nodes.map((n) => `${n.id}:${n.port}`).join(',')))
    const memory = computed(() => (memoryRuns++, store.node('r2')?.memory))
    const replication = computed(() => (replicationRuns++, store.node('r2')?.replication?.offset))
    expect([order.value, memory.value, replication.value]).toEqual(['m1:7001,r1:7002,m2:7003,r2:7004', 1000, 50])
    // Memory changed; the replication object arrives new but equal, and is kept.
    lab.push(node('r2', 7004, replicaOf(7003, 50), 2000))
    expect([order.value, memory.value, replication.value]).toEqual(['m1:7001,r1:7002,m2:7003,r2:7004', 2000, 50])
    expect([orderRuns, memoryRuns, replicationRuns]).toEqual([1, 2, 1])
    expect(store.node('r2')).toBe(stored)
    // A field the new snapshot no longer has is dropped; a replication change comes through.
    lab.push({ ...node('r2', 7004, replicaOf(7003, 80), 2000), error: 'x' })
    lab.push(node('r2', 7004, replicaOf(7003, 90), 2000))
    expect(store.node('r2')?.error).toBeUndefined()
    expect(replication.value).toBe(90)
    // A node that moves to another port is found at the new address only.
    lab.push(node('r2', 7005, replicaOf(7003, 90), 2000))
    expect(store.nodeAt('127.0.0.1', 7005)?.id).toBe('r2')
    expect(store.nodeAt('127.0.0.1', 7004)).toBeUndefined()
    expect(order.value).toBe('m1:7001,r1:7002,m2:7003,r2:7005')
  })

  test('the address list stays the same array through updates, and changes when a node comes or goes', () => {
    const store = useLabStore()
    const before = store.addresses
    expect(before.map((a) => a.address)).toEqual(['127.0.0.1:7001', '127.0.0.1:7002', '127.0.0.1:7003', '127.0.0.1:7004'])
    lab.push(node('m1', 7001, master(500), 9999))
    expect(store.addresses).toBe(before)
    expect(store.hasNode('m1')).toBe(true)

    lab.emit({ type: 'node-added', node: node('m3', 7000, master(0)) })
    expect(store.addresses).not.toBe(before)
    expect(store.addresses[0]).toEqual({ id: 'm3', address: '127.0.0.1:7000' })
    expect(store.hasNode('m3')).toBe(true)

    lab.emit({ type: 'node-removed', id: 'm2' })
    expect(store.hasNode('m2')).toBe(false)
    expect(store.addresses.map((a) => a.id)).toEqual(['m3', 'm1', 'r1', 'r2'])
  })
})
