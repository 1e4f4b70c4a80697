/**
 * A redis-server command line, read the way Redis 7.0 reads it (server.c main()):
 *
 *   redis-server [configfile] [-] [--option value ...] [-]
 *
 * Every `--name v1 v2` becomes the line `name "v1" "v2"` appended after the config file
 * (and stdin) text, which config-file.ts then reads, so errors name the same line numbers
 * and quote the same text as Redis:
 *
 *   *** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***
 *   Reading the configuration file, at line 2
 *   >>> 'foo "bar"'
 *   Bad directive or wrong number of arguments
 */
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

// The configuration text itself is read by config-file.ts over the one parameter table.
export { ConfigFileError, IncludeOpenError, parseConfigText, strerror, type Directive } from './config-file'
