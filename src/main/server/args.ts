/**
 * A redis-server command line and configuration text, read the way Redis 7.0 reads them
 * (server.c main() and config.c loadServerConfig / loadServerConfigFromString):
 *
 *   redis-server [configfile] [-] [--option value ...] [-]
 *
 * Every `--name v1 v2` becomes the line `name "v1" "v2"` appended after the config file
 * (and stdin) text, so errors name the same line numbers and quote the same text as Redis:
 *
 *   *** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***
 *   Reading the configuration file, at line 2
 *   >>> 'foo "bar"'
 *   Bad directive or wrong number of arguments
 */
import { readFileSync } from 'node:fs'
import { splitArgsBytes } from '../../shared/cli-args'
import { quoteBytes } from '../../shared/cli-format'
import { REDIS_VERSION } from './info'

export { REDIS_VERSION }

// ---------------------------------------------------------------- command line

export type CommandLine =
  | { kind: 'version' }
  | { kind: 'help' }
  | {
      kind: 'run'
      /** The config file named first on the command line (as given). */
      configFile: string | null
      /** `-` was given: the configuration is also read from stdin. */
      fromStdin: boolean
      /** The `--option value` arguments as config text (one directive per line). */
      options: string
    }

/** Parses redis-server's arguments (without node and the script: process.argv.slice(2)). */
export function parseCommandLine(args: readonly string[]): CommandLine {
  if (args.length === 0) return { kind: 'run', configFile: null, fromStdin: false, options: '' }
  const first = args[0]!
  if (first === '-v' || first === '--version') return { kind: 'version' }
  if (first === '--help' || first === '-h') return { kind: 'help' }
  let j = 0
  let configFile: string | null = null
  if (first[0] !== '-') {
    configFile = first
    j = 1
  }
  let options = ''
  let fromStdin = false
  let handledLastConfigArg = true
  const argc = args.length
  for (; j < argc; j++) {
    const a = args[j]!
    if (a === '-' && (j === 0 || j === argc - 1)) {
      fromStdin = true
    } else if (handledLastConfigArg && a.startsWith('--')) {
      if (options.length) options += '\n'
      options += a.slice(2) + ' '
      const split = splitArgsBytes(a)
      if (split !== null && split.length === 1) {
        handledLastConfigArg = false
        const next = args[j + 1]
        const lower = a.toLowerCase()
        if (j !== argc - 1 && next!.startsWith('--') && lower === '--save') {
          // `--save --port 6379`: an empty save (pre-7.0 command lines built from arrays)
          options += '""'
          handledLastConfigArg = true
        } else if (j === argc - 1 && lower === '--save') {
          options += '""'
        } else if (j !== argc - 1 && next!.startsWith('--') && lower === '--sentinel') {
          handledLastConfigArg = true
        }
      } else {
        // `"--port 6380"` in one argument
        handledLastConfigArg = true
      }
    } else {
      options += quoteBytes(a) + ' '
      handledLastConfigArg = true
    }
  }
  return { kind: 'run', configFile, fromStdin, options }
}

/** redis-server's usage text (`--help`), with our program name. */
export function usage(prog = 'lab-server'): string {
  const p = prog
  return [
    `Usage: ${p} [/path/to/redis.conf] [options] [-]`,
    `       ${p} - (read config from stdin)`,
    `       ${p} -v or --version`,
    `       ${p} -h or --help`,
    '',
    'Examples:',
    `       ${p} (run the server with default conf)`,
    `       echo 'maxmemory 128mb' | ${p} -`,
    `       ${p} /etc/redis/6379.conf`,
    `       ${p} --port 7777`,
    `       ${p} --port 7777 --replicaof 127.0.0.1 8888`,
    `       ${p} /etc/myredis.conf --loglevel verbose -`,
    `       ${p} /etc/myredis.conf --loglevel verbose`,
    ''
  ].join('\n')
}

// ---------------------------------------------------------------- config text

/** A configuration error, printed as Redis's FATAL CONFIG FILE ERROR block. */
export class ConfigFileError extends Error {
  constructor(
    message: string,
    /** 1-based line number and the trimmed line, when the error is about a line. */
    readonly line: number | null = null,
    readonly text: string | null = null
  ) {
    super(message)
  }

