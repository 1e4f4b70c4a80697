import { resolve } from 'node:path'
import { DEFAULT_BASE_PORT } from '../lab/lab'
import { defaultWebDataDir } from '../data-dir'

export interface WebCliOptions {
  /** HTTP port of the UI; 0 picks a free one. */
  port: number
  /** Whether `port` was chosen by the user (then a taken port is an error, not a reason to move). */
  portGiven: boolean
  dataDir: string
  basePort: number
  help: boolean
}

export const DEFAULT_WEB_PORT = 5380

export const USAGE = `Usage: replication-lab-web [options]

Serves Replication Lab to a browser on 127.0.0.1.

Options:
  --port N        HTTP port of the UI (default ${DEFAULT_WEB_PORT}; 0 = any free port)
  --data-dir DIR  where the lab keeps its nodes (default $XDG_CONFIG_HOME/replication-lab)
  --base-port N   first port for new nodes (default ${DEFAULT_BASE_PORT})
  -h, --help      show this help`

/** Parses argv; throws an Error with a one-line message on bad input. */
export function parseWebCli(argv: string[], env: NodeJS.ProcessEnv = process.env): WebCliOptions {
  const opts: WebCliOptions = {
    port: DEFAULT_WEB_PORT,
    portGiven: false,
    dataDir: defaultWebDataDir(env),
    basePort: DEFAULT_BASE_PORT,
    help: false
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    const [name, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined]
    const value = (): string => {
      const v = inline ?? argv[++i]
      if (v === undefined || v === '') throw new Error(`${name} needs a value`)
      return v
    }
    switch (name) {
      case '--port':
        opts.port = port(name, value(), true)
        opts.portGiven = true
        break
      case '--data-dir':
        opts.dataDir = resolve(value())
        break
      case '--base-port':
        opts.basePort = port(name, value(), false)
        break
      case '-h':
      case '--help':
        opts.help = true
        break
      default:
        throw new Error(`unknown option ${arg} (try --help)`)
    }
  }
  return opts
}

function port(name: string, text: string, allowZero: boolean): number {
  const n = Number(text)
  if (!/^\d+$/.test(text) || n > 65535 || (n === 0 && !allowZero)) throw new Error(`${name}: invalid port ${JSON.stringify(text)}`)
  return n
}
