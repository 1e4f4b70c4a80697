/**
 * The command table (Redis's server.commands dict, built from the per-family specs) and
 * command lookup, including subcommands ("CONFIG GET", "COMMAND INFO"...).
 *
 * To add a command: declare its CommandSpec (arity, flags, ACL categories, key specs and
 * docs exactly as Redis 7's COMMAND INFO / COMMAND DOCS report them) next to its
 * implementation in the family file, and list it in that family's export.
 */
import { binaryString, cString } from '../util'
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
  // Every field in one fixed order (not `...spec`): specs differ in which optional fields
  // they declare, and objects of one shape keep the command loop's property loads
  // monomorphic.
  const cmd: RedisCommand = {
    name: spec.name,
    arity: spec.arity,
    flags: spec.flags,
    acl: spec.acl,
    tips: spec.tips,
    keySpecs: spec.keySpecs,
    keys: spec.keys,
    doc: spec.doc,
    getKeys: spec.getKeys,
    proc: spec.proc,
    subcommands: spec.subcommands,
    fullname: parent ? `${parent.name}|${spec.name}` : spec.name,
    parent,
    subcommandMap: null,
    calls: 0,
    usec: 0,
    rejectedCalls: 0,
    failedCalls: 0,
    isWrite: spec.flags.includes('write'),
    isFast: spec.flags.includes('fast')
  }
  if (spec.subcommands) {
    const subs = new CommandTable()
    for (const sub of spec.subcommands) subs.set(sub.name, resolve(sub, cmd))
    cmd.subcommandMap = subs
  }
  return cmd
}

/**
 * A name -> command map that also finds a command straight from the argument bytes, in
 * any ASCII case, without building a string (the command loop does this for every
 * command): names are bucketed by a hash of their lowercased bytes.
 */
export class CommandTable extends Map<string, RedisCommand> {
  private byHash: Map<number, RedisCommand[]> | null = null
  /** The command found last: pipelines and busy clients mostly repeat one command. */
  private last: RedisCommand | null = null

  override set(name: string, cmd: RedisCommand): this {
    this.byHash = null
    this.last = null
    return super.set(name, cmd)
  }

  override delete(name: string): boolean {
    this.byHash = null
    this.last = null
    return super.delete(name)
  }

  override clear(): void {
    this.byHash = null
    this.last = null
    super.clear()
  }

  /** The command whose name equals `arg` ignoring ASCII case, or undefined. */
  find(arg: Uint8Array): RedisCommand | undefined {
    const last = this.last
    if (last !== null && equalsFolded(last.name, arg)) return last
    const cmd = this.findIndexed(arg)
    if (cmd !== undefined) this.last = cmd
    return cmd
  }

  private findIndexed(arg: Uint8Array): RedisCommand | undefined {
    let idx = this.byHash
    if (idx === null) idx = this.buildIndex()
    const cands = idx.get(foldedHash(arg))
    if (cands === undefined) return undefined
    for (let i = 0; i < cands.length; i++) {
      const cmd = cands[i]!
      if (equalsFolded(cmd.name, arg)) return cmd
    }
    return undefined
  }

  private buildIndex(): Map<number, RedisCommand[]> {
    const idx = new Map<number, RedisCommand[]>()
    for (const [name, cmd] of this) {
      const h = foldedHash(Buffer.from(name, 'latin1'))
      const list = idx.get(h)
      if (list) list.push(cmd)
      else idx.set(h, [cmd])
    }
    this.byHash = idx
    return idx
  }
}

/** FNV-1a over the bytes with ASCII letters lowercased. */
function foldedHash(b: Uint8Array): number {
  let h = 0x811c9dc5
  for (let i = 0; i < b.length; i++) {
    let ch = b[i]!
    if (ch >= 65 && ch <= 90) ch |= 32
    h = Math.imul(h ^ ch, 0x01000193)
  }
  return h
}

/** Does `arg` spell `name` (lowercase) in any ASCII case? */
function equalsFolded(name: string, arg: Uint8Array): boolean {
  if (name.length !== arg.length) return false
  for (let i = 0; i < arg.length; i++) {
    let ch = arg[i]!
    if (ch >= 65 && ch <= 90) ch |= 32
    if (ch !== name.charCodeAt(i)) return false
  }
  return true
}

/** name (lowercase) -> command. Built once; per-server statistics live in the objects. */
export function buildCommandTable(): Map<string, RedisCommand> {
  const table = new CommandTable()
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
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i)
    if (ch >= 65 && ch <= 90) return lowerAscii(s)
  }
  return s
}

function lowerAscii(s: string): string {
  let out = ''
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i)
    out += ch >= 65 && ch <= 90 ? String.fromCharCode(ch | 32) : s[i]
  }
  return out
}

function findIn(table: Map<string, RedisCommand>, arg: Buffer): RedisCommand | undefined {
  return table instanceof CommandTable ? table.find(arg) : table.get(commandName(arg))
}

/**
 * lookupCommand: the command for argv, descending into a subcommand when the command has
 * subcommands and an argument follows. Null when unknown.
 */
export function lookupCommand(table: Map<string, RedisCommand>, argv: Buffer[]): RedisCommand | null {
  const base = findIn(table, argv[0]!)
  if (base === undefined) return null
  if (argv.length === 1 || base.subcommandMap === null) return base
  return findIn(base.subcommandMap, argv[1]!) ?? null
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
  const name = binaryString(argv[0]!)
  const base = table.get(commandName(argv[0]!))
  if (base?.subcommandMap && argv.length > 1) {
    const sub = cString(binaryString(argv[1]!)).slice(0, 128)
    const upper = cString(name).replace(/[a-z]+/g, (m) => m.toUpperCase())
    return `unknown subcommand '${sub}'. Try ${upper} HELP.`
  }
  let args = ''
  for (let i = 1; i < argv.length && args.length < 128; i++) {
    const a = cString(binaryString(argv[i]!)).slice(0, 128 - args.length)
    args += `'${a}' `
  }
  return `unknown command '${cString(name).slice(0, 128)}', with args beginning with: ${args}`
}

export function arityError(cmd: RedisCommand): string {
  return `wrong number of arguments for '${cmd.fullname}' command`
}
