/**
 * A real redis-server (or valkey-server) process the lab started, from a node directory
 * and redis.conf written exactly as for embedded nodes. The lab knows it only as an
 * operator would: its log file (ready or not, why it failed), its PID (signals), and the
 * Redis protocol (SHUTDOWN, and INFO/ROLE polled on the 'control' connection).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { open, readFile, rm, stat } from 'node:fs/promises'
import { createServer } from 'node:net'
import { join } from 'node:path'
import type { NodeAction, NodeSnapshot, NodeStatus } from '../../shared/api'
import { bytesToText } from '../../shared/reply'
import { NODE_CONFIG } from './embedded-node'
import type { LabFileNode } from './lab-file'
import type { LabNode, LabNodeCallbacks, LabSession, StartOptions } from './lab-node'
import { ensureNodeConfig, nodeConfigPath, setNodeConfigPort } from './node-config'
import { ProtocolPoller, sampleEvents, type ProtocolSample } from './protocol-sample'
import { RemoteSession } from './remote-session'
import { SessionPool, activityOf, cutLinkTransiently, memoryMoved, nodeSnapshot, nodeDir, sameSample, tailNodeLog } from './node-base'

const PORT_SEARCH_SPAN = 100
const READY_TIMEOUT_MS = 20_000
/** Redis waits up to shutdown-timeout (10 s) for lagging replicas, then saves: allow for both. */
const EXIT_TIMEOUT_MS = 60_000
const SAMPLE_MS = 1000
const READY = /Ready to accept connections/
/** redis-server's log line as it begins reading its dump.rdb at start. */
const LOADING = /Loading RDB produced by/
const OUTPUT_KEEP = 64 * 1024

export interface SpawnedNodeOptions extends LabNodeCallbacks<SpawnedNode> {
  id: string
  host: string
  port: number
  dataDir: string
  /** The server binary (redis-server or valkey-server). */
  binary: string
}

export class SpawnedNode implements LabNode {
  readonly engine = 'redis-server' as const
  readonly id: string
  readonly host: string
  port: number
  status: NodeStatus = 'stopped'
  portNote: string | undefined
  error: string | undefined
  emptyRestartRisk = false
  private child: ChildProcess | null = null
  private exited: Promise<void> | null = null
  /** Set while the lab itself ends the process, so its exit is not reported as unexpected. */
  private ending = false
  private readonly sessions = new SessionPool<LabSession>()
  private poller: ProtocolPoller | null = null
  private sample: ProtocolSample | null = null
  /** Its log says it is loading its dump.rdb (during start). */
  private loadingAtStart = false

  constructor(private readonly opts: SpawnedNodeOptions) {
    this.id = opts.id
    this.host = opts.host
    this.port = opts.port
  }

  get dir(): string {
    return nodeDir(this.opts.dataDir, this.id)
  }

  get logPath(): string {
    return join(this.dir, 'redis.log')
  }

  get pid(): number | undefined {
    return this.child?.pid
  }

  private get address(): string {
    return `${this.host}:${this.port}`
  }

  snapshot(): NodeSnapshot {
    return nodeSnapshot(this, {
      role: this.sample?.role ?? 'master',
      keys: this.sample?.keys ?? 0,
      memory: this.status === 'running' ? this.sample?.memory : undefined,
      activity: this.activity(),
      replication: this.status === 'running' && this.sample ? this.sample.replication : undefined,
      disabled: this.disabled()
    })
  }

  /**
   * Loading or syncing: while starting, what its log says (it answers nothing but -LOADING
   * until its dump.rdb is in); while running, its last sample.
   */
  private activity(): NodeSnapshot['activity'] {
    if (this.status === 'starting') return this.loadingAtStart ? 'loading' : undefined
    if (this.status !== 'running' || !this.sample) return undefined
    return activityOf(this.sample.loading, this.sample.replication)
  }

  disabled(): Partial<Record<NodeAction, string>> {
    return {
      healLink: "a real server's link is cut with CLIENT KILL TYPE master, which is transient: the replica reconnects by itself",
      setLinkLatency: "latency is made in the lab's network, which only embedded replicas connect through"
    }
  }

  record(): LabFileNode {
    return { id: this.id, port: this.port, engine: 'redis-server', binary: this.opts.binary }
  }

