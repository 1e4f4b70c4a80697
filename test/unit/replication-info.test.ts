import { readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import { replicationInfoLines, roleReply, type ReplicationState } from '../../src/main/server/replication/info-replication'

// Captured from a real Redis 7.0.15 (copied from the team's shared docs).
const GOLDEN = readFileSync(new URL('../fixtures/golden/one-master-two-replicas.txt', import.meta.url), 'utf8').replace(/\r/g, '')

/** The INFO block printed after a `$ … # <marker>` line of the golden transcript. */
function goldenBlock(marker: string): string[] {
  const start = GOLDEN.indexOf(marker)
  const lines = GOLDEN.slice(start).split('\n').slice(1)
  const out: string[] = []
  for (const l of lines) {
    if (l.startsWith('$ ')) break
    if (l !== '# Replication' && l.trim() !== '') out.push(l)
  }
  return out
}

const backlogOff = { size: 1048576, active: false, firstByteOffset: 0, histlen: 0 }
const zeros = '0'.repeat(40)

describe('INFO replication as Redis 7.0 prints it (golden transcript)', () => {
  test('a fresh master', () => {
    const s: ReplicationState = {
      replica: null,
      replicas: [],
      failoverState: 'no-failover',
      replid: '9b2519ff65f09c601a437afd7dc00ec5ad106d14',
      replid2: zeros,
      masterReplOffset: 0,
      secondReplOffset: -1,
      backlog: backlogOff
    }
    expect(replicationInfoLines(s)).toEqual(goldenBlock('# a fresh server'))
    expect(roleReply(s)).toEqual(['master', 0, []])
  })

  test('a replica right after SLAVEOF, and once synced', () => {
    const replica = {
      host: '127.0.0.1',
      port: 17379,
      linkState: 'handshake' as const,
      lastIoSecondsAgo: -1,
      readOffset: 0,
      appliedOffset: 0,
      linkDownSinceSeconds: -1,
      priority: 100,
      readOnly: true,
      announced: true
    }
    const s: ReplicationState = {
      replica,
      replicas: [],
      failoverState: 'no-failover',
      replid: 'd010c4455c50b70e0baf95684af009b2aadb5395',
      replid2: zeros,
      masterReplOffset: 0,
      secondReplOffset: -1,
      backlog: backlogOff
    }
    expect(replicationInfoLines(s)).toEqual(goldenBlock('# immediately after'))
    const synced: ReplicationState = {
      ...s,
      replica: { ...replica, linkState: 'connected', lastIoSecondsAgo: 2 },
      replid: '2ccffa66be22addf3297aaf50b2dc88cbd36cc41',
      backlog: { size: 1048576, active: true, firstByteOffset: 1, histlen: 0 }
    }
    expect(replicationInfoLines(synced)).toEqual(goldenBlock('# ~7 s later'))
    expect(roleReply({ ...synced, replica: { ...synced.replica!, appliedOffset: 95 } })).toEqual(['slave', '127.0.0.1', 17379, 'connected', 95])
  })

  test('a master with two online replicas', () => {
    const s: ReplicationState = {
      replica: null,
      replicas: [
        { ip: '127.0.0.1', port: 17380, state: 'online', offset: 95, lag: 1 },
        { ip: '127.0.0.1', port: 17381, state: 'online', offset: 95, lag: 1 }
      ],
      failoverState: 'no-failover',
      replid: '2ccffa66be22addf3297aaf50b2dc88cbd36cc41',
      replid2: zeros,
      masterReplOffset: 95,
      secondReplOffset: -1,
      backlog: { size: 1048576, active: true, firstByteOffset: 1, histlen: 95 }
    }
    expect(replicationInfoLines(s)).toEqual(goldenBlock('# master with two replicas'))
    expect(roleReply(s)).toEqual(['master', 95, [['127.0.0.1', '17380', '95'], ['127.0.0.1', '17381', '95']]])
  })
})
