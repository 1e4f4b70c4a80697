/**
 * `lab-server`: one embedded RedisServer behind a redis-server compatible command line
 * (`node out/main/server-cli.js [configfile] [--option value ...]`). Same arguments, same
 * configuration errors, same log lines and exit codes as redis-server 7.0.15, so scripts
 * and test harnesses written for redis-server can start it instead. Plain Node, no Electron.
 */
import { createHash } from 'node:crypto'
import { closeSync, openSync, readFileSync, unlinkSync, writeFileSync, writeSync } from 'node:fs'
import { resolve } from 'node:path'
import { parseCommandLine, REDIS_VERSION, usage } from './server/args'
import { ConfigFileError, IncludeOpenError, loadConfigText, strerror, type LoadedConfig } from './server/config-file'
import { lookupConfig } from './server/config-table'
import { ServerLog, type LogLevel } from './server/log'
import { BindError, listenHost } from './server/listeners'
import { RedisServer } from './server/node'
import { version as labVersion } from '../../package.json'

const PROG = 'lab-server'

/** `Redis server v=7.0.15 sha=00000000:0 malloc=libc bits=64 build=…` (what harnesses parse). */
export function versionLine(): string {
  const build = createHash('sha1').update(`lab-server ${labVersion}`).digest('hex').slice(0, 16)
  return `Redis server v=${REDIS_VERSION} sha=00000000:0 malloc=libc bits=64 build=${build}`
}

function logo(port: number, pid: number): string {
  return [
    `                _._                                                  `,
    `           _.-\`\`__ ''-._                                             `,
    `      _.-\`\`    \`.  \`_.  ''-._           Redis ${REDIS_VERSION} (00000000/0) 64 bit`,
    `  .-\`\` .-\`\`\`.  \`\`\`\\/    _.,_ ''-._                                  `,
    ` (    '      ,       .-\`  | \`,    )     Running in standalone mode`,
    ` |\`-._\`-...-\` __...-.\`\`-._|'\` _.-'|     Port: ${port}`,
    ` |    \`-._   \`._    /     _.-'    |     PID: ${pid}`,
    `  \`-._    \`-._  \`-./  _.-'    _.-'                                   `,
    ` |\`-._\`-._    \`-.__.-'    _.-'_.-'|                                  `,
    ` |    \`-._\`-._        _.-'_.-'    |           https://redis.io       `,
    `  \`-._    \`-._\`-.__.-'_.-'    _.-'                                   `,
    ` |\`-._\`-._    \`-.__.-'    _.-'_.-'|                                  `,
    ` |    \`-._\`-._        _.-'_.-'    |                                  `,
    `  \`-._    \`-._\`-.__.-'_.-'    _.-'                                   `,
    `      \`-._    \`-.__.-'    _.-'                                       `,
    `          \`-._        _.-'                                           `,
    `              \`-.__.-'                                               `,
    ``,
    ''
  ].join('\n')
}

/**
 * Prints the FATAL CONFIG FILE ERROR block to stderr and exits 1 (config.c loaderr). Output
 * before process.exit() is written synchronously: a pipe write could otherwise be cut off.
 */
function fatalConfig(err: ConfigFileError): never {
  writeSync(2, err.fatalBlock())
  process.exit(1)
}

/** A loaded configuration, with Redis's defaults for what it does not set. */
interface CliConfig {
  loaded: LoadedConfig
  /** Absolute path of the config file (CONFIG REWRITE's target), or null. */
  configFile: string | null
  get(name: string): string
}

