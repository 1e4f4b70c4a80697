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
/**
 * What a node is busy with beyond its process status: loading its dump.rdb at start, or (a
 * replica) in a full sync with its master. Kept apart from NodeStatus so a syncing replica
 * is still `running` to everything that checks it.
 */
export type NodeActivity = 'loading' | 'syncing'
/**
 * What runs behind a node: the lab's embedded server, a real redis-server/valkey-server
 * process the lab started, or a server the lab only connected to.
 */
export type NodeEngine = 'embedded' | 'redis-server' | 'external'
/** The lab's actions on a node that an engine may not support. */
export type NodeAction = 'start' | 'stop' | 'restart' | 'crash' | 'remove' | 'cutLink' | 'healLink' | 'setLinkLatency'

export interface NodeSnapshot {
  /** Stable id, unique in the lab (survives restarts of the app). */
  id: string
  host: string
  port: number
  status: NodeStatus
  role: NodeRole
  /** Keys in all databases. */
  keys: number
  /** used_memory from INFO memory, in bytes, sampled with replication while the node runs. */
  memory?: number
  /** Set while the node loads its RDB or (a replica) is in a full sync. */
  activity?: NodeActivity
  /** Set when the node could not get the port it asked for and took the next free one. */
  portNote?: string
  /** Why the node is in `failed`. */
  error?: string
  /** Replication as the node reports it (INFO replication), sampled every second while it runs. */
  replication?: NodeReplication
  /** The lab always sets it; absent (older snapshots) means embedded. */
  engine?: NodeEngine
  /** Set on external nodes: whether the server is on this machine (loopback), and how the lab reaches it. */
  external?: { loopback: boolean; username?: string; name?: string; tls?: boolean }
  /** Actions this node's engine cannot do, with the reason (whatever its status). */
  disabled?: Partial<Record<NodeAction, string>>
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
  /** Real server binaries found (PATH or configured): "Add node" offers engine redis-server when any is. */
  realEngines?: RealEngine[]
}

export interface RealEngine {
  engine: 'redis-server'
  /** redis-server or valkey-server */
  name: string
  path: string
  version: string
}

/** connectNode's params: a server the lab did not start, reached over the Redis protocol. */
export interface ConnectParams {
  host: string
  port: number
  username?: string
  /** Kept in the main process's memory only: never written to the lab file, never sent back. */
  password?: string
  /** The connection name the lab's connections give themselves (CLIENT SETNAME). */
  name?: string
  /** How often INFO/ROLE are polled, in ms (default 1000). */
  pollMs?: number
  /** Connect over TLS (Redis's tls-port). */
  tls?: TlsParams
}

/** TLS material as PEM text (the renderer reads files the person picks; the main process reads no paths for it). */
export interface TlsParams {
  /** CA certificate(s) the server's certificate must chain to; absent: the system's CAs. */
  ca?: string
  /** Client certificate and its key, for servers with tls-auth-clients yes. The key is kept in memory only. */
  cert?: string
  key?: string
  /** The name the server's certificate must carry, when it is not the host connected to. */
  servername?: string
}

/** Method name → [params, result]. Params are plain JSON objects. */
export interface LabMethods {
  info: [Record<string, never>, LabInfo]
  listNodes: [Record<string, never>, NodeSnapshot[]]
  addNode: [{ port?: number; engine?: 'embedded' | 'redis-server' }, NodeSnapshot]
  /** Adds a server the lab did not start (external): start, restart and crash stay disabled. */
  connectNode: [ConnectParams, NodeSnapshot]
  /** Follows INFO replication from a node and adds every server of its tree not yet in the lab; returns those added. */
  discover: [{ id: string }, NodeSnapshot[]]
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
   * Closes the connection of one session, as redis-cli's Ctrl+C does to end a MONITOR or
   * SUBSCRIBE (whose pushes arrive as `console-push` events); the next execute reconnects.
   */
  closeSession: [{ id: string; session: string }, Record<string, never>]
  /**
   * Network faults on a replica's link to its master, made in the lab's network (both nodes
   * keep running): cut drops the connection and refuses new ones until healed; latency
   * delays every byte each way.
   */
  cutLink: [{ id: string }, NodeSnapshot]
  healLink: [{ id: string }, NodeSnapshot]
  setLinkLatency: [{ id: string; ms: number }, NodeSnapshot]
  /** The last `lines` lines (default 200, at most 2000) of the node's log file. */
  tailLog: [{ id: string; lines?: number }, { lines: string[] }]
  /** Starts the node's write generator (one per node; a second start replaces the first's settings). */
  startLoad: [LoadParams, LoadStatus]
  stopLoad: [{ id: string }, LoadStatus]
  /** DEBUG DIGEST on a master and its replicas in the lab; key-by-key differences when they differ. */
  checkConsistency: [{ id: string }, ConsistencyReport]
}

