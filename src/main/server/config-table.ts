/**
 * The configuration parameters of Redis 7.0 (config.c's standardConfig table): names,
 * aliases, types, defaults as CONFIG GET prints them, bounds and validation, with the same
 * error texts. One table serves CONFIG GET/SET, redis.conf and `--option value` (config-file.ts).
 *
 * Values are stored in their CONFIG GET form (a string); typed readers (getNumber, getBool)
 * cache the parsed value. Parameters that change behaviour have `apply` hooks or are read
 * by the server through `ServerConfig.on(name, fn)`.
 *
 * For other modules: `server.config.getNumber('hash-max-listpack-entries')`, `getBool`,
 * `get` (string), and `server.config.on('hz', (v) => ...)` to react to CONFIG SET.
 */

import { statSync } from 'node:fs'
import { resolve } from 'node:path'

const INT_MAX = 2147483647n
const INT_MIN = -2147483648n
const UINT_MAX = 4294967295n
const LLONG_MAX = 9223372036854775807n
const LLONG_MIN = -9223372036854775808n
const ULLONG_MAX = 18446744073709551615n
const SIZE_MAX = ULLONG_MAX

/** Flags (config.c). */
export const IMMUTABLE = 1
export const PROTECTED = 2
export const SENSITIVE = 4
export const MEMORY = 8
export const PERCENT = 16
export const UNSIGNED = 32
export const MULTI_ARG = 64
export const OCTAL = 128

export type ConfigKind = 'bool' | 'int' | 'enum' | 'string' | 'special'

export interface ConfigDef {
  name: string
  alias?: string
  kind: ConfigKind
  /** CONFIG GET form of the built-in default. */
  default: string
  flags: number
  min?: bigint
  max?: bigint
  /** enum values, in Redis's order (the error message lists them this way). */
  values?: readonly string[]
  /** enum whose value is a set of flags (shutdown-on-sigint). */
  bitflags?: boolean
  /**
   * special/string validation: the CONFIG GET form of the new value, or { err } with
   * Redis's message.
   */
  parse?: (value: string) => string | { err: string }
}

const B = (name: string, def: boolean, flags = 0, alias?: string): ConfigDef =>
  ({ name, alias, kind: 'bool', default: def ? 'yes' : 'no', flags })
const I = (name: string, min: bigint, max: bigint, def: bigint | number, flags = 0, alias?: string): ConfigDef =>
  ({ name, alias, kind: 'int', default: String(def), flags, min, max })
const E = (name: string, values: readonly string[], def: string, flags = 0, alias?: string): ConfigDef =>
  ({ name, alias, kind: 'enum', default: def, flags, values })
const S = (name: string, def: string, flags = 0, alias?: string, parse?: ConfigDef['parse']): ConfigDef =>
  ({ name, alias, kind: 'string', default: def, flags, parse })
const SP = (name: string, def: string, flags: number, parse: ConfigDef['parse'], alias?: string): ConfigDef =>
  ({ name, alias, kind: 'special', default: def, flags, parse })

// ---- special parsers ----

function splitArgs(v: string): string[] {
  return v.split(' ').filter((x) => x.length > 0)
}

function parseSave(v: string): string | { err: string } {
  const argv = splitArgs(v)
  if (argv.length & 1) return { err: 'Invalid save parameters' }
  for (let j = 0; j < argv.length; j++) {
    // strtoll with an end check: seconds must be >= 1, changes >= 0.
    const m = /^[ \t\n\v\f\r]*([+-]?\d+)$/.exec(argv[j]!)
    if (!m || Number(m[1]) < (j & 1 ? 0 : 1)) return { err: 'Invalid save parameters' }
  }
  const out: string[] = []
  for (let i = 0; i < argv.length; i += 2) out.push(`${Number(argv[i])} ${Number(argv[i + 1])}`)
  return out.join(' ')
}

