/**
 * A server the lab did not start and reaches only over the Redis protocol: it follows it by
 * polling INFO/ROLE on one control connection (so changes made outside the app show up),
 * and offers what the protocol allows. Start, stop, restart and crash are not the lab's to
 * do. The password lives in this object only: never in a snapshot, never in lab.json.
 */
import type { NodeAction, NodeSnapshot, NodeStatus, TlsParams } from '../../shared/api'
import { parseInfo } from '../../shared/info-parse'
import type { LabFileNode } from './lab-file'
import { NOT_STARTED_HERE, isLoopbackHost, type LabNode, type LabNodeCallbacks, type LabSession, type SecretBox } from './lab-node'
import { ProtocolPoller, sampleEvents, sampleServer, type ProtocolSample } from './protocol-sample'
import { RemoteSession } from './remote-session'
import { SessionPool, activityOf, cutLinkTransiently, memoryMoved, nodeSnapshot, sameSample } from './node-base'

const DEFAULT_POLL_MS = 1000
const DEFAULT_CLIENT_NAME = 'replication-lab'

export interface ExternalCredentials {
  username?: string
  password?: string
  /** CLIENT SETNAME of the lab's connections. */
  name?: string
  /** TLS material; its key, like the password, lives in memory only. */
  tls?: TlsParams
}

export interface ExternalNodeOptions extends ExternalCredentials, LabNodeCallbacks<ExternalNode> {
  id: string
  host: string
  port: number
  pollMs?: number
  /** Restored from lab.json where a password had been used: it was not kept, so no reconnect. */
  passwordNeeded?: boolean
  /** Likewise for a TLS client key. */
  tlsKeyNeeded?: boolean
  /** Seals the secrets for lab.json (the OS keychain); without it they are not written at all. */
  secrets?: SecretBox
}

export class ExternalNode implements LabNode {
  readonly engine = 'external' as const
  readonly id: string
  readonly host: string
  readonly port: number
  status: NodeStatus = 'stopped'
  readonly portNote = undefined
  error: string | undefined
  emptyRestartRisk = false
  private readonly sessions = new SessionPool<LabSession>()
  private poller: ProtocolPoller | null = null
  private sample: ProtocolSample | null = null
  /** INFO server's run_id: one server reached by two addresses is still one node. */
  runId: string | null = null

  constructor(private readonly opts: ExternalNodeOptions) {
    this.id = opts.id
    this.host = opts.host
    this.port = opts.port
  }

  get address(): string {
    return `${this.host}:${this.port}`
  }

  get loopback(): boolean {
    return isLoopbackHost(this.host)
  }

  /** The credentials discovery reuses for the rest of the tree (servers of one deployment share them). */
  get credentials(): ExternalCredentials & { pollMs?: number } {
    const c: ExternalCredentials & { pollMs?: number } = {}
    if (this.opts.username !== undefined) c.username = this.opts.username
    if (this.opts.password !== undefined) c.password = this.opts.password
    if (this.opts.name !== undefined) c.name = this.opts.name
    if (this.opts.pollMs !== undefined) c.pollMs = this.opts.pollMs
    if (this.opts.tls !== undefined) c.tls = this.opts.tls
    return c
  }

  /** A secret the lab did not keep is missing: it cannot connect by itself. */
  private get missingSecret(): string | null {
    if (this.opts.passwordNeeded && this.opts.password === undefined) return 'a password'
    if (this.opts.tlsKeyNeeded && this.opts.tls?.key === undefined) return 'a TLS client key'
    return null
  }

  /** The last INFO replication read, for discovery. */
  get lastSample(): ProtocolSample | null {
    return this.sample
  }

  snapshot(): NodeSnapshot {
    const external: NonNullable<NodeSnapshot['external']> = { loopback: this.loopback }
    if (this.opts.username !== undefined) external.username = this.opts.username
    if (this.opts.name !== undefined) external.name = this.opts.name
    if (this.opts.tls !== undefined) external.tls = true
    return nodeSnapshot(this, {
      role: this.sample?.role ?? 'master',
      keys: this.sample?.keys ?? 0,
      memory: this.status === 'running' ? this.sample?.memory : undefined,
      activity: this.activity(),
      replication: this.status === 'running' && this.sample ? this.sample.replication : undefined,
      external,
      disabled: this.disabled()
    })
  }