  /** The block redis-server writes to stderr before exiting with status 1. */
  fatalBlock(): string {
    let s = `\n*** FATAL CONFIG FILE ERROR (Redis ${REDIS_VERSION}) ***\n`
    if (this.line !== null) s += `Reading the configuration file, at line ${this.line}\n>>> '${this.text}'\n`
    return s + `${this.message}\n`
  }
}

/** One directive: lowercased name, its arguments, and where it came from. */
export interface Directive {
  name: string
  args: string[]
  line: number
  text: string
}

/** Splits config text into directives (comments and blank lines skipped). */
export function parseConfigText(config: string): Directive[] {
  const out: Directive[] = []
  const lines = config.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i]!.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '')
    if (text === '' || text[0] === '#') continue
    const argv = splitArgsBytes(text)
    if (argv === null) throw new ConfigFileError('Unbalanced quotes in configuration line', i + 1, text)
    if (argv.length === 0) continue
    out.push({ name: argv[0]!.toLowerCase(), args: argv.slice(1), line: i + 1, text })
  }
  return out
}

// ---------------------------------------------------------------- the configuration

export type LogLevelName = 'debug' | 'verbose' | 'notice' | 'warning'

export interface ServerCliConfig {
  port: number
  /** Addresses to listen on; a leading '-' marks an address that may be unavailable. */
  bind: string[]
  dir: string
  logfile: string
  pidfile: string
  loglevel: LogLevelName
  alwaysShowLogo: boolean
  /** Save points as [seconds, changes] pairs; empty when saving is disabled. */
  save: [number, number][]
  databases: number
  requirepass: string
  dbfilename: string
  replicaof: [string, string] | null
  /** Known Redis options that were accepted but have no effect here (name → args). */
  ignored: Map<string, string[]>
  /** Directives accepted with a warning (rename-command, user, loadmodule...). */
  warnings: string[]
}

export function defaultConfig(): ServerCliConfig {
  return {
    port: 6379,
    bind: ['127.0.0.1', '-::1'],
    dir: process.cwd(),
    logfile: '',
    pidfile: '',
    loglevel: 'notice',
    alwaysShowLogo: false,
    save: [
      [3600, 1],
      [300, 100],
      [60, 10000]
    ],
    databases: 16,
    requirepass: '',
    dbfilename: 'dump.rdb',
    replicaof: null,
    ignored: new Map(),
    warnings: []
  }
}

/** Redis 7.0's standard configs (CONFIG GET * of redis-server 7.0.15) that take yes/no. */
const BOOL_CONFIGS = new Set(
  (
    'activedefrag activerehashing always-show-logo aof-disable-auto-gc aof-load-truncated ' +
    'aof-rewrite-incremental-fsync aof-timestamp-enabled aof-use-rdb-preamble appendonly ' +
    'cluster-allow-pubsubshard-when-down cluster-allow-reads-when-down cluster-allow-replica-migration ' +
    'cluster-enabled cluster-replica-no-failover cluster-require-full-coverage cluster-slave-no-failover ' +
    'crash-log-enabled crash-memcheck-enabled daemonize disable-thp dynamic-hz io-threads-do-reads ' +
    'jemalloc-bg-thread latency-tracking lazyfree-lazy-eviction lazyfree-lazy-expire ' +
    'lazyfree-lazy-server-del lazyfree-lazy-user-del lazyfree-lazy-user-flush no-appendfsync-on-rewrite ' +
    'protected-mode rdb-del-sync-files rdb-save-incremental-fsync rdbchecksum rdbcompression ' +
    'repl-disable-tcp-nodelay repl-diskless-sync replica-announced replica-ignore-disk-write-errors ' +
    'replica-ignore-maxmemory replica-lazy-flush replica-read-only replica-serve-stale-data ' +
    'set-proc-title slave-ignore-maxmemory slave-lazy-flush slave-read-only slave-serve-stale-data ' +
    'stop-writes-on-bgsave-error syslog-enabled tls-cluster tls-prefer-server-ciphers ' +
    'tls-replication tls-session-caching'
  ).split(' ')
)

