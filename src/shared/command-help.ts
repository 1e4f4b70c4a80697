/**
 * Command help and hints as redis-cli shows them, built from a server's COMMAND DOCS
 * reply: `help SET` prints the signature, summary, since and group; typing `set ` shows
 * the signature as a grey hint. Works for any server that answers COMMAND DOCS (embedded
 * or real), so the console teaches what that server actually supports.
 */
import type { Reply } from './reply'
import { splitArgs } from './cli-args'

export interface ArgHelp {
  name: string
  type: string
  token?: string
  optional: boolean
  multiple: boolean
  multipleToken: boolean
  arguments: ArgHelp[]
}

export interface CommandHelp {
  /** Upper case, with the container for subcommands: "CONFIG GET". */
  name: string
  summary: string
  since: string
  group: string
  args: ArgHelp[]
  /** Signature after the name, e.g. "key value [NX|XX] …". */
  params: string
}

/** A RESP2 map (flat array) or RESP3 map as pairs. */
function mapPairs(r: Reply | undefined): [string, Reply][] {
  if (!r || r.type !== 'array' || !r.value) return []
  const out: [string, Reply][] = []
  for (let i = 0; i + 1 < r.value.length; i += 2) {
    const k = r.value[i]!
    if (k.type === 'bulk' || k.type === 'status') out.push([k.value ?? '', r.value[i + 1]!])
  }
  return out
}

function text(r: Reply | undefined): string {
  return r && (r.type === 'bulk' || r.type === 'status') ? (r.value ?? '') : ''
}

function flags(r: Reply | undefined): string[] {
  return r && r.type === 'array' && r.value ? r.value.map(text) : []
}

function parseArg(r: Reply): ArgHelp {
  const m = new Map(mapPairs(r))
  const f = flags(m.get('flags'))
  const nested = m.get('arguments')
  return {
    name: text(m.get('name')),
    type: text(m.get('type')),
    ...(m.has('token') ? { token: text(m.get('token')) } : {}),
    optional: f.includes('optional'),
    multiple: f.includes('multiple'),
    multipleToken: f.includes('multiple_token'),
    arguments: nested && nested.type === 'array' && nested.value ? nested.value.map(parseArg) : []
  }
}

/** The argument syntax redis-cli's help table uses (generate-command-help.rb). */
export function argumentSyntax(a: ArgHelp): string {
  let name: string | null
  if (a.type === 'block') name = a.arguments.map(argumentSyntax).join(' ')
  else if (a.type === 'oneof') name = a.arguments.map(argumentSyntax).join('|')
  else if (a.type === 'pure-token') name = null
  else name = a.name
  if (a.multiple) name = a.multipleToken ? `${name} [${a.token} ${name} ...]` : `${name} [${name} ...]`
  // An empty token (MIGRATE's empty key) is shown as "" in redis-cli's help table.
  if (a.token !== undefined) name = [a.token === '' ? '""' : a.token, name].filter((x) => x !== null).join(' ')
  if (a.optional) name = `[${name}]`
  return name ?? ''
}

/** Parses a COMMAND DOCS reply into help entries keyed by lower-case name ("set", "config get"). */
export function parseCommandDocs(reply: Reply): Map<string, CommandHelp> {
  const out = new Map<string, CommandHelp>()
  const add = (fullname: string, docs: Reply): void => {
    const m = new Map(mapPairs(docs))
    const argsReply = m.get('arguments')
    const args = argsReply && argsReply.type === 'array' && argsReply.value ? argsReply.value.map(parseArg) : []
    const name = fullname.replace('|', ' ')
    out.set(name.toLowerCase(), {
      name: name.toUpperCase(),
      summary: text(m.get('summary')),
      since: text(m.get('since')),
      group: text(m.get('group')),
      args,
      params: args.map(argumentSyntax).join(' ')
    })
    for (const [sub, subDocs] of mapPairs(m.get('subcommands'))) add(sub, subDocs)
  }
  for (const [name, docs] of mapPairs(reply)) add(name, docs)
  return out
}

