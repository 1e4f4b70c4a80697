/**
 * COMMAND and its subcommands (server.c): the command table as Redis 7 reports it, so
 * redis-cli (which reads COMMAND DOCS for its hints), client libraries and tools work.
 */
import type { Client } from '../client'
import type { ReplyWriter } from '../resp/reply-writer'
import { binaryString, string2ll, stringMatch } from '../util'
import { lookupCommand, lookupCommandBySpec } from './table'
import type { ArgDoc, CommandSpec, KeySpec, KeySpecFlag, RedisCommand } from './types'

// ---- COMMAND INFO ----

function replyKeySpecs(w: ReplyWriter, specs: readonly KeySpec[]): void {
  w.arrayLen(specs.length)
  for (const ks of specs) {
    w.mapLen(ks.notes ? 4 : 3)
    if (ks.notes) {
      w.bulkText('notes')
      w.bulkText(ks.notes)
    }
    w.bulkText('flags')
    w.setLen(ks.flags.length)
    for (const f of ks.flags) w.status(f)
    w.bulkText('begin_search')
    w.mapLen(2)
    w.bulkText('type')
    w.bulkText(ks.beginSearch.type)
    w.bulkText('spec')
    if (ks.beginSearch.type === 'index') {
      w.mapLen(1)
      w.bulkText('index')
      w.integer(ks.beginSearch.index)
    } else if (ks.beginSearch.type === 'unknown') {
      w.mapLen(0)
    } else {
      w.mapLen(2)
      w.bulkText('keyword')
      w.bulkText(ks.beginSearch.keyword)
      w.bulkText('startfrom')
      w.integer(ks.beginSearch.startfrom)
    }
    w.bulkText('find_keys')
    w.mapLen(2)
    w.bulkText('type')
    w.bulkText(ks.findKeys.type)
    w.bulkText('spec')
    if (ks.findKeys.type === 'unknown') {
      w.mapLen(0)
      continue
    }
    w.mapLen(3)
    if (ks.findKeys.type === 'range') {
      w.bulkText('lastkey')
      w.integer(ks.findKeys.lastkey)
      w.bulkText('keystep')
      w.integer(ks.findKeys.keystep)
      w.bulkText('limit')
      w.integer(ks.findKeys.limit)
    } else {
      w.bulkText('keynumidx')
      w.integer(ks.findKeys.keynumidx)
      w.bulkText('firstkey')
      w.integer(ks.findKeys.firstkey)
      w.bulkText('keystep')
      w.integer(ks.findKeys.keystep)
    }
  }
}

/** addReplyCommandInfo: the 10-element array of COMMAND / COMMAND INFO. */
export function replyCommandInfo(w: ReplyWriter, cmd: RedisCommand): void {
  const [first, last, step] = cmd.keys ?? [0, 0, 0]
  w.arrayLen(10)
  w.bulkText(cmd.fullname)
  w.integer(cmd.arity)
  w.setLen(cmd.flags.length)
  for (const f of cmd.flags) w.status(f)
  w.integer(first)
  w.integer(last)
  w.integer(step)
  w.setLen(cmd.acl.length)
  for (const a of cmd.acl) w.status('@' + a)
  const tips = cmd.tips ?? []
  w.arrayLen(tips.length)
  for (const t of tips) w.bulkText(t)
  replyKeySpecs(w, cmd.keySpecs ?? [])
  const subs = cmd.subcommandMap ? [...cmd.subcommandMap.values()] : []
  w.arrayLen(subs.length)
  for (const sub of subs) replyCommandInfo(w, sub)
}

// ---- COMMAND DOCS ----

function replyArgs(w: ReplyWriter, args: readonly ArgDoc[]): void {
  w.arrayLen(args.length)
  for (const a of args) {
    const nested = a.type === 'oneof' || a.type === 'block'
    let n = 2
    if (a.keySpecIndex !== undefined) n++
    if (a.token !== undefined) n++
    if (a.summary !== undefined) n++
    if (a.since !== undefined) n++
    if (a.deprecatedSince !== undefined) n++
    if (a.flags?.length) n++
    if (nested) n++
    w.mapLen(n)
    w.bulkText('name')
    w.bulkText(a.name)
    w.bulkText('type')
    w.bulkText(a.type)
    if (a.keySpecIndex !== undefined) {
      w.bulkText('key_spec_index')
      w.integer(a.keySpecIndex)
    }
    if (a.token !== undefined) {
      w.bulkText('token')
      w.bulkText(a.token)
    }
    if (a.summary !== undefined) {
      w.bulkText('summary')
      w.bulkText(a.summary)
    }
    if (a.since !== undefined) {
      w.bulkText('since')
      w.bulkText(a.since)
    }
    if (a.deprecatedSince !== undefined) {
      w.bulkText('deprecated_since')
      w.bulkText(a.deprecatedSince)
    }
    if (a.flags?.length) {
      w.bulkText('flags')
      w.setLen(a.flags.length)
      for (const f of a.flags) w.status(f)
    }
    if (nested) {
      w.bulkText('arguments')
      replyArgs(w, a.arguments ?? [])
    }
  }
}

