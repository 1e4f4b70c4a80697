import { EventEmitter } from 'node:events'
import type { ConnectParams, ConsistencyReport, LoadStatus, LabEvent, LabInfo, LabMethod, LabParams, LabResult, NodeAction, NodeSnapshot, RealEngine } from '../../shared/api'
import { LabError, TAIL_LINES_DEFAULT, TAIL_LINES_MAX } from '../../shared/api'
import type { ReplicationInfo } from '../../shared/info-parse'
import type { Reply } from '../../shared/reply'
import type { ReplicationEvent } from '../../shared/replication-events'
import { discoverTree, sameAddress, type Address } from './discovery'
import { EmbeddedNode } from './embedded-node'
import { ExternalNode, externalOptions, type ExternalCredentials } from './external-node'
import { readLabFile, writeLabFile, type LabFileNode } from './lab-file'
import { isLoopbackHost, type LabNode, type SecretBox } from './lab-node'
import { sampleServer } from './protocol-sample'
import { findRealEngines } from './redis-binary'
import { SpawnedNode } from './spawned-node'
import { LoadGenerator, LOAD_SESSION } from './load-generator'
import { checkConsistency } from './consistency'

export const DEFAULT_BASE_PORT = 6379
/** The classic tutorial: three standalone servers on 6379, 6380 and 6381. */
const FIRST_LAUNCH_NODES = 3

export interface LabOptions {
  dataDir: string
  mode: LabInfo['mode']
  version: string
  /** Where new nodes start looking for a port (6379 unless tests say otherwise). */
  basePort?: number
  host?: string
  /** A redis-server/valkey-server binary for engine 'redis-server' (else $REPLICATION_LAB_REDIS_SERVER, else PATH). */
  redisServer?: string
  /**
   * Seals external nodes' passwords and TLS keys into lab.json (Electron: safeStorage, the OS
   * keychain). Without it (web mode) they are kept in memory only and never written.
   */
  secrets?: SecretBox
}

type Handlers = { [M in LabMethod]: (params: LabParams<M>) => Promise<LabResult<M>> }

/**
 * The orchestrator: the registry of nodes, their lifecycle, and the event stream. It knows
 * nothing of transports; Electron IPC and the web bridge both call `call()` and listen to
 * `events`.
 */
export class Lab {
  readonly events = new EventEmitter<{ event: [LabEvent] }>()
  private readonly nodes = new Map<string, LabNode>()
  /** Real server binaries, looked for once. */
  private engines: Promise<RealEngine[]> | null = null
  private readonly basePort: number
  private readonly host: string
  private nextId = 1
  /** Lifecycle operations run one at a time, so two starts never race for one port. */
  private queue: Promise<unknown> = Promise.resolve()
  private readonly handlers: Handlers
  /** Node id → its running write generator. */
  private readonly loads = new Map<string, LoadGenerator>()

  constructor(private readonly opts: LabOptions) {
    this.basePort = opts.basePort ?? DEFAULT_BASE_PORT
    this.host = opts.host ?? '127.0.0.1'
    this.handlers = {
      info: async () => ({ mode: this.opts.mode, dataDir: this.opts.dataDir, version: this.opts.version, realEngines: await this.realEngines() }),
      listNodes: async () => this.list(),
      addNode: (p) => this.serial(() => this.addNode(p.port, p.engine ?? 'embedded')),
      connectNode: (p) => this.serial(() => this.connectNode(p)),
      discover: (p) => this.serial(() => this.discover(p.id)),
      startNode: (p) => this.serial(() => this.startNode(this.allowed(p.id, 'start'))),
      stopNode: (p) => this.serial(() => this.stopNode(this.allowed(p.id, 'stop'))),
      restartNode: (p) => this.serial(() => this.restartNode(this.allowed(p.id, 'restart'))),
      crashNode: (p) => this.serial(() => this.crashNode(this.allowed(p.id, 'crash'))),
      removeNode: (p) => this.serial(() => this.removeNode(p.id)),
      execute: (p) => this.execute(p.id, p.args, p.session ?? 'console'),
      closeSession: async (p) => (this.get(p.id).closeSession(p.session), {}),
      cutLink: async (p) => this.linkFault(this.allowed(p.id, 'cutLink'), (n) => n.setLinkCut(true)),
      healLink: async (p) => this.linkFault(this.allowed(p.id, 'healLink'), (n) => n.setLinkCut(false)),
      setLinkLatency: async (p) => this.linkFault(this.allowed(p.id, 'setLinkLatency'), (n) => n.setLinkLatency(p.ms)),
      // Transports validate the bound; callers in this process (tests, the shell) get it clamped.
      tailLog: (p) => this.tailLog(p.id, Math.max(1, Math.min(TAIL_LINES_MAX, p.lines ?? TAIL_LINES_DEFAULT))),
      startLoad: async (p) => this.startLoad(p),
      stopLoad: async (p) => this.stopLoad(p.id),
      checkConsistency: (p) => this.checkConsistency(p.id)
    }
  }