  /** Loading or syncing, as its last sample says (only while it runs). */
  private activity(): NodeSnapshot['activity'] {
    if (this.status !== 'running' || !this.sample) return undefined
    return activityOf(this.sample.loading, this.sample.replication)
  }

  disabled(): Partial<Record<NodeAction, string>> {
    return {
      start: NOT_STARTED_HERE,
      stop: `${NOT_STARTED_HERE} (SHUTDOWN from a console if you mean to end it for good)`,
      restart: NOT_STARTED_HERE,
      crash: NOT_STARTED_HERE,
      healLink: 'a cut made with CLIENT KILL TYPE master is transient: the replica reconnects by itself',
      setLinkLatency: "latency is made in the lab's network, which a server the lab did not start does not connect through"
    }
  }

  record(): LabFileNode {
    const r: LabFileNode = { id: this.id, port: this.port, engine: 'external', host: this.host }
    if (this.opts.username !== undefined) r.username = this.opts.username
    if (this.opts.name !== undefined) r.name = this.opts.name
    if (this.opts.pollMs !== undefined) r.pollMs = this.opts.pollMs
    if (this.opts.password !== undefined || this.opts.passwordNeeded) r.passwordNeeded = true
    const box = this.opts.secrets
    if (box && this.opts.password !== undefined) r.passwordSealed = box.seal(this.opts.password)
    if (box && this.opts.tls?.key !== undefined) r.tlsKeySealed = box.seal(this.opts.tls.key)
    const tls = this.opts.tls
    if (tls) {
      r.tls = {}
      if (tls.ca !== undefined) r.tls.ca = tls.ca
      if (tls.cert !== undefined) r.tls.cert = tls.cert
      if (tls.servername !== undefined) r.tls.servername = tls.servername
      if (tls.key !== undefined || this.opts.tlsKeyNeeded) r.tlsKeyNeeded = true
    }
    return r
  }

  /**
   * Connects and reads the server once, throwing a clear error when it cannot be reached,
   * refuses the credentials, or refuses INFO/ROLE (without which the lab cannot follow it).
   */
  async connect(): Promise<void> {
    this.error = undefined
    this.setStatus('starting')
    const missing = this.missingSecret
    if (missing) {
      const where = this.opts.secrets ? 'which could not be read back from the keychain' : 'which the lab keeps in memory only (never in its files)'
      return this.fail(`${this.address} needs ${missing}, ${where}: remove this node and connect again`)
    }
    let sample: ProtocolSample
    try {
      sample = await sampleServer(this.consoleSession('control'), this.address)
    } catch (err) {
      this.closeSessions()
      return this.fail((err as Error).message)
    }
    this.sample = sample
    this.runId = await this.readRunId()
    this.setStatus('running')
    this.watch()
  }

  private async readRunId(): Promise<string | null> {
    try {
      const reply = await this.session('control').execute(['INFO', 'server'])
      if (reply.type !== 'bulk' || reply.value === null) return null
      return parseInfo(reply.value)['server']?.['run_id'] ?? null
    } catch {
      return null
    }
  }

  private watch(): void {
    // The raw session: polling goes on while the node is marked failed, to see it come back.
    this.poller = new ProtocolPoller(
      () => this.session('control'),
      this.address,
      this.opts.pollMs ?? DEFAULT_POLL_MS,
      (s) => this.onSample(s),
      (err) => this.onPollError(err)
    )
    this.poller.start()
  }

  /**
   * At lab open: connect. A server that does not answer yet is watched anyway, so the node
   * turns running when it comes back (a missing password cannot come back: no watching then).
   */
  async start(): Promise<void> {
    if (this.poller) return
    try {
      await this.connect()
    } catch (err) {
      if (!this.missingSecret) this.watch()
      throw err
    }
  }

  private onSample(s: ProtocolSample): void {
    const prev = this.sample
    const wasDown = this.status !== 'running'
    for (const e of sampleEvents(prev?.replication, s.replication)) this.opts.onReplication?.(this, e)
    // The figure last shown stays until it moves 1%, so slow drift adds up to a report.
    if (prev && !memoryMoved(prev.memory, s.memory)) s.memory = prev.memory
    this.sample = s
    if (wasDown) {
      this.error = undefined
      this.opts.onNotice?.(this, 'info', `${this.address} answers again`)
      this.setStatus('running')
      return
    }
    if (sameSample(prev, s)) return
    this.opts.onChange(this)
  }