/** memtoull: a memory value (b, k, kb, m, mb, g, gb), or null. Saturates like strtoull. */
export function memToBigint(s: string): bigint | null {
  const m = /^([0-9]+)(b|k|kb|m|mb|g|gb)?$/i.exec(s)
  if (!m) return null
  const unit = (m[2] ?? 'b').toLowerCase()
  const mul: Record<string, bigint> = {
    b: 1n, k: 1000n, kb: 1024n, m: 1000000n, mb: 1048576n, g: 1000000000n, gb: 1073741824n
  }
  let n = BigInt(m[1]!)
  if (n > ULLONG_MAX) n = ULLONG_MAX
  const r = n * mul[unit]!
  return r > ULLONG_MAX ? r & ULLONG_MAX : r
}

function parseOutputBufferLimit(v: string, current: string): string | { err: string } {
  const argv = splitArgs(v)
  if (argv.length % 4 !== 0) return { err: 'Wrong number of arguments in buffer limit configuration.' }
  const classes = new Map<string, string>()
  const cur = splitArgs(current)
  for (let i = 0; i < cur.length; i += 4) classes.set(cur[i]!, cur.slice(i + 1, i + 4).join(' '))
  for (let i = 0; i < argv.length; i += 4) {
    let cls = argv[i]!.toLowerCase()
    if (cls === 'replica') cls = 'slave'
    if (cls !== 'normal' && cls !== 'slave' && cls !== 'pubsub') return { err: 'Invalid client class specified in buffer limit configuration.' }
    const hard = memToBigint(argv[i + 1]!)
    const soft = memToBigint(argv[i + 2]!)
    const secs = argv[i + 3]!
    if (hard === null || soft === null || !/^-?\d+$/.test(secs) || Number(secs) < 0) {
      return { err: 'Error in hard, soft or soft_seconds setting in buffer limit configuration.' }
    }
    classes.set(cls, `${hard} ${soft} ${Number(secs)}`)
  }
  return ['normal', 'slave', 'pubsub'].map((c) => `${c} ${classes.get(c)}`).join(' ')
}

function parseOomValues(v: string): string | { err: string } {
  const argv = splitArgs(v)
  if (argv.length !== 3) return { err: 'wrong number of arguments' }
  for (const a of argv) {
    if (!/^-?\d+$/.test(a) || Number(a) < -2000 || Number(a) > 2000) return { err: 'Invalid oom-score-adj-values' }
  }
  return argv.map(Number).join(' ')
}

function parsePercentiles(v: string): string | { err: string } {
  const argv = splitArgs(v)
  const out: string[] = []
  for (const a of argv) {
    const d = Number(a)
    if (a === '' || Number.isNaN(d)) return { err: 'Invalid latency-tracking-info-percentiles parameters' }
    if (d < 0 || d > 100) return { err: 'latency-tracking-info-percentiles parameters should sit between [0.0,100.0]' }
    out.push(String(d))
  }
  return out.join(' ')
}

/** keyspaceEventsStringToFlags / keyspaceEventsFlagsToString. */
const KEV_ALL = 'g$lshzxetd'
function parseNotifyKeyspaceEvents(v: string): string | { err: string } {
  const flags = new Set<string>()
  for (const ch of v) {
    if (ch === 'A') for (const f of KEV_ALL) flags.add(f)
    else if ('g$lshzxetdKEmn'.includes(ch)) flags.add(ch)
    else return { err: "Invalid event class character. Use 'Ag$lshzxeKEtmdn'." }
  }
  let out = ''
  if ([...KEV_ALL].every((f) => flags.has(f))) out = 'A'
  else for (const ch of 'g$lshzxetdn') if (flags.has(ch)) out += ch
  if (flags.has('K')) out += 'K'
  if (flags.has('E')) out += 'E'
  if (flags.has('m')) out += 'm'
  return out
}

/**
 * setConfigDirOption: the directory must exist. redis-server chdir()s into it; embedded
 * servers share one process, so the value is the absolute path their files go to.
 */
function parseDir(v: string): string | { err: string } {
  try {
    if (!statSync(v).isDirectory()) return { err: 'Not a directory' }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    return { err: code === 'ENOENT' ? 'No such file or directory' : code === 'EACCES' ? 'Permission denied' : code === 'ENOTDIR' ? 'Not a directory' : String((err as Error).message) }
  }
  return resolve(v)
}