  /** Restores the nodes of the last run and starts them; on first launch creates the tutorial's three. */
  async open(): Promise<void> {
    const saved = await readLabFile(this.opts.dataDir)
    await this.serial(async () => {
      if (saved) {
        for (const n of saved.nodes) this.nextId = Math.max(this.nextId, idNumber(n.id) + 1)
        for (const n of saved.nodes) {
          const node = await this.restore(n)
          await this.startQuietly(node)
        }
      } else {
        // Register all three first, so a node pushed off a taken port skips its siblings'
        // ports: the others keep 6380 and 6381 and only the displaced one carries a note.
        const nodes = []
        for (let i = 0; i < FIRST_LAUNCH_NODES; i++) nodes.push(this.register(this.newId(), this.basePort + i))
        for (const node of nodes) await this.startQuietly(node)
      }
      await this.save()
    })
  }

  call<M extends LabMethod>(method: M, params: LabParams<M>): Promise<LabResult<M>> {
    const handler = this.handlers[method] as (p: LabParams<M>) => Promise<LabResult<M>>
    return handler(params)
  }

  list(): NodeSnapshot[] {
    return [...this.nodes.values()].map((n) => n.snapshot())
  }

  /** Stops every node; the app calls this on quit. */
  async close(): Promise<void> {
    for (const gen of [...this.loads.values()]) gen.stop()
    await this.serial(async () => {
      // Stop = SHUTDOWN (saving per config); a node whose final save fails still goes down.
      // External servers are not ours to stop: the lab only lets go of its connections.
      await Promise.all(
        [...this.nodes.values()].map((n) => (n.engine === 'external' ? n.remove() : n.stop().catch(() => n.crash())))
      )
    })
  }

  private realEngines(): Promise<RealEngine[]> {
    this.engines ??= findRealEngines(this.opts.redisServer)
    return this.engines
  }

  private async addNode(port: number | undefined, engine: 'embedded' | 'redis-server'): Promise<NodeSnapshot> {
    if (port !== undefined && this.portInUseByLab(port)) {
      throw new LabError(`Port ${port} is already used by a node of this lab`)
    }
    let binary: string | undefined
    if (engine === 'redis-server') {
      binary = (await this.realEngines())[0]?.path
      if (!binary) throw new LabError('No redis-server or valkey-server binary found on PATH (or configured): only embedded nodes can be added')
    }
    const id = this.newId()
    const at = port ?? this.freeLabPort(this.basePort)
    const node = binary ? this.registerSpawned(id, at, binary) : this.register(id, at)
    // A port the user asked for is honoured or refused; a port we picked may move on.
    await this.startQuietly(node, port === undefined)
    if (node.status === 'failed') {
      // Nothing was created: take the half-made node back out rather than keep a corpse.
      this.nodes.delete(node.id)
      this.emit({ type: 'node-removed', id: node.id })
      throw new LabError(node.error ?? 'start failed')
    }
    await this.save()
    return node.snapshot()
  }

  private async startNode(id: string): Promise<NodeSnapshot> {
    const node = this.get(id)
    this.warnIfRestartingEmpty(node)
    try {
      await node.start({ moveIfTaken: false, avoid: this.usedPorts(node) })
    } catch (err) {
      throw new LabError((err as Error).message)
    }
    return node.snapshot()
  }

  private async stopNode(id: string): Promise<NodeSnapshot> {
    const node = this.get(id)
    this.loads.get(id)?.stop(`${node.host}:${node.port} was stopped`)
    try {
      await node.stop()
    } catch (err) {
      throw new LabError((err as Error).message)
    }
    return node.snapshot()
  }

