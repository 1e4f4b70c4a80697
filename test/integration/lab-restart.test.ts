/**
 * Restart semantics of lab nodes over the real lab: a node starts as a new server from its
 * redis.conf (loading its dump.rdb), stops as SHUTDOWN does (saving when save points are
 * set), can crash (unsaved writes lost) and can leave the lab. What CONFIG REWRITE writes is
 * what the node reads back, so a replicaof line survives a restart and a replica made by
 * REPLICAOF alone is a master again after one.
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, test } from 'vitest'
import { Lab } from '../../src/main/lab/lab'
import { validateCall } from '../../src/shared/api'
import type { Reply } from '../../src/shared/reply'
import { freePort } from '../helpers/ports'
import { cleanups, openLab, redisCli, run, runCleanups } from '../helpers/lab'
import { tempDir } from '../helpers/web-mode'

afterEach(runCleanups)

const OK: Reply = { type: 'status', value: 'OK' }
const bulk = (value: string | null): Reply => ({ type: 'bulk', value })

describe('lab nodes restart like redis-server', () => {
  test('each node has its redis.conf, pid file and a log in Redis\'s line format', async () => {
    const { lab, dataDir } = await openLab()
    const [node] = await lab.call('listNodes', {})
    const dir = join(dataDir, 'nodes', node!.id)
    const conf = readFileSync(join(dir, 'redis.conf'), 'latin1')
    for (const line of [`port ${node!.port}`, 'bind 127.0.0.1', `dir "${dir}"`, 'dbfilename dump.rdb',
      `pidfile "${join(dir, 'redis.pid')}"`, `logfile "${join(dir, 'redis.log')}"`, 'enable-debug-command local']) {
      expect(conf.split('\n')).toContain(line)
    }
    expect(readFileSync(join(dir, 'redis.pid'), 'latin1')).toBe(`${process.pid}\n`)
    expect(await run(lab, node!.id, 'CONFIG', 'GET', 'dir')).toEqual({ type: 'array', value: [bulk('dir'), bulk(dir)] })
    await lab.call('stopNode', { id: node!.id })
    expect(existsSync(join(dir, 'redis.pid'))).toBe(false)
    const log = readFileSync(join(dir, 'redis.log'), 'latin1').trim().split('\n')
    for (const l of log) expect(l).toMatch(/^\d+:[MS] \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2}\.\d{3} [.\-*#] .+$/)
    const msgs = log.map((l) => l.replace(/^.* [.\-*#] /, ''))
    expect(msgs).toContain('Ready to accept connections')
    expect(msgs.slice(-5)).toEqual([
      'User requested shutdown...',
      'Saving the final RDB snapshot before exiting.',
      'DB saved on disk',
      'Removing the pid file.',
      'Redis is now ready to exit, bye bye...'
    ])
  })

  test('restart keeps the data when save points are set (the default): stop saves dump.rdb', async () => {
    const { lab, dataDir } = await openLab()
    const [node] = await lab.call('listNodes', {})
    const id = node!.id
    expect(await run(lab, id, 'SET', 'k', 'v')).toEqual(OK)
    expect(await run(lab, id, 'HSET', 'h', 'f', '1')).toEqual({ type: 'integer', value: 1 })
    expect(await run(lab, id, 'SELECT', '3')).toEqual(OK)
    expect(await run(lab, id, 'SET', 'in3', 'x')).toEqual(OK)
    const digest = await run(lab, id, 'DEBUG', 'DIGEST')
    const restarted = await lab.call('restartNode', { id })
    expect(restarted).toMatchObject({ id, status: 'running', port: node!.port, keys: 3 })
    expect(existsSync(join(dataDir, 'nodes', id, 'dump.rdb'))).toBe(true)
    expect(await run(lab, id, 'GET', 'k')).toEqual(bulk('v'))
    expect(await run(lab, id, 'DEBUG', 'DIGEST')).toEqual(digest)
    expect(await redisCli(node!.port, '-n', '3', 'GET', 'in3')).toBe('x')
  })

  test('quitting the app and opening the lab again: every node saved at quit and loads its data', async () => {
    const dataDir = tempDir()
    const base = await freePort()
    const first = new Lab({ dataDir, mode: 'web', version: 'test', basePort: base })
    await first.open()
    const nodes = await first.call('listNodes', {})
    for (const n of nodes) expect(await run(first, n.id, 'SET', 'owner', n.id)).toEqual(OK)
    await first.close()
    const again = new Lab({ dataDir, mode: 'web', version: 'test', basePort: base })
    cleanups.push(() => again.close())
    await again.open()
    for (const n of await again.call('listNodes', {})) {
      expect(n.status).toBe('running')
      expect(await run(again, n.id, 'GET', 'owner')).toEqual(bulk(n.id))
    }
  })

  test('without save points a stop saves nothing: only what SAVE wrote comes back', async () => {
    const { lab } = await openLab()
    const [node] = await lab.call('listNodes', {})
    const id = node!.id
    expect(await run(lab, id, 'CONFIG', 'SET', 'save', '')).toEqual(OK)
    expect(await run(lab, id, 'SET', 'saved', '1')).toEqual(OK)
    expect(await run(lab, id, 'SAVE')).toEqual(OK)
    expect(await run(lab, id, 'SET', 'unsaved', '1')).toEqual(OK)
    await lab.call('restartNode', { id })
    expect(await run(lab, id, 'GET', 'saved')).toEqual(bulk('1'))
    expect(await run(lab, id, 'GET', 'unsaved')).toEqual(bulk(null))
    // CONFIG SET without REWRITE is gone after the restart: the default save points are back
    expect(await run(lab, id, 'CONFIG', 'GET', 'save')).toEqual({ type: 'array', value: [bulk('save'), bulk('3600 1 300 100 60 10000')] })
  })

  test('a crash loses the writes since the last save; the node starts again from its files', async () => {
    const { lab, dataDir } = await openLab()
    const [node] = await lab.call('listNodes', {})
    const id = node!.id
    expect(await run(lab, id, 'SET', 'before', '1')).toEqual(OK)
    expect(await run(lab, id, 'SAVE')).toEqual(OK)
    expect(await run(lab, id, 'SET', 'after', '1')).toEqual(OK)
    const crashed = await lab.call('crashNode', { id })
    expect(crashed.status).toBe('stopped')
    expect(await redisCli(node!.port, 'PING')).toMatch(/Connection refused/)
    // a crash leaves the pid file, as a killed redis-server does
    expect(existsSync(join(dataDir, 'nodes', id, 'redis.pid'))).toBe(true)
    expect((await lab.call('startNode', { id })).status).toBe('running')
    expect(await run(lab, id, 'GET', 'before')).toEqual(bulk('1'))
    expect(await run(lab, id, 'GET', 'after')).toEqual(bulk(null))
  })

  test('the config file is what the node reads back: CONFIG REWRITE and hand edits survive, CONFIG SET alone does not', async () => {
    const { lab, dataDir } = await openLab()
    const [node] = await lab.call('listNodes', {})
    const id = node!.id
    const conf = join(dataDir, 'nodes', id, 'redis.conf')
    expect(await run(lab, id, 'CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru', 'hz', '42')).toEqual(OK)
    expect(await run(lab, id, 'CONFIG', 'REWRITE')).toEqual(OK)
    expect(readFileSync(conf, 'latin1')).toContain('\n# Generated by CONFIG REWRITE\n')
    expect(await run(lab, id, 'CONFIG', 'SET', 'maxmemory', '5mb')).toEqual(OK)
    appendFileSync(conf, 'repl-timeout 33\n')
    await lab.call('restartNode', { id })
    const get = async (name: string): Promise<Reply> => run(lab, id, 'CONFIG', 'GET', name)
    expect(await get('maxmemory-policy')).toEqual({ type: 'array', value: [bulk('maxmemory-policy'), bulk('allkeys-lru')] })
    expect(await get('hz')).toEqual({ type: 'array', value: [bulk('hz'), bulk('42')] })
    expect(await get('repl-timeout')).toEqual({ type: 'array', value: [bulk('repl-timeout'), bulk('33')] })
    expect(await get('maxmemory')).toEqual({ type: 'array', value: [bulk('maxmemory'), bulk('0')] })
  })

  test('a bad redis.conf fails the start with Redis\'s FATAL CONFIG FILE ERROR text', async () => {
    const { lab, dataDir } = await openLab()
    const [node] = await lab.call('listNodes', {})
    const id = node!.id
    await lab.call('stopNode', { id })
    appendFileSync(join(dataDir, 'nodes', id, 'redis.conf'), 'maxmemory lots\n')
    await expect(lab.call('startNode', { id })).rejects.toThrow(/\*\*\* FATAL CONFIG FILE ERROR \(Redis 7\.0\.15\) \*\*\*\nReading the configuration file, at line \d+\n>>> 'maxmemory lots'\nargument must be a memory value/)
    expect((await lab.call('listNodes', {}))[0]!.status).toBe('failed')
  })

  test('SHUTDOWN from a client stops the node (and saves per its config)', async () => {
    const { lab, events, dataDir } = await openLab()
    const [node] = await lab.call('listNodes', {})
    const id = node!.id
    expect(await run(lab, id, 'SET', 'k', 'v')).toEqual(OK)
    expect(await redisCli(node!.port, 'SHUTDOWN')).toBe('')
    await expect.poll(async () => (await lab.call('listNodes', {}))[0]!.status).toBe('stopped')
    expect(events.some((e) => e.type === 'node-updated' && e.node.id === id && e.node.status === 'stopped')).toBe(true)
    expect(existsSync(join(dataDir, 'nodes', id, 'dump.rdb'))).toBe(true)
    await lab.call('startNode', { id })
    expect(await run(lab, id, 'GET', 'k')).toEqual(bulk('v'))
  })

  test('removeNode: the node stops and leaves the lab, its directory goes, the lab file forgets it', async () => {
    const { lab, events, dataDir } = await openLab()
    const [first, second] = await lab.call('listNodes', {})
    expect(await lab.call('removeNode', { id: second!.id })).toEqual({ id: second!.id })
    expect((await lab.call('listNodes', {})).map((n) => n.id)).not.toContain(second!.id)
    expect(events).toContainEqual({ type: 'node-removed', id: second!.id })
    expect(existsSync(join(dataDir, 'nodes', second!.id))).toBe(false)
    expect(await redisCli(second!.port, 'PING')).toMatch(/Connection refused/)
    const file = JSON.parse(readFileSync(join(dataDir, 'lab.json'), 'utf8')) as { nodes: { id: string }[] }
    expect(file.nodes.map((n) => n.id)).not.toContain(second!.id)
    await expect(lab.call('removeNode', { id: second!.id })).rejects.toThrow(`No node with id ${second!.id}`)
    await expect(lab.call('restartNode', { id: 'node-99' })).rejects.toThrow('No node with id node-99')
    expect(await redisCli(first!.port, 'PING')).toBe('PONG')
  })

  test('the new methods are part of the API contract and validated', () => {
    for (const m of ['restartNode', 'crashNode', 'removeNode']) {
      expect(validateCall(m, { id: 'node-1' })).toBeNull()
      expect(validateCall(m, {})).toBe(`${m}: id must be a node id`)
      expect(validateCall(m, { id: 'node-1', extra: 1 })).toBe(`${m}: unexpected param extra`)
      expect(validateCall(m, { id: '../x' })).toBe(`${m}: id must be a node id`)
    }
  })
})

describe('replication across restarts (the tutorial\'s lessons)', () => {
  test('a replica made by REPLICAOF is a master after a restart; with CONFIG REWRITE it stays a replica', async () => {
    const { lab, dataDir } = await openLab()
    const [master, replica] = await lab.call('listNodes', {})
    const id = replica!.id
    expect(await run(lab, master!.id, 'SET', 'k', 'v')).toEqual(OK)
    // full syncs at once rather than after Redis's default 5 s wait for more replicas
    expect(await run(lab, master!.id, 'CONFIG', 'SET', 'repl-diskless-sync-delay', '0')).toEqual(OK)
    expect(await run(lab, id, 'REPLICAOF', '127.0.0.1', String(master!.port))).toEqual(OK)
    await expect.poll(async () => run(lab, id, 'GET', 'k'), { timeout: 10_000 }).toEqual(bulk('v'))
    expect((await lab.call('listNodes', {}))[1]!.role).toBe('replica')

    // REPLICAOF alone is not in the config file: a master again after the restart
    const after = await lab.call('restartNode', { id })
    expect(after.role).toBe('master')
    expect(await run(lab, id, 'CONFIG', 'GET', 'replicaof')).toEqual({ type: 'array', value: [bulk('replicaof'), bulk('')] })
    // it kept the data it had (saved at stop)
    expect(await run(lab, id, 'GET', 'k')).toEqual(bulk('v'))

    // REPLICAOF + CONFIG REWRITE: the replicaof line survives restarts
    expect(await run(lab, id, 'REPLICAOF', '127.0.0.1', String(master!.port))).toEqual(OK)
    expect(await run(lab, id, 'CONFIG', 'REWRITE')).toEqual(OK)
    const conf = join(dataDir, 'nodes', id, 'redis.conf')
    expect(readFileSync(conf, 'latin1').split('\n')).toContain(`replicaof 127.0.0.1 ${master!.port}`)
    const again = await lab.call('restartNode', { id })
    expect(again.role).toBe('replica')
    expect(await run(lab, master!.id, 'SET', 'k2', 'v2')).toEqual(OK)
    await expect.poll(async () => run(lab, id, 'GET', 'k2'), { timeout: 10_000 }).toEqual(bulk('v2'))

    // REPLICAOF NO ONE + REWRITE removes the line again
    expect(await run(lab, id, 'REPLICAOF', 'NO', 'ONE')).toEqual(OK)
    expect(await run(lab, id, 'CONFIG', 'REWRITE')).toEqual(OK)
    expect(readFileSync(conf, 'latin1')).not.toContain('replicaof')
    expect((await lab.call('restartNode', { id })).role).toBe('master')
  })
})