const SHUTDOWN_FLAGS = ['default', 'save', 'nosave', 'now', 'force'] as const

/** The table, in config.c's order (CONFIG GET's order is a hash table's: unspecified). */
export const CONFIG_TABLE: readonly ConfigDef[] = [
  // bool
  B('rdbchecksum', true, IMMUTABLE),
  B('daemonize', false, IMMUTABLE),
  B('io-threads-do-reads', false, IMMUTABLE),
  B('always-show-logo', false, IMMUTABLE),
  B('protected-mode', true),
  B('rdbcompression', true),
  B('rdb-del-sync-files', false),
  B('activerehashing', true),
  B('stop-writes-on-bgsave-error', true),
  B('set-proc-title', true, IMMUTABLE),
  B('dynamic-hz', true),
  B('lazyfree-lazy-eviction', false),
  B('lazyfree-lazy-expire', false),
  B('lazyfree-lazy-server-del', false),
  B('lazyfree-lazy-user-del', false),
  B('lazyfree-lazy-user-flush', false),
  B('repl-disable-tcp-nodelay', false),
  B('repl-diskless-sync', true),
  B('aof-rewrite-incremental-fsync', true),
  B('no-appendfsync-on-rewrite', false),
  B('cluster-require-full-coverage', true),
  B('rdb-save-incremental-fsync', true),
  B('aof-load-truncated', true),
  B('aof-use-rdb-preamble', true),
  B('aof-timestamp-enabled', false),
  B('cluster-replica-no-failover', false, 0, 'cluster-slave-no-failover'),
  B('replica-lazy-flush', false, 0, 'slave-lazy-flush'),
  B('replica-serve-stale-data', true, 0, 'slave-serve-stale-data'),
  B('replica-read-only', true, 0, 'slave-read-only'),
  B('replica-ignore-maxmemory', true, 0, 'slave-ignore-maxmemory'),
  B('jemalloc-bg-thread', true),
  B('activedefrag', false),
  B('syslog-enabled', false, IMMUTABLE),
  B('cluster-enabled', false, IMMUTABLE),
  B('appendonly', false),
  B('cluster-allow-reads-when-down', false),
  B('cluster-allow-pubsubshard-when-down', true),
  B('crash-log-enabled', true),
  B('crash-memcheck-enabled', true),
  B('disable-thp', true),
  B('cluster-allow-replica-migration', true),
  B('replica-announced', true),
  B('latency-tracking', true),
  B('aof-disable-auto-gc', false),
  B('replica-ignore-disk-write-errors', false),
  B('tls-cluster', false),
  B('tls-replication', false),
  B('tls-prefer-server-ciphers', false),
  B('tls-session-caching', true),

  // string
  S('aclfile', '', IMMUTABLE),
  S('unixsocket', '', IMMUTABLE),
  S('pidfile', '', IMMUTABLE),
  S('replica-announce-ip', '', 0, 'slave-announce-ip'),
  S('masteruser', '', SENSITIVE),
  S('cluster-announce-ip', ''),
  S('cluster-config-file', 'nodes.conf', IMMUTABLE),
  S('cluster-announce-hostname', ''),
  S('syslog-ident', 'redis', IMMUTABLE),
  S('dbfilename', 'dump.rdb', PROTECTED, undefined, (v) => (v.includes('/') ? { err: "dbfilename can't be a path, just a filename" } : v)),
  S('appendfilename', 'appendonly.aof', IMMUTABLE),
  S('appenddirname', 'appendonlydir', IMMUTABLE),
  S('server_cpulist', '', IMMUTABLE),
  S('bio_cpulist', '', IMMUTABLE),
  S('aof_rewrite_cpulist', '', IMMUTABLE),
  S('bgsave_cpulist', '', IMMUTABLE),
  S('ignore-warnings', ''),
  S('proc-title-template', '{title} {listen-addr} {server-mode}'),
  S('bind-source-addr', ''),
  S('logfile', '', IMMUTABLE),
  S('masterauth', '', SENSITIVE),
  S('tls-cert-file', ''),
  S('tls-key-file', ''),
  S('tls-key-file-pass', '', SENSITIVE),
  S('tls-client-cert-file', ''),
  S('tls-client-key-file', ''),
  S('tls-client-key-file-pass', '', SENSITIVE),
  S('tls-dh-params-file', ''),
  S('tls-ca-cert-file', ''),
  S('tls-ca-cert-dir', ''),
  S('tls-protocols', ''),
  S('tls-ciphers', ''),
  S('tls-ciphersuites', ''),

  // enum
  E('supervised', ['upstart', 'systemd', 'auto', 'no'], 'no', IMMUTABLE),
  E('syslog-facility', ['user', 'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7'], 'local0', IMMUTABLE),
  E('repl-diskless-load', ['disabled', 'on-empty-db', 'swapdb'], 'disabled'),
  E('loglevel', ['debug', 'verbose', 'notice', 'warning'], 'notice'),
  E('maxmemory-policy', ['volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl', 'allkeys-lru', 'allkeys-lfu', 'allkeys-random', 'noeviction'], 'noeviction'),
  E('appendfsync', ['everysec', 'always', 'no'], 'everysec'),
  E('oom-score-adj', ['no', 'yes', 'relative', 'absolute'], 'no'),
  E('acl-pubsub-default', ['allchannels', 'resetchannels'], 'resetchannels'),
  E('sanitize-dump-payload', ['no', 'yes', 'clients'], 'no'),
  E('enable-protected-configs', ['no', 'yes', 'local'], 'no', IMMUTABLE),
  E('enable-debug-command', ['no', 'yes', 'local'], 'no', IMMUTABLE),
  E('enable-module-command', ['no', 'yes', 'local'], 'no', IMMUTABLE),
  E('cluster-preferred-endpoint-type', ['ip', 'hostname', 'unknown-endpoint'], 'ip'),
  E('propagation-error-behavior', ['ignore', 'panic', 'panic-on-replicas'], 'ignore'),
  { ...E('shutdown-on-sigint', SHUTDOWN_FLAGS, 'default', MULTI_ARG), bitflags: true },
  { ...E('shutdown-on-sigterm', SHUTDOWN_FLAGS, 'default', MULTI_ARG), bitflags: true },
  E('tls-auth-clients', ['no', 'yes', 'optional'], 'yes'),

  // integers
  I('databases', 1n, INT_MAX, 16, IMMUTABLE),
  I('port', 0n, 65535n, 6379),
  I('io-threads', 1n, 128n, 1, IMMUTABLE),
  I('auto-aof-rewrite-percentage', 0n, INT_MAX, 100),
  I('cluster-replica-validity-factor', 0n, INT_MAX, 10, 0, 'cluster-slave-validity-factor'),
  I('list-max-listpack-size', INT_MIN, INT_MAX, -2, 0, 'list-max-ziplist-size'),
  I('tcp-keepalive', 0n, INT_MAX, 300),
  I('cluster-migration-barrier', 0n, INT_MAX, 1),
  I('active-defrag-cycle-min', 1n, 99n, 1),
  I('active-defrag-cycle-max', 1n, 99n, 25),
  I('active-defrag-threshold-lower', 0n, 1000n, 10),
  I('active-defrag-threshold-upper', 0n, 1000n, 100),
  I('lfu-log-factor', 0n, INT_MAX, 10),
  I('lfu-decay-time', 0n, INT_MAX, 1),
  I('replica-priority', 0n, INT_MAX, 100, 0, 'slave-priority'),
  I('repl-diskless-sync-delay', 0n, INT_MAX, 5),
  I('maxmemory-samples', 1n, INT_MAX, 5),
  I('maxmemory-eviction-tenacity', 0n, 100n, 10),
  I('timeout', 0n, INT_MAX, 0),
  I('replica-announce-port', 0n, 65535n, 0, 0, 'slave-announce-port'),
  I('tcp-backlog', 0n, INT_MAX, 511, IMMUTABLE),
  I('cluster-port', 0n, 65535n, 0, IMMUTABLE),
  I('cluster-announce-bus-port', 0n, 65535n, 0),
  I('cluster-announce-port', 0n, 65535n, 0),
  I('cluster-announce-tls-port', 0n, 65535n, 0),
  I('repl-timeout', 1n, INT_MAX, 60),
  I('repl-ping-replica-period', 1n, INT_MAX, 10, 0, 'repl-ping-slave-period'),
  I('list-compress-depth', 0n, INT_MAX, 0),
  I('active-expire-effort', 1n, 10n, 1),
  I('hz', 0n, INT_MAX, 10),
  I('min-replicas-to-write', 0n, INT_MAX, 0, 0, 'min-slaves-to-write'),
  I('min-replicas-max-lag', 0n, INT_MAX, 10, 0, 'min-slaves-max-lag'),
  I('shutdown-timeout', 0n, INT_MAX, 10),
  I('repl-diskless-sync-max-replicas', 0n, INT_MAX, 0),
  I('maxclients', 1n, UINT_MAX, 10000, UNSIGNED),
  I('unixsocketperm', 0n, 0o777n, 0, IMMUTABLE | OCTAL),
  I('socket-mark-id', 0n, UINT_MAX, 0, UNSIGNED),
  I('active-defrag-max-scan-fields', 1n, LLONG_MAX, 1000),
  I('slowlog-max-len', 0n, LLONG_MAX, 128),
  I('acllog-max-len', 0n, LLONG_MAX, 128),
  I('busy-reply-threshold', 0n, LLONG_MAX, 5000, 0, 'lua-time-limit'),
  I('cluster-node-timeout', 0n, LLONG_MAX, 15000),
  I('slowlog-log-slower-than', -1n, LLONG_MAX, 10000),
  I('latency-monitor-threshold', 0n, LLONG_MAX, 0),
  I('proto-max-bulk-len', 1024n * 1024n, LLONG_MAX, 512n * 1024n * 1024n, MEMORY),
  I('stream-node-max-entries', 0n, LLONG_MAX, 100),
  I('repl-backlog-size', 1n, LLONG_MAX, 1024n * 1024n, MEMORY),
  I('maxmemory', 0n, ULLONG_MAX, 0, MEMORY | UNSIGNED),
  I('cluster-link-sendbuf-limit', 0n, ULLONG_MAX, 0, MEMORY | UNSIGNED),
  I('hash-max-listpack-entries', 0n, SIZE_MAX, 512, UNSIGNED, 'hash-max-ziplist-entries'),
  I('set-max-intset-entries', 0n, SIZE_MAX, 512, UNSIGNED),
  I('zset-max-listpack-entries', 0n, SIZE_MAX, 128, UNSIGNED, 'zset-max-ziplist-entries'),
  I('active-defrag-ignore-bytes', 1n, LLONG_MAX, 100n << 20n, MEMORY),
  I('hash-max-listpack-value', 0n, SIZE_MAX, 64, MEMORY | UNSIGNED, 'hash-max-ziplist-value'),
  I('stream-node-max-bytes', 0n, SIZE_MAX, 4096, MEMORY | UNSIGNED),
  I('zset-max-listpack-value', 0n, SIZE_MAX, 64, MEMORY | UNSIGNED, 'zset-max-ziplist-value'),
  I('hll-sparse-max-bytes', 0n, SIZE_MAX, 3000, MEMORY | UNSIGNED),
  I('tracking-table-max-keys', 0n, SIZE_MAX, 1000000, UNSIGNED),
  I('client-query-buffer-limit', 1024n * 1024n, LLONG_MAX, 1024n * 1024n * 1024n, MEMORY),
  I('maxmemory-clients', -100n, LLONG_MAX, 0, MEMORY | PERCENT),
  I('repl-backlog-ttl', 0n, LLONG_MAX, 3600),
  I('auto-aof-rewrite-min-size', 0n, LLONG_MAX, 64n * 1024n * 1024n, MEMORY),
  I('tls-port', 0n, 65535n, 0),
  I('tls-session-cache-size', 0n, INT_MAX, 20 * 1024),
  I('tls-session-cache-timeout', 0n, INT_MAX, 300),

  // special
  SP('dir', '', PROTECTED, parseDir),
  SP('save', '3600 1 300 100 60 10000', MULTI_ARG, parseSave),
  SP('client-output-buffer-limit', 'normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60', MULTI_ARG, (v) => v),
  SP('oom-score-adj-values', '0 200 800', MULTI_ARG, parseOomValues),
  SP('notify-keyspace-events', '', 0, parseNotifyKeyspaceEvents),
  SP('bind', '* -::*', MULTI_ARG, (v) => splitArgs(v).join(' ')),
  SP('replicaof', '', IMMUTABLE | MULTI_ARG, (v) => v, 'slaveof'),
  SP('latency-tracking-info-percentiles', '50 99 99.9', MULTI_ARG, parsePercentiles),
  SP('requirepass', '', SENSITIVE, (v) => v)
]