/** addReplyCommandDocs: the docs map of one command. */
export function replyCommandDocs(w: ReplyWriter, cmd: RedisCommand): void {
  const d = cmd.doc
  const subs = cmd.subcommandMap ? [...cmd.subcommandMap.values()] : []
  let n = 1
  if (d.summary) n++
  if (d.since) n++
  if (d.complexity) n++
  if (d.docFlags?.length) n++
  if (d.deprecatedSince) n++
  if (d.replacedBy) n++
  if (d.history?.length) n++
  if (d.arguments?.length) n++
  if (subs.length) n++
  w.mapLen(n)
  if (d.summary) {
    w.bulkText('summary')
    w.bulkText(d.summary)
  }
  if (d.since) {
    w.bulkText('since')
    w.bulkText(d.since)
  }
  w.bulkText('group')
  w.bulkText(d.group)
  if (d.complexity) {
    w.bulkText('complexity')
    w.bulkText(d.complexity)
  }
  if (d.docFlags?.length) {
    w.bulkText('doc_flags')
    w.setLen(d.docFlags.length)
    for (const f of d.docFlags) w.status(f)
  }
  if (d.deprecatedSince) {
    w.bulkText('deprecated_since')
    w.bulkText(d.deprecatedSince)
  }
  if (d.replacedBy) {
    w.bulkText('replaced_by')
    w.bulkText(d.replacedBy)
  }
  if (d.history?.length) {
    w.bulkText('history')
    w.arrayLen(d.history.length)
    for (const [version, change] of d.history) {
      w.arrayLen(2)
      w.bulkText(version)
      w.bulkText(change)
    }
  }
  if (d.arguments?.length) {
    w.bulkText('arguments')
    replyArgs(w, d.arguments)
  }
  if (subs.length) {
    w.bulkText('subcommands')
    w.mapLen(subs.length)
    for (const sub of subs) {
      w.bulkText(sub.fullname)
      replyCommandDocs(w, sub)
    }
  }
}

// ---- key extraction (getKeysFromCommandWithSpecs) ----

export interface KeyRef {
  pos: number
  flags: readonly KeySpecFlag[]
}

/** getKeysUsingKeySpecs: key positions in argv, or null for an invalid spec match. */
export function getKeysUsingKeySpecs(cmd: RedisCommand, argv: Buffer[]): KeyRef[] | null {
  const argc = argv.length
  const out: KeyRef[] = []
  for (const spec of cmd.keySpecs ?? []) {
    if (spec.flags.includes('not_key')) continue
    // Keys the specs cannot locate are the command's getKeys procedure's business.
    if (spec.beginSearch.type === 'unknown' || spec.findKeys.type === 'unknown') continue
    let first = 0
    const bs = spec.beginSearch
    if (bs.type === 'index') {
      first = bs.index
    } else {
      const start = bs.startfrom > 0 ? bs.startfrom : argc + bs.startfrom
      const end = bs.startfrom > 0 ? argc - 1 : 0
      const kw = bs.keyword.toLowerCase()
      for (let i = start; i !== end; i = start <= end ? i + 1 : i - 1) {
        if (i >= argc || i < 1) break
        if (binaryString(argv[i]!).toLowerCase() === kw) {
          first = i + 1
          break
        }
      }
      if (!first) continue
    }
    let last: number
    let step: number
    const fk = spec.findKeys
    if (fk.type === 'range') {
      step = fk.keystep
      if (fk.lastkey >= 0) last = first + fk.lastkey
      else if (!fk.limit) last = argc + fk.lastkey
      else last = first + (Math.trunc((argc - first) / fk.limit) + fk.lastkey)
    } else {
      step = fk.keystep
      if (fk.keynumidx >= argc) return null
      const arg = argv[first + fk.keynumidx]
      const numkeys = arg ? string2ll(arg) : null
      if (typeof numkeys !== 'number' || numkeys < 0) return null
      first += fk.firstkey
      last = first + numkeys - 1
    }
    if (last >= argc || last < first || first >= argc) return null
    for (let i = first; i <= last; i += step) {
      if (i >= argc || i < first) continue
      out.push({ pos: i, flags: spec.flags })
    }
  }
  return out
}

