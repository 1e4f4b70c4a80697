import { rm, unlink, writeFile } from 'node:fs/promises'
import type { NodeAction, NodeReplication, NodeSnapshot, NodeStatus } from '../../shared/api'
import { lookupConfig } from '../server/config-table'
import { REDIS_VERSION, genInfoString } from '../server/info'
import { ServerLog, type LogLevel } from '../server/log'
import { RedisServer } from '../server/node'
import { ConsoleSession } from './console-session'
import type { LabFileNode } from './lab-file'
import { ConfigFileError } from '../server/config-file'
import type { LabNode, LabNodeCallbacks } from './lab-node'
import { LinkFaults } from './link-faults'
import { SessionPool, activityOf, memoryMoved, nodeSnapshot, nodeDir, tailNodeLog } from './node-base'
import { usedMemory } from './protocol-sample'
import { ensureNodeConfig, nodeConfigPath, readNodeConfig, setNodeConfigPort } from './node-config'

const PORT_SEARCH_SPAN = 100
const USER_REQUESTED = 'User requested shutdown...'

/** A node without a log file: lines are dropped. */
class SilentLog extends ServerLog {
  override log(): void {}
  override raw(): void {}
  override fromSignalHandler(): void {}
}

/**
 * What the lab changes from Redis's defaults: DEBUG (DIGEST for consistency checks, SLEEP
 * for lessons) from loopback clients, which every lab client is.
 */
export const NODE_CONFIG: Record<string, string> = { 'enable-debug-command': 'local' }

export interface EmbeddedNodeOptions extends LabNodeCallbacks<EmbeddedNode> {
  id: string
  host: string
  port: number
  dataDir: string
}

/** How often replication state (offsets, lag, link) is sampled for the UI. */
const SAMPLE_MS = 1000
/** A change of used_memory alone is told this often at most. */
const MEMORY_ONLY_MS = 5000

/**
 * An embedded server plus what the lab tracks about it: status, console, port history.
 * Like a redis-server process, a node starts as a new server from its redis.conf (loading
 * its dump.rdb), stops as SHUTDOWN does (saving per its config), and can crash (nothing
 * saved).
 */
export class EmbeddedNode implements LabNode {
  readonly engine = 'embedded' as const
  readonly id: string
  readonly host: string
  port: number
  status: NodeStatus = 'stopped'
  portNote: string | undefined
  error: string | undefined
  private server: RedisServer | null = null
  private log: ServerLog | null = null
  private pidfile = ''
  /** The log file of the last start ('' = logfile "": no log); undefined before any start read its config. */
  private logfile: string | undefined
  /** The end of the running server's shutdown, once it has begun. */
  private finished: Promise<void> | null = null
  /** The lab's connections to the server, by session name (the console, the inspector…). */
  private readonly sessions = new SessionPool<ConsoleSession>()
  private keys = 0
  private keysTimer: NodeJS.Timeout | null = null
  /** Link faults the lab applies (kept across restarts of the node, like a network would). */
  private faultSettings = { cut: false, latencyMs: 0 }
  private faults: LinkFaults | null = null
  private replication: NodeReplication | undefined
  private sampleTimer: NodeJS.Timeout | null = null
  /** used_memory as the server's INFO memory reports it, sampled with replication. */
  private memory: number | undefined
  /** When `memory` was last told. */
  private memoryAt = 0
  /** The server is reading its dump.rdb before it listens. */
  private loadingAtStart = false
  /** Set when the node went down as a master with replicas and nothing to reload. */
  emptyRestartRisk = false

  constructor(private readonly opts: EmbeddedNodeOptions) {
    this.id = opts.id
    this.host = opts.host
    this.port = opts.port
  }

  get dir(): string {
    return nodeDir(this.opts.dataDir, this.id)
  }

  get configPath(): string {
    return nodeConfigPath(this.dir)
  }