const BY_NAME = new Map<string, ConfigDef>()
for (const d of CONFIG_TABLE) {
  BY_NAME.set(d.name, d)
  if (d.alias) BY_NAME.set(d.alias, d)
}

/** lookupConfig: by name or alias, case-insensitively. */
export function lookupConfig(name: string): ConfigDef | undefined {
  return BY_NAME.get(name.toLowerCase())
}

/** Every name CONFIG GET matches against (names and aliases). */
export function configNames(): IterableIterator<[string, ConfigDef]> {
  return BY_NAME.entries()
}

/**
 * Validates `value` for `def` (given the current value, for partial updates): the
 * canonical CONFIG GET form, or { err } with Redis's message.
 */
export function parseConfigValue(def: ConfigDef, value: string, current: string): string | { err: string } {
  switch (def.kind) {
    case 'bool': {
      const l = value.toLowerCase()
      if (l === 'yes' || l === 'no') return l
      return { err: "argument must be 'yes' or 'no'" }
    }
    case 'enum': {
      const words = def.bitflags ? splitArgs(value) : [value]
      const chosen = new Set<string>()
      for (const w of words) {
        const v = def.values!.find((x) => x === w.toLowerCase())
        if (v === undefined || words.length === 0) {
          return { err: `argument(s) must be one of the following: ${def.values!.join(', ')}` }
        }
        chosen.add(v)
      }
      if (words.length === 0) return { err: `argument(s) must be one of the following: ${def.values!.join(', ')}` }
      if (!def.bitflags) return [...chosen][0]!
      const list = def.values!.filter((v) => chosen.has(v) && v !== 'default')
      return list.length === 0 ? 'default' : list.join(' ')
    }
    case 'int': {
      let n: bigint | null = null
      let percent = false
      if (def.flags & MEMORY) n = memToBigint(value)
      if (n === null && def.flags & PERCENT && value.length > 1 && value.endsWith('%') && isLL(value.slice(0, -1)) && BigInt(value.slice(0, -1)) >= 0n) {
        n = -BigInt(value.slice(0, -1))
        percent = true
      }
      if (n === null && def.flags & OCTAL) {
        // strtoll(value, &end, 8); shown and rewritten in octal too
        if (!/^[0-7]+$/.test(value)) return { err: "argument couldn't be parsed as an octal number" }
        const o = BigInt('0o' + value)
        if (o > def.max! || o < def.min!) return { err: `argument must be between ${def.min!.toString(8)} and ${def.max!.toString(8)} inclusive` }
        return o.toString(8)
      }
      if (n === null && !(def.flags & (MEMORY | PERCENT)) && isLL(value)) n = BigInt(value)
      if (n === null) {
        if (def.flags & MEMORY && def.flags & PERCENT) return { err: 'argument must be a memory or percent value' }
        if (def.flags & MEMORY) return { err: 'argument must be a memory value' }
        return { err: "argument couldn't be parsed into an integer" }
      }
      if (def.flags & UNSIGNED) {
        const u = n < 0n ? n + (1n << 64n) : n
        if (u > def.max! || u < def.min!) return { err: `argument must be between ${def.min} and ${def.max} inclusive` }
        return String(u)
      }
      if (def.flags & MEMORY && n > LLONG_MAX) n -= 1n << 64n
      if (percent) {
        if (n < def.min!) return { err: `percentage argument must be less or equal to ${-def.min!}` }
        return `${-n}%`
      }
      if (n > def.max! || n < def.min!) return { err: `argument must be between ${def.min} and ${def.max} inclusive` }
      // hz is clamped to [CONFIG_MIN_HZ, CONFIG_MAX_HZ] when applied.
      if (def.name === 'hz') n = n < 1n ? 1n : n > 500n ? 500n : n
      return String(n)
    }
    case 'string':
      return def.parse ? def.parse(value) : value
    case 'special':
      if (def.name === 'client-output-buffer-limit') return parseOutputBufferLimit(value, current)
      return def.parse ? def.parse(value) : value
  }
}