/** The whole configuration text: file, then stdin, then "\n" + the command line options. */
function loadConfig(args: string[], log: ServerLog): CliConfig {
  const cl = parseCommandLine(args)
  if (cl.kind === 'version') {
    writeSync(1, versionLine() + '\n')
    process.exit(0)
  }
  if (cl.kind === 'help') {
    writeSync(2, usage(PROG))
    process.exit(1)
  }
  let text = ''
  const configFile = cl.configFile === null ? null : resolve(cl.configFile)
  if (configFile !== null) {
    try {
      text += readFileSync(configFile, 'latin1')
    } catch (err) {
      log.warning(`Fatal error, can't open config file '${configFile}': ${strerror(err)}`)
      process.exit(1)
    }
  }
  if (cl.fromStdin) {
    log.warning('Reading config from stdin')
    try {
      text += readFileSync(0, 'latin1')
    } catch {
      /* nothing on stdin */
    }
  }
  text += '\n' + cl.options
  let loaded: LoadedConfig
  try {
    loaded = loadConfigText(text, { chdir: (dir) => process.chdir(dir) })
  } catch (err) {
    if (err instanceof ConfigFileError) fatalConfig(err)
    if (err instanceof IncludeOpenError) {
      log.warning(err.message)
      process.exit(1)
    }
    throw err
  }
  // Unlike redis-server (`* -::*`), loopback only unless the config names addresses: a lab
  // server is for this machine first. Protected mode still guards a wider bind.
  loaded.values.bind ??= '127.0.0.1 -::1'
  const get = (name: string): string => loaded.values[name] ?? lookupConfig(name)!.default
  const logfile = get('logfile')
  if (logfile !== '') {
    try {
      closeSync(openSync(logfile, 'a'))
    } catch (err) {
      fatalConfig(new ConfigFileError(`Can't open the log file: ${strerror(err)}`))
    }
  }
  return { loaded, configFile, get }
}

const USER_REQUESTED = 'User requested shutdown...'