  snapshot(): NodeSnapshot {
    return nodeSnapshot(this, {
      role: this.server?.replication.isReplica ? 'replica' : 'master',
      keys: this.keys,
      memory: this.server ? this.memory : undefined,
      activity: this.loadingAtStart ? 'loading' : this.server ? activityOf(this.server.persistence.loading, this.replication) : undefined,
      replication: this.server ? this.replication : undefined
    })
  }

  /** The embedded engine does everything the lab offers. */
  disabled(): Partial<Record<NodeAction, string>> {
    return {}
  }

  record(): LabFileNode {
    return { id: this.id, port: this.port }
  }

  // ---- replication: sampled state and link faults ----

  /** Reads the server's replication state; tells the lab when it changed. */
  private sample(): void {
    const server = this.server
    if (!server) return
    const st = server.replication.state()
    const next: NodeReplication = {
      replid: st.replid,
      offset: st.masterReplOffset,
      replicas: st.replicas.map((r) => ({ ip: r.ip, port: r.port, state: r.state, offset: r.offset, lag: r.lag }))
    }
    if (st.replica) {
      next.master = {
        host: st.replica.host,
        port: st.replica.port,
        link: st.replica.linkState,
        offset: st.replica.appliedOffset,
        lastIoSecondsAgo: st.replica.lastIoSecondsAgo,
        downSinceSeconds: st.replica.linkState === 'connected' ? -1 : st.replica.linkDownSinceSeconds,
        cut: this.faultSettings.cut,
        latencyMs: this.faultSettings.latencyMs
      }
    }
    // Exactly INFO's figure (for an embedded server it is the app process's heap, shared by all of them).
    const memory = usedMemory(genInfoString(server, ['memory']))
    const replicationSame = JSON.stringify(next) === JSON.stringify(this.replication)
    // Every embedded server reports the app's one heap, which churns under load: alone, a
    // memory change is told every MEMORY_ONLY_MS at most, or 30 idle cards would redraw each second.
    const moved = memoryMoved(this.memory, memory) && (!replicationSame || Date.now() - this.memoryAt >= MEMORY_ONLY_MS)
    if (replicationSame && !moved) return
    this.replication = next
    if (moved || !replicationSame) {
      this.memory = memory
      this.memoryAt = Date.now()
    }
    this.opts.onChange(this)
  }

  /** cutLink / healLink: drop this replica's link to its master, or let it reconnect. */
  setLinkCut(cut: boolean): void {
    const faults = this.linkFaults()
    this.faultSettings.cut = cut
    faults.setCut(cut)
    this.sample()
  }

  setLinkLatency(ms: number): void {
    const faults = this.linkFaults()
    this.faultSettings.latencyMs = ms
    faults.setLatency(ms)
    this.sample()
  }

  private linkFaults(): LinkFaults {
    const server = this.server
    if (!server || this.status !== 'running') throw new Error(`Node ${this.host}:${this.port} is ${this.status}`)
    if (!server.replication.isReplica) {
      throw new Error(`Node ${this.host}:${this.port} is a master: only a replica has a link to its master`)
    }
    this.faults ??= new LinkFaults(server.replication.replica)
    return this.faults
  }

  /** A master without save points that goes down with replicas attached comes back empty. */
  private noteEmptyRestartRisk(server: RedisServer): void {
    this.emptyRestartRisk =
      !server.replication.isReplica && server.replication.master.replicas.size > 0 && server.config.get('save') === ''
  }

