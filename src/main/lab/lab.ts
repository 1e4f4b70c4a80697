import { EventEmitter } from 'node:events'
import type { LabEvent, LabInfo, LabMethod, LabParams, LabResult, NodeSnapshot } from '../../shared/api'
import { LabError } from '../../shared/api'
import type { Reply } from '../../shared/reply'
import { EmbeddedNode } from './embedded-node'
import { readLabFile, writeLabFile } from './lab-file'

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
}

type Handlers = { [M in LabMethod]: (params: LabParams<M>) => Promise<LabResult<M>> }

/**
 * The orchestrator: the registry of nodes, their lifecycle, and the event stream. It knows
 * nothing of transports; Electron IPC and the web bridge both call `call()` and listen to
 * `events`.
 */
export class Lab {
  readonly events = new EventEmitter<{ event: [LabEvent] }>()
  private readonly nodes = new Map<string, EmbeddedNode>()
  private readonly basePort: number
  private readonly host: string
  private nextId = 1
  /** Lifecycle operations run one at a time, so two starts never race for one port. */
  private queue: Promise<unknown> = Promise.resolve()
  private readonly handlers: Handlers

  constructor(private readonly opts: LabOptions) {
    this.basePort = opts.basePort ?? DEFAULT_BASE_PORT
    this.host = opts.host ?? '127.0.0.1'
    this.handlers = {
      info: async () => ({ mode: this.opts.mode, dataDir: this.opts.dataDir, version: this.opts.version }),
      listNodes: async () => this.list(),
      addNode: (p) => this.serial(() => this.addNode(p.port)),
      startNode: (p) => this.serial(() => this.startNode(p.id)),
      stopNode: (p) => this.serial(() => this.stopNode(p.id)),
      restartNode: (p) => this.serial(() => this.restartNode(p.id)),
      crashNode: (p) => this.serial(() => this.crashNode(p.id)),
      removeNode: (p) => this.serial(() => this.removeNode(p.id)),
      execute: (p) => this.execute(p.id, p.args, p.session ?? 'console'),
      cutLink: async (p) => this.linkFault(p.id, (n) => n.setLinkCut(true)),
      healLink: async (p) => this.linkFault(p.id, (n) => n.setLinkCut(false)),
      setLinkLatency: async (p) => this.linkFault(p.id, (n) => n.setLinkLatency(p.ms))
    }
  }

  /** Restores the nodes of the last run and starts them; on first launch creates the tutorial's three. */
  async open(): Promise<void> {
    const saved = await readLabFile(this.opts.dataDir)
    await this.serial(async () => {
      if (saved) {
        for (const n of saved.nodes) this.nextId = Math.max(this.nextId, idNumber(n.id) + 1)
        for (const n of saved.nodes) {
          const node = this.register(n.id, n.port)
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
    await this.serial(async () => {
      // Stop = SHUTDOWN (saving per config); a node whose final save fails still goes down.
      await Promise.all([...this.nodes.values()].map((n) => n.stop().catch(() => n.crash())))
    })
  }

  private async addNode(port: number | undefined): Promise<NodeSnapshot> {
    if (port !== undefined && this.portInUseByLab(port)) {
      throw new LabError(`Port ${port} is already used by a node of this lab`)
    }
    const node = this.register(this.newId(), port ?? this.freeLabPort(this.basePort))
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
    await node.crash()
    return node.snapshot()
  }

  private async removeNode(id: string): Promise<{ id: string }> {
    const node = this.get(id)
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

  private linkFault(id: string, apply: (node: EmbeddedNode) => void): NodeSnapshot {
    const node = this.get(id)
    try {
      apply(node)
    } catch (err) {
      throw new LabError((err as Error).message)
    }
    return node.snapshot()
  }

  /**
   * Redis's classic data-loss trap: a master without persistence restarts empty, its
   * replicas resync to the empty data set and lose everything too. Say so loudly.
   */
  private warnIfRestartingEmpty(node: EmbeddedNode): void {
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

  private register(id: string, port: number): EmbeddedNode {
    const node = new EmbeddedNode({
      id,
      host: this.host,
      port,
      dataDir: this.opts.dataDir,
      onChange: (n) => this.emit({ type: 'node-updated', node: n.snapshot() }),
      onReplication: (n, event) => this.emit({ type: 'replication', nodeId: n.id, at: Date.now(), event })
    })
    this.nodes.set(id, node)
    this.emit({ type: 'node-added', node: node.snapshot() })
    return node
  }

  /** Starts a node, reporting failure as an event and in the node's status rather than throwing. */
  private async startQuietly(node: EmbeddedNode, moveIfTaken = true): Promise<void> {
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

  private get(id: string): EmbeddedNode {
    const node = this.nodes.get(id)
    if (!node) throw new LabError(`No node with id ${id}`)
    return node
  }

  private usedPorts(except?: EmbeddedNode): Set<number> {
    const ports = new Set<number>()
    for (const n of this.nodes.values()) if (n !== except) ports.add(n.port)
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
      nodes: [...this.nodes.values()].map((n) => ({ id: n.id, port: n.port }))
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

function idNumber(id: string): number {
  const m = /^node-(\d+)$/.exec(id)
  return m ? Number(m[1]) : 0
}

