/**
 * The inspector's key browser: SCAN with a pattern, a type and a database, each key's type
 * and TTL, a bounded look at a value, and the everyday edits (a string's value, a TTL,
 * deleting a key). Everything runs on the lab's 'inspector' connection, never a console's,
 * and each action records the redis-cli line it stands for, so the browser teaches too.
 */
import { ref } from 'vue'
import { defineStore } from 'pinia'
import { cliOutput } from '@shared/cli-format'
import { bytesToText, textToBytes, type Reply } from '@shared/reply'
import { t } from '../i18n'
import { useLabStore } from './lab'
import { cliTarget, useOperationsStore } from './operations'
import { INSPECTOR_SESSION, messageOf } from './inspector'

export const KEY_TYPES = ['string', 'list', 'set', 'zset', 'hash', 'stream'] as const
/** Keys listed per SCAN round ("More" continues from the cursor). */
export const KEYS_PAGE = 100
/** Elements of a value shown: enough to look at, never a whole big collection. */
export const VALUE_LIMIT = 200
/** SCAN calls per round at most, so a sparse match over a big keyspace still answers. */
const SCAN_CALLS_MAX = 50
const COMMANDS_SHOWN = 2
export const DATABASES = 16

/** Keys and values are binary strings (one char per byte); these rows carry them as such. */
export interface KeyRow {
  key: string
  type: string
  /** TTL in seconds: -1 none, -2 gone since the scan. */
  ttl: number
}

export type KeyValue =
  | { kind: 'string'; text: string }
  | { kind: 'list'; items: string[] }
  | { kind: 'set'; items: string[] }
  | { kind: 'hash'; entries: [string, string][] }
  | { kind: 'zset'; entries: [string, string][] }
  | { kind: 'none' }
  | { kind: 'other'; type: string }

export interface KeyDetail {
  key: string
  type: string
  ttl: number
  value: KeyValue
  /** Elements in the collection (LLEN, SCARD…), when it is one. */
  total: number | null
  /** The command that fetched the value, as shown. */
  command: string
}

export interface KeyCommand {
  id: number
  command: string
  result: string
  error: boolean
}