async function main(): Promise<void> {
  const args = process.argv.slice(2)
  const log = new ServerLog({ role: 'C' })
  const cfg = loadConfig(args, log)
  log.logfile = cfg.get('logfile')
  log.level = cfg.get('loglevel') as LogLevel
  const pid = process.pid
  const replicaof = cfg.get('replicaof')

  log.warning('oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo')
  log.warning(
    `Redis version=${REDIS_VERSION}, bits=64, commit=00000000, modified=0, pid=${pid}, just started`
  )
  if (args.length === 0) {
    log.warning(
      `Warning: no config file specified, using the default config. In order to specify a config file use ${PROG} /path/to/redis.conf`
    )
  } else {
    log.warning('Configuration loaded')
  }
  log.role = replicaof !== '' ? 'S' : 'M'
  log.notice('monotonic clock: POSIX clock_gettime')
  for (const w of cfg.loaded.warnings) log.warning(w)
  for (const name of cfg.loaded.notInEffect) {
    log.warning(`Option '${name}' is accepted but not in effect in lab-server`)
  }

  // ---- listen (initServer / listenToPort); the first server also loads the dump file
  const port = Number(cfg.get('port'))
  const addrs = cfg.get('bind').split(' ').filter((a) => a !== '')
  if (port === 0 || addrs.length === 0) {
    log.warning('Configured to not listen anywhere, exiting.')
    process.exit(1)
  }
  let master: { host: string; port: number } | undefined
  if (replicaof !== '') {
    const [host, p] = replicaof.split(' ')
    master = { host: host!, port: Number(p) }
  }
  // prepareForShutdown's first line, once, whoever starts the shutdown (signal or SHUTDOWN)
  let userRequestedLogged = false
  const logUserRequested = (): void => {
    if (userRequestedLogged) return
    userRequestedLogged = true
    log.warning(USER_REQUESTED)
  }
  // The server listens on every bind address itself (listeners.ts); `host` is the first.
  const first = addrs[0]!.replace(/^-/, '')
  const srv = new RedisServer({ port, host: listenHost(first), config: cfg.loaded.values, replicaOf: master, rdbFile: true })
  srv.config.configFile = cfg.configFile
  srv.config.on('loglevel', (v) => {
    log.level = v as LogLevel
  })
  srv.on('log', (level, msg) => {
    if (msg === USER_REQUESTED) logUserRequested()
    else log.log(level, msg)
  })
  srv.on('replication', (e) => {
    if (e.type === 'role') log.role = e.role === 'master' ? 'M' : 'S'
  })
  try {
    await srv.listen()
  } catch (err) {
    if (!(err instanceof BindError)) {
      // rdbLoad refused the dump file: the server does not start half-loaded
      log.warning(`Fatal error loading the DB: ${(err as Error).message}. Exiting.`)
      process.exit(1)
    }
    log.warning(`Warning: Could not create server TCP listening socket ${err.address}:${port}: bind: ${await err.reason}`)
    log.warning(`Failed listening on port ${port} (TCP), aborting.`)
    process.exit(1)
  }

  // ---- pid file, banner
  const pidfile = cfg.get('pidfile')
  if (pidfile !== '') {
    try {
      writeFileSync(pidfile, `${pid}\n`)
    } catch (err) {
      log.warning(`Failed to write PID file: ${strerror(err)}`)
    }
  }
  const showLogo = cfg.get('always-show-logo') === 'yes' || (log.logfile === '' && process.stdout.isTTY === true)
  if (showLogo) log.raw('notice', logo(srv.port, pid))
  else log.notice(`Running mode=standalone, port=${srv.port}.`)
  log.warning('Server initialized')

  // ---- shutdown: SIGTERM / SIGINT (scheduled, then done by the next "cron"), or SHUTDOWN
  let shuttingDown = false
  let finished = false
  const removePidfile = (): void => {
    if (pidfile === '') return
    try {
      unlinkSync(pidfile)
    } catch {
      /* already gone */
    }
  }
  // The server closed itself (SHUTDOWN, or the signal path below): finishShutdown's last steps.
  srv.on('shutdown', () => {
    if (finished) return
    finished = true
    logUserRequested()
    if (pidfile !== '') {
      log.notice('Removing the pid file.')
      removePidfile()
    }
    log.warning('Redis is now ready to exit, bye bye...')
    process.exit(0)
  })
  // shutdown-on-sigterm / shutdown-on-sigint: save, nosave, force (now: no replicas to wait for)
  const shutdown = async (sig: 'SIGTERM' | 'SIGINT'): Promise<void> => {
    logUserRequested()
    const flags = srv.config.get(sig === 'SIGTERM' ? 'shutdown-on-sigterm' : 'shutdown-on-sigint').split(' ')
    const save = flags.includes('nosave') ? false : flags.includes('save') ? true : undefined
    try {
      await srv.shutdown({ save })
    } catch {
      if (flags.includes('force')) {
        await srv.close()
        srv.emit('shutdown')
        return
      }
      // the final save failed: Redis stays up
      log.warning('Errors trying to shut down the server. Check the logs for more information.')
      shuttingDown = false
      userRequestedLogged = false
    }
  }
  const onSignal = (sig: 'SIGTERM' | 'SIGINT'): void => {
    if (shuttingDown) {
      if (sig === 'SIGINT') {
        log.fromSignalHandler('warning', 'You insist... exiting now.')
        removePidfile()
        process.exit(1)
      }
      return
    }
    shuttingDown = true
    log.fromSignalHandler('warning', `Received ${sig} scheduling shutdown...`)
    setTimeout(() => void shutdown(sig), 1000 / srv.hz)
  }
  process.on('SIGTERM', () => onSignal('SIGTERM'))
  process.on('SIGINT', () => onSignal('SIGINT'))
  process.on('SIGHUP', () => {
    /* Redis ignores SIGHUP */
  })
  process.on('uncaughtException', (err) => {
    // A bug must not take the server (and every client) down: log it and carry on.
    log.warning(`lab-server internal error: ${err?.stack ?? String(err)}`)
  })
  // Only now: harnesses send SIGTERM as soon as they read this line, and the handlers
  // must already be in place or the kernel's default action kills the process.
  log.notice('Ready to accept connections')
}

main().catch((err: unknown) => {
  writeSync(2, `lab-server: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`)
  process.exit(1)
})
