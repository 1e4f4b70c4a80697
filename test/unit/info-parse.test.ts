import { readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import { parseInfo, parseReplicationInfo } from '../../src/shared/info-parse'

// Captured from a real Redis 7.0.15 (the team's golden transcript).
const GOLDEN = readFileSync(new URL('../fixtures/golden/one-master-two-replicas.txt', import.meta.url), 'utf8').replace(/\r/g, '')

/** The INFO text printed after a `$ … # <marker>` line, with Redis's CRLF line ends restored. */
function goldenInfo(marker: string): string {
  const lines = GOLDEN.slice(GOLDEN.indexOf(marker)).split('\n').slice(1)
  const end = lines.findIndex((l) => l.startsWith('$ '))
  return lines.slice(0, end).join('\r\n') + '\r\n'
}

describe('parseInfo', () => {
  test('sections by lower-case name, fields as raw text; values may contain colons', () => {
    const info = parseInfo('# Server\r\nredis_version:7.0.15\r\nexecutable:/usr/bin/redis-server\r\n\r\n# Keyspace\r\ndb0:keys=1,expires=0,avg_ttl=0\r\nweird line\r\n')
    expect(info).toEqual({
      server: { redis_version: '7.0.15', executable: '/usr/bin/redis-server' },
      keyspace: { db0: 'keys=1,expires=0,avg_ttl=0' }
    })
    expect(parseInfo('a:b:c\n')).toEqual({ '': { a: 'b:c' } })
  })
})

describe('parseReplicationInfo on Redis 7.0 output', () => {
  test('a fresh master', () => {
    const r = parseReplicationInfo(goldenInfo('# a fresh server'))!
    expect(r).toEqual({
      role: 'master',
      master: null,
      replicas: [],
      replid: '9b2519ff65f09c601a437afd7dc00ec5ad106d14',
      replid2: '0'.repeat(40),
      offset: 0,
      secondOffset: -1,
      backlogActive: false,
      backlogSize: 1048576,
      backlogFirstByteOffset: 0,
      backlogHistlen: 0
    })
  })

  test('a replica right after SLAVEOF: link down, never heard from the master', () => {
    const r = parseReplicationInfo(goldenInfo('# immediately after'))!
    expect(r.role).toBe('replica')
    expect(r.master).toEqual({
      host: '127.0.0.1',
      port: 17379,
      linkUp: false,
      syncing: false,
      lastIoSecondsAgo: -1,
      downSinceSeconds: -1,
      offset: 0,
      readOnly: true
    })
  })

  test('a replica with its link up', () => {
    const r = parseReplicationInfo(goldenInfo('# ~7 s later'))!
    expect(r.master).toMatchObject({ linkUp: true, lastIoSecondsAgo: 2, downSinceSeconds: null })
    expect(r.backlogActive).toBe(true)
  })

  test('a master with two replicas: the slaveN lines', () => {
    const r = parseReplicationInfo(goldenInfo('# master with two replicas'))!
    expect(r.role).toBe('master')
    expect(r.offset).toBe(95)
    expect(r.replicas).toEqual([
      { ip: '127.0.0.1', port: 17380, state: 'online', offset: 95, lag: 1 },
      { ip: '127.0.0.1', port: 17381, state: 'online', offset: 95, lag: 1 }
    ])
  })

  test('a full sync in progress reads as syncing', () => {
    const text = goldenInfo('# immediately after').replace('master_sync_in_progress:0', 'master_sync_in_progress:1')
    expect(parseReplicationInfo(text)!.master!.syncing).toBe(true)
  })

  test('text that is not INFO replication gives null', () => {
    expect(parseReplicationInfo('')).toBeNull()
    expect(parseReplicationInfo('# Server\r\nredis_version:7.0.15\r\n')).toBeNull()
    expect(parseReplicationInfo('ERR unknown command')).toBeNull()
  })
})