  /**
   * Starts a new server from the node's redis.conf (written on first start). With
   * `moveIfTaken`, a taken port moves to the next free one (first launch, as the tutorial's
   * ports may be in use) and the config file says so; otherwise a taken port fails the
   * start, as it would for redis-server.
   */
  async start(opts: { moveIfTaken: boolean; avoid: Set<number> }): Promise<void> {
    if (this.status === 'running' || this.status === 'starting') return
    this.setStatus('starting')
    this.error = undefined
    const path = this.configPath
    let values: Record<string, string>
    let notInEffect: string[]
    try {
      await ensureNodeConfig(this.dir, this.id, this.host, this.port, NODE_CONFIG)
      const loaded = await readNodeConfig(path)
      values = loaded.values
      notInEffect = loaded.notInEffect
    } catch (err) {
      const detail = err instanceof ConfigFileError ? err.fatalBlock().trim() : (err as Error).message
      return this.fail(`Bad config file ${path}: ${detail}`)
    }
    const get = (name: string): string => values[name] ?? lookupConfig(name)!.default
    const wanted = Number(get('port'))
    const replicaof = get('replicaof')
    const master = replicaof === '' ? undefined : { host: replicaof.split(' ')[0]!, port: Number(replicaof.split(' ')[1]) }
    // `logfile ""` means stdout for redis-server; a node's stdout is the app's, so it has no log then.
    this.logfile = get('logfile')
    const log = get('logfile') === ''
      ? new SilentLog()
      : new ServerLog({ logfile: get('logfile'), level: get('loglevel') as LogLevel, role: master ? 'S' : 'M' })
    log.warning('oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo')
    log.warning(`Redis version=${REDIS_VERSION}, bits=64, commit=00000000, modified=0, pid=${process.pid}, just started`)
    log.warning('Configuration loaded')
    for (const name of notInEffect) log.warning(`Option '${name}' is accepted but not in effect in lab-server`)

    const last = opts.moveIfTaken ? Math.min(65535, wanted + PORT_SEARCH_SPAN) : wanted
    for (let port = wanted; port <= last; port++) {
      if (port !== wanted && opts.avoid.has(port)) continue
      const server = new RedisServer({ port, host: this.host, config: { ...values, port: String(port) }, replicaOf: master, rdbFile: true })
      server.config.configFile = path
      server.config.on('loglevel', (v) => {
        log.level = v as LogLevel
      })
      let userRequested = false
      server.on('log', (level, msg) => {
        // prepareForShutdown's first line, once (stop() writes it if the server does not)
        if (msg === USER_REQUESTED) {
          if (userRequested) return
          userRequested = true
        }
        log.log(level, msg)
      })
      try {
        const listening = server.listen()
        // listen() marks the load synchronously before it reads the file: show it until it is done.
        if (server.persistence.loading) {
          this.loadingAtStart = true
          this.opts.onChange(this)
        }
        await listening.finally(() => {
          this.loadingAtStart = false
        })
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code
        if (code === 'EADDRINUSE' && port < last) continue
        if (code === 'EADDRINUSE') return this.fail(`Port ${port} is already in use`, log)
        if (code) return this.fail(`Could not listen on ${this.host}:${port}: ${(err as Error).message}`, log)
        return this.fail(`Could not load the data: ${(err as Error).message}`, log)
      }
      if (port !== wanted) {
        this.portNote = `Port ${wanted} was taken; using ${port}`
        await setNodeConfigPort(path, port)
      }
      this.port = port
      this.server = server
      this.log = log
      this.keys = server.keyCount()
      server.on('keys', () => this.scheduleKeys())
      // CONFIG SET port from a console moves the node, as it moves a real Redis (until restart).
      server.on('port', (p) => {
        if (p > 0) {
          this.port = p
          this.portNote = `Moved to port ${p} by CONFIG SET port`
        } else this.portNote = 'Not listening for new connections (CONFIG SET port 0)'
        this.opts.onChange(this)
      })
      server.on('replication', (e) => {
        this.opts.onReplication?.(this, e)
        if (e.type === 'role') log.role = e.role === 'master' ? 'M' : 'S'
        this.sample()
      })
      this.replication = undefined
      this.sample()
      this.sampleTimer = setInterval(() => this.sample(), SAMPLE_MS)
      this.sampleTimer.unref()
      if (this.faultSettings.cut || this.faultSettings.latencyMs > 0) {
        this.faults = new LinkFaults(server.replication.replica)
        this.faults.setCut(this.faultSettings.cut)
        this.faults.setLatency(this.faultSettings.latencyMs)
      }
      // SHUTDOWN (from a console or any client) or stop(): the server is gone.
      this.finished = null
      server.once('shutdown', () => {
        this.finished = this.finishShutdown(server)
      })
      this.pidfile = get('pidfile')
      if (this.pidfile !== '') await writeFile(this.pidfile, `${process.pid}\n`).catch(() => undefined)
      log.notice(`Running mode=standalone, port=${port}.`)
      log.warning('Server initialized')
      log.notice('Ready to accept connections')
      this.setStatus('running')
      return
    }
  }

