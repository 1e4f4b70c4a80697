import { expect, test } from 'vitest'
import type { NodeSnapshot } from '../../src/shared/api'
import { PRESETS, pickMembers, planCommands } from '../../src/renderer/src/scenarios/presets'

function node(id: string, port: number, master?: number, status: NodeSnapshot['status'] = 'running'): NodeSnapshot {
  return {
    id,
    host: '127.0.0.1',
    port,
    status,
    role: master === undefined ? 'master' : 'replica',
    keys: 0,
    replication: {
      replid: 'x',
      offset: 0,
      replicas: [],
      ...(master === undefined
        ? {}
        : { master: { host: 'localhost', port: master, link: 'connected', offset: 0, lastIoSecondsAgo: 0, downSinceSeconds: -1, cut: false, latencyMs: 0 } })
    }
  }
}

const preset = (id: string) => PRESETS.find((p) => p.id === id)!

test('three fresh masters become one master and two replicas with two REPLICAOF commands', () => {
  const nodes = [node('n3', 6381), node('n1', 6379), node('n2', 6380)]
  const members = pickMembers(nodes, preset('one-master-two-replicas'))
  expect(members.map((n) => n.port)).toEqual([6379, 6380, 6381])
  expect(planCommands(preset('one-master-two-replicas'), members)).toEqual([
    { nodeId: 'n2', args: ['REPLICAOF', '127.0.0.1', '6379'] },
    { nodeId: 'n3', args: ['REPLICAOF', '127.0.0.1', '6379'] }
  ])
  expect(planCommands(preset('chain'), members)).toEqual([
    { nodeId: 'n2', args: ['REPLICAOF', '127.0.0.1', '6379'] },
    { nodeId: 'n3', args: ['REPLICAOF', '127.0.0.1', '6380'] }
  ])
})

test('nodes already in place get no command; a replica that must lead is promoted first; stopped nodes are skipped', () => {
  // 6379 follows 6380 today; 6381 already follows 6379 (as "localhost").
  const nodes = [node('a', 6379, 6380), node('b', 6380), node('x', 6378, undefined, 'stopped'), node('c', 6381, 6379)]
  const members = pickMembers(nodes, preset('one-master-two-replicas'))
  expect(members.map((n) => n.id)).toEqual(['a', 'b', 'c'])
  expect(planCommands(preset('one-master-two-replicas'), members)).toEqual([
    { nodeId: 'a', args: ['REPLICAOF', 'NO', 'ONE'] },
    { nodeId: 'b', args: ['REPLICAOF', '127.0.0.1', '6379'] }
  ])
})

test('a star needs six nodes; nodes outside a preset that follow one of its members are detached', () => {
  expect(preset('star').masters.length).toBe(6)
  const members = [node('a', 7000), node('b', 7001), node('c', 7002)]
  const others = [node('d', 7003, 7000), node('e', 7004)]
  expect(planCommands(preset('one-master-two-replicas'), members, others)).toEqual([
    { nodeId: 'd', args: ['REPLICAOF', 'NO', 'ONE'] },
    { nodeId: 'b', args: ['REPLICAOF', '127.0.0.1', '7000'] },
    { nodeId: 'c', args: ['REPLICAOF', '127.0.0.1', '7000'] }
  ])
})
