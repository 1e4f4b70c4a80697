/**
 * INFO (genRedisInfoString): sections, field names and order as Redis 7.0 prints them.
 * Fields that make no sense for an embedded server keep Redis's names with neutral values.
 */
import os from 'node:os'
import type { RedisServer } from './node'
import { replicationInfoLines } from './replication/info-replication'
import { blockedClients } from './blocking'
import { outputBufferBytes, serverMetrics } from './metrics'
import { humanBytes } from '../../shared/human-bytes'

export const REDIS_VERSION = '7.0.15'

/** Sections INFO prints without arguments (and for "default"). */
const DEFAULT_SECTIONS = [
  'server', 'clients', 'memory', 'persistence', 'stats', 'replication', 'cpu', 'module_list',
  'errorstats', 'cluster', 'keyspace'
]

type Fields = [string, string | number][]

/**
 * mem_clients_normal: what the clients hold (their buffers, unsent output and a fixed
 * per-client cost, like tot-mem in CLIENT LIST).
 */
function clientsMemory(server: RedisServer): number {
  let total = 0
  for (const c of server.clients.values()) total += 1024 + c.parser.pending + outputBufferBytes(c)
  return total
}

function section(title: string, fields: Fields): string {
  let s = `# ${title}\r\n`
  for (const [k, v] of fields) s += `${k}:${v}\r\n`
  return s
}

/** Section selection (genInfoSectionDict): `args` are the INFO arguments as text. */
export function infoSections(args: string[]): { sections: Set<string>; all: boolean; everything: boolean } {
  if (args.length === 0) return { sections: new Set(DEFAULT_SECTIONS), all: false, everything: false }
  const sections = new Set<string>()
  let all = false
  let everything = false
  for (const a of args) {
    const lower = a.toLowerCase()
    if (lower === 'default') for (const s of DEFAULT_SECTIONS) sections.add(s)
    else if (lower === 'all') all = true
    else if (lower === 'everything') all = everything = true
    else sections.add(lower)
  }
  return { sections, all, everything }
}