/** The data types the write generator writes: string SET (EX ttl), INCR, LPUSH+LTRIM, HSET, SADD, ZADD. */
export const LOAD_TYPES = ['string', 'counter', 'list', 'hash', 'set', 'zset'] as const
export type LoadType = (typeof LOAD_TYPES)[number]
export const LOAD_MAX_OPS = 50_000
export const LOAD_MAX_KEYS = 10_000_000

export interface LoadParams {
  id: string
  /** Target writes per second, 1 to 50 000. */
  opsPerSec: number
  /** Size of the key space, 1 to 10 000 000. */
  keys: number
  /** Key name prefix (default "load:"). */
  prefix?: string
  /** The mix: key i gets types[i % types.length] (default all). */
  types?: LoadType[]
  /** EX on string SETs. */
  ttlSeconds?: number
}

export interface LoadStatus {
  nodeId: string
  running: boolean
  opsPerSec: number
  keys: number
  prefix: string
  types: LoadType[]
  ttlSeconds?: number
  /** Replies counted in the last second. */
  achievedOpsPerSec: number
  totalOps: number
  errors: number
  lastError?: string
  /** Why it stopped on its own (an error reply such as READONLY, a lost connection). */
  stoppedReason?: string
  startedAt: number
}

export type ReplicaConsistency = {
  address: string
  /** Absent when the replica is not a node of the lab (it is then not compared). */
  id?: string
  /** slave_repl_offset; the master's offset minus it is the lag. */
  offset?: number
  lagBytes?: number
  /** master_link_status as the replica reports it. */
  linkUp?: boolean
  digest?: string
  state: 'in-sync' | 'diverged' | 'catching-up' | 'not-in-lab' | 'error'
  error?: string
  diff?: KeyDiff
}

export interface KeyDiff {
  /** Keys on the master the replica lacks, keys only the replica has, keys with different values. */
  missing: number
  extra: number
  different: number
  examples: { missing: string[]; extra: string[]; different: string[] }
  /** Keys compared (database 0, SCAN). */
  compared: number
  /** Set when the comparison stopped at its bound before seeing every key. */
  truncated: boolean
}

export interface ConsistencyReport {
  masterId: string
  address: string
  at: number
  offset: number
  digest: string
  /** Every replica that is a lab node has the master's digest (others are listed as not-in-lab). */
  inSync: boolean
  replicas: ReplicaConsistency[]
}

export type LabMethod = keyof LabMethods
export type LabParams<M extends LabMethod> = LabMethods[M][0]
export type LabResult<M extends LabMethod> = LabMethods[M][1]

export const LAB_METHODS = [
  'info', 'listNodes', 'addNode', 'startNode', 'stopNode', 'restartNode', 'crashNode', 'removeNode', 'execute',
  'cutLink', 'healLink', 'setLinkLatency', 'tailLog', 'closeSession', 'connectNode', 'discover',
  'startLoad', 'stopLoad', 'checkConsistency'
] as const satisfies readonly LabMethod[]

export type LabEvent =
  | { type: 'node-added'; node: NodeSnapshot }
  | { type: 'node-updated'; node: NodeSnapshot }
  | { type: 'node-removed'; id: string }
  | { type: 'notice'; level: 'info' | 'warning' | 'error'; message: string; nodeId?: string }
  /** Replication happenings of one node: role changes, link steps, full and partial syncs. */
  | { type: 'replication'; nodeId: string; at: number; event: ReplicationEvent }
  /** A reply the node pushed on a session with no request waiting (SUBSCRIBE messages, MONITOR lines). */
  | { type: 'console-push'; nodeId: string; session: string; reply: Reply }
  /** The write generator's status, each second while it runs and once when it stops. */
  | { type: 'load'; nodeId: string; status: LoadStatus }

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
export const TAIL_LINES_DEFAULT = 200
/** A log tail is for reading on screen; more is what a file viewer is for. */
export const TAIL_LINES_MAX = 2000

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

/** A host name or IP address: letters, digits, dots, dashes, colons (IPv6); no spaces or URL parts. */
function isHost(v: unknown): v is string {
  return typeof v === 'string' && /^[A-Za-z0-9.:_-]{1,253}$/.test(v) && !/^[.-]/.test(v)
}

/** Printable ASCII without spaces: what redis-cli and ACL SETUSER accept without quoting games. */
function isCredential(v: unknown, max: number): v is string {
  return typeof v === 'string' && v.length >= 1 && v.length <= max && /^[\x21-\x7e]+$/.test(v)
}

/** A PEM bundle: text with at least one BEGIN line; a CA bundle of a few hundred certificates fits. */
const MAX_PEM_CHARS = 512 * 1024
function isPem(v: unknown): v is string {
  return typeof v === 'string' && v.length <= MAX_PEM_CHARS && /-----BEGIN [A-Z0-9 ]+-----/.test(v)
}

