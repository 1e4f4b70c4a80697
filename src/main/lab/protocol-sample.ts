/**
 * What the lab learns about a server it cannot look inside (a spawned redis-server, an
 * external one): INFO replication, INFO keyspace and ROLE over its control connection,
 * mapped to the NodeReplication shape embedded nodes report, so the graph treats all alike.
 */
import type { NodeReplication } from '../../shared/api'
import { parseInfo, parseReplicationInfo, type ReplicationInfo } from '../../shared/info-parse'
import { bytesToText, type Reply } from '../../shared/reply'
import type { LinkStep, ReplicationEvent } from '../../shared/replication-events'
import type { LabSession } from './lab-node'

export interface ProtocolSample {
  role: 'master' | 'replica'
  replication: NodeReplication
  keys: number
  /** used_memory (INFO memory), in bytes; undefined when the server does not report it. */
  memory: number | undefined
  /** INFO persistence's loading:1 (an RDB being loaded, at start or from a master). */
  loading: boolean
  /** The parsed INFO replication, for discovery (slaveN lines, master_host/port). */
  info: ReplicationInfo
}

type Link = NonNullable<NodeReplication['master']>['link']
const LINK_STATES: readonly Link[] = ['connect', 'connecting', 'handshake', 'sync', 'connected']

/** The text of a reply that must be a string (INFO), or a clear error naming the command. */
function text(reply: Reply, command: string, where: string): string {
  if (reply.type === 'bulk' && reply.value !== null) return reply.value
  if (reply.type === 'verbatim') return reply.value
  if (reply.type === 'error') throw new Error(`${command} refused by ${where}: ${bytesToText(reply.value)}`)
  throw new Error(`${command} on ${where} answered a ${reply.type} reply`)
}

/** What `read` finds in an INFO reply, or undefined when the server refused it. */
function optional<T>(reply: Reply, read: (text: string) => T): T | undefined {
  if (reply.type === 'bulk' && reply.value !== null) return read(reply.value)
  if (reply.type === 'verbatim') return read(reply.value)
  return undefined
}

/** ROLE's link state of a replica (`slave host port state offset`); null when ROLE is refused. */
function roleLink(reply: Reply): Link | null {
  if (reply.type !== 'array' || !reply.value || reply.value.length < 4) return null
  const [kind, , , state] = reply.value
  if (kind?.type !== 'bulk' || kind.value !== 'slave' || state?.type !== 'bulk') return null
  return LINK_STATES.includes(state.value as Link) ? (state.value as Link) : null
}

export function keyCount(keyspaceText: string): number {
  let keys = 0
  for (const value of Object.values(parseInfo(keyspaceText)['keyspace'] ?? {})) {
    const m = /(?:^|,)keys=(\d+)/.exec(value)
    if (m) keys += Number(m[1])
  }
  return keys
}

export function toNodeReplication(info: ReplicationInfo, link: Link | null): NodeReplication {
  const out: NodeReplication = {
    replid: info.replid,
    offset: info.offset,
    replicas: info.replicas.map((r) => ({ ip: r.ip, port: r.port, state: r.state, offset: r.offset, lag: r.lag }))
  }
  const m = info.master
  if (m) {
    out.master = {
      host: m.host,
      port: m.port,
      link: link ?? (m.linkUp ? 'connected' : m.syncing ? 'sync' : 'connect'),
      offset: m.offset,
      lastIoSecondsAgo: m.linkUp ? m.lastIoSecondsAgo : -1,
      downSinceSeconds: m.linkUp ? -1 : (m.downSinceSeconds ?? -1),
      // Nothing in the lab's network sits between a real replica and its master.
      cut: false,
      latencyMs: 0
    }
  }
  return out
}

/** used_memory from INFO memory's text; undefined when absent. */
export function usedMemory(memoryText: string): number | undefined {
  const v = parseInfo(memoryText)['memory']?.['used_memory']
  const n = v === undefined ? NaN : Number(v)
  return Number.isFinite(n) && n >= 0 ? n : undefined
}

/**
 * One sample: five commands, pipelined on the control connection (one INFO per section, as
 * servers before Redis 7 take a single section).
 */
export async function sampleServer(session: LabSession, where: string): Promise<ProtocolSample> {
  const [repl, keyspace, role, memory, persistence] = await Promise.all([
    session.execute(['INFO', 'replication']),
    session.execute(['INFO', 'keyspace']),
    session.execute(['ROLE']),
    session.execute(['INFO', 'memory']),
    session.execute(['INFO', 'persistence'])
  ])
  const info = parseReplicationInfo(text(repl!, 'INFO replication', where))
  if (!info) throw new Error(`INFO replication on ${where} has no role: not a Redis server?`)
  return {
    role: info.role,
    replication: toNodeReplication(info, roleLink(role!)),
    keys: keyCount(text(keyspace!, 'INFO keyspace', where)),
    // A server that refuses these (renamed commands, ACL) still shows its replication.
    memory: optional(memory!, (t) => usedMemory(t)),
    loading: optional(persistence!, (t) => parseInfo(t)['persistence']?.['loading'] === '1') ?? false,
    info
  }
}

/** The role and link changes between two samples, worded as the embedded nodes report them. */
export function sampleEvents(prev: NodeReplication | undefined, next: NodeReplication): ReplicationEvent[] {
  if (!prev) return []
  const events: ReplicationEvent[] = []
  const pm = prev.master
  const nm = next.master
  if (!pm && nm) events.push({ type: 'role', role: 'replica', master: `${nm.host}:${nm.port}` })
  else if (pm && !nm) events.push({ type: 'role', role: 'master' })
  else if (pm && nm && (pm.host !== nm.host || pm.port !== nm.port)) events.push({ type: 'role', role: 'replica', master: `${nm.host}:${nm.port}` })
  if (nm && nm.link !== pm?.link) {
    const state: LinkStep = nm.link === 'connect' ? 'down' : nm.link
    events.push({ type: 'link', state })
  }
  return events
}

/**
 * Samples a server every `intervalMs` over its control connection. One sample at a time: a
 * slow server delays the next tick rather than piling requests up.
 */
export class ProtocolPoller {
  private timer: NodeJS.Timeout | null = null
  private running = false
  private stopped = true

  constructor(
    private readonly session: () => LabSession,
    private readonly where: string,
    private readonly intervalMs: number,
    private readonly onSample: (s: ProtocolSample) => void,
    private readonly onError: (err: Error) => void
  ) {}

  start(): void {
    this.stopped = false
    this.schedule(0)
  }

  stop(): void {
    this.stopped = true
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
  }

  /** Samples now (after an action whose effect the UI should show at once). */
  async now(): Promise<void> {
    if (this.running || this.stopped) return
    this.running = true
    try {
      const s = await sampleServer(this.session(), this.where)
      if (!this.stopped) this.onSample(s)
    } catch (err) {
      if (!this.stopped) this.onError(err as Error)
    } finally {
      this.running = false
    }
  }

  private schedule(ms: number): void {
    if (this.stopped) return
    this.timer = setTimeout(async () => {
      await this.now()
      this.schedule(this.intervalMs)
    }, ms)
    this.timer.unref()
  }
}
