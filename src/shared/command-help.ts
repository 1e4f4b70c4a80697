/**
 * Command help and hints as redis-cli shows them, built from a server's COMMAND DOCS
 * reply: `help SET` prints the signature, summary, since and group; typing `set ` shows
 * the signature as a grey hint. Works for any server that answers COMMAND DOCS (embedded
 * or real), so the console teaches what that server actually supports.
 */
import type { Reply } from './reply'

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
 * The grey hint for a line being typed: the signature of the longest command or
 * subcommand name the line starts with, minus the arguments already typed (as redis-cli
 * drops one word per argument typed). Null when there is nothing to hint.
 */
export function hintFor(line: string, help: Map<string, CommandHelp>): string | null {
  const words = line.trimStart().split(/\s+/)
  const endsWithSpace = /\s$/.test(line)
  if (words.length === 0 || words[0] === '') return null
  let entry: CommandHelp | undefined
  let used = 0
  if (words.length >= 2) {
    entry = help.get(`${words[0]!.toLowerCase()} ${words[1]!.toLowerCase()}`)
    if (entry) used = 2
  }
  if (!entry) {
    entry = help.get(words[0]!.toLowerCase())
    used = 1
  }
  if (!entry || entry.params === '') return null
  const typed = words.length - used - (endsWithSpace ? 1 : 0)
  if (typed < 0) return endsWithSpace ? null : ` ${entry.params}`
  const rest = entry.params.split(' ').slice(typed).join(' ')
  if (rest === '') return null
  return endsWithSpace ? rest : ` ${rest}`
}

/** Completions for the word being typed: command names, or subcommands after a container. */
export function completions(line: string, help: Map<string, CommandHelp>): string[] {
  const words = line.trimStart().split(/\s+/)
  const names = [...help.keys()]
  if (words.length <= 1) {
    const prefix = (words[0] ?? '').toLowerCase()
    return [...new Set(names.map((n) => n.split(' ')[0]!))].filter((n) => n.startsWith(prefix)).sort().map((n) => n.toUpperCase())
  }
  if (words.length === 2) {
    const container = words[0]!.toLowerCase()
    const prefix = words[1]!.toLowerCase()
    return names
      .filter((n) => n.startsWith(`${container} `) && n.slice(container.length + 1).startsWith(prefix))
      .sort()
      .map((n) => n.toUpperCase())
  }
  return []
}