/** The lines redis-cli prints for `help <command>` (without its colours). */
export function helpText(h: CommandHelp): string {
  return [`  ${h.name} ${h.params}`, `  summary: ${h.summary}`, `  since: ${h.since}`, `  group: ${h.group}`].join('\n')
}

/**
 * What `help <words>` prints, as redis-cli does: the command, and for a container
 * (CONFIG, CLIENT, …) every subcommand too, alphabetically. Null when unknown.
 */
export function helpFor(query: string, help: Map<string, CommandHelp>): string | null {
  const q = query.trim().toLowerCase().replace(/\s+/g, ' ')
  if (q === '') return GENERAL_HELP
  if (q.startsWith('@')) {
    // A group: every command and subcommand in it, without the group line.
    const group = q.slice(1)
    const hits = [...help.values()].filter((h) => h.group === group).sort((a, b) => (a.name < b.name ? -1 : 1))
    return hits.length ? hits.map((h) => helpText(h).split('\n').slice(0, 3).join('\n')).join('\n\n') : null
  }
  const hits = [...help.keys()].filter((n) => n === q || n.startsWith(`${q} `)).sort()
  return hits.length ? hits.map((n) => helpText(help.get(n)!)).join('\n\n') : null
}

/** What bare `help` prints in redis-cli 7.0 (the preferences part does not apply here). */
export const GENERAL_HELP = [
  'redis-cli 7.0.15',
  'To get help about Redis commands type:',
  '      "help @<group>" to get a list of commands in <group>',
  '      "help <command>" for help on <command>',
  '      "help <tab>" to get a list of possible help topics',
  '      "quit" to exit'
].join('\n')

/**
 * The grey hint for a line being typed, as redis-cli 7.0's hintsCallback makes it: the
 * signature of the longest command or subcommand the line's arguments start with; then one
 * word dropped per argument typed past the name, stopping at the first optional `[…]` (so
 * `set k v nx ` still hints `[NX|XX] [GET] …`). Arguments are split as redis-cli splits
 * them (quotes); an unbalanced quote hints nothing. Starts with a space when the line does
 * not end with one. Null when there is nothing to hint.
 */
export function hintFor(line: string, help: Map<string, CommandHelp>): string | null {
  const argv = splitArgs(line)
  if (!argv || argv.length === 0) return null
  const words = argv.map((a) => a.toLowerCase())
  let entry: CommandHelp | undefined
  let matchlen = 0
  for (let n = Math.min(words.length, 2); n >= 1 && !entry; n--) {
    entry = help.get(words.slice(0, n).join(' '))
    if (entry) matchlen = n
  }
  if (!entry) return null
  let hint = entry.params
  let toremove = argv.length - matchlen
  // Character by character as redis-cli does: each space passed ends one typed argument.
  while (toremove > 0 && hint.length > 0) {
    if (hint[0] === '[') break
    if (hint[0] === ' ') toremove--
    hint = hint.slice(1)
  }
  const endspace = /\s$/.test(line)
  if (!endspace) hint = ' ' + hint
  return hint.trim() === '' ? null : hint
}

/**
 * Tab completions as redis-cli 7.0 offers them: every command and subcommand whose full
 * name starts with the whole line (case-insensitive), in upper case, in table order; after
 * `help `, groups (`@string`) too. Tab cycles through them, then back to what was typed.
 */
export function completions(line: string, help: Map<string, CommandHelp>): string[] {
  let start = 0
  let names = [...help.values()].map((h) => h.name).sort()
  if (/^help /i.test(line)) {
    start = 5
    while (/\s/.test(line[start] ?? '')) start++
    const groups = [...new Set([...help.values()].map((h) => `@${h.group}`))].filter((g) => g !== '@').sort()
    names = [...groups, ...names]
  }
  const head = line.slice(0, start)
  const typed = line.slice(start).toLowerCase()
  return names.filter((n) => n.toLowerCase().startsWith(typed)).map((n) => head + n)
}