  /** A stop (SHUTDOWN semantics) and a start from the node's config file. */
  private async restartNode(id: string): Promise<NodeSnapshot> {
    await this.stopNode(id)
    return this.startNode(id)
  }

  private async crashNode(id: string): Promise<NodeSnapshot> {
    const node = this.get(id)
    this.loads.get(id)?.stop(`${node.host}:${node.port} crashed`)
    await node.crash()
    return node.snapshot()
  }

  private async removeNode(id: string): Promise<{ id: string }> {
    const node = this.get(id)
    // Before the node goes: its sessions close with it, and the generator would report that instead.
    this.loads.get(id)?.stop(`${node.host}:${node.port} was removed`)
    try {
      await node.remove()
    } catch (err) {
      throw new LabError((err as Error).message)
    }
    this.nodes.delete(id)
    this.emit({ type: 'node-removed', id })
    await this.save()
    return { id }
  }

  private startLoad(p: LabParams<'startLoad'>): LoadStatus {
    const node = this.get(p.id)
    if (node.status !== 'running') throw new LabError(`${node.host}:${node.port} is ${node.status}: start it before writing to it`)
    const running = this.loads.get(p.id)
    if (running) return running.update(p)
    const gen = new LoadGenerator(p.id, p, {
      session: node.consoleSession(LOAD_SESSION),
      address: `${node.host}:${node.port}`,
      onStatus: (status) => this.emit({ type: 'load', nodeId: p.id, status }),
      onStopped: (status) => {
        if (this.loads.get(p.id) === gen) this.loads.delete(p.id)
        this.nodes.get(p.id)?.closeSession(LOAD_SESSION)
        this.emit({ type: 'load', nodeId: p.id, status })
        if (status.stoppedReason) {
          this.emit({ type: 'notice', level: 'error', nodeId: p.id, message: `Load stopped: ${status.stoppedReason}` })
        }
      }
    })
    this.loads.set(p.id, gen)
    return gen.start()
  }

  private stopLoad(id: string): LoadStatus {
    const node = this.get(id)
    const gen = this.loads.get(id)
    if (!gen) throw new LabError(`No load is running on ${node.host}:${node.port}`)
    return gen.stop()
  }

  private async checkConsistency(id: string): Promise<ConsistencyReport> {
    const node = this.get(id)
    try {
      const followers = [...this.nodes.values()].filter((n) => {
        const m = n.snapshot().replication?.master
        return n !== node && m !== undefined && sameAddress(m, node)
      })
      return await checkConsistency(node, (addr) => this.findByAddress(addr), followers)
    } catch (err) {
      throw new LabError((err as Error).message)
    }
  }

  private async linkFault(id: string, apply: (node: LabNode) => void | Promise<void>): Promise<NodeSnapshot> {
    const node = this.get(id)
    try {
      await apply(node)
    } catch (err) {
      throw new LabError((err as Error).message)
    }
    return node.snapshot()
  }

  /** The node's id when its engine can do `action`; otherwise the refusal, with the engine's reason. */
  private allowed(id: string, action: NodeAction): string {
    const node = this.get(id)
    const why = node.disabled()[action]
    if (why) throw new LabError(`Cannot ${ACTION_WORDS[action]} ${node.host}:${node.port}: ${why}`)
    return id
  }

  /** Adds a server the lab did not start; refused when unreachable, when AUTH fails, or when it may not be read. */
  private async connectNode(p: ConnectParams): Promise<NodeSnapshot> {
    const existing = this.findByAddress(p)
    if (existing) throw new LabError(`${p.host}:${p.port} is already in the lab (${existing.id})`)
    const { host, port, ...rest } = p
    let node: ExternalNode
    try {
      node = await this.connectExternal({ id: this.newId(), host, port, ...rest })
    } catch (err) {
      throw new LabError((err as Error).message)
    }
    if (!node.loopback) {
      this.emit({ type: 'notice', level: 'warning', nodeId: node.id, message: `${node.address} is not a loopback address (maybe another machine): what the lab does there changes that real server` })
    }
    await this.save()
    return node.snapshot()
  }