  private fail(message: string, log?: ServerLog): never {
    log?.warning(message)
    this.error = message
    this.setStatus('failed')
    throw new Error(message)
  }

  /**
   * Stops the node as SHUTDOWN does: saves when save points are set, then closes. If the
   * save fails the node keeps running (Redis refuses to exit then) and this throws.
   */
  async stop(): Promise<void> {
    const server = this.server
    if (!server || this.status === 'stopped') return
    this.setStatus('stopping')
    this.noteEmptyRestartRisk(server)
    server.emit('log', 'warning', USER_REQUESTED)
    try {
      await server.shutdown()
    } catch (err) {
      this.setStatus('running')
      throw new Error(`Node ${this.host}:${this.port} did not stop: ${(err as Error).message}`)
    }
    await (this.finished ?? this.finishShutdown(server))
  }

  /** Ends the node as a crash would: nothing saved, the pid file left behind. */
  async crash(): Promise<void> {
    const server = this.server
    if (!server || this.status === 'stopped') return
    this.setStatus('stopping')
    this.noteEmptyRestartRisk(server)
    this.detach()
    await server.close()
    this.setStatus('stopped')
  }

  /** Stops the node and deletes its directory (config, dump, log). */
  async remove(): Promise<void> {
    await this.stop()
    await rm(this.dir, { recursive: true, force: true })
  }

  /** The last `lines` lines of the node's log file (it stays readable while the node is stopped). */
  async tailLog(lines: number): Promise<string[]> {
    const path = this.logfile
    const name = `${this.host}:${this.port}`
    if (path === undefined) throw new Error(`Node ${name} has not read its config yet, so it has no log file`)
    if (path === '') throw new Error(`Node ${name} has no log file (logfile "" in its redis.conf)`)
    return tailNodeLog(name, path, lines)
  }

  consoleSession(name = 'console'): ConsoleSession {
    if (this.status !== 'running') throw new Error(`Node ${this.host}:${this.port} is ${this.status}`)
    return this.sessions.get(
      name,
      `${this.host}:${this.port}`,
      () => new ConsoleSession(this.host, this.port, (reply) => this.opts.onConsolePush?.(this, name, reply))
    )
  }

  /** Closes one session's connection (ends its MONITOR or SUBSCRIBE); harmless when none is open. */
  closeSession(name: string): void {
    this.sessions.close(name)
  }

  /** finishShutdown's last steps, once per server. */
  private async finishShutdown(server: RedisServer): Promise<void> {
    if (this.server !== server) return
    const log = this.log
    const pidfile = this.pidfile
    this.detach()
    if (pidfile !== '') {
      log?.notice('Removing the pid file.')
      await unlink(pidfile).catch(() => undefined)
    }
    log?.warning('Redis is now ready to exit, bye bye...')
    this.setStatus('stopped')
  }

  private detach(): void {
    this.sessions.closeAll()
    if (this.sampleTimer) clearInterval(this.sampleTimer)
    this.sampleTimer = null
    void this.faults?.close()
    this.faults = null
    this.server = null
    this.log = null
    if (this.keysTimer) clearTimeout(this.keysTimer)
    this.keysTimer = null
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