  async start(opts: StartOptions): Promise<void> {
    if (this.status === 'running' || this.status === 'starting') return
    this.error = undefined
    this.setStatus('starting')
    const path = nodeConfigPath(this.dir)
    try {
      await ensureNodeConfig(this.dir, this.id, this.host, this.port, NODE_CONFIG)
    } catch (err) {
      return this.fail(`Could not write ${path}: ${(err as Error).message}`)
    }
    const orphan = await this.orphanPid()
    if (orphan !== null) {
      return this.fail(
        `A server from an earlier run (pid ${orphan}) still runs in ${this.dir}: stop it first (kill ${orphan}), so two servers never write one dump.rdb`
      )
    }
    const wanted = this.port
    const last = opts.moveIfTaken ? Math.min(65535, wanted + PORT_SEARCH_SPAN) : wanted
    for (let port = wanted; port <= last; port++) {
      if (port !== wanted && opts.avoid.has(port)) continue
      if (port < last && !(await portFree(this.host, port))) continue
      if (port !== this.port) await setNodeConfigPort(path, port)
      this.port = port
      const outcome = await this.spawnOnce(path)
      if (outcome === 'ready') {
        if (port !== wanted) this.portNote = `Port ${wanted} was taken; using ${port}`
        this.setStatus('running')
        this.startPolling()
        return
      }
      if (outcome.inUse && port < last) continue
      return this.fail(outcome.inUse ? `Port ${port} is already in use` : outcome.message)
    }
  }

