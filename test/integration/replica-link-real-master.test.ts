/**
 * Our replica-side protocol against a real redis-server 7.0 master: handshake, full sync
 * in both payload forms, the command stream with offsets, ACKs and GETACK (WAIT), and a
 * partial resync (+CONTINUE) from the cached offset.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { afterEach, describe, expect, test } from 'vitest'
import { readRdb, type RdbEntry } from '../../src/main/server/rdb/reader'
import { ReplicaLink, type FullSync } from '../../src/main/server/replication/replica-link'
import { freePort } from '../helpers/ports'
import { RawConn } from '../helpers/raw-conn'

const cleanup: (() => void)[] = []
afterEach(() => {
  for (const f of cleanup.splice(0)) f()
})

async function startMaster(diskless: boolean): Promise<{ port: number; conn: RawConn; proc: ChildProcess }> {
  const port = await freePort()
  const proc = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--repl-diskless-sync', diskless ? 'yes' : 'no', '--repl-diskless-sync-delay', '0'],
    { stdio: 'ignore' }
  )
  cleanup.push(() => proc.kill('SIGKILL'))
  for (let i = 0; ; i++) {
    try {
      const conn = await RawConn.open(port)
      cleanup.push(() => conn.close())
      return { port, conn, proc }
    } catch (err) {
      if (i > 50) throw err
      await new Promise((r) => setTimeout(r, 100))
    }
  }
}

function nextEvent<T>(link: ReplicaLink, name: 'fullsync' | 'continue' | 'closed'): Promise<T> {
  return new Promise((resolve, reject) => {
    link.once(name, (v: unknown) => resolve(v as T))
    if (name !== 'closed') link.once('closed', (reason) => reject(new Error(`link closed: ${reason}`)))
  })
}

/** INFO replication field of the master's first replica line, e.g. state or offset. */
async function slave0(conn: RawConn): Promise<Record<string, string>> {
  const info = await conn.call('INFO', 'replication')
  const m = /slave0:([^\r\n]+)/.exec(info)
  return m ? Object.fromEntries(m[1]!.split(',').map((kv) => kv.split('=') as [string, string])) : {}
}

describe.each([
  ['diskless ($EOF: mark)', true],
  ['disk ($<len>)', false]
])('following a real master, %s', (_name, diskless) => {
  test('full sync, stream, ACK/WAIT, then +CONTINUE from the cached offset', async () => {
    const master = await startMaster(diskless)
    await master.conn.call('SET', 'before', 'sync')
    await master.conn.call('RPUSH', 'list', 'a', 'b')

    const link = new ReplicaLink({ host: '127.0.0.1', port: master.port, listeningPort: 6999, cached: null })
    cleanup.push(() => link.close('test over'))
    const full = await nextEvent<FullSync>(link, 'fullsync')
    expect(full.replid).toMatch(/^[0-9a-f]{40}$/)
    expect(full.eofMark).toBe(diskless)
    const entries: RdbEntry[] = []
    const header = readRdb(full.rdb, { onEntry: (e) => entries.push(e) })
    expect(entries.map((e) => e.key.toString()).sort()).toEqual(['before', 'list'])
    expect(header.aux.get('repl-id')?.toString()).toBe(full.replid)
    expect(Number(header.aux.get('repl-offset')?.toString())).toBe(full.offset)

    const stream: string[][] = []
    link.startStream({ command: (argv) => stream.push(argv.map((a) => a.toString())) }, full.offset)
    expect(link.state).toBe('connected')

    await master.conn.call('SET', 'k', 'v')
    await master.conn.call('INCR', 'n')
    // WAIT sends REPLCONF GETACK; our ACK must cover the writes for WAIT to count us.
    expect(await master.conn.call('WAIT', '1', '2000')).toBe(':1\r\n')
    expect(stream).toEqual([
      ['SELECT', '0'],
      ['SET', 'k', 'v'],
      ['INCR', 'n']
    ])
    const masterOffset = Number(/master_repl_offset:(\d+)/.exec(await master.conn.call('INFO', 'replication'))![1])
    expect(link.offset).toBe(masterOffset)
    await expect.poll(async () => (await slave0(master.conn)).offset, { timeout: 3000 }).toBe(String(masterOffset))
    expect((await slave0(master.conn)).state).toBe('online')
    expect((await slave0(master.conn)).port).toBe('6999')

    // Drop the link, write meanwhile, reconnect with what we have: the master continues.
    const replid = link.replid!
    const offset = link.offset
    link.close('test cut')
    await master.conn.call('SET', 'while', 'away')
    const again = new ReplicaLink({ host: '127.0.0.1', port: master.port, listeningPort: 6999, cached: { replid, offset } })
    cleanup.push(() => again.close('test over'))
    expect(await nextEvent<string | null>(again, 'continue')).toBeNull()
    const resumed: string[][] = []
    again.startStream({ command: (argv) => resumed.push(argv.map((a) => a.toString())) }, offset)
    await expect.poll(() => resumed, { timeout: 3000 }).toEqual([['SET', 'while', 'away']])
    expect(await master.conn.call('WAIT', '1', '2000')).toBe(':1\r\n')
  })
})

test('a wrong masterauth is reported as Redis words it, and the attempt ends', async () => {
  const master = await startMaster(true)
  await master.conn.call('CONFIG', 'SET', 'requirepass', 'secret')
  const link = new ReplicaLink({ host: '127.0.0.1', port: master.port, listeningPort: 6999, cached: null, masterAuth: 'wrong' })
  const logs: string[] = []
  link.on('log', (_l, m) => logs.push(m))
  await nextEvent(link, 'closed')
  expect(logs).toContain('Unable to AUTH to MASTER: WRONGPASS invalid username-password pair or user is disabled.')
})

test('a master that is down: connection refused, as Redis logs it', async () => {
  const port = await freePort()
  const link = new ReplicaLink({ host: '127.0.0.1', port, listeningPort: 6999, cached: null })
  const logs: string[] = []
  link.on('log', (_l, m) => logs.push(m))
  await nextEvent(link, 'closed')
  expect(logs).toContain('Error condition on socket for SYNC: Connection refused')
  expect(link.state).toBe('closed')
})
