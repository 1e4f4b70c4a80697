/**
 * CONFIG GET / SET / RESETSTAT / REWRITE / HELP (config.c), over the table in
 * config-table.ts.
 */
import type { Client } from '../client'
import {
  configNames, IMMUTABLE, lookupConfig, parseConfigValue, PROTECTED, type ConfigDef, type ServerConfig
} from '../config-table'
import { rewriteConfigFile, strerror } from '../config-file'
import { encodingLimits } from '../keyspace/encoding-limits'
import type { RedisServer } from '../node'
import { Shared } from '../resp/reply-writer'
import { binaryString, isLoopbackAddress, stringMatch } from '../util'
import { HELP } from './admin-help'
import { redisCommand } from './meta'
import type { CommandSpec } from './types'

/** addReplyHelp: the first line, the command's lines, then HELP. */
export function replyHelp(c: Client, name: string): void {
  const lines = HELP[name]!
  c.reply.arrayLen(lines.length + 3)
  c.reply.status(`${name.toUpperCase()} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`)
  for (const l of lines) c.reply.status(l)
  c.reply.status('HELP')
  c.reply.status('    Prints this help.')
}

/** allowProtectedAction: 'yes', or 'local' and a loopback connection. */
export function allowProtectedAction(setting: string, c: Client): boolean {
  if (setting === 'yes') return true
  if (setting !== 'local') return false
  return isLoopbackAddress(c.socket.remoteAddress)
}