/** string2ll's grammar (no '+', no leading zeros, no spaces), within 64 bits. */
function isLL(s: string): boolean {
  if (!/^(0|-?[1-9][0-9]{0,18})$/.test(s)) return false
  const n = BigInt(s)
  return n >= LLONG_MIN && n <= LLONG_MAX
}

type Listener = (value: string) => string | void

/**
 * One server's configuration: current values by canonical name, typed caches, and hooks
 * run when CONFIG SET changes a parameter (a hook may return an error text to refuse).
 */
export class ServerConfig {
  private readonly values = new Map<string, string>()
  private readonly numbers = new Map<string, number>()
  private readonly listeners = new Map<string, Listener[]>()
  /** The config file the server was started from (CONFIG REWRITE's target), or null. */
  configFile: string | null = null

  constructor(overrides: Record<string, string> = {}) {
    for (const d of CONFIG_TABLE) this.values.set(d.name, d.default)
    for (const [k, v] of Object.entries(overrides)) {
      const def = lookupConfig(k)
      if (!def) throw new Error(`unknown config parameter '${k}'`)
      const parsed = parseConfigValue(def, v, this.values.get(def.name)!)
      if (typeof parsed !== 'string') throw new Error(`bad value for '${k}': ${parsed.err}`)
      this.values.set(def.name, parsed)
    }
  }

