/**
 * redis-cli 7 output, byte for byte: how replies, prompts and local errors look in an
 * interactive session (the "TTY" formatter, which `--no-raw` also forces).
 *
 * Everything here works on binary strings (one char per byte, see reply.ts): the text
 * returned is the bytes redis-cli would write to the terminal. Most of it is ASCII (bulk
 * strings are escaped), but status and error lines, and raw-printed replies like INFO,
 * may carry UTF-8; decode with `bytesToText` before putting them on screen.
 */
import type { Reply } from './reply'

/** C strings end at the first NUL (redis-cli prints status/error lines with `%s`). */
function cstr(s: string): string {
  const i = s.indexOf('\0')
  return i === -1 ? s : s.slice(0, i)
}

/** Redis `sdscatrepr`: a double-quoted, escaped rendering of a byte string. */
export function quoteBytes(bytes: string): string {
  let out = '"'
  for (let i = 0; i < bytes.length; i++) {
    const ch = bytes[i]!
    const code = ch.charCodeAt(0) & 0xff
    switch (ch) {
      case '\\':
      case '"':
        out += '\\' + ch
        break
      case '\n':
        out += '\\n'
        break
      case '\r':
        out += '\\r'
        break
      case '\t':
        out += '\\t'
        break
      case '\x07':
        out += '\\a'
        break
      case '\b':
        out += '\\b'
        break
      default:
        // isprint() in the C locale: 0x20..0x7e only; everything else (incl. >= 0x80) as \xhh.
        out += code >= 0x20 && code <= 0x7e ? ch : '\\x' + code.toString(16).padStart(2, '0')
    }
  }
  return out + '"'
}

/** cliFormatReplyTTY: every reply ends with "\n"; nested aggregates share the prefix. */
function formatTTY(r: Reply, prefix: string): string {
  switch (r.type) {
    case 'error':
      return `(error) ${cstr(r.value)}\n`
    case 'status':
      return `${cstr(r.value)}\n`
    case 'integer':
      return `(integer) ${r.value}\n`
    case 'bulk':
      return r.value === null ? '(nil)\n' : quoteBytes(r.value) + '\n'
    case 'null':
      return '(nil)\n'
    case 'double':
      return `(double) ${r.value}\n`
    case 'bool':
      return r.value ? '(true)\n' : '(false)\n'
    case 'bignum':
      return `(big number) ${r.value}\n`
    case 'verbatim':
      return r.value + '\n'
    case 'array':
    case 'set':
    case 'push':
    case 'map': {
      const items = r.value
      if (items === null) return '(nil)\n'
      if (items.length === 0) return `(empty ${EMPTY_NAMES[r.type]})\n`
      const isMap = r.type === 'map'
      const idxlen = String(isMap ? items.length / 2 : items.length).length
      const childPrefix = prefix + ' '.repeat(idxlen + 2)
      const sep = r.type === 'set' ? '~' : isMap ? '#' : ')'
      let out = ''
      for (let i = 0; i < items.length; i++) {
        const idx = (isMap ? i / 2 : i) + 1
        out += (i === 0 ? '' : prefix) + String(idx).padStart(idxlen, ' ') + sep + ' '
        out += formatTTY(items[i]!, childPrefix)
        if (isMap) {
          // The key's newline becomes " => ", then the value.
          out = out.slice(0, -1) + ' => ' + formatTTY(items[++i] ?? { type: 'null' }, childPrefix)
        }
      }
      return out
    }
  }
}

/** redis-cli's "(empty …)" names per aggregate type. */
const EMPTY_NAMES = { array: 'array', map: 'hash', set: 'set', push: 'push' } as const

/**
 * What redis-cli prints for a reply in an interactive session, without the final newline:
 * `OK`, `(error) ERR …`, `(integer) 1`, `"v"`, `(nil)`, `(empty array)`, `1) "a"` …
 */
export function formatReply(reply: Reply): string {
  return formatTTY(reply, '').slice(0, -1)
}

/** cliFormatReplyRaw: what redis-cli prints for the commands it always shows raw (INFO …). */
export function formatRawReply(reply: Reply): string {
  switch (reply.type) {
    case 'error':
      return reply.value + '\n'
    case 'status':
      return reply.value
    case 'integer':
      return String(reply.value)
    case 'bulk':
      return reply.value ?? ''
    case 'null':
      return ''
    case 'double':
    case 'bignum':
    case 'verbatim':
      return reply.value
    case 'bool':
      return reply.value ? '(true)' : '(false)'
    case 'array':
    case 'set':
    case 'push':
    case 'map':
      return (reply.value ?? []).map(formatRawReply).join('\n')
  }
}

/**
 * Commands whose replies redis-cli prints raw (real newlines, no quotes) even in an
 * interactive session: INFO, LOLWUT, CLIENT LIST/INFO, CLUSTER NODES/INFO, MEMORY
 * DOCTOR/MALLOC-STATS, LATENCY GRAPH/DOCTOR, some DEBUG subcommands, PROXY INFO.
 * `args` are the command's arguments as sent (binary strings).
 */