  /**
   * The pid in the node's pid file when that process still runs a server binary: left by an
   * earlier run of the app that ended without stopping its nodes.
   */
  private async orphanPid(): Promise<number | null> {
    let pid: number
    try {
      pid = Number((await readFile(join(this.dir, 'redis.pid'), 'utf8')).trim())
    } catch {
      return null
    }
    if (!Number.isInteger(pid) || pid <= 0) return null
    try {
      process.kill(pid, 0)
    } catch {
      return null
    }
    // Where /proc exists, make sure the pid was not reused by something else.
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => null)
    return cmdline === null || /(redis|valkey)-server/.test(cmdline) ? pid : null
  }

  /** Runs the binary on the config file and waits for the log's "Ready to accept connections". */
  private async spawnOnce(configPath: string): Promise<'ready' | { message: string; inUse: boolean }> {
    const logStart = await stat(this.logPath).then((s) => s.size, () => 0)
    let output = ''
    let child: ChildProcess
    try {
      child = spawn(this.opts.binary, [configPath], { cwd: this.dir, stdio: ['ignore', 'pipe', 'pipe'] })
    } catch (err) {
      return { message: `Could not run ${this.opts.binary}: ${(err as Error).message}`, inUse: false }
    }
    // Only the tail: with `logfile ""` the whole log comes this way, for as long as the process runs.
    const collect = (d: Buffer): void => {
      output = (output + d.toString()).slice(-OUTPUT_KEEP)
    }
    child.stdout!.on('data', collect)
    child.stderr!.on('data', collect)
    let exitInfo: string | null = null
    const exited = new Promise<void>((resolve) => {
      child.once('error', (err) => {
        exitInfo = `could not be run: ${err.message}`
        resolve()
      })
      child.once('exit', (code, signal) => {
        exitInfo = signal ? `was killed by ${signal}` : `exited with code ${code}`
        resolve()
      })
    })
    const deadline = Date.now() + READY_TIMEOUT_MS
    let log = ''
    while (exitInfo === null && Date.now() < deadline) {
      log = await readFrom(this.logPath, logStart)
      // In its log file, or on stdout when its redis.conf says `logfile ""`.
      if (READY.test(log) || READY.test(output)) {
        this.loadingAtStart = false
        this.attach(child, exited)
        return 'ready'
      }
      if (!this.loadingAtStart && (LOADING.test(log) || LOADING.test(output))) {
        this.loadingAtStart = true
        this.opts.onChange(this)
      }
      await new Promise((r) => setTimeout(r, 50))
    }
    this.loadingAtStart = false
    if (exitInfo === null) {
      child.kill('SIGKILL')
      await exited
      exitInfo = `was not ready within ${READY_TIMEOUT_MS / 1000} s and was killed`
    }
    log = await readFrom(this.logPath, logStart)
    const text = `${output}\n${log}`
    const inUse = /Address already in use/i.test(text)
    const detail = lastLines(text, 6)
    return { message: `${this.opts.binary} ${exitInfo}${detail ? `:\n${detail}` : ''}`, inUse }
  }

  private attach(child: ChildProcess, exited: Promise<void>): void {
    this.child = child
    this.exited = exited
    this.ending = false
    child.once('exit', (code, signal) => {
      if (this.child !== child) return
      const expected = this.ending || (code === 0 && !signal)
      this.detach()
      if (!expected) {
        const how = signal ? `was killed by ${signal}` : `exited with code ${code}`
        this.error = `The process ${how}`
        this.opts.onNotice?.(this, 'error', `${this.address} (redis-server, pid ${child.pid}) ${how}`)
      }
      this.setStatus('stopped')
    })
  }

  private startPolling(): void {
    this.sample = null
    this.poller = new ProtocolPoller(
      () => this.consoleSession('control'),
      this.address,
      SAMPLE_MS,
      (s) => this.onSample(s),
      () => undefined // a failed sample while the process runs is a moment of load; the exit handler reports deaths
    )
    this.poller.start()
  }

  private onSample(s: ProtocolSample): void {
    const prev = this.sample
    for (const e of sampleEvents(prev?.replication, s.replication)) this.opts.onReplication?.(this, e)
    // The figure last shown stays until it moves 1%, so slow drift adds up to a report.
    if (prev && !memoryMoved(prev.memory, s.memory)) s.memory = prev.memory
    this.sample = s
    if (sameSample(prev, s)) return
    this.opts.onChange(this)
  }

  private fail(message: string): never {
    this.error = message
    this.setStatus('failed')
    throw new Error(message)
  }

  async stop(): Promise<void> {
    if (!this.child || this.status !== 'running') return
    this.setStatus('stopping')
    await this.noteEmptyRestartRisk()
    const session = new RemoteSession({ host: this.host, port: this.port, replyTimeoutMs: EXIT_TIMEOUT_MS })
    this.ending = true
    try {
      const reply = await session.execute(['SHUTDOWN'])
      // Redis answers SHUTDOWN only when it refuses to exit (a failed save).
      if (reply.type === 'error') {
        this.ending = false
        this.setStatus('running')
        throw new Error(`Node ${this.address} did not stop: ${bytesToText(reply.value)}`)
      }
    } catch (err) {
      if ((err as Error).message.startsWith('Node ')) throw err
      // The connection closing is SHUTDOWN's success; the exit below confirms it.
    } finally {
      session.close()
    }
    await this.waitExit()
  }

  async crash(): Promise<void> {
    const child = this.child
    if (!child || this.status === 'stopped') return
    this.setStatus('stopping')
    await this.noteEmptyRestartRisk()
    this.ending = true
    process.kill(child.pid!, 'SIGKILL')
    await this.waitExit()
  }

  private async waitExit(): Promise<void> {
    const exited = this.exited
    if (!exited) return
    let timer: NodeJS.Timeout | undefined
    const late = new Promise<'late'>((r) => (timer = setTimeout(() => r('late'), EXIT_TIMEOUT_MS)))
    const outcome = await Promise.race([exited, late])
    clearTimeout(timer)
    if (outcome === 'late' && this.child) {
      process.kill(this.child.pid!, 'SIGKILL')
      await exited
    }
  }

  /** The data-loss trap of a master without persistence (see Lab.warnIfRestartingEmpty). */
  private async noteEmptyRestartRisk(): Promise<void> {
    const s = this.sample
    if (!s || s.role !== 'master' || s.replication.replicas.length === 0) {
      this.emptyRestartRisk = false
      return
    }
    try {
      const reply = await this.consoleSession('control').execute(['CONFIG', 'GET', 'save'])
      const value = reply.type === 'array' && reply.value?.[1]?.type === 'bulk' ? reply.value[1].value : null
      this.emptyRestartRisk = value === ''
    } catch {
      this.emptyRestartRisk = false
    }
  }

  async remove(): Promise<void> {
    try {
      await this.stop()
    } catch {
      await this.crash()
    }
    await rm(this.dir, { recursive: true, force: true })
  }

  consoleSession(name = 'console'): LabSession {
    if (this.status !== 'running' && this.status !== 'stopping') throw new Error(`Node ${this.address} is ${this.status}`)
    return this.sessions.get(name, this.address, () =>
      new RemoteSession({
        host: this.host,
        port: this.port,
        ...(name === 'control' ? { clientName: 'replication-lab-control', replyTimeoutMs: 10_000 } : {}),
        onPush: (reply) => this.opts.onConsolePush?.(this, name, reply)
      })
    )
  }

  closeSession(name: string): void {
    this.sessions.close(name)
  }

  /** The process's own log (logfile in its redis.conf, as the lab wrote it). */
  async tailLog(lines: number): Promise<string[]> {
    return tailNodeLog(this.address, this.logPath, lines)
  }

  async setLinkCut(cut: boolean): Promise<void> {
    await cutLinkTransiently(this, cut, this.sample?.replication, (m) => this.opts.onNotice?.(this, 'warning', m), this.poller)
  }

  setLinkLatency(): void {
    throw new Error(this.disabled().setLinkLatency)
  }

  private detach(): void {
    this.poller?.stop()
    this.poller = null
    this.sessions.closeAll()
    this.child = null
    this.exited = null
    this.ending = false
  }

  private setStatus(status: NodeStatus): void {
    this.status = status
    this.opts.onChange(this)
  }
}

function portFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer()
    srv.once('error', () => resolve(false))
    srv.listen({ port, host, exclusive: true }, () => srv.close(() => resolve(true)))
  })
}

async function readFrom(path: string, offset: number): Promise<string> {
  let fh
  try {
    fh = await open(path, 'r')
    const { size } = await fh.stat()
    if (size <= offset) return ''
    const buf = Buffer.alloc(Math.min(size - offset, 1 << 20))
    await fh.read(buf, 0, buf.length, offset)
    return buf.toString('utf8')
  } catch {
    return ''
  } finally {
    await fh?.close()
  }
}

function lastLines(text: string, n: number): string {
  return text.split('\n').map((l) => l.trimEnd()).filter(Boolean).slice(-n).join('\n')
}