function tlsProblem(tls: unknown): string | null {
  if (!isPlainObject(tls)) return 'tls must be an object'
  const extra = Object.keys(tls).filter((k) => !['ca', 'cert', 'key', 'servername'].includes(k))
  if (extra.length) return `unexpected tls param ${extra.join(', ')}`
  for (const k of ['ca', 'cert', 'key'] as const) {
    if (tls[k] !== undefined && !isPem(tls[k])) return `tls.${k} must be PEM text (-----BEGIN …-----)`
  }
  if ((tls.cert === undefined) !== (tls.key === undefined)) return 'tls.cert and tls.key go together'
  if (tls.servername !== undefined && !isHost(tls.servername)) return 'tls.servername must be a host name'
  return null
}

const MIN_POLL_MS = 200
const MAX_POLL_MS = 60_000

function isId(v: unknown): v is string {
  return typeof v === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(v)
}

function isIntIn(v: unknown, min: number, max: number): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max
}

function loadProblem(p: Record<string, unknown>): string | null {
  if (!isId(p.id)) return 'startLoad: id must be a node id'
  if (!isIntIn(p.opsPerSec, 1, LOAD_MAX_OPS)) return `startLoad: opsPerSec must be an integer from 1 to ${LOAD_MAX_OPS}`
  if (!isIntIn(p.keys, 1, LOAD_MAX_KEYS)) return `startLoad: keys must be an integer from 1 to ${LOAD_MAX_KEYS}`
  if (p.prefix !== undefined && (typeof p.prefix !== 'string' || !/^[\x21-\x7e]{0,64}$/.test(p.prefix))) {
    return 'startLoad: prefix must be at most 64 printable characters without spaces'
  }
  if (p.types !== undefined) {
    if (!Array.isArray(p.types) || p.types.length === 0) return 'startLoad: types must be a non-empty array'
    const bad = p.types.filter((t) => !(LOAD_TYPES as readonly unknown[]).includes(t))
    if (bad.length) return `startLoad: types must be among ${LOAD_TYPES.join(', ')}`
  }
  if (p.ttlSeconds !== undefined && !isIntIn(p.ttlSeconds, 1, 31_536_000)) {
    return 'startLoad: ttlSeconds must be an integer from 1 to 31536000'
  }
  return null
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
      if (params.engine !== undefined && params.engine !== 'embedded' && params.engine !== 'redis-server') {
        return "addNode: engine must be 'embedded' or 'redis-server'"
      }
      return only('port', 'engine')
    case 'connectNode':
      if (!isHost(params.host)) return 'connectNode: host must be a host name or IP address'
      if (!isPort(params.port)) return 'connectNode: port must be an integer from 1 to 65535'
      if (params.username !== undefined && !isCredential(params.username, 256)) {
        return 'connectNode: username must be 1 to 256 printable characters without spaces'
      }
      if (params.password !== undefined && (typeof params.password !== 'string' || params.password.length < 1 || params.password.length > 4096)) {
        return 'connectNode: password must be a string of 1 to 4096 characters'
      }
      if (params.name !== undefined && !isCredential(params.name, 64)) {
        return 'connectNode: name must be 1 to 64 printable characters without spaces'
      }
      if (params.pollMs !== undefined && (typeof params.pollMs !== 'number' || !Number.isInteger(params.pollMs) || params.pollMs < MIN_POLL_MS || params.pollMs > MAX_POLL_MS)) {
        return `connectNode: pollMs must be an integer from ${MIN_POLL_MS} to ${MAX_POLL_MS}`
      }
      if (params.tls !== undefined) {
        const why = tlsProblem(params.tls)
        if (why) return `connectNode: ${why}`
      }
      return only('host', 'port', 'username', 'password', 'name', 'pollMs', 'tls')
    case 'startNode':
    case 'stopNode':
    case 'restartNode':
    case 'crashNode':
    case 'removeNode':
    case 'cutLink':
    case 'healLink':
    case 'discover':
    case 'stopLoad':
    case 'checkConsistency':
      if (!isId(params.id)) return `${method}: id must be a node id`
      return only('id')
    case 'startLoad':
      return loadProblem(params) ?? only('id', 'opsPerSec', 'keys', 'prefix', 'types', 'ttlSeconds')
    case 'setLinkLatency':
      if (!isId(params.id)) return 'setLinkLatency: id must be a node id'
      if (typeof params.ms !== 'number' || !Number.isInteger(params.ms) || params.ms < 0 || params.ms > MAX_LATENCY_MS) {
        return `setLinkLatency: ms must be an integer from 0 to ${MAX_LATENCY_MS}`
      }
      return only('id', 'ms')
    case 'tailLog':
      if (!isId(params.id)) return 'tailLog: id must be a node id'
      if (params.lines !== undefined && (typeof params.lines !== 'number' || !Number.isInteger(params.lines) || params.lines < 1 || params.lines > TAIL_LINES_MAX)) {
        return `tailLog: lines must be an integer from 1 to ${TAIL_LINES_MAX}`
      }
      return only('id', 'lines')
    case 'closeSession':
      if (!isId(params.id)) return 'closeSession: id must be a node id'
      if (!isSession(params.session)) return 'closeSession: session must be a lowercase name of at most 32 characters'
      return only('id', 'session')
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