export function isRawOutputCommand(args: readonly string[]): boolean {
  const argc = args.length
  if (argc === 0) return false
  const cmd = args[0]!.toLowerCase()
  const sub = argc >= 2 ? args[1]!.toLowerCase() : ''
  if (cmd === 'info' || cmd === 'lolwut') return true
  if (argc >= 2 && cmd === 'debug' && (sub === 'htstats' || sub === 'htstats-key' || sub === 'client-eviction')) return true
  if (argc >= 2 && cmd === 'memory' && (sub === 'malloc-stats' || sub === 'doctor')) return true
  if (argc === 2 && cmd === 'cluster' && (sub === 'nodes' || sub === 'info')) return true
  if (argc >= 2 && cmd === 'client' && (sub === 'list' || sub === 'info')) return true
  if (argc === 3 && cmd === 'latency' && sub === 'graph') return true
  if (argc === 2 && cmd === 'latency' && sub === 'doctor') return true
  if (argc >= 2 && cmd === 'proxy' && sub === 'info') return true
  return false
}

/**
 * Exactly the bytes redis-cli writes to stdout for this command's reply in an interactive
 * session (or with `--no-raw`), including the final newline of the TTY format.
 */
export function cliOutput(args: readonly string[], reply: Reply): string {
  return isRawOutputCommand(args) ? formatRawReply(reply) : formatTTY(reply, '')
}

/** The console's messages for problems found before anything reaches the server. */
export type LocalError =
  | { kind: 'invalid-arguments' }
  | { kind: 'invalid-repeat' }
  /** The lab could not run the command (node stopped, connection lost …). */
  | { kind: 'failed'; message: string }

/** The line the console prints for a local error, worded as redis-cli words it. */
export function errorLine(error: LocalError): string {
  switch (error.kind) {
    case 'invalid-arguments':
      return 'Invalid argument(s)'
    case 'invalid-repeat':
      return 'Invalid redis-cli repeat command option value.'
    case 'failed':
      // Connection failures read exactly as redis-cli words them; other failures are the lab's.
      return error.message.startsWith('Could not connect to Redis at ') ? error.message : `Error: ${error.message}`
  }
}

/**
 * redis-cli's repeat prefix: `3 incr n` runs `incr n` three times. The first argument counts
 * as a repeat when there are more arguments and it parses completely as a C `strtol`
 * number. Returns the repeat and the command, or null for an invalid count (<= 0, overflow).
 */
export function parseRepeat(args: readonly string[]): { repeat: number; args: string[] } | null {
  const first = args[0]
  if (args.length > 1 && first !== undefined) {
    const m = /^[ \t\n\v\f\r]*([+-]?)(\d+)/.exec(first)
    const whole = m ? m[0].length === first.length : first === ''
    if (whole) {
      const n = m ? BigInt(m[1] === '-' ? '-' + m[2] : m[2]!) : 0n
      if (n <= 0n || n > 0x7fffffffffffffffn) return null
      return { repeat: Number(n), args: args.slice(1) }
    }
  }
  return { repeat: 1, args: [...args] }
}

/** What the interactive prompt shows besides the address: the database and MULTI state. */
export interface PromptState {
  db: number
  inMulti: boolean
  preMultiDb: number
}

export function initialPromptState(): PromptState {
  return { db: 0, inMulti: false, preMultiDb: 0 }
}

/** C `atoi`. */
function atoi(s: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?\d+)/.exec(s)
  return m ? Number.parseInt(m[1]!, 10) | 0 : 0
}

/** How redis-cli updates its prompt after a reply (SELECT, MULTI, EXEC, DISCARD, RESET). */
export function nextPromptState(state: PromptState, args: readonly string[], reply: Reply): PromptState {
  const cmd = (args[0] ?? '').toLowerCase()
  const argc = args.length
  const isError = reply.type === 'error'
  const isNil = reply.type === 'null' || ((reply.type === 'bulk' || reply.type === 'array') && reply.value === null)
  if (cmd === 'select' && argc === 2 && !isError) return { ...state, db: atoi(args[1]!) }
  if (cmd === 'multi' && argc === 1 && !isError) return { ...state, inMulti: true, preMultiDb: state.db }
  if (cmd === 'exec' && argc === 1 && state.inMulti) {
    return { ...state, inMulti: false, db: isError || isNil ? state.preMultiDb : state.db }
  }
  if (cmd === 'discard' && argc === 1 && !isError) return { ...state, inMulti: false, db: state.preMultiDb }
  if (cmd === 'reset' && argc === 1 && !isError) return { ...state, inMulti: false, db: 0 }
  return state
}

/** The interactive prompt: `127.0.0.1:6379> `, `127.0.0.1:6379[1]> `, `127.0.0.1:6379(TX)> `. */
export function formatPrompt(host: string, port: number, state: PromptState = initialPromptState()): string {
  const addr = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`
  return `${addr}${state.db !== 0 ? `[${state.db}]` : ''}${state.inMulti ? '(TX)' : ''}> `
}
