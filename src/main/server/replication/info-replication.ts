/**
 * The `# Replication` section of INFO and the ROLE reply, from a snapshot of the node's
 * replication state, with Redis 7.0's field order and the fields that appear only in
 * some states (replica-only lines, sync progress while an RDB is received, the link-down
 * timer while the link is not up).
 */
export interface ReplicaLine {
  ip: string
  port: number
  state: 'wait_bgsave' | 'send_bulk' | 'online'
  /** Last acknowledged offset. */
  offset: number
  /** Seconds since the last ACK (0 when not online). */
  lag: number
}

export interface ReplicaSideState {
  host: string
  port: number
  /** ROLE's state: connect, connecting, handshake, sync, connected. */
  linkState: 'connect' | 'connecting' | 'handshake' | 'sync' | 'connected'
  lastIoSecondsAgo: number
  readOffset: number
  appliedOffset: number
  /** Present while an RDB is being received. */
  sync?: { total: number; read: number; lastIoSecondsAgo: number }
  /** Seconds since the link went down; -1 if it never was up. */
  linkDownSinceSeconds: number
  priority: number
  readOnly: boolean
  announced: boolean
}

export interface ReplicationState {
  /** Set when the node is a replica. */
  replica: ReplicaSideState | null
  replicas: ReplicaLine[]
  /** min_slaves_good_slaves, shown only when min-replicas-to-write and -max-lag are both set. */
  goodReplicas?: number
  failoverState: 'no-failover' | 'failover-in-progress' | 'waiting-for-sync'
  replid: string
  replid2: string
  masterReplOffset: number
  secondReplOffset: number
  backlog: { size: number; active: boolean; firstByteOffset: number; histlen: number }
}

export function replicationInfoLines(s: ReplicationState): string[] {
  const lines: string[] = []
  const r = s.replica
  lines.push(`role:${r ? 'slave' : 'master'}`)
  if (r) {
    lines.push(
      `master_host:${r.host}`,
      `master_port:${r.port}`,
      `master_link_status:${r.linkState === 'connected' ? 'up' : 'down'}`,
      `master_last_io_seconds_ago:${r.lastIoSecondsAgo}`,
      `master_sync_in_progress:${r.sync ? 1 : 0}`,
      `slave_read_repl_offset:${r.readOffset}`,
      `slave_repl_offset:${r.appliedOffset}`
    )
    if (r.sync) {
      const { total, read } = r.sync
      const perc = total > 0 ? (read * 100) / total : 0
      lines.push(
        `master_sync_total_bytes:${total}`,
        `master_sync_read_bytes:${read}`,
        `master_sync_left_bytes:${total - read}`,
        `master_sync_perc:${total === -1 ? '-0.00' : perc.toFixed(2)}`,
        `master_sync_last_io_seconds_ago:${r.sync.lastIoSecondsAgo}`
      )
    }
    if (r.linkState !== 'connected') lines.push(`master_link_down_since_seconds:${r.linkDownSinceSeconds}`)
    lines.push(`slave_priority:${r.priority}`, `slave_read_only:${r.readOnly ? 1 : 0}`, `replica_announced:${r.announced ? 1 : 0}`)
  }
  lines.push(`connected_slaves:${s.replicas.length}`)
  if (s.goodReplicas !== undefined) lines.push(`min_slaves_good_slaves:${s.goodReplicas}`)
  s.replicas.forEach((x, i) => lines.push(`slave${i}:ip=${x.ip},port=${x.port},state=${x.state},offset=${x.offset},lag=${x.lag}`))
  lines.push(
    `master_failover_state:${s.failoverState}`,
    `master_replid:${s.replid}`,
    `master_replid2:${s.replid2}`,
    `master_repl_offset:${s.masterReplOffset}`,
    `second_repl_offset:${s.secondReplOffset}`,
    `repl_backlog_active:${s.backlog.active ? 1 : 0}`,
    `repl_backlog_size:${s.backlog.size}`,
    `repl_backlog_first_byte_offset:${s.backlog.active ? s.backlog.firstByteOffset : 0}`,
    `repl_backlog_histlen:${s.backlog.active ? s.backlog.histlen : 0}`
  )
  return lines
}

/** ROLE's reply as nested values: strings are bulk strings, numbers integers. */
export type RoleReply = (string | number | RoleReply)[]

export function roleReply(s: ReplicationState): RoleReply {
  const r = s.replica
  if (r) {
    const offset = r.linkState === 'connected' ? r.appliedOffset : -1
    return ['slave', r.host, r.port, r.linkState, offset]
  }
  const online = s.replicas.filter((x) => x.state === 'online')
  return ['master', s.masterReplOffset, online.map((x) => [x.ip, String(x.port), String(x.offset)])]
}
