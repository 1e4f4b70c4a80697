import { existsSync, readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { join } from 'node:path'
import { afterEach, describe, expect, test } from 'vitest'
import type { LabEvent } from '../../src/shared/api'
import { Lab } from '../../src/main/lab/lab'
import { freePort, freePortRange } from '../helpers/ports'
import { cleanups, openLab, redisCli, runCleanups } from '../helpers/lab'
import { tempDir } from '../helpers/web-mode'

function occupy(port: number): Promise<Server> {
  const s = createServer()
  return new Promise((r) => s.listen(port, '127.0.0.1', () => r(s)))
}

afterEach(runCleanups)

describe('the lab', () => {
  test('first launch: three running masters that redis-cli can talk to, each with its own redis.conf', async () => {
    const { lab, dataDir } = await openLab()
    const nodes = await lab.call('listNodes', {})
    expect(nodes.map((n) => [n.status, n.role])).toEqual([
      ['running', 'master'],
      ['running', 'master'],
      ['running', 'master']
    ])
    expect(new Set(nodes.map((n) => n.port)).size).toBe(3)
    for (const n of nodes) {
      expect(await redisCli(n.port, 'PING')).toBe('PONG')
      const conf = readFileSync(join(dataDir, 'nodes', n.id, 'redis.conf'), 'utf8')
      expect(conf).toContain(`port ${n.port}\n`)
      expect(conf).toContain('bind 127.0.0.1\n')
      expect(conf).toContain('enable-debug-command local\n')
    }
    // A write through redis-cli shows up in the node's key count.
    await redisCli(nodes[0]!.port, 'SET', 'k', 'v')
    await expect.poll(async () => (await lab.call('listNodes', {}))[0]!.keys).toBe(1)
  })

  test('a taken port moves to the next free one and says so', async () => {
    // Base and the next three free: the displaced node lands on base+3.
    const base = await freePortRange(4)
    const blocker = await occupy(base)
    cleanups.push(() => new Promise((r) => blocker.close(r)))
    const { lab, events } = await openLab(tempDir(), base)
    const [first, second, third] = await lab.call('listNodes', {})
    // The displaced node skips its siblings' ports; they keep theirs, without a note.
    expect(first!.port).toBeGreaterThan(base + 2)
    expect(first!.portNote).toBe(`Port ${base} was taken; using ${first!.port}`)
    expect([second!.port, second!.portNote, third!.port, third!.portNote]).toEqual([base + 1, undefined, base + 2, undefined])
    expect(events).toContainEqual({ type: 'notice', level: 'warning', message: first!.portNote, nodeId: first!.id })
  })

  test('the console connection: commands, errors, QUIT and reconnect, a stopped node', async () => {
    const { lab } = await openLab()
    const [node] = await lab.call('listNodes', {})
    const id = node!.id
    expect(await lab.call('execute', { id, args: ['SET', 'k', 'v'] })).toEqual({ type: 'status', value: 'OK' })
    expect(await lab.call('execute', { id, args: ['GET', 'k'] })).toEqual({ type: 'bulk', value: 'v' })
    expect(await lab.call('execute', { id, args: ['EXISTS', 'k', 'nope'] })).toEqual({ type: 'integer', value: 1 })
    expect(await lab.call('execute', { id, args: ['GET'] })).toEqual({
      type: 'error',
      value: "ERR wrong number of arguments for 'get' command"
    })
    // DEBUG is on for the lab's (loopback) clients: consistency checks use DEBUG DIGEST.
    const digest = await lab.call('execute', { id, args: ['DEBUG', 'DIGEST'] })
    expect(digest).toMatchObject({ type: 'status', value: expect.stringMatching(/^[0-9a-f]{40}$/) })
    expect(digest).not.toEqual({ type: 'status', value: '0'.repeat(40) })
    expect(await lab.call('execute', { id, args: ['QUIT'] })).toEqual({ type: 'status', value: 'OK' })
    expect(await lab.call('execute', { id, args: ['GET', 'k'] })).toEqual({ type: 'bulk', value: 'v' })

    await lab.call('stopNode', { id })
    await expect(lab.call('execute', { id, args: ['PING'] })).rejects.toThrow(`Node 127.0.0.1:${node!.port} is stopped`)
    expect(await redisCli(node!.port, 'PING')).toMatch(/Could not connect to Redis at 127\.0\.0\.1:\d+: Connection refused/)
    const started = await lab.call('startNode', { id })
    expect(started.status).toBe('running')
    expect(await redisCli(node!.port, 'PING')).toBe('PONG')
  })

  test('explicit ports: a lab port is refused, a port taken by someone else fails the start with the reason', async () => {
    const { lab } = await openLab()
    const [node] = await lab.call('listNodes', {})
    await expect(lab.call('addNode', { port: node!.port })).rejects.toThrow(`Port ${node!.port} is already used by a node of this lab`)
    const taken = await freePort()
    const blocker = await occupy(taken)
    cleanups.push(() => new Promise((r) => blocker.close(r)))
    await expect(lab.call('addNode', { port: taken })).rejects.toThrow(`Port ${taken} is already in use`)

    await lab.call('stopNode', { id: node!.id })
    const thief = await occupy(node!.port)
    await expect(lab.call('startNode', { id: node!.id })).rejects.toThrow(`Port ${node!.port} is already in use`)
    expect((await lab.call('listNodes', {}))[0]!.status).toBe('failed')
    await new Promise((r) => thief.close(r))
    expect((await lab.call('startNode', { id: node!.id })).status).toBe('running')
  })

  test('the lab file restores nodes on the next open; events tell of every change', async () => {
    const dataDir = tempDir()
    const base = await freePort()
    const first = new Lab({ dataDir, mode: 'web', version: 'test', basePort: base })
    await first.open()
    const added = await first.call('addNode', {})
    const before = (await first.call('listNodes', {})).map((n) => [n.id, n.port])
    await first.close()
    expect(existsSync(join(dataDir, 'lab.json'))).toBe(true)

    const { lab, events } = await openLab(dataDir, base)
    expect((await lab.call('listNodes', {})).map((n) => [n.id, n.port])).toEqual(before)
    expect(events.filter((e) => e.type === 'node-added')).toHaveLength(4)
    await lab.call('stopNode', { id: added.id })
    const statuses = events
      .filter((e): e is Extract<LabEvent, { type: 'node-updated' }> => e.type === 'node-updated' && e.node.id === added.id)
      .map((e) => e.node.status)
    expect(statuses.slice(-2)).toEqual(['stopping', 'stopped'])
  })
  test('named sessions are separate connections: SELECT on one leaves the console where it was', async () => {
    const { lab } = await openLab()
    const [node] = await lab.call('listNodes', {})
    const id = node!.id
    expect(await lab.call('execute', { id, args: ['SET', 'where', 'db0'] })).toEqual({ type: 'status', value: 'OK' })
    expect(await lab.call('execute', { id, args: ['SELECT', '5'], session: 'inspector' })).toEqual({ type: 'status', value: 'OK' })
    expect(await lab.call('execute', { id, args: ['SET', 'where', 'db5'], session: 'inspector' })).toEqual({ type: 'status', value: 'OK' })
    expect(await lab.call('execute', { id, args: ['GET', 'where'] })).toEqual({ type: 'bulk', value: 'db0' })
    expect(await lab.call('execute', { id, args: ['GET', 'where'], session: 'inspector' })).toEqual({ type: 'bulk', value: 'db5' })
    const ids = await lab.call('execute', { id, args: ['CLIENT', 'LIST'] })
    expect(ids.type === 'bulk' && ids.value?.trim().split('\n').length).toBe(2)
  })
})
