/**
 * The Lab API: the one contract between the renderer and the main process.
 *
 * Both transports (Electron IPC through the preload, and the WebSocket of web mode) carry
 * exactly these calls and events, and both validate what they receive with
 * `validateCall` before the lab sees it.
 */
import type { Reply } from './reply'
import type { ReplicationEvent } from './replication-events'

export type NodeStatus = 'starting' | 'running' | 'stopping' | 'stopped' | 'failed'
export type NodeRole = 'master' | 'replica'

export interface NodeSnapshot {
  /** Stable id, unique in the lab (survives restarts of the app). */
  id: string
  host: string
  port: number
  status: NodeStatus
  role: NodeRole
  /** Keys in all databases. */
  keys: number
  /** Set when the node could not get the port it asked for and took the next free one. */
  portNote?: string
  /** Why the node is in `failed`. */
  error?: string
  /** Replication as the node reports it (INFO replication), sampled every second while it runs. */
  replication?: NodeReplication
}

export interface NodeReplication {
  /** master_replid and master_repl_offset. */
  replid: string
  offset: number
  /** Set on a replica: whom it follows and how its link is. */
  master?: {
    host: string
    port: number
    /** ROLE's state of the link: connect, connecting, handshake, sync, connected. */
    link: 'connect' | 'connecting' | 'handshake' | 'sync' | 'connected'
    /** slave_repl_offset: what it applied. */
    offset: number
    /** master_last_io_seconds_ago (-1 while the link is not up). */
    lastIoSecondsAgo: number
    /** master_link_down_since_seconds (-1: up, or never connected). */
    downSinceSeconds: number
    /** Faults the lab applies to this link. */
    cut: boolean
    latencyMs: number
  }
  /** Its replicas as it lists them (slaveN lines). */
  replicas: { ip: string; port: number; state: string; offset: number; lag: number }[]
}

export interface LabInfo {
  mode: 'electron' | 'web'
  dataDir: string
  version: string
}

/** Method name → [params, result]. Params are plain JSON objects. */
export interface LabMethods {
  info: [Record<string, never>, LabInfo]
  listNodes: [Record<string, never>, NodeSnapshot[]]
  addNode: [{ port?: number }, NodeSnapshot]
  startNode: [{ id: string }, NodeSnapshot]
  /** Stops the node as SHUTDOWN does: saves when its config has save points. */
  stopNode: [{ id: string }, NodeSnapshot]
  /** Stop, then start a new server from the node's redis.conf (loading its dump.rdb). */
  restartNode: [{ id: string }, NodeSnapshot]
  /** Ends the node as a crash would: nothing saved since the last save is kept. */
  crashNode: [{ id: string }, NodeSnapshot]
  /** Stops the node; it leaves the lab and its directory is deleted. */
  removeNode: [{ id: string }, { id: string }]
  /**
   * Runs one command on one of the node's connections, exactly as redis-cli would send it.
   * `session` names the connection (default 'console'): each keeps its own state (SELECT,
   * CLIENT SETNAME…), so the inspector's key browser never changes a console's database.
   */
  execute: [{ id: string; args: string[]; session?: string }, Reply]
  /**
   * Network faults on a replica's link to its master, made in the lab's network (both nodes
   * keep running): cut drops the connection and refuses new ones until healed; latency
   * delays every byte each way.
   */
  cutLink: [{ id: string }, NodeSnapshot]
  healLink: [{ id: string }, NodeSnapshot]
  setLinkLatency: [{ id: string; ms: number }, NodeSnapshot]
}

export type LabMethod = keyof LabMethods
export type LabParams<M extends LabMethod> = LabMethods[M][0]
export type LabResult<M extends LabMethod> = LabMethods[M][1]

export const LAB_METHODS = [
  'info', 'listNodes', 'addNode', 'startNode', 'stopNode', 'restartNode', 'crashNode', 'removeNode', 'execute',
  'cutLink', 'healLink', 'setLinkLatency'
] as const satisfies readonly LabMethod[]

export type LabEvent =
  | { type: 'node-added'; node: NodeSnapshot }
  | { type: 'node-updated'; node: NodeSnapshot }
  | { type: 'node-removed'; id: string }
  | { type: 'notice'; level: 'info' | 'warning' | 'error'; message: string; nodeId?: string }
  /** Replication happenings of one node: role changes, link steps, full and partial syncs. */
  | { type: 'replication'; nodeId: string; at: number; event: ReplicationEvent }

/** The typed client the renderer talks to, whichever transport is underneath. */
export interface LabClient {
  call<M extends LabMethod>(method: M, params: LabParams<M>): Promise<LabResult<M>>
  onEvent(listener: (event: LabEvent) => void): () => void
}

/** What a failed call rejects with, on either transport. */
export class LabError extends Error {
  override name = 'LabError'
}

const MAX_ARGS = 1024 * 1024
/** Latency beyond a minute teaches nothing the timeout (repl-timeout) does not. */
const MAX_LATENCY_MS = 60_000
const MAX_ARG_BYTES = 512 * 1024 * 1024

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function isPort(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 65535
}

/** A session name: short, so a renderer cannot open connections without bound by naming them. */
function isSession(v: unknown): v is string {
  return typeof v === 'string' && /^[a-z][a-z0-9-]{0,31}$/.test(v)
}

function isId(v: unknown): v is string {
  return typeof v === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(v)
}

/**
 * Checks that an incoming call names a known method with well-formed params.
 * Returns an error message, or null when the call is acceptable.
 */
export function validateCall(method: unknown, params: unknown): string | null {
  if (typeof method !== 'string' || !(LAB_METHODS as readonly string[]).includes(method)) {
    return `unknown method ${JSON.stringify(method)}`
  }
  if (!isPlainObject(params)) return `${method}: params must be an object`
  const keys = Object.keys(params)
  const only = (...allowed: string[]): string | null => {
    const extra = keys.filter((k) => !allowed.includes(k))
    return extra.length ? `${method}: unexpected param ${extra.join(', ')}` : null
  }
  switch (method as LabMethod) {
    case 'info':
    case 'listNodes':
      return only()
    case 'addNode':
      if (params.port !== undefined && !isPort(params.port)) return 'addNode: port must be an integer from 1 to 65535'
      return only('port')
    case 'startNode':
    case 'stopNode':
    case 'restartNode':
    case 'crashNode':
    case 'removeNode':
    case 'cutLink':
    case 'healLink':
      if (!isId(params.id)) return `${method}: id must be a node id`
      return only('id')
    case 'setLinkLatency':
      if (!isId(params.id)) return 'setLinkLatency: id must be a node id'
      if (typeof params.ms !== 'number' || !Number.isInteger(params.ms) || params.ms < 0 || params.ms > MAX_LATENCY_MS) {
        return `setLinkLatency: ms must be an integer from 0 to ${MAX_LATENCY_MS}`
      }
      return only('id', 'ms')
    case 'execute': {
      if (!isId(params.id)) return 'execute: id must be a node id'
      const args = params.args
      if (!Array.isArray(args) || args.length === 0) return 'execute: args must be a non-empty array of strings'
      if (args.length > MAX_ARGS) return 'execute: too many arguments'
      let total = 0
      for (const a of args) {
        if (typeof a !== 'string') return 'execute: args must be strings'
        total += a.length
      }
      if (total > MAX_ARG_BYTES) return 'execute: arguments too large'
      if (params.session !== undefined && !isSession(params.session)) {
        return 'execute: session must be a lowercase name of at most 32 characters'
      }
      return only('id', 'args', 'session')
    }
  }
}