/** The other names CONFIG GET * lists on redis-server 7.0.15 (one argument each). */
const OTHER_CONFIGS = new Set(
  (
    'acl-pubsub-default aclfile acllog-max-len active-defrag-cycle-max active-defrag-cycle-min ' +
    'active-defrag-ignore-bytes active-defrag-max-scan-fields active-defrag-threshold-lower ' +
    'active-defrag-threshold-upper active-expire-effort aof_rewrite_cpulist appenddirname ' +
    'appendfilename appendfsync auto-aof-rewrite-min-size auto-aof-rewrite-percentage bgsave_cpulist ' +
    'bind-source-addr bio_cpulist busy-reply-threshold client-query-buffer-limit ' +
    'cluster-announce-bus-port cluster-announce-hostname cluster-announce-ip cluster-announce-port ' +
    'cluster-announce-tls-port cluster-config-file cluster-link-sendbuf-limit cluster-migration-barrier ' +
    'cluster-node-timeout cluster-port cluster-preferred-endpoint-type cluster-replica-validity-factor ' +
    'cluster-slave-validity-factor dbfilename enable-debug-command enable-module-command ' +
    'enable-protected-configs hash-max-listpack-entries hash-max-listpack-value hash-max-ziplist-entries ' +
    'hash-max-ziplist-value hll-sparse-max-bytes hz ignore-warnings io-threads latency-monitor-threshold ' +
    'latency-tracking-info-percentiles lfu-decay-time lfu-log-factor list-compress-depth ' +
    'list-max-listpack-size list-max-ziplist-size lua-time-limit masterauth masteruser maxclients ' +
    'maxmemory maxmemory-clients maxmemory-eviction-tenacity maxmemory-policy maxmemory-samples ' +
    'min-replicas-max-lag min-replicas-to-write min-slaves-max-lag min-slaves-to-write ' +
    'notify-keyspace-events oom-score-adj proc-title-template propagation-error-behavior ' +
    'proto-max-bulk-len repl-backlog-size repl-backlog-ttl repl-diskless-load repl-diskless-sync-delay ' +
    'repl-diskless-sync-max-replicas repl-ping-replica-period repl-ping-slave-period repl-timeout ' +
    'replica-announce-ip replica-announce-port replica-priority sanitize-dump-payload server_cpulist ' +
    'shutdown-on-sigint shutdown-on-sigterm shutdown-timeout slave-announce-ip slave-announce-port ' +
    'slave-priority slowlog-log-slower-than slowlog-max-len socket-mark-id stream-node-max-bytes ' +
    'stream-node-max-entries supervised syslog-facility syslog-ident tcp-backlog tcp-keepalive timeout ' +
    'tls-ca-cert-dir tls-ca-cert-file tls-cert-file tls-ciphers tls-ciphersuites tls-client-cert-file ' +
    'tls-client-key-file tls-client-key-file-pass tls-dh-params-file tls-key-file tls-key-file-pass ' +
    'tls-port tls-protocols tls-session-cache-size tls-session-cache-timeout tracking-table-max-keys ' +
    'unixsocket unixsocketperm zset-max-listpack-entries zset-max-listpack-value ' +
    'zset-max-ziplist-entries zset-max-ziplist-value set-max-intset-entries'
  ).split(' ')
)

/** Enum configs and their values, in the order Redis lists them in its error. */
const ENUM_CONFIGS: Record<string, string[]> = {
  'maxmemory-policy': ['volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl', 'allkeys-lru',
    'allkeys-lfu', 'allkeys-random', 'noeviction'],
  appendfsync: ['everysec', 'always', 'no'],
  supervised: ['upstart', 'systemd', 'auto', 'no'],
  'repl-diskless-load': ['disabled', 'on-empty-db', 'swapdb'],
  'enable-debug-command': ['no', 'yes', 'local'],
  'enable-module-command': ['no', 'yes', 'local'],
  'enable-protected-configs': ['no', 'yes', 'local'],
  'oom-score-adj': ['no', 'yes', 'relative', 'absolute'],
  'sanitize-dump-payload': ['no', 'yes', 'clients'],
  'cluster-preferred-endpoint-type': ['ip', 'hostname', 'unknown-endpoint'],
  'propagation-error-behavior': ['ignore', 'panic', 'panic-on-replicas'],
  'acl-pubsub-default': ['allchannels', 'resetchannels'],
  'syslog-facility': ['user', 'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7'],
  'tls-auth-clients': ['no', 'yes', 'optional'],
  'shutdown-on-sigint': ['default', 'save', 'nosave', 'now', 'force'],
  'shutdown-on-sigterm': ['default', 'save', 'nosave', 'now', 'force']
}