export function genInfoString(server: RedisServer, args: string[]): string {
  const { sections, all } = infoSections(args)
  const want = (name: string): boolean => all || sections.has(name)
  const out: string[] = []
  const now = Date.now()
  const uptime = Math.floor((now - server.startTime) / 1000)

  if (want('server')) {
    out.push(section('Server', [
      ['redis_version', REDIS_VERSION],
      ['redis_git_sha1', '00000000'],
      ['redis_git_dirty', 0],
      ['redis_build_id', '0000000000000000'],
      ['redis_mode', 'standalone'],
      ['os', `${os.type()} ${os.release()} ${os.machine()}`],
      ['arch_bits', process.arch.endsWith('64') ? 64 : 32],
      ['monotonic_clock', 'POSIX clock_gettime'],
      ['multiplexing_api', 'node'],
      ['atomicvar_api', 'c11-builtin'],
      ['gcc_version', '0.0.0'],
      ['process_id', process.pid],
      ['process_supervised', 'no'],
      ['run_id', server.runId],
      ['tcp_port', server.port],
      ['server_time_usec', now * 1000],
      ['uptime_in_seconds', uptime],
      ['uptime_in_days', Math.floor(uptime / 86400)],
      ['hz', server.hz],
      ['configured_hz', server.hz],
      ['lru_clock', Math.floor(now / 1000) & ((1 << 24) - 1)],
      ['executable', process.execPath],
      ['config_file', ''],
      ['io_threads_active', 0]
    ]))
  }
  const metrics = serverMetrics(server)
  if (want('clients')) {
    const peaks = metrics.recentMaxBuffers()
    let inTimeoutTable = 0
    for (const c of server.clients.values()) if (c.blocked && c.blocked.deadline > 0) inTimeoutTable++
    out.push(section('Clients', [
      // Replicas are listed in the Replication section, not counted as clients.
      ['connected_clients', server.clients.size - server.replication.master.replicas.size],
      ['cluster_connections', 0],
      ['maxclients', server.maxClients],
      ['client_recent_max_input_buffer', peaks.input],
      ['client_recent_max_output_buffer', peaks.output],
      // Clients blocked on keys (BLPOP…); CLIENT PAUSE's postponed ones are not counted.
      ['blocked_clients', blockedClients(server)],
      // No CLIENT TRACKING here.
      ['tracking_clients', 0],
      ['clients_in_timeout_table', inTimeoutTable]
    ]))
  }
  if (want('memory')) {
    const mem = process.memoryUsage()
    const used = mem.heapUsed + mem.external
    const total = os.totalmem()
    out.push(section('Memory', [
      ['used_memory', used],
      ['used_memory_human', humanBytes(used)],
      ['used_memory_rss', mem.rss],
      ['used_memory_rss_human', humanBytes(mem.rss)],
      ['used_memory_peak', used],
      ['used_memory_peak_human', humanBytes(used)],
      ['used_memory_peak_perc', '100.00%'],
      ['used_memory_overhead', 0],
      ['used_memory_startup', 0],
      ['used_memory_dataset', used],
      ['used_memory_dataset_perc', '100.00%'],
      ['allocator_allocated', mem.heapUsed],
      ['allocator_active', mem.heapTotal],
      ['allocator_resident', mem.rss],
      ['total_system_memory', total],
      ['total_system_memory_human', humanBytes(total)],
      ['used_memory_lua', 0],
      ['used_memory_vm_eval', 0],
      ['used_memory_lua_human', '0B'],
      ['used_memory_scripts_eval', 0],
      ['number_of_cached_scripts', 0],
      ['number_of_functions', 0],
      ['number_of_libraries', 0],
      ['used_memory_vm_functions', 0],
      ['used_memory_vm_total', 0],
      ['used_memory_vm_total_human', '0B'],
      ['used_memory_functions', 0],
      ['used_memory_scripts', 0],
      ['used_memory_scripts_human', '0B'],
      ['maxmemory', 0],
      ['maxmemory_human', '0B'],
      ['maxmemory_policy', 'noeviction'],
      ['allocator_frag_ratio', '1.00'],
      ['allocator_frag_bytes', 0],
      ['allocator_rss_ratio', '1.00'],
      ['allocator_rss_bytes', 0],
      ['rss_overhead_ratio', '1.00'],
      ['rss_overhead_bytes', 0],
      ['mem_fragmentation_ratio', (mem.rss / Math.max(1, used)).toFixed(2)],
      ['mem_fragmentation_bytes', mem.rss - used],
      ['mem_not_counted_for_evict', 0],
      ['mem_replication_backlog', 0],
      ['mem_total_replication_buffers', 0],
      ['mem_clients_slaves', 0],
      ['mem_clients_normal', clientsMemory(server)],
      ['mem_cluster_links', 0],
      ['mem_aof_buffer', 0],
      ['mem_allocator', 'v8'],
      ['active_defrag_running', 0],
      ['lazyfree_pending_objects', 0],
      ['lazyfreed_objects', 0]
    ]))
  }
  if (want('persistence')) {
    const p = server.persistence // P: persistence/persistence.ts
    const bgStart = p.bgsaveStart
    out.push(section('Persistence', [
      ['loading', p.loading ? 1 : 0],
      ['async_loading', 0],
      ['current_cow_peak', 0],
      ['current_cow_size', 0],
      ['current_cow_size_age', 0],
      ['current_fork_perc', '0.00'],
      ['current_save_keys_processed', 0],
      ['current_save_keys_total', 0],
      ['rdb_changes_since_last_save', server.stats.dirty],
      ['rdb_bgsave_in_progress', bgStart === null ? 0 : 1],
      ['rdb_last_save_time', server.lastSaveTime],
      ['rdb_last_bgsave_status', p.lastBgsaveOk ? 'ok' : 'err'],
      ['rdb_last_bgsave_time_sec', p.lastBgsaveTimeSec],
      ['rdb_current_bgsave_time_sec', bgStart === null ? -1 : Math.floor((Date.now() - bgStart) / 1000)],
      ['rdb_saves', p.saves],
      ['rdb_last_cow_size', p.lastCowSize],
      ['rdb_last_load_keys_expired', p.lastLoadKeysExpired],
      ['rdb_last_load_keys_loaded', p.lastLoadKeysLoaded],
      ['aof_enabled', 0],
      ['aof_rewrite_in_progress', 0],
      ['aof_rewrite_scheduled', 0],
      ['aof_last_rewrite_time_sec', -1],
      ['aof_current_rewrite_time_sec', -1],
      ['aof_last_bgrewrite_status', 'ok'],
      ['aof_rewrites', 0],
      ['aof_rewrites_consecutive_failures', 0],
      ['aof_last_write_status', 'ok'],
      ['aof_last_cow_size', 0],
      ['module_fork_in_progress', 0],
      ['module_fork_last_cow_size', 0]
    ]))
  }
  if (want('stats')) {
    const st = server.stats
    const ks = server.keyspace.stats
    out.push(section('Stats', [
      ['total_connections_received', st.totalConnectionsReceived],
      ['total_commands_processed', st.totalCommandsProcessed],
      ['instantaneous_ops_per_sec', metrics.ops.value],
      // As in 7.0, the totals include the replication traffic, also shown on its own.
      ['total_net_input_bytes', st.netInputBytes + metrics.replInputBytes],
      ['total_net_output_bytes', st.netOutputBytes + metrics.replOutputBytes],
      ['total_net_repl_input_bytes', metrics.replInputBytes],
      ['total_net_repl_output_bytes', metrics.replOutputBytes],
      ['instantaneous_input_kbps', (metrics.netInput.value / 1024).toFixed(2)],
      ['instantaneous_output_kbps', (metrics.netOutput.value / 1024).toFixed(2)],
      ['instantaneous_input_repl_kbps', (metrics.replInput.value / 1024).toFixed(2)],
      ['instantaneous_output_repl_kbps', (metrics.replOutput.value / 1024).toFixed(2)],
      ['rejected_connections', st.rejectedConnections],
      ['sync_full', metrics.syncFull],
      ['sync_partial_ok', metrics.syncPartialOk],
      ['sync_partial_err', metrics.syncPartialErr],
      ['expired_keys', ks.expiredKeys],
      ['expired_stale_perc', (ks.expiredStalePerc * 100).toFixed(2)],
      ['expired_time_cap_reached_count', ks.expiredTimeCapReachedCount],
      ['expire_cycle_cpu_milliseconds', Math.floor(ks.expireCycleCpuMs)],
      ['evicted_keys', 0],
      ['evicted_clients', 0],
      ['total_eviction_exceeded_time', 0],
      ['current_eviction_exceeded_time', 0],
      ['keyspace_hits', ks.keyspaceHits],
      ['keyspace_misses', ks.keyspaceMisses],
      ['pubsub_channels', server.pubsub.channels.size],
      ['pubsub_patterns', server.pubsub.patterns.size],
      ['pubsubshard_channels', server.pubsub.shardChannels.size],
      ['latest_fork_usec', 0],
      ['total_forks', 0],
      ['migrate_cached_sockets', 0],
      ['slave_expires_tracked_keys', 0],
      ['active_defrag_hits', 0],
      ['active_defrag_misses', 0],
      ['active_defrag_key_hits', 0],
      ['active_defrag_key_misses', 0],
      ['total_active_defrag_time', 0],
      ['current_active_defrag_time', 0],
      ['tracking_total_keys', 0],
      ['tracking_total_items', 0],
      ['tracking_total_prefixes', 0],
      ['unexpected_error_replies', 0],
      ['total_error_replies', st.totalErrorReplies],
      ['dump_payload_sanitizations', 0],
      ['total_reads_processed', metrics.readsProcessed],
      ['total_writes_processed', metrics.writesProcessed],
      ['io_threaded_reads_processed', 0],
      ['io_threaded_writes_processed', 0],
      ['reply_buffer_shrinks', 0],
      ['reply_buffer_expands', 0]
    ]))
  }
  if (want('replication')) {
    out.push(`# Replication\r\n${replicationInfoLines(server.replication.state()).join('\r\n')}\r\n`)
  }
  if (want('cpu')) {
    const cpu = process.cpuUsage()
    const sys = (cpu.system / 1e6).toFixed(6)
    const user = (cpu.user / 1e6).toFixed(6)
    out.push(section('CPU', [
      ['used_cpu_sys', sys],
      ['used_cpu_user', user],
      ['used_cpu_sys_children', '0.000000'],
      ['used_cpu_user_children', '0.000000'],
      ['used_cpu_sys_main_thread', sys],
      ['used_cpu_user_main_thread', user]
    ]))
  }
  if (want('module_list') || want('modules')) out.push(section('Modules', []))
  if (want('commandstats')) {
    const fields: Fields = []
    const visit = (cmd: { fullname: string; calls: number; usec: number; rejectedCalls: number; failedCalls: number }): void => {
      if (!cmd.calls && !cmd.failedCalls && !cmd.rejectedCalls) return
      const usec = Math.round(cmd.usec)
      const per = cmd.calls ? (cmd.usec / cmd.calls).toFixed(2) : '0.00'
      fields.push([`cmdstat_${cmd.fullname}`,
        `calls=${cmd.calls},usec=${usec},usec_per_call=${per},rejected_calls=${cmd.rejectedCalls},failed_calls=${cmd.failedCalls}`])
    }
    for (const cmd of server.commands.values()) {
      visit(cmd)
      if (cmd.subcommandMap) for (const sub of cmd.subcommandMap.values()) visit(sub)
    }
    out.push(section('Commandstats', fields))
  }
  if (want('errorstats')) {
    const fields: Fields = []
    const codes = [...server.stats.errorStats.keys()].sort()
    for (const code of codes) fields.push([`errorstat_${code}`, `count=${server.stats.errorStats.get(code)}`])
    out.push(section('Errorstats', fields))
  }
  if (want('latencystats')) out.push(section('Latencystats', []))
  if (want('cluster')) out.push(section('Cluster', [['cluster_enabled', 0]]))
  if (want('keyspace')) {
    const fields: Fields = []
    for (const db of server.keyspace.dbs) {
      if (db.size === 0) continue
      fields.push([`db${db.id}`, `keys=${db.size},expires=${db.expires.size},avg_ttl=${Math.round(db.avgTtl)}`])
    }
    out.push(section('Keyspace', fields))
  }
  return out.join('\r\n')
}