function getKeysSubcommand(c: Client, withFlags: boolean): void {
  const argv = c.argv.slice(2)
  const cmd = lookupCommand(c.server.commands, argv)
  if (!cmd) {
    c.error('Invalid command specified')
    return
  }
  if (!cmd.getKeys && !cmd.keySpecs?.length) {
    c.error('The command has no key arguments')
    return
  }
  if ((cmd.arity > 0 && cmd.arity !== argv.length) || argv.length < -cmd.arity) {
    c.error('Invalid number of arguments specified for command')
    return
  }
  const keys = cmd.getKeys ? cmd.getKeys(argv) : getKeysUsingKeySpecs(cmd, argv)
  // Redis: -1 (invalid spec) is "true" in C, so it replies with an empty array.
  if (keys !== null && keys.length === 0 && !cmd.flags.includes('no_mandatory_keys')) {
    c.error('Invalid arguments specified for command')
    return
  }
  const list = keys ?? []
  c.reply.arrayLen(list.length)
  for (const k of list) {
    if (!withFlags) {
      c.reply.bulk(argv[k.pos]!)
    } else {
      c.reply.arrayLen(2)
      c.reply.bulk(argv[k.pos]!)
      c.reply.setLen(k.flags.length)
      for (const f of k.flags) c.reply.status(f)
    }
  }
}

// ---- the commands ----

function commandCommand(c: Client): void {
  const cmds = [...c.server.commands.values()]
  c.reply.arrayLen(cmds.length)
  for (const cmd of cmds) replyCommandInfo(c.reply, cmd)
}

function commandCountCommand(c: Client): void {
  c.reply.integer(c.server.commands.size)
}

function commandListCommand(c: Client): void {
  const argv = c.argv
  let filter: ((cmd: RedisCommand) => boolean) | null = null
  if (argv.length === 5 && binaryString(argv[2]!).toLowerCase() === 'filterby') {
    const kind = binaryString(argv[3]!).toLowerCase()
    const value = binaryString(argv[4]!)
    if (kind === 'module') filter = () => false
    else if (kind === 'aclcat') filter = (cmd) => cmd.acl.includes(value.toLowerCase())
    else if (kind === 'pattern') filter = (cmd) => stringMatch(value, cmd.fullname, true)
  }
  if (argv.length !== 2 && filter === null) {
    c.error('syntax error')
    return
  }
  const names: string[] = []
  for (const cmd of c.server.commands.values()) {
    if (!filter || filter(cmd)) names.push(cmd.fullname)
    if (cmd.subcommandMap) {
      for (const sub of cmd.subcommandMap.values()) if (!filter || filter(sub)) names.push(sub.fullname)
    }
  }
  c.reply.arrayLen(names.length)
  for (const n of names) c.reply.bulkBinary(n)
}

function commandInfoCommand(c: Client): void {
  if (c.argv.length === 2) {
    commandCommand(c)
    return
  }
  c.reply.arrayLen(c.argv.length - 2)
  for (let i = 2; i < c.argv.length; i++) {
    const cmd = lookupCommandBySpec(c.server.commands, binaryString(c.argv[i]!))
    if (cmd) replyCommandInfo(c.reply, cmd)
    else c.reply.nullBulk()
  }
}

function commandDocsCommand(c: Client): void {
  let cmds: RedisCommand[]
  if (c.argv.length === 2) {
    cmds = [...c.server.commands.values()]
  } else {
    cmds = []
    for (let i = 2; i < c.argv.length; i++) {
      const cmd = lookupCommandBySpec(c.server.commands, binaryString(c.argv[i]!))
      if (cmd) cmds.push(cmd)
    }
  }
  c.reply.mapLen(cmds.length)
  for (const cmd of cmds) {
    c.reply.bulkText(cmd.fullname)
    replyCommandDocs(c.reply, cmd)
  }
}

function commandGetkeysCommand(c: Client): void {
  getKeysSubcommand(c, false)
}

function commandGetkeysandflagsCommand(c: Client): void {
  getKeysSubcommand(c, true)
}

/** addReplyHelp: the standard "<CMD> <subcommand> ..." help block. */
export function replyHelp(c: Client, lines: readonly string[]): void {
  const name = binaryString(c.argv[0]!).toUpperCase()
  c.reply.arrayLen(lines.length + 3)
  c.reply.status(`${name} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`)
  for (const l of lines) c.reply.status(l)
  c.reply.status('HELP')
  c.reply.status('    Prints this help.')
}