/** Configs that take several arguments (MULTI_ARG_CONFIG in config.c). */
const MULTI_ARG_CONFIGS = new Set(['save', 'bind', 'client-output-buffer-limit', 'oom-score-adj-values'])

/** Deprecated directives Redis 7.0 still accepts and ignores, with their argc range. */
const DEPRECATED: Record<string, [number, number]> = {
  'list-max-ziplist-entries': [2, 2],
  'list-max-ziplist-value': [2, 2],
  'lua-replicate-commands': [2, 2]
}

const LOGLEVELS: readonly LogLevelName[] = ['debug', 'verbose', 'notice', 'warning']

const ERRNO_TEXT: Record<string, string> = {
  ENOENT: 'No such file or directory',
  EACCES: 'Permission denied',
  ENOTDIR: 'Not a directory',
  EISDIR: 'Is a directory',
  EROFS: 'Read-only file system',
  EADDRINUSE: 'Address already in use',
  EADDRNOTAVAIL: 'Cannot assign requested address',
  EAFNOSUPPORT: 'Address family not supported by protocol',
  EPERM: 'Operation not permitted'
}

/** strerror() for a Node error. */
export function strerror(err: unknown): string {
  const code = (err as NodeJS.ErrnoException)?.code
  return (code && ERRNO_TEXT[code]) || (err as Error)?.message || String(err)
}

/** Redis's string2ll (strict: no spaces, no '+', no leading zeros). */
function parseStrictInt(s: string): number | null {
  if (!/^(0|-?[1-9][0-9]*)$/.test(s) || s.length > 20) return null
  const n = Number(s)
  return Number.isSafeInteger(n) ? n : null
}

function parseInt32(d: Directive, lo: number, hi: number): number {
  const n = parseStrictInt(d.args[0]!)
  if (n === null) throw lineError(d, "argument couldn't be parsed into an integer")
  if (n < lo || n > hi) throw lineError(d, `argument must be between ${lo} and ${hi} inclusive`)
  return n
}

function parseBool(d: Directive): boolean {
  const v = d.args[0]!.toLowerCase()
  if (v === 'yes') return true
  if (v === 'no') return false
  throw lineError(d, "argument must be 'yes' or 'no'")
}

function lineError(d: Directive, msg: string): ConfigFileError {
  return new ConfigFileError(msg, d.line, d.text)
}

export interface LoadOptions {
  /** Reads an (included) config file; defaults to readFileSync. */
  readFile?: (path: string) => string
  /** Changes directory for `dir` (defaults to process.chdir). */
  chdir?: (dir: string) => void
}

/**
 * Applies config text to `cfg` in order (later directives win), validating like Redis.
 * Throws ConfigFileError.
 */
