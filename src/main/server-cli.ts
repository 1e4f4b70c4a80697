/**
 * `lab-server`: one embedded RedisServer behind a redis-server compatible command line
 * (`node out/main/server-cli.js [configfile] [--option value ...]`). Same arguments, same
 * configuration errors, same log lines and exit codes as redis-server 7.0.15, so scripts
 * and test harnesses written for redis-server can start it instead. Plain Node, no Electron.
 */
import { createHash } from 'node:crypto'
import { closeSync, openSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs'
import net from 'node:net'
import { resolve } from 'node:path'
import {
  applyConfigText,
  ConfigFileError,
  defaultConfig,
  IncludeOpenError,
  parseCommandLine,
  REDIS_VERSION,
  strerror,
  usage,
  type ServerCliConfig
} from './server/args'
import { ServerLog } from './server/log'
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

/** Prints the FATAL CONFIG FILE ERROR block to stderr and exits 1 (config.c loaderr). */
function fatalConfig(err: ConfigFileError): never {
  process.stderr.write(err.fatalBlock())
  process.exit(1)
}

/** The whole configuration text: file, then stdin, then "\n" + the command line options. */
function loadConfig(args: string[], log: ServerLog): { cfg: ServerCliConfig; configFile: string | null } | null {
  const cl = parseCommandLine(args)
  if (cl.kind === 'version') {
    process.stdout.write(versionLine() + '\n')
    process.exit(0)
  }
  if (cl.kind === 'help') {
    process.stderr.write(usage(PROG))
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
  const cfg = defaultConfig()
  try {
    applyConfigText(cfg, text)
  } catch (err) {
    if (err instanceof ConfigFileError) fatalConfig(err)
    if (err instanceof IncludeOpenError) {
      log.warning(err.message)
      process.exit(1)
    }
    throw err
  }
  if (cfg.logfile !== '') {
    try {
      closeSync(openSync(cfg.logfile, 'a'))
    } catch (err) {
      fatalConfig(new ConfigFileError(`Can't open the log file: ${strerror(err)}`))
    }
  }
  if (cfg.requirepass !== '') {
    fatalConfig(new ConfigFileError('requirepass is not supported by lab-server yet'))
  }
  return { cfg, configFile }
}

/** Node's listen host for a Redis bind address ('*' any IPv4, '::*' any IPv6). */
function listenHost(addr: string): string {
  if (addr === '*') return '0.0.0.0'
  if (addr === '::*') return '::'
  return addr
}

function listenExtra(server: RedisServer, host: string, port: number): Promise<net.Server> {
  return new Promise((resolvePromise, reject) => {
    const srv = net.createServer({ noDelay: true }, (socket) => server.acceptConnection(socket))
    srv.once('error', reject)
    srv.listen({ port, host, exclusive: true, ipv6Only: host.includes(':') }, () => {
      srv.off('error', reject)
      srv.on('error', () => {})
      resolvePromise(srv)
    })
  })
}

/** Errors an optional ('-addr') bind address may fail with silently (listenToPort). */
const OPTIONAL_BIND_ERRORS = new Set(['EADDRNOTAVAIL', 'EAFNOSUPPORT', 'EPROTONOSUPPORT', 'ENOPROTOOPT'])

async function main(): Promise<void> {
  const args = process.argv.slice(2)
  const log = new ServerLog({ role: 'C' })
  const loaded = loadConfig(args, log)
  if (!loaded) return
  const { cfg } = loaded
  log.logfile = cfg.logfile
  log.level = cfg.loglevel
  const pid = process.pid

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
  log.role = cfg.replicaof ? 'S' : 'M'
  log.notice('monotonic clock: POSIX clock_gettime')
  for (const w of cfg.warnings) log.warning(w)
  for (const [name, values] of cfg.ignored) {
    log.verbose(`Option '${name} ${values.join(' ')}' accepted, no effect in lab-server`)
  }

  // ---- listen (initServer / listenToPort)
  const addrs = cfg.bind
  if (cfg.port === 0 || addrs.length === 0) {
    log.warning('Configured to not listen anywhere, exiting.')
    process.exit(1)
  }
  let server: RedisServer | null = null
  const extra: net.Server[] = []
  for (const raw of addrs) {
    const optional = raw.startsWith('-')
    const addr = optional ? raw.slice(1) : raw
    const host = listenHost(addr)
    try {
      if (server === null) {
        const s = new RedisServer({ port: cfg.port, host })
        await s.listen()
        server = s
      } else {
        extra.push(await listenExtra(server, host, cfg.port))
      }
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? ''
      if (optional && OPTIONAL_BIND_ERRORS.has(code)) continue
      log.warning(`Warning: Could not create server TCP listening socket ${addr}:${cfg.port}: bind: ${strerror(err)}`)
      log.warning(`Failed listening on port ${cfg.port} (TCP), aborting.`)
      process.exit(1)
    }
  }
  if (server === null) {
    log.warning('Configured to not listen anywhere, exiting.')
    process.exit(1)
  }
  const srv: RedisServer = server

  // ---- pid file, banner
  const pidfile = cfg.pidfile
  if (pidfile !== '') {
    try {
      writeFileSync(pidfile, `${pid}\n`)
    } catch (err) {
      log.warning(`Failed to write PID file: ${strerror(err)}`)
    }
  }
  const showLogo = cfg.alwaysShowLogo || (cfg.logfile === '' && process.stdout.isTTY === true)
  if (showLogo) log.raw('notice', logo(srv.port, pid))
  else log.notice(`Running mode=standalone, port=${srv.port}.`)
  log.warning('Server initialized')
  if (cfg.save.length > 0) log.notice('lab-server does not write RDB snapshots yet: save points are ignored')
  if (cfg.databases !== 16) log.warning(`databases ${cfg.databases}: lab-server always has 16 databases for now`)
  if (cfg.replicaof) {
    log.warning(`replicaof ${cfg.replicaof[0]} ${cfg.replicaof[1]}: replication is not supported by lab-server yet, ignored`)
  }

  // ---- shutdown (SIGTERM / SIGINT: scheduled, then done by the next "cron")
  let shuttingDown = false
  const removePidfile = (): void => {
    if (pidfile === '') return
    try {
      unlinkSync(pidfile)
    } catch {
      /* already gone */
    }
  }
  const shutdown = async (): Promise<void> => {
    log.warning('User requested shutdown...')
    for (const e of extra) e.close()
    await srv.close()
    if (pidfile !== '') {
      log.notice('Removing the pid file.')
      removePidfile()
    }
    log.warning('Redis is now ready to exit, bye bye...')
    process.exit(0)
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
    setTimeout(() => void shutdown(), 1000 / srv.hz)
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
  process.stderr.write(`lab-server: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`)
  process.exit(1)
})
