import { beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { nextTick } from 'vue'
import { LabError, type LabClient, type LabEvent, type LabMethod, type LabParams, type LabResult, type NodeSnapshot } from '@shared/api'
import type { Reply } from '@shared/reply'
import { canStart, canStop, useLabStore } from '../../src/renderer/src/stores/lab'
import { useConsolesStore } from '../../src/renderer/src/stores/consoles'
import type { ConnectionState, LabTransport } from '../../src/renderer/src/transport/types'

/**
 * A tiny in-memory lab: nodes with a port allocator, start/stop, events, and a toy
 * keyspace per node behind `execute` (a few commands, Redis-worded errors).
 */
class FakeLab implements LabTransport {
  readonly kind = 'ws' as const
  connection: ConnectionState = 'connected'
  nodes: NodeSnapshot[] = []
  calls: Array<{ method: string; params: unknown }> = []
  private listeners = new Set<(e: LabEvent) => void>()
  private connectionListeners = new Set<(s: ConnectionState) => void>()
  private data = new Map<string, Array<Map<string, string>>>()
  private dbOf = new Map<string, number>()
  private seq = 0
  takenPorts = new Set<number>()

  emit(event: LabEvent): void {
    for (const l of this.listeners) l(event)
  }

  setConnection(state: ConnectionState): void {
    this.connection = state
    for (const l of this.connectionListeners) l(state)
  }

  onEvent(listener: (e: LabEvent) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  onConnectionChange(listener: (s: ConnectionState) => void): () => void {
    this.connectionListeners.add(listener)
    return () => this.connectionListeners.delete(listener)
  }

  close(): void {}

  private update(node: NodeSnapshot, patch: Partial<NodeSnapshot>): NodeSnapshot {
    const next = { ...node, ...patch }
    this.nodes = this.nodes.map((n) => (n.id === node.id ? next : n))
    this.emit({ type: 'node-updated', node: next })
    return next
  }

  private find(id: string): NodeSnapshot {
    const node = this.nodes.find((n) => n.id === id)
    if (!node) throw new LabError(`no node ${id}`)
    return node
  }

  async call<M extends LabMethod>(method: M, params: LabParams<M>): Promise<LabResult<M>> {
    this.calls.push({ method, params })
    await Promise.resolve()
    if (this.connection !== 'connected') throw new LabError('disconnected from the lab')
    return this.handle(method, params as never) as LabResult<M>
  }

  private handle(method: LabMethod, params: { id: string; port?: number; args: string[] }): unknown {
    switch (method) {
      case 'info':
        return { mode: 'web', dataDir: '/tmp/lab', version: '0.1.0' }
      case 'listNodes':
        return this.nodes.map((n) => ({ ...n }))
      case 'addNode': {
        const wanted = params.port ?? 6379 + this.nodes.length
        let port = wanted
        while (this.takenPorts.has(port) || this.nodes.some((n) => n.port === port)) port++
        const node: NodeSnapshot = {
          id: `n${++this.seq}`,
          host: '127.0.0.1',
          port,
          status: 'running',
          role: 'master',
          keys: 0,
          ...(port !== wanted ? { portNote: `${wanted} was taken; using ${port}` } : {})
        }
        this.nodes.push(node)
        this.data.set(node.id, [new Map(), new Map()])
        this.emit({ type: 'node-added', node })
        return node
      }
      case 'startNode': {
        const node = this.find(params.id)
        if (node.status === 'running') throw new LabError(`${node.host}:${node.port} is already running`)
        return this.update(node, { status: 'running' })
      }
      case 'stopNode': {
        const node = this.find(params.id)
        if (node.status !== 'running') throw new LabError(`${node.host}:${node.port} is not running`)
        this.dbOf.set(node.id, 0)
        return this.update(node, { status: 'stopped' })
      }
      case 'execute':
        return this.execute(this.find(params.id), params.args)
    }
  }

  private execute(node: NodeSnapshot, args: string[]): Reply {
    if (node.status !== 'running') throw new LabError(`${node.host}:${node.port} is not running`)
    const dbs = this.data.get(node.id)!
    const db = dbs[this.dbOf.get(node.id) ?? 0]!
    const [name = '', ...rest] = args
    const wrongArgs: Reply = { type: 'error', value: `ERR wrong number of arguments for '${name.toLowerCase()}' command` }
    switch (name.toLowerCase()) {
      case 'ping':
        return { type: 'status', value: 'PONG' }
      case 'set':
        if (rest.length !== 2) return wrongArgs
        db.set(rest[0]!, rest[1]!)
        this.update(node, { keys: dbs.reduce((n, d) => n + d.size, 0) })
        return { type: 'status', value: 'OK' }
      case 'get':
        if (rest.length !== 1) return wrongArgs
        return { type: 'bulk', value: db.get(rest[0]!) ?? null }
      case 'incr': {
        const v = Number(db.get(rest[0]!) ?? '0')
        if (!Number.isInteger(v)) return { type: 'error', value: 'ERR value is not an integer or out of range' }
        db.set(rest[0]!, String(v + 1))
        return { type: 'integer', value: v + 1 }
      }
      case 'keys':
        return { type: 'array', value: [...db.keys()].map((k) => ({ type: 'bulk', value: k })) }
      case 'select':
        if (rest[0] !== '0' && rest[0] !== '1') return { type: 'error', value: 'ERR DB index is out of range' }
        this.dbOf.set(node.id, Number(rest[0]))
        return { type: 'status', value: 'OK' }
      case 'info':
        return { type: 'bulk', value: '# Replication\r\nrole:master\r\nconnected_slaves:0\r\n' }
      default:
        return {
          type: 'error',
          value: `ERR unknown command '${name}', with args beginning with: ${rest.map((a) => `'${a}' `).join('')}`
        }
    }
  }
}

/** Resolves once pending promise callbacks have run. */
const settle = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await Promise.resolve()
  await nextTick()
}

describe('lab store', () => {
  let lab: FakeLab

  beforeEach(() => {
    setActivePinia(createPinia())
    lab = new FakeLab()
  })

  it('lists the nodes on attach, then follows node events', async () => {
    lab.nodes.push({ id: 'a', host: '127.0.0.1', port: 6379, status: 'running', role: 'master', keys: 3 })
    const store = useLabStore()
    expect(store.loaded).toBe(false)
    store.attach(lab)
    await settle()
    expect(store.loaded).toBe(true)
    expect(store.connection).toBe('connected')
    expect(store.nodes.map((n) => n.port)).toEqual([6379])
    expect(store.info?.mode).toBe('web')

    lab.emit({ type: 'node-added', node: { id: 'b', host: '127.0.0.1', port: 6380, status: 'starting', role: 'replica', keys: 0 } })
    expect(store.nodes.map((n) => n.id)).toEqual(['a', 'b'])
    lab.emit({ type: 'node-updated', node: { id: 'b', host: '127.0.0.1', port: 6380, status: 'running', role: 'replica', keys: 3 } })
    expect(store.node('b')).toMatchObject({ status: 'running', keys: 3 })
    expect(store.nodes).toHaveLength(2)
    lab.emit({ type: 'node-removed', id: 'a' })
    expect(store.nodes.map((n) => n.id)).toEqual(['b'])
  })

  it('keeps notices from events until dismissed', async () => {
    const store = useLabStore()
    store.attach(lab)
    await settle()
    lab.emit({ type: 'notice', level: 'warning', message: 'link down', nodeId: 'x' })
    lab.emit({ type: 'notice', level: 'info', message: 'hello' })
    expect(store.notices.map((n) => [n.level, n.message, n.nodeId])).toEqual([
      ['warning', 'link down', 'x'],
      ['info', 'hello', undefined]
    ])
    store.dismiss(store.notices[0]!.id)
    expect(store.notices.map((n) => n.message)).toEqual(['hello'])
  })

  it('adds nodes once (reply and event agree) and keeps the port note', async () => {
    lab.takenPorts.add(6379)
    const store = useLabStore()
    store.attach(lab)
    await settle()
    const node = await store.addNode()
    expect(node?.port).toBe(6380)
    expect(store.nodes).toHaveLength(1)
    expect(store.nodes[0]!.portNote).toBe('6379 was taken; using 6380')
    expect(lab.calls.filter((c) => c.method === 'addNode')).toEqual([{ method: 'addNode', params: {} }])
    await store.addNode(7000)
    expect(lab.calls.at(-1)).toEqual({ method: 'addNode', params: { port: 7000 } })
    expect(store.nodes.map((n) => n.port)).toEqual([6380, 7000])
  })

  it('starts and stops nodes; refusals become notices with the reason', async () => {
    const store = useLabStore()
    store.attach(lab)
    await settle()
    const node = (await store.addNode())!
    expect(canStop(store.node(node.id)!)).toBe(true)
    expect(canStart(store.node(node.id)!)).toBe(false)

    const stopping = store.stopNode(node.id)
    expect(store.busy[node.id]).toBe('stop')
    await stopping
    expect(store.busy[node.id]).toBeUndefined()
    expect(store.node(node.id)!.status).toBe('stopped')
    expect(canStart(store.node(node.id)!)).toBe(true)

    expect(await store.stopNode(node.id)).toBeNull()
    expect(store.notices.at(-1)).toMatchObject({ level: 'error', message: 'Could not stop 127.0.0.1:6379: 127.0.0.1:6379 is not running', nodeId: node.id })

    await store.startNode(node.id)
    expect(store.node(node.id)!.status).toBe('running')
  })

  it('reports a lost connection and reloads the nodes after reconnecting', async () => {
    const store = useLabStore()
    store.attach(lab)
    await settle()
    await store.addNode()
    lab.setConnection('disconnected')
    expect(store.connection).toBe('disconnected')
    // Changes made while the renderer was away arrive with the reload.
    lab.nodes = lab.nodes.map((n) => ({ ...n, status: 'stopped' as const }))
    expect(await store.startNode(lab.nodes[0]!.id)).toBeNull()
    lab.setConnection('connected')
    await settle()
    expect(store.connection).toBe('connected')
    expect(store.nodes[0]!.status).toBe('stopped')
    expect(lab.calls.filter((c) => c.method === 'listNodes')).toHaveLength(2)
  })

  it('waits for a connecting transport before listing', async () => {
    lab.connection = 'connecting'
    const store = useLabStore()
    store.attach(lab)
    await settle()
    expect(store.connection).toBe('connecting')
    expect(lab.calls).toEqual([])
    lab.setConnection('connected')
    await settle()
    expect(store.loaded).toBe(true)
  })

  it('accepts a bare LabClient (always connected)', async () => {
    const bare: LabClient = { call: (m, p) => lab.call(m, p), onEvent: (l) => lab.onEvent(l) }
    const store = useLabStore()
    store.attach(bare)
    await settle()
    expect(store.connection).toBe('connected')
    expect(store.loaded).toBe(true)
  })
})

describe('consoles store', () => {
  let lab: FakeLab
  let id: string

  beforeEach(async () => {
    setActivePinia(createPinia())
    lab = new FakeLab()
    useLabStore().attach(lab)
    await settle()
    id = (await useLabStore().addNode())!.id
  })

  const transcript = (consoles: ReturnType<typeof useConsolesStore>): string[] =>
    consoles.entries(id).map((e) => (e.kind === 'command' ? `${e.prompt}${e.text}` : e.error ? `! ${e.text}` : e.text))

  it('echoes each line after the prompt and prints the reply as redis-cli does', async () => {
    const consoles = useConsolesStore()
    consoles.open(id)
    await consoles.run(id, 'set k "hello world"')
    await consoles.run(id, 'get k')
    await consoles.run(id, 'get nokey')
    await consoles.run(id, 'incr k')
    await consoles.run(id, 'set bin "\\xe4\\n"')
    await consoles.run(id, 'get bin')
    await consoles.run(id, 'keys *')
    expect(transcript(consoles)).toEqual([
      '127.0.0.1:6379> set k "hello world"',
      'OK',
      '127.0.0.1:6379> get k',
      '"hello world"',
      '127.0.0.1:6379> get nokey',
      '(nil)',
      '127.0.0.1:6379> incr k',
      '! (error) ERR value is not an integer or out of range',
      '127.0.0.1:6379> set bin "\\xe4\\n"',
      'OK',
      '127.0.0.1:6379> get bin',
      '"\\xe4\\n"',
      '127.0.0.1:6379> keys *',
      '1) "k"\n2) "bin"'
    ])
    expect(lab.calls.filter((c) => c.method === 'execute').at(4)).toEqual({
      method: 'execute',
      params: { id, args: ['set', 'bin', '\xe4\n'], session: 'cli' }
    })
    expect(useLabStore().node(id)!.keys).toBe(2)
  })

  it('handles local lines: empty, invalid quotes, clear, repeat, quit', async () => {
    const consoles = useConsolesStore()
    consoles.open(id)
    await consoles.run(id, '')
    await consoles.run(id, '   ')
    expect(consoles.entries(id)).toEqual([])
    expect(consoles.session(id).history).toEqual([])
    await consoles.run(id, 'set k "oops')
    expect(transcript(consoles)).toEqual(['127.0.0.1:6379> set k "oops', '! Invalid argument(s)'])
    await consoles.run(id, 'clear')
    expect(consoles.entries(id)).toEqual([])
    await consoles.run(id, '3 incr n')
    await consoles.run(id, '0 incr n')
    expect(transcript(consoles)).toEqual([
      '127.0.0.1:6379> 3 incr n',
      '(integer) 1',
      '(integer) 2',
      '(integer) 3',
      '127.0.0.1:6379> 0 incr n',
      '! Invalid redis-cli repeat command option value.'
    ])
    expect(consoles.isOpen(id)).toBe(true)
    await consoles.run(id, 'quit')
    expect(consoles.isOpen(id)).toBe(false)
    expect(consoles.openIds).toEqual([])
  })

  it('walks the history with up/down and keeps the draft', async () => {
    const consoles = useConsolesStore()
    await consoles.run(id, 'ping')
    await consoles.run(id, 'get a')
    await consoles.run(id, 'get a')
    await consoles.run(id, 'auth secret')
    expect(consoles.session(id).history).toEqual(['ping', 'get a'])
    expect(consoles.historyUp(id, 'draft')).toBe('get a')
    expect(consoles.historyUp(id, 'get a')).toBe('ping')
    expect(consoles.historyUp(id, 'ping')).toBeNull()
    expect(consoles.historyDown(id)).toBe('get a')
    expect(consoles.historyDown(id)).toBe('draft')
    expect(consoles.historyDown(id)).toBeNull()
  })

  it('shows the database and raw INFO like redis-cli, and resets when the node stops', async () => {
    const consoles = useConsolesStore()
    await consoles.run(id, 'select 1')
    expect(consoles.prompt(id)).toBe('127.0.0.1:6379[1]> ')
    await consoles.run(id, 'select 9')
    expect(consoles.prompt(id)).toBe('127.0.0.1:6379[1]> ')
    await consoles.run(id, 'info replication')
    expect(transcript(consoles).slice(-2)).toEqual(['127.0.0.1:6379[1]> info replication', '# Replication\nrole:master\nconnected_slaves:0'])
    await useLabStore().stopNode(id)
    await settle()
    expect(consoles.prompt(id)).toBe('127.0.0.1:6379> ')
    await consoles.run(id, 'ping')
    expect(transcript(consoles).slice(-1)).toEqual(['! Error: 127.0.0.1:6379 is not running'])
  })

  it('runs the lines of one console in order', async () => {
    const consoles = useConsolesStore()
    const runs = [consoles.run(id, 'incr n'), consoles.run(id, 'incr n'), consoles.run(id, 'get n')]
    await Promise.all(runs)
    expect(transcript(consoles)).toEqual([
      '127.0.0.1:6379> incr n',
      '(integer) 1',
      '127.0.0.1:6379> incr n',
      '(integer) 2',
      '127.0.0.1:6379> get n',
      '"2"'
    ])
  })

  it('opens several consoles side by side and closes the one of a removed node', async () => {
    const consoles = useConsolesStore()
    const other = (await useLabStore().addNode())!.id
    consoles.open(id)
    consoles.open(other)
    consoles.open(id)
    expect(consoles.openIds).toEqual([id, other])
    lab.emit({ type: 'node-removed', id: other })
    await settle()
    expect(consoles.openIds).toEqual([id])
  })
})
