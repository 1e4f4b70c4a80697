import { join } from 'node:path'
import type { NodeSnapshot, NodeStatus } from '../../shared/api'
import { RedisServer } from '../server/node'
import { ConsoleSession } from './console-session'
import { writeNodeConfig } from './node-config'

const PORT_SEARCH_SPAN = 100

/**
 * What the lab changes from Redis's defaults: DEBUG (DIGEST for consistency checks, SLEEP
 * for lessons) from loopback clients, which every lab client is.
 */
export const NODE_CONFIG: Record<string, string> = { 'enable-debug-command': 'local' }

export interface EmbeddedNodeOptions {
  id: string
  host: string
  port: number
  dataDir: string
  /** Called whenever the snapshot changes. */
  onChange(node: EmbeddedNode): void
}

/** An embedded server plus what the lab tracks about it: status, console, port history. */
export class EmbeddedNode {
  readonly id: string
  readonly host: string
  port: number
  status: NodeStatus = 'stopped'
  portNote: string | undefined
  error: string | undefined
  private server: RedisServer | null = null
  private console: ConsoleSession | null = null
  private keys = 0
  private keysTimer: NodeJS.Timeout | null = null

  constructor(private readonly opts: EmbeddedNodeOptions) {
    this.id = opts.id
    this.host = opts.host
    this.port = opts.port
  }

  get dir(): string {
    return join(this.opts.dataDir, 'nodes', this.id)
  }

  snapshot(): NodeSnapshot {
    const snap: NodeSnapshot = {
      id: this.id,
      host: this.host,
      port: this.port,
      status: this.status,
      role: 'master',
      keys: this.keys
    }
    if (this.portNote) snap.portNote = this.portNote
    if (this.error) snap.error = this.error
    return snap
  }

  /**
   * Starts the server. With `moveIfTaken`, a taken port moves to the next free one (first
   * launch, as the tutorial's ports may be in use); otherwise a taken port fails the start,
   * as it would for redis-server.
   */
  async start(opts: { moveIfTaken: boolean; avoid: Set<number> }): Promise<void> {
    if (this.status === 'running' || this.status === 'starting') return
    this.setStatus('starting')
    this.error = undefined
    const wanted = this.port
    const last = opts.moveIfTaken ? Math.min(65535, wanted + PORT_SEARCH_SPAN) : wanted
    for (let port = wanted; port <= last; port++) {
      if (port !== wanted && opts.avoid.has(port)) continue
      const server = new RedisServer({ port, host: this.host, config: NODE_CONFIG })
      try {
        await server.listen()
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE' && port < last) continue
        this.error =
          (err as NodeJS.ErrnoException).code === 'EADDRINUSE'
            ? `Port ${port} is already in use`
            : `Could not listen on ${this.host}:${port}: ${(err as Error).message}`
        this.setStatus('failed')
        throw new Error(this.error)
      }
      if (port !== wanted) this.portNote = `Port ${wanted} was taken; using ${port}`
      this.port = port
      this.server = server
      this.keys = server.keyCount()
      server.on('keys', () => this.scheduleKeys())
      await writeNodeConfig(this.dir, this.host, port, NODE_CONFIG)
      this.setStatus('running')
      return
    }
  }

  async stop(): Promise<void> {
    if (!this.server || this.status === 'stopped') return
    this.setStatus('stopping')
    this.console?.close()
    this.console = null
    const server = this.server
    this.server = null
    await server.close()
    if (this.keysTimer) clearTimeout(this.keysTimer)
    this.keysTimer = null
    this.setStatus('stopped')
  }

  consoleSession(): ConsoleSession {
    if (this.status !== 'running') throw new Error(`Node ${this.host}:${this.port} is ${this.status}`)
    this.console ??= new ConsoleSession(this.host, this.port)
    return this.console
  }

  private setStatus(status: NodeStatus): void {
    this.status = status
    this.opts.onChange(this)
  }

  /** Key counts change with every write: tell the UI at most ten times a second. */
  private scheduleKeys(): void {
    if (this.keysTimer) return
    this.keysTimer = setTimeout(() => {
      this.keysTimer = null
      if (!this.server) return
      const keys = this.server.keyCount()
      if (keys !== this.keys) {
        this.keys = keys
        this.opts.onChange(this)
      }
    }, 100)
  }
}