  /** CONFIG GET form of a parameter (canonical name or alias). */
  get(name: string): string {
    const def = lookupConfig(name)
    if (!def) throw new Error(`unknown config parameter '${name}'`)
    return this.values.get(def.name)!
  }

  /** A numeric parameter as a number (cached; bools are 1/0). */
  getNumber(name: string): number {
    let n = this.numbers.get(name)
    if (n === undefined) {
      const v = this.get(name)
      n = v === 'yes' ? 1 : v === 'no' ? 0 : Number(v.endsWith('%') ? v.slice(0, -1) : v)
      this.numbers.set(name, n)
    }
    return n
  }

  getBool(name: string): boolean {
    return this.get(name) === 'yes'
  }

  /** Stores a value without validation or hooks (state reflected from the server). */
  setRaw(name: string, value: string): void {
    const def = lookupConfig(name)!
    this.values.set(def.name, value)
    this.invalidate(def)
  }

  /**
   * Bumped by every change of any parameter: the command loop keeps the few values it
   * reads per command in plain fields and refreshes them when this moved (one compare
   * instead of a lookup by name per command).
   */
  revision = 0

  private invalidate(def: ConfigDef): void {
    this.revision++
    this.numbers.delete(def.name)
    if (def.alias) this.numbers.delete(def.alias)
  }

  /** Runs `fn` whenever CONFIG SET changes the parameter (after storing it). */
  on(name: string, fn: Listener): void {
    const def = lookupConfig(name)!
    const list = this.listeners.get(def.name) ?? []
    list.push(fn)
    this.listeners.set(def.name, list)
  }

  /**
   * Sets a parameter (already validated, canonical) and runs its hooks; returns an error
   * text if a hook refused it (the caller restores the old values).
   */
  apply(def: ConfigDef, value: string): string | null {
    this.values.set(def.name, value)
    this.invalidate(def)
    for (const fn of this.listeners.get(def.name) ?? []) {
      const err = fn(value)
      if (typeof err === 'string') return err
    }
    return null
  }
}