/** A word the shell passes through unchanged; anything else is single-quoted. */
function shellWord(text: string): string {
  if (/^[A-Za-z0-9_.:/@%+=,-]+$/.test(text)) return text
  return `'${text.replace(/'/g, `'\\''`)}'`
}

/** `redis-cli -p 6379 -n 2 HGETALL 'user:1'`: what a person would type for `args` in database `db`. */
export function keyCommandLine(node: { host: string; port: number }, db: number, args: string[]): string {
  const target = db === 0 ? cliTarget(node) : `${cliTarget(node)} -n ${db}`
  return `${target} ${args.map((a) => shellWord(bytesToText(a))).join(' ')}`
}

function check(reply: Reply): Reply {
  if (reply.type === 'error') throw new Error(bytesToText(reply.value))
  return reply
}

function bulks(reply: Reply): string[] {
  const r = check(reply)
  if ((r.type !== 'array' && r.type !== 'set') || !r.value) return []
  return r.value.map((x) => (x.type === 'bulk' && x.value !== null ? x.value : x.type === 'double' ? x.value : ''))
}

function intOf(reply: Reply): number {
  const r = check(reply)
  return r.type === 'integer' ? Number(r.value) : 0
}

function pairs(flat: string[]): [string, string][] {
  const out: [string, string][] = []
  for (let i = 0; i + 1 < flat.length; i += 2) out.push([flat[i]!, flat[i + 1]!])
  return out
}

export const useKeyBrowserStore = defineStore('key-browser', () => {
  const lab = useLabStore()
  const ops = useOperationsStore()

  const nodeId = ref<string | null>(null)
  const db = ref(0)
  const pattern = ref('*')
  /** '' = any type. */
  const type = ref('')
  const rows = ref<KeyRow[]>([])
  /** SCAN's cursor for "More"; '0' once the scan went all the way round. */
  const cursor = ref('0')
  const scanned = ref(false)
  const busy = ref(false)
  const error = ref<string | null>(null)
  const detail = ref<KeyDetail | null>(null)
  const commands = ref<KeyCommand[]>([])
  let seq = 0
  /** Bumped by every new scan or node change: late answers of an older one are dropped. */
  let generation = 0
  /** One action at a time on the shared connection, so a SELECT always precedes its commands. */
  let queue: Promise<unknown> = Promise.resolve()

  function serial<T>(op: () => Promise<T>): Promise<T> {
    const run = queue.then(op, op)
    queue = run.catch(() => undefined)
    return run
  }

  function record(command: string, result: string, failed: boolean): void {
    commands.value.push({ id: ++seq, command, result, error: failed })
    if (commands.value.length > COMMANDS_SHOWN) commands.value.splice(0, commands.value.length - COMMANDS_SHOWN)
  }

  function exec(args: string[]): Promise<Reply> {
    return lab.execute(nodeId.value!, args, INSPECTOR_SESSION)
  }

  /** SELECT the browser's database: the inspector connection may have another from before a restart. */
  async function selectDb(): Promise<void> {
    check(await exec(['SELECT', String(db.value)]))
  }

  async function typeOf(key: string): Promise<string> {
    const r = check(await exec(['TYPE', key]))
    return r.type === 'status' ? r.value : ''
  }

  function line(args: string[]): string {
    const node = nodeId.value ? lab.node(nodeId.value) : undefined
    return node ? keyCommandLine(node, db.value, args) : args.join(' ')
  }

  /** Follows the inspected node: a new node starts with a fresh list. */
  function setNode(id: string | null): void {
    if (id === nodeId.value) return
    nodeId.value = id
    generation++
    rows.value = []
    cursor.value = '0'
    scanned.value = false
    detail.value = null
    error.value = null
  }

  function scanArgs(from: string): string[] {
    const args = ['SCAN', from, 'MATCH', textToBytes(pattern.value === '' ? '*' : pattern.value), 'COUNT', String(KEYS_PAGE)]
    if (type.value) args.push('TYPE', type.value)
    return args
  }

  /** A new scan from cursor 0 (more = continue from the last cursor). */
  function scan(more = false): Promise<void> {
    if (!nodeId.value) return Promise.resolve()
    const gen = more ? generation : ++generation
    if (!more) {
      rows.value = []
      cursor.value = '0'
      detail.value = null
    }
    return serial(async () => {
      if (gen !== generation) return
      busy.value = true
      error.value = null
      const first = scanArgs(cursor.value)
      const shown = line(first)
      try {
        await selectDb()
        let next = cursor.value
        const found: string[] = []
        const seen = new Set(rows.value.map((r) => r.key))
        for (let calls = 0; calls < SCAN_CALLS_MAX; calls++) {
          const reply = check(await exec(scanArgs(next)))
          if (reply.type !== 'array' || !reply.value || reply.value.length !== 2) throw new Error('unexpected SCAN reply')
          const c = reply.value[0]!
          next = c.type === 'bulk' && c.value !== null ? c.value : '0'
          // SCAN may return a key twice (the table grew mid-scan): list it once.
          for (const k of bulks(reply.value[1]!)) if (!seen.has(k)) { seen.add(k); found.push(k) }
          if (next === '0' || found.length >= KEYS_PAGE) break
        }
        // Pipelined on the one connection: replies come back in order.
        const [types, ttls] = await Promise.all([
          Promise.all(found.map((k) => (type.value ? Promise.resolve(type.value) : typeOf(k)))),
          Promise.all(found.map((k) => exec(['TTL', k]).then(intOf)))
        ])
        if (gen !== generation) return
        rows.value = [...rows.value, ...found.map((key, i) => ({ key, type: types[i]!, ttl: ttls[i]! }))]
        cursor.value = next
        scanned.value = true
        record(shown, `${found.length} ${found.length === 1 ? 'key' : 'keys'}${next === '0' ? ' (scan complete)' : ` (cursor ${next})`}`, false)
      } catch (err) {
        if (gen !== generation) return
        error.value = messageOf(err)
        record(shown, `(error) ${messageOf(err)}`, true)
      } finally {
        busy.value = false
      }
    })
  }

  /** What shows a value of `t`, bounded to VALUE_LIMIT elements. */
  async function fetchValue(key: string, t: string): Promise<{ value: KeyValue; total: number | null; args: string[]; reply: Reply | null }> {
    const last = String(VALUE_LIMIT - 1)
    switch (t) {
      case 'string': {
        const args = ['GET', key]
        const reply = check(await exec(args))
        return { value: { kind: 'string', text: reply.type === 'bulk' && reply.value !== null ? reply.value : '' }, total: null, args, reply }
      }
      case 'list': {
        const total = intOf(await exec(['LLEN', key]))
        const args = ['LRANGE', key, '0', last]
        const reply = await exec(args)
        return { value: { kind: 'list', items: bulks(reply) }, total, args, reply }
      }
      case 'zset': {
        const total = intOf(await exec(['ZCARD', key]))
        const args = ['ZRANGE', key, '0', last, 'WITHSCORES']
        const reply = await exec(args)
        return { value: { kind: 'zset', entries: pairs(bulks(reply)) }, total, args, reply }
      }
      case 'hash': {
        const total = intOf(await exec(['HLEN', key]))
        if (total <= VALUE_LIMIT) {
          const args = ['HGETALL', key]
          const reply = await exec(args)
          return { value: { kind: 'hash', entries: pairs(bulks(reply)) }, total, args, reply }
        }
        const args = ['HSCAN', key, '0', 'COUNT', String(VALUE_LIMIT)]
        const { items, reply } = await scanCollection(args, VALUE_LIMIT * 2)
        return { value: { kind: 'hash', entries: pairs(items).slice(0, VALUE_LIMIT) }, total, args, reply }
      }
      case 'set': {
        const total = intOf(await exec(['SCARD', key]))
        if (total <= VALUE_LIMIT) {
          const args = ['SMEMBERS', key]
          const reply = await exec(args)
          return { value: { kind: 'set', items: bulks(reply).sort() }, total, args, reply }
        }
        const args = ['SSCAN', key, '0', 'COUNT', String(VALUE_LIMIT)]
        const { items, reply } = await scanCollection(args, VALUE_LIMIT)
        return { value: { kind: 'set', items: items.slice(0, VALUE_LIMIT) }, total, args, reply }
      }
      case 'none':
        return { value: { kind: 'none' }, total: null, args: ['EXISTS', key], reply: { type: 'integer', value: 0 } }
      default:
        return { value: { kind: 'other', type: t }, total: null, args: ['TYPE', key], reply: null }
    }
  }

  /** HSCAN/SSCAN from cursor 0 until `want` items or the end. */
  async function scanCollection(args: string[], want: number): Promise<{ items: string[]; reply: Reply }> {
    const items: string[] = []
    let next = '0'
    let reply: Reply = { type: 'null' }
    for (let calls = 0; calls < SCAN_CALLS_MAX; calls++) {
      reply = check(await exec([args[0]!, args[1]!, next, ...args.slice(3)]))
      if (reply.type !== 'array' || !reply.value || reply.value.length !== 2) throw new Error('unexpected reply')
      const c = reply.value[0]!
      next = c.type === 'bulk' && c.value !== null ? c.value : '0'
      items.push(...bulks(reply.value[1]!))
      if (next === '0' || items.length >= want) break
    }
    return { items, reply }
  }

  /** Shows a key's value; `quiet` re-reads it after an edit without recording the read. */
  function open(key: string, quiet = false): Promise<void> {
    if (!nodeId.value) return Promise.resolve()
    const gen = generation
    return serial(async () => {
      if (gen !== generation) return
      busy.value = true
      let shown = line(['TYPE', key])
      try {
        await selectDb()
        const [typeName, ttl] = await Promise.all([typeOf(key), exec(['TTL', key]).then(intOf)])
        const fetched = await fetchValue(key, typeName)
        shown = line(fetched.args)
        if (gen !== generation) return
        detail.value = { key, type: typeName, ttl, value: fetched.value, total: fetched.total, command: shown }
        const row = rows.value.find((r) => r.key === key)
        if (row) { row.type = typeName; row.ttl = ttl }
        if (!quiet) record(shown, summary(fetched.args, fetched.reply, fetched.total), false)
      } catch (err) {
        record(shown, `(error) ${messageOf(err)}`, true)
        lab.notify('error', t('inspector.keys.readFailed', { key: bytesToText(key), error: messageOf(err) }), nodeId.value ?? undefined)
      } finally {
        busy.value = false
      }
    })
  }

  /** How a reply reads in the command strip: short, as redis-cli would begin it. */
  function summary(args: string[], reply: Reply | null, total: number | null): string {
    if (!reply) return args[0] === 'TYPE' ? 'not shown by the key browser' : ''
    const text = bytesToText(cliOutput(args, reply)).trimEnd()
    const lines = text.split('\n')
    const head = lines.length > 2 ? `${lines.slice(0, 2).join('\n')}\n… (${lines.length} lines)` : text
    return total !== null && total > VALUE_LIMIT ? `${head}\n(first ${VALUE_LIMIT} of ${total} shown)` : head
  }

  /** Runs one editing command, records it, and re-reads the key. */
  function edit(args: string[]): Promise<boolean> {
    if (!nodeId.value) return Promise.resolve(false)
    const key = args[1]!
    const shown = line(args)
    const done = serial(async () => {
      try {
        await selectDb()
        const reply = await exec(args)
        const failed = reply.type === 'error'
        record(shown, bytesToText(cliOutput(args, reply)).trimEnd(), failed)
        return !failed
      } catch (err) {
        record(shown, messageOf(err), true)
        return false
      }
    })
    return done.then(async (ok) => {
      if (args[0] === 'DEL') {
        if (ok) {
          rows.value = rows.value.filter((r) => r.key !== key)
          if (detail.value?.key === key) detail.value = null
        }
      } else {
        await open(key, true)
      }
      return ok
    })
  }

  /** SET key value KEEPTTL: a new value, the expiry left as it was. */
  function setString(key: string, text: string): Promise<boolean> {
    return edit(['SET', key, textToBytes(text), 'KEEPTTL'])
  }

  /** EXPIRE key seconds, or PERSIST key when `seconds` is null. */
  function setTtl(key: string, seconds: number | null): Promise<boolean> {
    return edit(seconds === null ? ['PERSIST', key] : ['EXPIRE', key, String(seconds)])
  }

  /** DEL key, after the operator agreed. */
  async function remove(key: string): Promise<boolean> {
    const args = ['DEL', key]
    const ok = await ops.confirm({
      title: t('inspector.keys.deleteTitle', { key: bytesToText(key) }),
      message: t('inspector.keys.deleteMessage', { key: bytesToText(key), db: db.value }),
      command: line(args),
      confirmLabel: t('inspector.keys.deleteConfirm')
    })
    if (!ok) return false
    return edit(args)
  }

  return { nodeId, db, pattern, type, rows, cursor, scanned, busy, error, detail, commands, setNode, scan, open, setString, setTtl, remove }
})