  /**
   * Follows INFO replication from a node through its whole tree, adding each server not yet in
   * the lab as an external node (with the credentials of the node it started from).
   */
  private async discover(id: string): Promise<NodeSnapshot[]> {
    const origin = this.get(id)
    const creds: ExternalCredentials & { pollMs?: number } = origin instanceof ExternalNode ? origin.credentials : {}
    const added: ExternalNode[] = []
    const read = async (node: LabNode): Promise<ReplicationInfo> =>
      (await sampleServer(node.consoleSession('discover'), `${node.host}:${node.port}`)).info
    try {
      await discoverTree(
        { host: origin.host, port: origin.port },
        {
          known: async (addr) => {
            const node = this.findByAddress(addr)
            if (!node) return null
            try {
              return await read(node)
            } finally {
              node.closeSession('discover')
            }
          },
          add: async (addr) => {
            const node = await this.connectExternal({ id: this.newId(), host: addr.host, port: addr.port, ...creds })
            added.push(node)
            return node.lastSample!.info
          },
          skipped: (addr, why) =>
            this.emit({ type: 'notice', level: 'warning', nodeId: id, message: `Discovery could not add ${addr.host}:${addr.port}: ${why}` })
        }
      )
    } catch (err) {
      throw new LabError((err as Error).message)
    } finally {
      if (added.length) await this.save()
    }
    return added.map((n) => n.snapshot())
  }

  private findByAddress(addr: Address): LabNode | undefined {
    return [...this.nodes.values()].find((n) => sameAddress(n, addr))
  }

  /**
   * Redis's classic data-loss trap: a master without persistence restarts empty, its
   * replicas resync to the empty data set and lose everything too. Say so loudly.
   */
  private warnIfRestartingEmpty(node: LabNode): void {
    if (!node.emptyRestartRisk) return
    node.emptyRestartRisk = false
    this.emit({
      type: 'notice',
      level: 'warning',
      nodeId: node.id,
      message:
        `${node.host}:${node.port} had replicas and no persistence (save ""): it restarts with an empty data set, ` +
        'and its replicas will resynchronise to it and lose their data too.'
    })
  }

  private async execute(id: string, args: string[], session: string): Promise<Reply> {
    const node = this.get(id)
    try {
      return await node.consoleSession(session).execute(args)
    } catch (err) {
      throw new LabError((err as Error).message)
    }
  }

  private async tailLog(id: string, lines: number): Promise<{ lines: string[] }> {
    const node = this.get(id)
    try {
      return { lines: await node.tailLog(lines) }
    } catch (err) {
      throw new LabError((err as Error).message)
    }
  }

  private register(id: string, port: number): EmbeddedNode {
    const node = new EmbeddedNode({
      id,
      host: this.host,
      port,
      dataDir: this.opts.dataDir,
      onChange: (n) => this.emit({ type: 'node-updated', node: n.snapshot() }),
      onReplication: (n, event) => this.emit({ type: 'replication', nodeId: n.id, at: Date.now(), event }),
      onConsolePush: (n, session, reply) => this.emit({ type: 'console-push', nodeId: n.id, session, reply })
    })
    this.nodes.set(id, node)
    this.emit({ type: 'node-added', node: node.snapshot() })
    return node
  }

  private registerSpawned(id: string, port: number, binary: string): SpawnedNode {
    const node = new SpawnedNode({ id, host: this.host, port, dataDir: this.opts.dataDir, binary, ...this.nodeCallbacks() })
    this.nodes.set(id, node)
    this.emit({ type: 'node-added', node: node.snapshot() })
    return node
  }

  private registerExternal(opts: Omit<ConstructorParameters<typeof ExternalNode>[0], 'onChange'>): ExternalNode {
    const node = new ExternalNode({ ...opts, ...this.secretBox(), ...this.nodeCallbacks() })
    this.nodes.set(node.id, node)
    this.emit({ type: 'node-added', node: node.snapshot() })
    return node
  }

