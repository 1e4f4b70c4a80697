/**
 * Engine 'redis-server': the lab starts real redis-server processes from node directories
 * it writes as for embedded nodes, reads their logs, stops them with SHUTDOWN, crashes them
 * with SIGKILL, polls them over the protocol, and mixes them with embedded nodes.
 */
import { existsSync, readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { join } from 'node:path'
import { afterEach, describe, expect, test } from 'vitest'
import type { NodeSnapshot } from '../../src/shared/api'
import { Lab } from '../../src/main/lab/lab'
import { freePort } from '../helpers/ports'
import { cleanups, emptyLab, redisCli, run, runCleanups, text } from '../helpers/lab'

const SYNC = { timeout: 30_000, interval: 200 }

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** Every redis-server the tests saw: killed by PID at the end whatever happened. */
const pids = new Set<number>()
afterEach(async () => {
  await runCleanups()
  for (const pid of pids) if (alive(pid)) process.kill(pid, 'SIGKILL')
  pids.clear()
})

/** The server's own word for its PID and binary. */
async function serverFacts(lab: Lab, id: string): Promise<{ pid: number; executable: string; version: string }> {
  const info = text(await run(lab, id, 'INFO', 'server'))
  const field = (name: string): string => new RegExp(`^${name}:(.*)\\r?$`, 'm').exec(info)![1]!.trim()
  const facts = { pid: Number(field('process_id')), executable: field('executable'), version: field('redis_version') }
  pids.add(facts.pid)
  return facts
}

async function node(lab: Lab, id: string): Promise<NodeSnapshot> {
  return (await lab.call('listNodes', {})).find((n) => n.id === id)!
}

describe('real redis-server nodes started by the lab', () => {
  test('the lab finds the binary and reports it', async () => {
    const { lab } = await emptyLab()
    const info = await lab.call('info', {})
    expect(info.realEngines?.[0]).toMatchObject({ engine: 'redis-server', name: 'redis-server', path: '/usr/bin/redis-server' })
    expect(info.realEngines?.[0]?.version).toMatch(/^\d+\.\d+\.\d+$/)
  })

  test('lifecycle: a real process from the node redis.conf; SHUTDOWN saves, SIGKILL does not; remove deletes its folder', async () => {
    const { lab, dataDir, events } = await emptyLab()
    const added = await lab.call('addNode', { engine: 'redis-server' })
    expect(added).toMatchObject({ engine: 'redis-server', status: 'running', role: 'master' })
    expect(added.disabled?.start).toBeUndefined()
    expect(added.disabled?.setLinkLatency).toMatch(/embedded replicas/)
    const dir = join(dataDir, 'nodes', added.id)
    const conf = readFileSync(join(dir, 'redis.conf'), 'utf8')
    expect(conf).toContain(`port ${added.port}\n`)
    expect(conf).toContain('enable-debug-command local\n')
    // A real redis-server process, not the embedded server: its PID is not ours and its binary is Debian's.
    const facts = await serverFacts(lab, added.id)
    expect(facts.pid).not.toBe(process.pid)
    expect(facts.executable).toBe('/usr/bin/redis-server')
    expect(readFileSync(join(dir, 'redis.log'), 'utf8')).toMatch(/Ready to accept connections/)
    expect(await redisCli(added.port, 'PING')).toBe('PONG')

    // Writes from outside show up in the polled key count.
    await redisCli(added.port, 'SET', 'saved', '1')
    await expect.poll(async () => (await node(lab, added.id)).keys, SYNC).toBe(1)

    // Stop = SHUTDOWN, saving per the default save points; the process is gone.
    expect((await lab.call('stopNode', { id: added.id })).status).toBe('stopped')
    expect(alive(facts.pid)).toBe(false)
    expect(existsSync(join(dir, 'dump.rdb'))).toBe(true)
    await expect(run(lab, added.id, 'PING')).rejects.toThrow(`Node 127.0.0.1:${added.port} is stopped`)

    // Start: a new process that loads dump.rdb.
    expect((await lab.call('startNode', { id: added.id })).status).toBe('running')
    const second = await serverFacts(lab, added.id)
    expect(second.pid).not.toBe(facts.pid)
    expect(await run(lab, added.id, 'GET', 'saved')).toEqual({ type: 'bulk', value: '1' })

    // Crash = SIGKILL: nothing saved since the last save.
    await run(lab, added.id, 'SET', 'unsaved', '1')
    expect((await lab.call('crashNode', { id: added.id })).status).toBe('stopped')
    expect(alive(second.pid)).toBe(false)
    expect((await lab.call('restartNode', { id: added.id })).status).toBe('running')
    const third = await serverFacts(lab, added.id)
    expect(third.pid).not.toBe(second.pid)
    expect(await run(lab, added.id, 'GET', 'saved')).toEqual({ type: 'bulk', value: '1' })
    expect(await run(lab, added.id, 'GET', 'unsaved')).toEqual({ type: 'bulk', value: null })

    // SHUTDOWN typed in a console ends the process; the lab sees it go.
    await run(lab, added.id, 'SHUTDOWN', 'NOSAVE').catch(() => undefined)
    await expect.poll(async () => (await node(lab, added.id)).status, SYNC).toBe('stopped')
    expect(alive(third.pid)).toBe(false)
    expect((await node(lab, added.id)).error).toBeUndefined()

    await lab.call('startNode', { id: added.id })
    const fourth = await serverFacts(lab, added.id)
    // Killed behind the lab's back: stopped, with the reason on the card and a notice.
    process.kill(fourth.pid, 'SIGKILL')
    await expect.poll(async () => (await node(lab, added.id)).status, SYNC).toBe('stopped')
    expect((await node(lab, added.id)).error).toBe('The process was killed by SIGKILL')
    expect(events).toContainEqual(expect.objectContaining({ type: 'notice', level: 'error', nodeId: added.id }))

    await lab.call('startNode', { id: added.id })
    const fifth = await serverFacts(lab, added.id)
    await lab.call('removeNode', { id: added.id })
    expect(alive(fifth.pid)).toBe(false)
    expect(existsSync(dir)).toBe(false)
  })

  test('a taken port fails the start with the reason from the log; the lab file brings the node back as redis-server', async () => {
    const { lab, dataDir } = await emptyLab()
    const taken = await freePort()
    const blocker: Server = await new Promise((r) => {
      const s = createServer()
      s.listen(taken, '127.0.0.1', () => r(s))
    })
    cleanups.push(() => new Promise((r) => blocker.close(r)))
    await expect(lab.call('addNode', { engine: 'redis-server', port: taken })).rejects.toThrow(`Port ${taken} is already in use`)
    expect(await lab.call('listNodes', {})).toEqual([])

    const added = await lab.call('addNode', { engine: 'redis-server' })
    await run(lab, added.id, 'SET', 'k', 'v')
    const saved = JSON.parse(readFileSync(join(dataDir, 'lab.json'), 'utf8'))
    expect(saved.nodes).toEqual([{ id: added.id, port: added.port, engine: 'redis-server', binary: '/usr/bin/redis-server' }])

    // A second lab on the same folder while the process still runs (as after an app crash):
    // it refuses to start another server writing the same dump.rdb, and says which pid to stop.
    const { pid } = await serverFacts(lab, added.id)
    const { lab: second } = await emptyLab(dataDir)
    const [twin] = await second.call('listNodes', {})
    expect(twin).toMatchObject({ id: added.id, status: 'failed' })
    expect(twin!.error).toBe(`A server from an earlier run (pid ${pid}) still runs in ${join(dataDir, 'nodes', added.id)}: stop it first (kill ${pid}), so two servers never write one dump.rdb`)
    await second.close()
    cleanups.pop()
    expect(alive(pid)).toBe(true)
    await lab.close()
    cleanups.pop()

    const { lab: again } = await emptyLab(dataDir)
    const [restored] = await again.call('listNodes', {})
    expect(restored).toMatchObject({ id: added.id, port: added.port, engine: 'redis-server', status: 'running' })
    expect((await serverFacts(again, added.id)).executable).toBe('/usr/bin/redis-server')
    expect(await run(again, added.id, 'GET', 'k')).toEqual({ type: 'bulk', value: 'v' })
  })

  test('mixed lab: a real master with two embedded replicas; writes; DEBUG DIGEST equal on all three', async () => {
    const { lab } = await emptyLab()
    const master = await lab.call('addNode', { engine: 'redis-server' })
    const r1 = await lab.call('addNode', {})
    const r2 = await lab.call('addNode', { engine: 'embedded' })
    expect([r1.engine, r2.engine]).toEqual(['embedded', 'embedded'])
    await serverFacts(lab, master.id)
    // No wait for the first full sync: the lesson does not need Redis's 5 s diskless delay.
    await run(lab, master.id, 'CONFIG', 'SET', 'repl-diskless-sync-delay', '0')
    for (const r of [r1, r2]) expect(await run(lab, r.id, 'SLAVEOF', '127.0.0.1', String(master.port))).toEqual({ type: 'status', value: 'OK' })
    for (let i = 0; i < 200; i++) await run(lab, master.id, 'SET', `key:${i}`, `value ${i}`)
    await run(lab, master.id, 'HSET', 'h', 'a', '1', 'b', '2')
    await run(lab, master.id, 'RPUSH', 'l', 'x', 'y', 'z')
    await run(lab, master.id, 'ZADD', 'z', '1', 'one', '2', 'two')

    // The real master's polled snapshot lists both embedded replicas online…
    await expect.poll(async () => (await node(lab, master.id)).replication?.replicas.map((r) => [r.port, r.state]).sort(), SYNC)
      .toEqual([[r1.port, 'online'], [r2.port, 'online']].sort())
    // …and each embedded replica reports its link to the real master up.
    for (const r of [r1, r2]) {
      await expect.poll(async () => (await node(lab, r.id)).replication?.master?.link, SYNC).toBe('connected')
      expect((await node(lab, r.id)).replication?.master).toMatchObject({ host: '127.0.0.1', port: master.port })
    }
    const digest = async (id: string): Promise<string> => text(await run(lab, id, 'DEBUG', 'DIGEST'))
    const want = await digest(master.id)
    expect(want).toMatch(/^[0-9a-f]{40}$/)
    expect(want).not.toBe('0'.repeat(40))
    await expect.poll(() => digest(r1.id), SYNC).toBe(want)
    await expect.poll(() => digest(r2.id), SYNC).toBe(want)
    await expect.poll(async () => (await node(lab, r1.id)).keys, SYNC).toBe(203)
  })

  test('the reverse: an embedded master with a real replica; its cut link is a transient CLIENT KILL', async () => {
    const { lab, events } = await emptyLab()
    const master = await lab.call('addNode', {})
    const replica = await lab.call('addNode', { engine: 'redis-server' })
    await serverFacts(lab, replica.id)
    await run(lab, master.id, 'SET', 'from-embedded', '1')
    expect(await run(lab, replica.id, 'REPLICAOF', '127.0.0.1', String(master.port))).toEqual({ type: 'status', value: 'OK' })
    await expect.poll(async () => (await node(lab, replica.id)).replication?.master?.link, SYNC).toBe('connected')
    expect((await node(lab, replica.id)).role).toBe('replica')
    await expect.poll(async () => run(lab, replica.id, 'GET', 'from-embedded'), SYNC).toEqual({ type: 'bulk', value: '1' })
    expect(events).toContainEqual(expect.objectContaining({ type: 'replication', nodeId: replica.id, event: { type: 'role', role: 'replica', master: `127.0.0.1:${master.port}` } }))

    const linksBefore = Number(/sync_partial_ok:(\d+)/.exec(text(await run(lab, master.id, 'INFO', 'stats')))![1])
    await lab.call('cutLink', { id: replica.id })
    const notice = events.find((e) => e.type === 'notice' && e.nodeId === replica.id && /CLIENT KILL TYPE master/.test(e.message))
    expect(notice && notice.type === 'notice' && notice.message).toMatch(/a transient cut, not a partition/)
    // The replica reconnects by itself and resumes with a partial resync.
    await expect.poll(async () => Number(/sync_partial_ok:(\d+)/.exec(text(await run(lab, master.id, 'INFO', 'stats')))![1]), SYNC).toBe(linksBefore + 1)
    await expect(lab.call('healLink', { id: replica.id })).rejects.toThrow(/Cannot heal the link of 127\.0\.0\.1:\d+: .*transient/)
    await expect(lab.call('setLinkLatency', { id: replica.id, ms: 100 })).rejects.toThrow(/only embedded replicas/)
  })
})