  /** Unreachable or refusing: the card says why, and polling goes on until it answers again. */
  private onPollError(err: Error): void {
    if (this.status === 'failed' && this.error === err.message) return
    const first = this.status === 'running'
    this.error = err.message
    this.status = 'failed'
    this.opts.onChange(this)
    if (first) this.opts.onNotice?.(this, 'error', `Lost ${this.address}: ${err.message}`)
  }

  private fail(message: string): never {
    this.error = message
    this.setStatus('failed')
    throw new Error(message)
  }

  async stop(): Promise<void> {
    throw new Error(this.disabled().stop)
  }

  async crash(): Promise<void> {
    throw new Error(this.disabled().crash)
  }

  /** Leaves the lab: the lab's connections close; the server itself is not touched. */
  async remove(): Promise<void> {
    this.poller?.stop()
    this.poller = null
    this.closeSessions()
    this.status = 'stopped'
  }

  consoleSession(name = 'console'): LabSession {
    if (this.status !== 'running' && !(this.status === 'starting' && name === 'control')) {
      throw new Error(`Node ${this.address} is ${this.status}${this.error ? `: ${this.error}` : ''}`)
    }
    return this.session(name)
  }

  private session(name: string): LabSession {
    return this.sessions.get(name, this.address, () =>
      new RemoteSession({
        host: this.host,
        port: this.port,
        ...(this.opts.username !== undefined ? { username: this.opts.username } : {}),
        ...(this.opts.password !== undefined ? { password: this.opts.password } : {}),
        clientName: this.opts.name ?? DEFAULT_CLIENT_NAME,
        ...(this.opts.tls !== undefined ? { tls: this.opts.tls } : {}),
        // A server that stops answering is shown failed within a few polls, not after minutes.
        ...(name === 'control' ? { replyTimeoutMs: Math.max(5000, 5 * (this.opts.pollMs ?? DEFAULT_POLL_MS)) } : {}),
        onPush: (reply) => this.opts.onConsolePush?.(this, name, reply)
      })
    )
  }

  closeSession(name: string): void {
    this.sessions.close(name)
  }

  async tailLog(): Promise<string[]> {
    throw new Error(`${this.address} was not started by this lab: its log is on its own machine (CONFIG GET logfile says where)`)
  }

  async setLinkCut(cut: boolean): Promise<void> {
    await cutLinkTransiently(this, cut, this.sample?.replication, (m) => this.opts.onNotice?.(this, 'warning', m), this.poller)
  }

  setLinkLatency(): void {
    throw new Error(this.disabled().setLinkLatency)
  }

  private closeSessions(): void {
    this.sessions.closeAll()
  }

  private setStatus(status: NodeStatus): void {
    this.status = status
    this.opts.onChange(this)
  }
}

/** An external node's options from its lab.json record; sealed secrets come back only through the box that sealed them. */
export function externalOptions(n: LabFileNode, box?: SecretBox): Omit<ExternalNodeOptions, 'onChange'> {
  const opts: Omit<ExternalNodeOptions, 'onChange'> = { id: n.id, host: n.host!, port: n.port }
  if (n.username !== undefined) opts.username = n.username
  if (n.name !== undefined) opts.name = n.name
  if (n.pollMs !== undefined) opts.pollMs = n.pollMs
  if (n.passwordNeeded) opts.passwordNeeded = true
  if (n.tls) opts.tls = { ...n.tls }
  if (n.tlsKeyNeeded) opts.tlsKeyNeeded = true
  const open = (sealed: string | undefined): string | undefined => {
    if (!box || sealed === undefined) return undefined
    try {
      return box.open(sealed)
    } catch {
      return undefined // the node then says which secret it lacks
    }
  }
  const password = open(n.passwordSealed)
  if (password !== undefined) opts.password = password
  const key = open(n.tlsKeySealed)
  if (key !== undefined && opts.tls) opts.tls.key = key
  return opts
}
