/**
 * The command table (Redis's server.commands dict, built from the per-family specs) and
 * command lookup, including subcommands ("CONFIG GET", "COMMAND INFO"...).
 *
 * To add a command: declare its CommandSpec (arity, flags, ACL categories, key specs and
 * docs exactly as Redis 7's COMMAND INFO / COMMAND DOCS report them) next to its
 * implementation in the family file, and list it in that family's export.
 */
import { cString } from '../util'
import { connectionCommands } from './connection'
import { keysCommands } from './keys'
import { serverCommands } from './server'
import { clientCommands } from './client'
import { configCommands } from './config'
import { debugCommands } from './debug'
import { stringsCommands } from './strings'
import { bitopsCommands } from './bitops'
import { commandCommands } from './command'
import { hashesCommands } from './hashes'
import { setsCommands } from './sets'
import { listsCommands } from './lists'
import { zsetsCommands } from './zsets'
import { transactionsCommands } from './transactions'
import { pubsubCommands } from './pubsub'
import { persistenceCommands } from './persistence'
import { replicationCommands } from './replication'
import { replicaofCommands } from './replicaof'
import type { CommandSpec, RedisCommand } from './types'

function resolve(spec: CommandSpec, parent: RedisCommand | null): RedisCommand {
  const cmd: RedisCommand = {
    ...spec,
    fullname: parent ? `${parent.name}|${spec.name}` : spec.name,
    parent,
    subcommandMap: null,
    calls: 0,
    usec: 0,
    rejectedCalls: 0,
    failedCalls: 0,
    isWrite: spec.flags.includes('write')
  }
  if (spec.subcommands) {
    cmd.subcommandMap = new Map()
    for (const sub of spec.subcommands) cmd.subcommandMap.set(sub.name, resolve(sub, cmd))
  }
  return cmd
}

/** name (lowercase) -> command. Built once; per-server statistics live in the objects. */
export function buildCommandTable(): Map<string, RedisCommand> {
  const table = new Map<string, RedisCommand>()
  for (const family of [
    connectionCommands,
    stringsCommands,
    bitopsCommands,
    keysCommands,
    serverCommands,
    clientCommands,
    configCommands,
    debugCommands,
    commandCommands,
    hashesCommands,
    setsCommands,
    listsCommands,
    zsetsCommands,
    transactionsCommands,
    pubsubCommands,
    persistenceCommands,
    replicationCommands,
    replicaofCommands
  ]) {
    for (const spec of family) {
      if (table.has(spec.name)) throw new Error(`duplicate command ${spec.name}`)
      table.set(spec.name, resolve(spec, null))
    }
  }
  return table
}

/** Command names are looked up case-insensitively (ASCII), byte-exact otherwise. */
export function commandName(arg: Buffer): string {
  const s = arg.toString('latin1')
  // Fast path: already lowercase.
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i)
    if (ch >= 65 && ch <= 90) return s.replace(/[A-Z]+/g, (m) => m.toLowerCase())
  }
  return s
}

/**
 * lookupCommand: the command for argv, descending into a subcommand when the command has
 * subcommands and an argument follows. Null when unknown.
 */
export function lookupCommand(table: Map<string, RedisCommand>, argv: Buffer[]): RedisCommand | null {
  const base = table.get(commandName(argv[0]!))
  if (!base) return null
  if (argv.length === 1 || !base.subcommandMap) return base
  return base.subcommandMap.get(commandName(argv[1]!)) ?? null
}

/** Looks up a command by "name" or "container|sub" (COMMAND INFO/DOCS arguments). */
export function lookupCommandBySpec(table: Map<string, RedisCommand>, name: string): RedisCommand | null {
  const lower = name.replace(/[A-Z]+/g, (m) => m.toLowerCase())
  const pipe = lower.indexOf('|')
  if (pipe === -1) return table.get(lower) ?? null
  const base = table.get(lower.slice(0, pipe))
  if (!base?.subcommandMap) return null
  return base.subcommandMap.get(lower.slice(pipe + 1)) ?? null
}

/** Error for an unknown command or subcommand (commandCheckExistence). */
export function unknownCommandError(table: Map<string, RedisCommand>, argv: Buffer[]): string {
  const name = argv[0]!.toString('latin1')
  const base = table.get(commandName(argv[0]!))
  if (base?.subcommandMap && argv.length > 1) {
    const sub = cString(argv[1]!.toString('latin1')).slice(0, 128)
    const upper = cString(name).replace(/[a-z]+/g, (m) => m.toUpperCase())
    return `unknown subcommand '${sub}'. Try ${upper} HELP.`
  }
  let args = ''
  for (let i = 1; i < argv.length && args.length < 128; i++) {
    const a = cString(argv[i]!.toString('latin1')).slice(0, 128 - args.length)
    args += `'${a}' `
  }
  return `unknown command '${cString(name).slice(0, 128)}', with args beginning with: ${args}`
}

export function arityError(cmd: RedisCommand): string {
  return `wrong number of arguments for '${cmd.fullname}' command`
}