function commandHelpCommand(c: Client): void {
  replyHelp(c, [
    '(no subcommand)',
    '    Return details about all Redis commands.',
    'COUNT',
    '    Return the total number of commands in this Redis server.',
    'LIST',
    '    Return a list of all commands in this Redis server.',
    'INFO [<command-name> ...]',
    '    Return details about multiple Redis commands.',
    '    If no command names are given, documentation details for all',
    '    commands are returned.',
    'DOCS [<command-name> ...]',
    '    Return documentation details about multiple Redis commands.',
    '    If no command names are given, documentation details for all',
    '    commands are returned.',
    'GETKEYS <full-command>',
    '    Return the keys from a full Redis command.',
    'GETKEYSANDFLAGS <full-command>',
    '    Return the keys and the access flags from a full Redis command.'
  ])
}

export const commandSpec: CommandSpec = {
  name: 'command',
  arity: -1,
  flags: ['loading', 'stale'],
  acl: ['slow', 'connection'],
  tips: ['nondeterministic_output_order'],
  doc: {
    summary: 'Get array of Redis command details',
    since: '2.8.13',
    group: 'server',
    complexity: 'O(N) where N is the total number of Redis commands'
  },
  proc: commandCommand,
  subcommands: [
    {
      name: 'help',
      arity: 2,
      flags: ['loading', 'stale'],
      acl: ['slow', 'connection'],
      doc: {
        summary: 'Show helpful text about the different subcommands',
        since: '5.0.0',
        group: 'server',
        complexity: 'O(1)'
      },
      proc: commandHelpCommand
    },
    {
      name: 'list',
      arity: -2,
      flags: ['loading', 'stale'],
      acl: ['slow', 'connection'],
      tips: ['nondeterministic_output_order'],
      doc: {
        summary: 'Get an array of Redis command names',
        since: '7.0.0',
        group: 'server',
        complexity: 'O(N) where N is the total number of Redis commands',
        arguments: [
        { name: 'filterby', type: 'oneof', token: 'FILTERBY', flags: ['optional'], arguments: [
          { name: 'module-name', type: 'string', token: 'MODULE' },
          { name: 'category', type: 'string', token: 'ACLCAT' },
          { name: 'pattern', type: 'pattern', token: 'PATTERN' }
        ] }
      ]
      },
      proc: commandListCommand
    },
    {
      name: 'info',
      arity: -2,
      flags: ['loading', 'stale'],
      acl: ['slow', 'connection'],
      tips: ['nondeterministic_output_order'],
      doc: {
        summary: 'Get array of specific Redis command details, or all when no argument is given.',
        since: '2.8.13',
        group: 'server',
        complexity: 'O(N) where N is the number of commands to look up',
        history: [
          ['7.0.0', 'Allowed to be called with no argument to get info on all commands.']
      ],
        arguments: [
        { name: 'command-name', type: 'string', flags: ['optional', 'multiple'] }
      ]
      },
      proc: commandInfoCommand
    },
    {
      name: 'count',
      arity: 2,
      flags: ['loading', 'stale'],
      acl: ['slow', 'connection'],
      doc: {
        summary: 'Get total number of Redis commands',
        since: '2.8.13',
        group: 'server',
        complexity: 'O(1)'
      },
      proc: commandCountCommand
    },
    {
      name: 'docs',
      arity: -2,
      flags: ['loading', 'stale'],
      acl: ['slow', 'connection'],
      tips: ['nondeterministic_output_order'],
      doc: {
        summary: 'Get array of specific Redis command documentation',
        since: '7.0.0',
        group: 'server',
        complexity: 'O(N) where N is the number of commands to look up',
        arguments: [
        { name: 'command-name', type: 'string', flags: ['optional', 'multiple'] }
      ]
      },
      proc: commandDocsCommand
    },
    {
      name: 'getkeys',
      arity: -4,
      flags: ['loading', 'stale'],
      acl: ['slow', 'connection'],
      doc: {
        summary: 'Extract keys given a full Redis command',
        since: '2.8.13',
        group: 'server',
        complexity: 'O(N) where N is the number of arguments to the command'
      },
      proc: commandGetkeysCommand
    },
    {
      name: 'getkeysandflags',
      arity: -4,
      flags: ['loading', 'stale'],
      acl: ['slow', 'connection'],
      doc: {
        summary: 'Extract keys and access flags given a full Redis command',
        since: '7.0.0',
        group: 'server',
        complexity: 'O(N) where N is the number of arguments to the command'
      },
      proc: commandGetkeysandflagsCommand
    }
  ]
}

export const commandCommands: CommandSpec[] = [commandSpec]