  /**
   * A new external node joins the lab only once it answered: a server that refuses leaves no
   * trace on the graph or the timeline (its events are dropped until it is registered).
   */
  private async connectExternal(opts: Omit<ConstructorParameters<typeof ExternalNode>[0], 'onChange'>): Promise<ExternalNode> {
    const node = new ExternalNode({ ...opts, ...this.secretBox(), ...this.nodeCallbacks() })
    await node.connect()
    const twin = node.runId ? [...this.nodes.values()].find((n) => n instanceof ExternalNode && n.runId === node.runId) : undefined
    if (twin) {
      await node.remove()
      throw new Error(`${node.address} is the server already in the lab as ${twin.host}:${twin.port} (${twin.id}): same run_id`)
    }
    this.nodes.set(node.id, node)
    this.emit({ type: 'node-added', node: node.snapshot() })
    return node
  }

  private secretBox(): { secrets?: SecretBox } {
    return this.opts.secrets ? { secrets: this.opts.secrets } : {}
  }

  /** What every node engine tells the lab, turned into events. */
  private nodeCallbacks() {
    const ours = (n: LabNode): boolean => this.nodes.get(n.id) === n
    return {
      onChange: (n: LabNode) => ours(n) && this.emit({ type: 'node-updated', node: n.snapshot() }),
      onReplication: (n: LabNode, event: ReplicationEvent) => ours(n) && this.emit({ type: 'replication', nodeId: n.id, at: Date.now(), event }),
      onNotice: (n: LabNode, level: 'info' | 'warning' | 'error', message: string) => ours(n) && this.emit({ type: 'notice', level, message, nodeId: n.id }),
      onConsolePush: (n: LabNode, session: string, reply: Reply) => ours(n) && this.emit({ type: 'console-push', nodeId: n.id, session, reply })
    }
  }

  /** A node of lab.json, of whatever engine it was. */
  private async restore(n: LabFileNode): Promise<LabNode> {
    if (n.engine === 'external') {
      return this.registerExternal(externalOptions(n, this.opts.secrets))
    }
    if (n.engine === 'redis-server') {
      // The binary that ran it, else whatever is found now; with none, the start fails and says so.
      const binary = n.binary ?? (await this.realEngines())[0]?.path ?? 'redis-server'
      return this.registerSpawned(n.id, n.port, binary)
    }
    return this.register(n.id, n.port)
  }

  /** Starts a node, reporting failure as an event and in the node's status rather than throwing. */
  private async startQuietly(node: LabNode, moveIfTaken = true): Promise<void> {
    const wanted = node.port
    try {
      await node.start({ moveIfTaken, avoid: this.usedPorts(node) })
    } catch (err) {
      this.emit({ type: 'notice', level: 'error', message: (err as Error).message, nodeId: node.id })
      return
    }
    if (node.port !== wanted && node.portNote) {
      this.emit({ type: 'notice', level: 'warning', message: node.portNote, nodeId: node.id })
    }
  }

  private get(id: string): LabNode {
    const node = this.nodes.get(id)
    if (!node) throw new LabError(`No node with id ${id}`)
    return node
  }

  /** Ports on this machine the lab's nodes hold (a remote server's port is another machine's). */
  private usedPorts(except?: LabNode): Set<number> {
    const ports = new Set<number>()
    for (const n of this.nodes.values()) if (n !== except && isLoopbackHost(n.host)) ports.add(n.port)
    return ports
  }

  private portInUseByLab(port: number): boolean {
    return this.usedPorts().has(port)
  }

  /** The next port from `from` that no node of the lab holds (the OS may still refuse it). */
  private freeLabPort(from: number): number {
    const used = this.usedPorts()
    let port = from
    while (used.has(port)) port++
    return port
  }

  private newId(): string {
    return `node-${this.nextId++}`
  }

  private save(): Promise<void> {
    return writeLabFile(this.opts.dataDir, {
      version: 1,
      nodes: [...this.nodes.values()].map((n) => n.record())
    })
  }

  private serial<T>(op: () => Promise<T>): Promise<T> {
    const run = this.queue.then(op, op)
    this.queue = run.catch(() => undefined)
    return run
  }

  private emit(event: LabEvent): void {
    this.events.emit('event', event)
  }
}

const ACTION_WORDS: Record<NodeAction, string> = {
  start: 'start',
  stop: 'stop',
  restart: 'restart',
  crash: 'crash',
  remove: 'remove',
  cutLink: 'cut the link of',
  healLink: 'heal the link of',
  setLinkLatency: 'set link latency on'
}

function idNumber(id: string): number {
  const m = /^node-(\d+)$/.exec(id)
  return m ? Number(m[1]) : 0
}

