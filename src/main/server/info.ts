/**
 * INFO (genRedisInfoString): sections, field names and order as Redis 7.0 prints them.
 * Fields that make no sense for an embedded server keep Redis's names with neutral values.
 */
import os from 'node:os'
import type { RedisServer } from './node'
import { replicationInfoLines } from './replication/info-replication'

export const REDIS_VERSION = '7.0.15'

/** Sections INFO prints without arguments (and for "default"). */
const DEFAULT_SECTIONS = [
  'server', 'clients', 'memory', 'persistence', 'stats', 'replication', 'cpu', 'module_list',
  'errorstats', 'cluster', 'keyspace'
]

function humanBytes(n: number): string {
  if (n < 1024) return `${n}B`
  const units = ['K', 'M', 'G', 'T', 'P']
  let v = n
  let i = -1
  do {
    v /= 1024
    i++
  } while (v >= 1024 && i < units.length - 1)
  return `${v.toFixed(2)}${units[i]}`
}

type Fields = [string, string | number][]

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
  if (want('clients')) {
    out.push(section('Clients', [
      ['connected_clients', server.clients.size],
      ['cluster_connections', 0],
      ['maxclients', server.maxClients],
      ['client_recent_max_input_buffer', 0],
      ['client_recent_max_output_buffer', 0],
      ['blocked_clients', 0],
      ['tracking_clients', 0],
      ['clients_in_timeout_table', 0]
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
      ['mem_clients_normal', 0],
      ['mem_cluster_links', 0],
      ['mem_aof_buffer', 0],
      ['mem_allocator', 'v8'],
      ['active_defrag_running', 0],
      ['lazyfree_pending_objects', 0],
      ['lazyfreed_objects', 0]
    ]))
  }
  if (want('persistence')) {
    out.push(section('Persistence', [
      ['loading', 0],
      ['async_loading', 0],
      ['current_cow_peak', 0],
      ['current_cow_size', 0],
      ['current_cow_size_age', 0],
      ['current_fork_perc', '0.00'],
      ['current_save_keys_processed', 0],
      ['current_save_keys_total', 0],
      ['rdb_changes_since_last_save', server.stats.dirty],
      ['rdb_bgsave_in_progress', 0],
      ['rdb_last_save_time', server.lastSaveTime],
      ['rdb_last_bgsave_status', 'ok'],
      ['rdb_last_bgsave_time_sec', -1],
      ['rdb_current_bgsave_time_sec', -1],
      ['rdb_saves', 0],
      ['rdb_last_cow_size', 0],
      ['rdb_last_load_keys_expired', 0],
      ['rdb_last_load_keys_loaded', 0],
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
      ['instantaneous_ops_per_sec', 0],
      ['total_net_input_bytes', st.netInputBytes],
      ['total_net_output_bytes', st.netOutputBytes],
      ['total_net_repl_input_bytes', 0],
      ['total_net_repl_output_bytes', 0],
      ['instantaneous_input_kbps', '0.00'],
      ['instantaneous_output_kbps', '0.00'],
      ['instantaneous_input_repl_kbps', '0.00'],
      ['instantaneous_output_repl_kbps', '0.00'],
      ['rejected_connections', st.rejectedConnections],
      ['sync_full', 0],
      ['sync_partial_ok', 0],
      ['sync_partial_err', 0],
      ['expired_keys', ks.expiredKeys],
      ['expired_stale_perc', '0.00'],
      ['expired_time_cap_reached_count', 0],
      ['expire_cycle_cpu_milliseconds', 0],
      ['evicted_keys', 0],
      ['evicted_clients', 0],
      ['total_eviction_exceeded_time', 0],
      ['current_eviction_exceeded_time', 0],
      ['keyspace_hits', ks.keyspaceHits],
      ['keyspace_misses', ks.keyspaceMisses],
      ['pubsub_channels', 0],
      ['pubsub_patterns', 0],
      ['pubsubshard_channels', 0],
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
      ['total_reads_processed', 0],
      ['total_writes_processed', 0],
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
