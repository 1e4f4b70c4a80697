/**
 * INFO text → fields, and `INFO replication` → a typed structure.
 *
 * Works on the text exactly as Redis 7 prints it (CRLF lines, `# Section` headers,
 * `field:value`), so it reads a real redis-server as well as an embedded node.
 */

/** Section name (lower case, e.g. "replication") → field → raw value. */
export type InfoSections = Record<string, Record<string, string>>

export function parseInfo(text: string): InfoSections {
  const sections: InfoSections = {}
  let current: Record<string, string> = {}
  sections[''] = current
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '')
    if (line === '') continue
    if (line.startsWith('#')) {
      const name = line.slice(1).trim().toLowerCase()
      current = sections[name] ??= {}
      continue
    }
    const colon = line.indexOf(':')
    if (colon <= 0) continue
    current[line.slice(0, colon)] = line.slice(colon + 1)
  }
  if (Object.keys(sections['']!).length === 0) delete sections['']
  return sections
}

/** `slave0:ip=127.0.0.1,port=6380,state=online,offset=95,lag=1` as the master sees it. */
export interface ReplicaEntry {
  ip: string
  port: number
  /** wait_bgsave, send_bulk, online… */
  state: string
  offset: number
  lag: number
}

export interface MasterLink {
  host: string
  port: number
  /** master_link_status */
  linkUp: boolean
  /** master_sync_in_progress:1 — a full sync is being received. */
  syncing: boolean
  /** master_last_io_seconds_ago (-1 while never connected) */
  lastIoSecondsAgo: number
  /** master_link_down_since_seconds, when the link is down */
  downSinceSeconds: number | null
  /** slave_repl_offset */
  offset: number
  readOnly: boolean
}

export interface ReplicationInfo {
  role: 'master' | 'replica'
  /** Set when role is replica. */
  master: MasterLink | null
  /** The replicas connected to this node (a replica can have its own: chains). */
  replicas: ReplicaEntry[]
  replid: string
  replid2: string
  /** master_repl_offset */
  offset: number
  secondOffset: number
  backlogActive: boolean
  backlogSize: number
  backlogFirstByteOffset: number
  backlogHistlen: number
}

function int(v: string | undefined, fallback = 0): number {
  if (v === undefined) return fallback
  const n = Number.parseInt(v, 10)
  return Number.isFinite(n) ? n : fallback
}

/** `a=1,b=2` → { a: '1', b: '2' } */
function parseKv(value: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const part of value.split(',')) {
    const eq = part.indexOf('=')
    if (eq > 0) out[part.slice(0, eq)] = part.slice(eq + 1)
  }
  return out
}

/**
 * Reads the `# Replication` section (from `INFO replication` or a full `INFO`).
 * Returns null when the text has no replication section or no role: not an INFO reply.
 */
export function parseReplicationInfo(text: string): ReplicationInfo | null {
  const sections = parseInfo(text)
  const f = sections['replication'] ?? sections['']
  if (!f || (f['role'] !== 'master' && f['role'] !== 'slave')) return null
  const replicas: ReplicaEntry[] = []
  for (let i = 0; f[`slave${i}`] !== undefined; i++) {
    const kv = parseKv(f[`slave${i}`]!)
    replicas.push({
      ip: kv['ip'] ?? '',
      port: int(kv['port']),
      state: kv['state'] ?? '',
      offset: int(kv['offset']),
      lag: int(kv['lag'])
    })
  }
  const isReplica = f['role'] === 'slave'
  return {
    role: isReplica ? 'replica' : 'master',
    master: isReplica
      ? {
          host: f['master_host'] ?? '',
          port: int(f['master_port']),
          linkUp: f['master_link_status'] === 'up',
          syncing: f['master_sync_in_progress'] === '1',
          lastIoSecondsAgo: int(f['master_last_io_seconds_ago'], -1),
          downSinceSeconds: f['master_link_down_since_seconds'] === undefined ? null : int(f['master_link_down_since_seconds'], -1),
          offset: int(f['slave_repl_offset']),
          readOnly: f['slave_read_only'] !== '0'
        }
      : null,
    replicas,
    replid: f['master_replid'] ?? '',
    replid2: f['master_replid2'] ?? '',
    offset: int(f['master_repl_offset']),
    secondOffset: int(f['second_repl_offset'], -1),
    backlogActive: f['repl_backlog_active'] === '1',
    backlogSize: int(f['repl_backlog_size']),
    backlogFirstByteOffset: int(f['repl_backlog_first_byte_offset']),
    backlogHistlen: int(f['repl_backlog_histlen'])
  }
}
