/**
 * The configuration options of issue 4 through CONFIG GET / SET, side by side with a real
 * redis-server 7.0: valid values (units, aliases, case), invalid ones (Redis's error texts),
 * immutable and protected parameters. Both servers allow protected configs so `dir` and
 * `dbfilename` can be set.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RedisServer } from '../../src/main/server/node'
import { RawConn } from '../helpers/raw-conn'
import { startRedisServer, type RealRedis } from '../helpers/redis-server'

let real: RealRedis
let ours: RedisServer
let r: RawConn
let o: RawConn
let dir: string

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'config-options-'))
  real = await startRedisServer(['--enable-protected-configs', 'yes'])
  ours = new RedisServer({ port: 0, config: { 'enable-protected-configs': 'yes', save: '' } })
  await ours.listen()
  r = await RawConn.open(real.port)
  o = await RawConn.open(ours.port)
})

afterAll(async () => {
  r?.close()
  o?.close()
  await ours?.close()
  await real?.stop()
  rmSync(dir, { recursive: true, force: true })
})

async function same(...args: string[]): Promise<string> {
  const [a, b] = await Promise.all([r.call(...args), o.call(...args)])
  expect(b, `reply to ${args.join(' ')}`).toBe(a)
  return a
}

/** Each value is set on both servers, then read back with CONFIG GET (and its alias). */
const VALID: Record<string, string[]> = {
  'protected-mode': ['no', 'YES', 'yes'],
  masterauth: ['s3cret', 'with space', ''],
  masteruser: ['alice', ''],
  dbfilename: ['other.rdb', 'dump.rdb'],
  loglevel: ['debug', 'VERBOSE', 'warning', 'notice'],
  save: ['900 1', '900 1 300 10 60 10000', '', '3600 1 300 100 60 10000'],
  rdbcompression: ['no', 'yes'],
  'replica-read-only': ['no', 'yes'],
  'slave-read-only': ['no', 'yes'],
  'replica-serve-stale-data': ['no', 'yes'],
  'slave-serve-stale-data': ['no', 'yes'],
  // below 16kb a changed value is raised to 16kb (updateReplBacklogSize), an unchanged one is not
  'repl-backlog-size': ['1mb', '2MB', '16k', '1gb', '100', '100', '20000', '1048576'],
  'repl-backlog-ttl': ['0', '60', '3600'],
  'repl-timeout': ['1', '120', '60'],
  'repl-ping-replica-period': ['1', '5', '10'],
  'repl-ping-slave-period': ['3', '10'],
  'repl-diskless-sync': ['no', 'yes'],
  'repl-diskless-sync-delay': ['0', '10', '5'],
  'repl-diskless-load': ['on-empty-db', 'SWAPDB', 'disabled'],
  'min-replicas-to-write': ['2', '0'],
  'min-slaves-to-write': ['1', '0'],
  'min-replicas-max-lag': ['5', '10'],
  'min-slaves-max-lag': ['7', '10'],
  'replica-priority': ['0', '50', '100'],
  'slave-priority': ['10', '100'],
  'replica-announce-ip': ['10.0.0.1', ''],
  'slave-announce-ip': ['10.0.0.2', ''],
  'replica-announce-port': ['7000', '0'],
  'slave-announce-port': ['7001', '0']
}

const INVALID: string[][] = [
  ['port', 'abc'], ['port', '-1'], ['port', '65536'], ['bind', ''], ['protected-mode', 'maybe'],
  ['dbfilename', 'a/b.rdb'], ['dbfilename', '../x'], ['dir', '/nonexistent-config-dir'], ['pidfile', '/tmp/x.pid'],
  ['logfile', '/tmp/x.log'], ['loglevel', 'loud'], ['databases', '4'], ['save', '1'], ['save', '0 1'], ['save', '1 -1'],
  ['save', 'a b'], ['save', '1 2 3'], ['rdbcompression', '1'], ['rdbchecksum', 'no'], ['replicaof', '127.0.0.1 6379'],
  ['slaveof', 'no one'], ['replica-read-only', 'on'], ['replica-serve-stale-data', 'off'], ['repl-backlog-size', '0'],
  ['repl-backlog-size', '-1'], ['repl-backlog-size', '1tb'], ['repl-backlog-size', '1.5mb'], ['repl-backlog-ttl', '-1'],
  ['repl-timeout', '0'], ['repl-ping-replica-period', '0'], ['repl-diskless-sync', 'sometimes'],
  ['repl-diskless-sync-delay', '-1'], ['repl-diskless-load', 'always'], ['min-replicas-to-write', '-1'],
  ['min-replicas-max-lag', 'x'], ['replica-priority', '-5'], ['replica-announce-port', '65536'],
  ['replica-announce-port', 'x'], ['masterauth', 'a', 'masterauth', 'b'], ['repl-timeout', '10', 'repl-ping-replica-period', '0']
]

describe('CONFIG SET / GET of the persistence, network and replication options', () => {
  for (const [name, values] of Object.entries(VALID)) {
    it(name, async () => {
      await same('CONFIG', 'GET', name)
      for (const v of values) {
        await same('CONFIG', 'SET', name, v)
        await same('CONFIG', 'GET', name)
      }
    })
  }

  it('several options in one CONFIG SET, and one bad value refuses them all', async () => {
    await same('CONFIG', 'SET', 'repl-timeout', '30', 'repl-backlog-size', '2mb', 'replica-priority', '7')
    await same('CONFIG', 'GET', 'repl-timeout')
    await same('CONFIG', 'GET', 'repl-backlog-size')
    await same('CONFIG', 'SET', 'repl-timeout', '40', 'repl-backlog-size', 'huge')
    await same('CONFIG', 'GET', 'repl-timeout')
    await same('CONFIG', 'SET', 'repl-timeout', '60', 'repl-backlog-size', '1mb', 'replica-priority', '100')
  })

  it('dir: an existing directory is taken (absolute), a missing one refused', async () => {
    await same('CONFIG', 'SET', 'dir', dir)
    await same('CONFIG', 'GET', 'dir')
    await same('CONFIG', 'SET', 'dir', join(dir, 'missing'))
    await same('CONFIG', 'GET', 'dir')
  })

  it('requirepass: set, AUTH with it, cleared', async () => {
    await same('CONFIG', 'SET', 'requirepass', 'pw')
    await same('CONFIG', 'GET', 'requirepass')
    await same('AUTH', 'wrong')
    await same('AUTH', 'pw')
    await same('CONFIG', 'SET', 'requirepass', '')
    await same('CONFIG', 'GET', 'requirepass')
  })

  it('the immutable ones are shown, and refused by CONFIG SET', async () => {
    for (const name of ['pidfile', 'logfile', 'databases', 'rdbchecksum', 'replicaof', 'slaveof']) {
      await same('CONFIG', 'GET', name)
      await same('CONFIG', 'SET', name, 'x')
    }
  })

  it('invalid values get the same errors', async () => {
    for (const args of INVALID) await same('CONFIG', 'SET', ...args)
  })

  it('replicaof in CONFIG GET follows REPLICAOF', async () => {
    await same('REPLICAOF', '127.0.0.1', '1')
    await same('CONFIG', 'GET', 'replicaof')
    await same('CONFIG', 'GET', 'slaveof')
    await same('REPLICAOF', 'NO', 'ONE')
    await same('CONFIG', 'GET', 'replicaof')
  })
})