export function applyConfigText(cfg: ServerCliConfig, config: string, opts: LoadOptions = {}): void {
  const readFile = opts.readFile ?? ((p: string) => readFileSync(p, 'latin1'))
  const chdir = opts.chdir ?? ((dir: string) => process.chdir(dir))
  let savesReset = false
  for (const d of parseConfigText(config)) {
    const { name } = d
    let args = d.args
    const known = name === 'port' || name === 'dir' || name === 'logfile' || name === 'pidfile' ||
      name === 'loglevel' || name === 'requirepass' || name === 'databases' || name === 'replicaof' ||
      name === 'slaveof' || BOOL_CONFIGS.has(name) || OTHER_CONFIGS.has(name) || MULTI_ARG_CONFIGS.has(name) ||
      ENUM_CONFIGS[name] !== undefined
    if (known) {
      const multi = MULTI_ARG_CONFIGS.has(name) || name === 'replicaof' || name === 'slaveof'
      if (!multi && args.length !== 1) throw lineError(d, 'wrong number of arguments')
      if (MULTI_ARG_CONFIGS.has(name) && args.length === 1 && args[0] !== '') {
        args = splitArgsBytes(args[0]!) ?? []
      }
      switch (name) {
        case 'port':
          cfg.port = parseInt32(d, 0, 65535)
          break
        case 'bind':
          if (args.length > 16) throw lineError(d, 'Too many bind addresses specified.')
          cfg.bind = args.length === 1 && args[0] === '' ? [] : args.slice()
          break
        case 'dir':
          try {
            chdir(args[0]!)
            cfg.dir = process.cwd()
          } catch (err) {
            throw lineError(d, strerror(err))
          }
          break
        case 'logfile':
          cfg.logfile = args[0]!
          break
        case 'pidfile':
          cfg.pidfile = args[0]!
          break
        case 'dbfilename':
          if (args[0]!.includes('/')) throw lineError(d, 'dbfilename can\'t be a path, just a filename')
          cfg.dbfilename = args[0]!
          break
        case 'loglevel': {
          const v = args[0]!.toLowerCase() as LogLevelName
          if (!LOGLEVELS.includes(v)) {
            throw lineError(d, `argument(s) must be one of the following: ${LOGLEVELS.join(', ')}`)
          }
          cfg.loglevel = v
          break
        }
        case 'requirepass':
          cfg.requirepass = args[0]!
          break
        case 'databases':
          cfg.databases = parseInt32(d, 1, 2147483647)
          break
        case 'save': {
          if (args.length === 1 && args[0] === '') {
            cfg.save = []
            savesReset = true
            break
          }
          if (args.length % 2 !== 0) throw lineError(d, 'Invalid save parameters')
          const points: [number, number][] = []
          for (let i = 0; i < args.length; i += 2) {
            const s = parseStrictInt(args[i]!)
            const ch = parseStrictInt(args[i + 1]!)
            if (s === null || ch === null || s < 0 || ch < 0) throw lineError(d, 'Invalid save parameters')
            points.push([s, ch])
          }
          // the first save line of a config replaces the defaults, later ones add to it
          cfg.save = savesReset ? cfg.save.concat(points) : points
          savesReset = true
          break
        }
        case 'replicaof':
        case 'slaveof':
          if (args.length !== 2) throw lineError(d, 'wrong number of arguments')
          if (args[0]!.toLowerCase() === 'no' && args[1]!.toLowerCase() === 'one') cfg.replicaof = null
          else {
            if (parseStrictInt(args[1]!) === null) throw lineError(d, 'Invalid master port')
            cfg.replicaof = [args[0]!, args[1]!]
          }
          break
        default:
          if (BOOL_CONFIGS.has(name)) {
            const v = parseBool(d)
            if (name === 'always-show-logo') cfg.alwaysShowLogo = v
            else if (name === 'daemonize' && v) {
              throw lineError(d, 'lab-server cannot daemonize: run it in the background instead')
            } else if (name === 'appendonly' && v) {
              throw lineError(d, 'lab-server does not support the append only file (appendonly must be no)')
            } else cfg.ignored.set(name, args)
          } else {
            const values = ENUM_CONFIGS[name]
            if (values) {
              // shutdown-on-sig* take several flags in one argument
              for (const v of args[0]!.toLowerCase().split(' ')) {
                if (!values.includes(v)) {
                  throw lineError(d, `argument(s) must be one of the following: ${values.join(', ')}`)
                }
              }
            }
            cfg.ignored.set(name, args)
          }
      }
      continue
    }
    const dep = DEPRECATED[name]
    if (dep && dep[0] <= d.args.length + 1 && d.args.length + 1 <= dep[1]) continue
    const argc = d.args.length + 1
    if (name === 'include' && argc === 2) {
      let text: string
      try {
        text = readFile(d.args[0]!)
      } catch (err) {
        // loadServerConfig's own error for a file it cannot open (logged, exit 1)
        throw new IncludeOpenError(d.args[0]!, strerror(err))
      }
      applyConfigText(cfg, text, opts)
    } else if (name === 'rename-command' && argc === 3) {
      cfg.warnings.push(`rename-command ${d.args[0]} is not supported by lab-server: ignored`)
    } else if (name === 'user' && argc >= 2) {
      cfg.warnings.push(`user ${d.args[0]} is not supported by lab-server: ignored`)
    } else if (name === 'loadmodule' && argc >= 2) {
      cfg.warnings.push(`loadmodule ${d.args[0]} is not supported by lab-server: ignored`)
    } else if (name.includes('.')) {
      cfg.warnings.push(`module config ${name} is not supported by lab-server: ignored`)
    } else {
      throw lineError(d, 'Bad directive or wrong number of arguments')
    }
  }
}

/** A config file (the main one or an include) that cannot be read: logged, exit 1. */
export class IncludeOpenError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string
  ) {
    super(`Fatal error, can't open config file '${path}': ${reason}`)
  }
}