function configGetCommand(c: Client): void {
  const matches = new Map<string, [string, ConfigDef]>()
  for (let i = 2; i < c.argv.length; i++) {
    const name = binaryString(c.argv[i]!)
    if (!/[[*?]/.test(name)) {
      const def = lookupConfig(name)
      const key = name.toLowerCase()
      if (def && !matches.has(key)) matches.set(key, [name, def])
      continue
    }
    for (const [n, def] of configNames()) {
      if (matches.has(n)) continue
      if (stringMatch(name, n, true)) matches.set(n, [n, def])
    }
  }
  c.reply.mapLen(matches.size)
  for (const [shown, def] of matches.values()) {
    c.reply.bulkBinary(shown)
    c.reply.bulkBinary(configValue(c.server, def.name))
  }
}

/** A parameter's CONFIG GET form; replicaof is the replication state (REPLICAOF changes it). */
export function configValue(server: RedisServer, name: string): string {
  if (name === 'replicaof') {
    const r = server.replication.replica
    return r.masterHost === null ? '' : `${r.masterHost} ${r.masterPort}`
  }
  return server.config.get(name)
}

function configSetCommand(c: Client): void {
  const argv = c.argv
  if (argv.length & 1) {
    c.error('syntax error')
    return
  }
  const n = (argv.length - 2) / 2
  const defs: ConfigDef[] = []
  const rawValues: string[] = []
  let invalidArgName: string | null = null
  let errstr: string | null = null
  let errArgName = ''
  let invalid = false
  for (let i = 0; i < n; i++) {
    const name = binaryString(argv[2 + i * 2]!)
    const def = lookupConfig(name)
    if (!def) {
      if (!invalid) {
        invalidArgName = name
        invalid = true
      }
      continue
    }
    if (invalid) continue
    if (def.flags & IMMUTABLE || (def.flags & PROTECTED && !allowProtectedAction(c.server.config.get('enable-protected-configs'), c))) {
      errstr = def.flags & IMMUTABLE ? "can't set immutable config" : "can't set protected config"
      errArgName = name
      invalid = true
      continue
    }
    if (defs.includes(def)) {
      errstr = 'duplicate parameter'
      errArgName = name
      invalid = true
      continue
    }
    defs[i] = def
    rawValues[i] = binaryString(argv[3 + i * 2]!)
  }
  if (invalid) {
    if (invalidArgName !== null) c.error(`Unknown option or number of arguments for CONFIG SET - '${invalidArgName}'`)
    else c.error(`CONFIG SET failed (possibly related to argument '${errArgName}') - ${errstr}`)
    return
  }
  const config = c.server.config
  // Validate everything first, then set all, then run the hooks; restore on failure.
  const parsed: string[] = []
  for (let i = 0; i < n; i++) {
    const def = defs[i]!
    const v = parseConfigValue(def, rawValues[i]!, config.get(def.name))
    if (typeof v !== 'string') {
      c.error(`CONFIG SET failed (possibly related to argument '${binaryString(argv[2 + i * 2]!)}') - ${v.err}`)
      return
    }
    parsed.push(adjustOnSet(def.name, v, config.get(def.name)))
  }
  const old = defs.map((d) => config.get(d.name))
  for (let i = 0; i < n; i++) {
    const err = config.apply(defs[i]!, parsed[i]!)
    if (err !== null) {
      for (let j = 0; j <= i; j++) config.apply(defs[j]!, old[j]!)
      c.error(`CONFIG SET failed (possibly related to argument '${binaryString(argv[2 + i * 2]!)}') - ${err}`)
      return
    }
  }
  c.reply.raw(Shared.ok)
}

/** CONFIG_REPL_BACKLOG_MIN_SIZE */
const REPL_BACKLOG_MIN_SIZE = 16 * 1024

/**
 * What an apply function does to a changed value (not at start-up, not when unchanged):
 * updateReplBacklogSize raises the backlog to its minimum size.
 */
function adjustOnSet(name: string, value: string, old: string): string {
  if (name === 'repl-backlog-size' && value !== old && Number(value) < REPL_BACKLOG_MIN_SIZE) return String(REPL_BACKLOG_MIN_SIZE)
  return value
}

/** resetServerStats + resetCommandTableStats + resetErrorTableStats. */
export function resetStats(c: Client): void {
  const s = c.server
  const st = s.stats
  st.totalConnectionsReceived = 0
  st.totalCommandsProcessed = 0
  st.netInputBytes = 0
  st.netOutputBytes = 0
  st.rejectedConnections = 0
  st.totalErrorReplies = 0
  st.errorStats.clear()
  const ks = s.keyspace.stats
  ks.keyspaceHits = 0
  ks.keyspaceMisses = 0
  ks.expiredKeys = 0
  ks.expiredStalePerc = 0
  ks.expiredTimeCapReachedCount = 0
  ks.expireCycleCpuMs = 0
  for (const cmd of s.commands.values()) {
    cmd.calls = cmd.usec = cmd.rejectedCalls = cmd.failedCalls = 0
    if (cmd.subcommandMap) for (const sub of cmd.subcommandMap.values()) sub.calls = sub.usec = sub.rejectedCalls = sub.failedCalls = 0
  }
}

function configResetstatCommand(c: Client): void {
  resetStats(c)
  c.reply.raw(Shared.ok)
}

/** CONFIG REWRITE (rewriteConfig): the config file the server started from, updated in place. */
function configRewriteCommand(c: Client): void {
  const server = c.server
  const path = server.config.configFile
  if (path === null) {
    c.error('The server is running without a config file')
    return
  }
  const r = server.replication.replica
  try {
    rewriteConfigFile(path, {
      get: (name) => configValue(server, name),
      master: r.masterHost === null ? null : { host: r.masterHost, port: r.masterPort },
      dir: server.config.get('dir') || process.cwd()
    })
  } catch (err) {
    server.emit('log', 'warning', `CONFIG REWRITE failed: ${strerror(err)}`)
    c.error(`Rewriting config file: ${strerror(err)}`)
    return
  }
  server.emit('log', 'notice', 'CONFIG REWRITE executed with success.')
  c.reply.raw(Shared.ok)
}

function configHelpCommand(c: Client): void {
  replyHelp(c, 'config')
}

export const configCommands: CommandSpec[] = [
  redisCommand('config', null, {
    get: configGetCommand,
    set: configSetCommand,
    resetstat: configResetstatCommand,
    rewrite: configRewriteCommand,
    help: configHelpCommand
  })
]

/**
 * Connects parameters that change behaviour to the modules that read them. The encoding
 * thresholds are per server (keyspace/encoding-limits.ts): each server's hashes, sets and
 * zsets read their own server's values.
 */
export function installConfigHooks(config: ServerConfig): void {
  encodingLimits(config)
}
