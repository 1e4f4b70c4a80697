/**
 * Blocking operations on keys (Redis's blocked.c): BLPOP/BRPOP/BLMOVE/BLMPOP here, and
 * BZPOPMIN/BZPOPMAX/BZMPOP for the sorted-set family.
 *
 * A command that finds nothing to serve calls blockForKeys(): the client is queued (FIFO)
 * on each key in its database and stops processing its input (queued commands wait).
 * Writers call signalKeyAsReady(db, key) when a key may now serve someone (a push, a ZADD,
 * a key created by RENAME/COPY/…); the server calls handleClientsBlockedOnKeys() after
 * each command it runs from a client's input (so a MULTI/EXEC of pushes serves at the end),
 * which asks each waiting client's handler to serve, in order. A timer per client replies
 * the timeout. Served/timed-out clients get their reply flushed and their input resumed.
 */
import type { Client } from './client'
import type { RedisDb } from './keyspace/db'

export interface BlockHandler {
  /** A key this client waits on may be ready: try to serve; return true if served (client is then unblocked). */
  serve(c: Client, key: string): boolean
  /** The timeout expired: reply (null array etc.). */
  timeout(c: Client): void
}

/** What a blocked client waits for (Client.blocked). */
export interface BlockedState {
  readonly db: RedisDb
  readonly keys: string[]
  readonly handler: BlockHandler
  /** Absolute deadline in ms, 0 = forever. */
  readonly deadline: number
  timer: ReturnType<typeof setTimeout> | null
}

interface DbBlocking {
  /** key -> clients blocked on it, first blocked first. */
  waiting: Map<string, Client[]>
  /** Keys already in readyList (dedupe, as db->ready_keys). */
  ready: Set<string>
}

const dbStates = new WeakMap<RedisDb, DbBlocking>()
/** Keys signaled ready since the last handleClientsBlockedOnKeys (server.ready_keys). */
let readyList: { db: RedisDb; key: string }[] = []
/** Blocked clients in the process: signalKeyAsReady is free while nobody waits. */
let blockedCount = 0

/**
 * Observer of what a client served while blocked propagates (BLPOP served later propagates
 * as LPOP …); the server itself feeds it to its replication stream. Tests read it.
 */
export const blockingHooks: { propagateServed: ((c: Client, commands: Buffer[][]) => void) | null } = {
  propagateServed: null
}

/** Blocked clients per server (INFO clients blocked_clients). */
const blockedByServer = new WeakMap<object, number>()

/** Number of clients of `server` currently blocked on keys (INFO clients blocked_clients). */
export function blockedClients(server: object): number {
  return blockedByServer.get(server) ?? 0
}

/**
 * Is blocking denied for this client (CLIENT_DENY_BLOCKING)? Inside MULTI/EXEC (and,
 * later, scripts) a blocking command behaves as its non-blocking form.
 */
export function blockingDenied(c: Client): boolean {
  return c.inMulti || c.inExec || (c as { denyBlocking?: boolean }).denyBlocking === true
}

/**
 * getTimeoutFromObjectOrReply (UNIT_SECONDS): the absolute deadline in ms (0 = forever), or
 * null after replying with Redis's error. Parses as Redis does with strtold, then
 * (long long)(t*1000): values beyond the 64-bit range read as negative.
 */
export function parseBlockTimeout(c: Client, arg: Buffer): number | null {
  const s = arg.toString('latin1')
  const secs = parseLongDouble(s)
  if (secs === null) {
    c.error('timeout is not a float or out of range')
    return null
  }
  const ms = secs * 1000
  // (long long) of a value outside the range gives LLONG_MIN on x86-64.
  const tval = !Number.isFinite(ms) || ms >= 9223372036854775807 || ms < -9223372036854775808 ? -1 : Math.trunc(ms)
  if (tval < 0) {
    c.error('timeout is negative')
    return null
  }
  return tval > 0 ? tval + Date.now() : 0
}

/** string2ld: strtold over the whole string; null where Redis rejects it. */
function parseLongDouble(s: string): number | null {
  if (s.length === 0 || s.length >= 5 * 1024) return null
  const c0 = s.charCodeAt(0)
  if (c0 === 32 || (c0 >= 9 && c0 <= 13)) return null
  const lower = s.toLowerCase()
  const sign = lower[0] === '-' ? -1 : 1
  const body = lower[0] === '+' || lower[0] === '-' ? lower.slice(1) : lower
  if (body === 'inf' || body === 'infinity') return sign * Infinity
  const hex = /^0x([0-9a-f]*)(?:\.([0-9a-f]*))?(?:p([+-]?\d+))?$/.exec(body)
  if (hex) {
    if (!hex[1] && !hex[2]) return null
    const int = hex[1] ? parseInt(hex[1], 16) : 0
    const frac = hex[2] ? parseInt(hex[2], 16) / 16 ** hex[2].length : 0
    return sign * (int + frac) * 2 ** Number(hex[3] ?? 0)
  }
  const m = /^(\d*)(?:\.(\d*))?(?:e([+-]?\d+))?$/.exec(body)
  if (!m || (!m[1] && !m[2])) return null
  const intPart = (m[1] ?? '').replace(/^0+/, '')
  const frac = m[2] ?? ''
  const exp = Number(m[3] ?? 0)
  // Decimal exponent of the value, to emulate long double's range (ERANGE beyond it).
  let mag: number | null = null
  if (intPart.length > 0) mag = intPart.length - 1 + exp
  else {
    const lead = frac.search(/[1-9]/)
    if (lead !== -1) mag = -(lead + 1) + exp
  }
  if (mag !== null && (mag > 4932 || mag < -4951)) return null
  const v = sign * Number(body)
  // Beyond double's range but within long double's: huge (reads as negative later) or ~0.
  if (Number.isNaN(v)) return null
  return v
}

function dbState(db: RedisDb): DbBlocking {
  let st = dbStates.get(db)
  if (!st) {
    st = { waiting: new Map(), ready: new Set() }
    dbStates.set(db, st)
  }
  return st
}

/**
 * blockForKeys: the client waits on keys (in c.db) until one is served, the deadline
 * passes (timeoutMs is absolute ms, 0 = forever) or it is unblocked/disconnected.
 */
export function blockForKeys(c: Client, keys: string[], timeoutMs: number, handler: BlockHandler): void {
  const db = c.db
  const st = dbState(db)
  const uniq: string[] = []
  for (const k of keys) {
    if (uniq.includes(k)) continue
    uniq.push(k)
    const q = st.waiting.get(k)
    if (q) q.push(c)
    else st.waiting.set(k, [c])
  }
  const state: BlockedState = { db, keys: uniq, handler, deadline: timeoutMs, timer: null }
  if (timeoutMs > 0) armTimeout(c, state)
  c.blocked = state
  blockedCount++
  blockedByServer.set(c.server, (blockedByServer.get(c.server) ?? 0) + 1)
}

/** signalKeyAsReady: a key may now serve clients blocked on it. Call after a push/add. */
export function signalKeyAsReady(db: RedisDb, key: string): void {
  if (blockedCount === 0) return
  const st = dbStates.get(db)
  if (!st || st.ready.has(key) || !st.waiting.has(key)) return
  st.ready.add(key)
  readyList.push({ db, key })
}

/** Are there keys to handle (cheap check for the command loop)? */
export function hasReadyKeys(): boolean {
  return readyList.length > 0
}

/**
 * handleClientsBlockedOnKeys: serves clients blocked on the keys signaled ready, in the
 * order they blocked, until each key can serve no more. Serving may make other keys ready
 * (BLMOVE pushes): those are handled in the same call.
 */
export function handleClientsBlockedOnKeys(): void {
  while (readyList.length > 0) {
    const list = readyList
    readyList = []
    for (const { db, key } of list) {
      const st = dbStates.get(db)
      if (!st) continue
      st.ready.delete(key)
      const queue = st.waiting.get(key)
      if (!queue) continue
      let n = queue.length
      while (n-- > 0 && st.waiting.get(key) === queue && queue.length > 0) {
        if (db.lookupWrite(key) === undefined) break
        const c = queue[0]!
        const state = c.blocked
        if (!state) {
          queue.shift()
          continue
        }
        let served = false
        try {
          served = state.handler.serve(c, key)
        } catch (err) {
          c.error(`internal error serving a blocked client: ${(err as Error)?.message ?? String(err)}`)
          served = true
        }
        if (served) {
          finishUnblock(c, state)
        } else if (queue.length > 1 && queue[0] === c) {
          // Not for this client (other value type): next time it comes last.
          queue.push(queue.shift()!)
        }
      }
    }
  }
}

/** Removes the client from its keys' queues and clears its timer. */
function detach(c: Client, state: BlockedState): void {
  if (c.blocked !== state) return
  c.blocked = null
  blockedCount--
  blockedByServer.set(c.server, (blockedByServer.get(c.server) ?? 1) - 1)
  if (state.timer) clearTimeout(state.timer)
  state.timer = null
  const st = dbStates.get(state.db)
  if (!st) return
  for (const k of state.keys) {
    const q = st.waiting.get(k)
    if (!q) continue
    const i = q.indexOf(c)
    if (i !== -1) q.splice(i, 1)
    if (q.length === 0) st.waiting.delete(k)
  }
}

/** After a reply to a blocked client: detach, propagate, flush, resume its input. */
function finishUnblock(c: Client, state: BlockedState): void {
  detach(c, state)
  if (c.propagate) {
    const cmds = c.propagate
    c.propagate = null
    blockingHooks.propagateServed?.(c, cmds)
    c.server.replication.propagate(c.db.id, cmds)
  }
  const server = c.server
  if (c.closed) {
    c.reply.discard()
    return
  }
  server.markPendingWrite(c)
  // The commands it sent while blocked run now (processUnblockedClients, before sleep).
  setImmediate(() => {
    if (!c.closed && !c.blocked) server.processInput(c)
  })
}

/** Node's timers fire at once past 2^31-1 ms: longer timeouts wait in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1

function armTimeout(c: Client, state: BlockedState): void {
  const wait = Math.max(0, state.deadline - Date.now())
  state.timer = setTimeout(() => onTimeout(c, state), Math.min(wait, MAX_TIMER_MS))
}

function onTimeout(c: Client, state: BlockedState): void {
  if (c.blocked !== state) return
  state.timer = null
  if (Date.now() < state.deadline) {
    armTimeout(c, state)
    return
  }
  if (!c.closed) state.handler.timeout(c)
  finishUnblock(c, state)
}

/**
 * CLIENT UNBLOCK: replies as on timeout, or with an -UNBLOCKED error; false if the client
 * was not blocked on keys.
 */
export function unblockClient(c: Client, withError: boolean): boolean {
  const state = c.blocked
  if (!state) return false
  if (withError) c.error('-UNBLOCKED client unblocked via CLIENT UNBLOCK')
  else state.handler.timeout(c)
  finishUnblock(c, state)
  return true
}

/** A blocked client disconnected: forget it (no reply). */
export function removeBlockedClient(c: Client): void {
  const state = c.blocked
  if (state) detach(c, state)
}

/**
 * disconnectAllBlockedClients: a master turned replica answers every client blocked on
 * keys with -UNBLOCKED and closes it, as Redis does (the keys will change under it).
 */
export function disconnectAllBlockedClients(clients: Iterable<Client>): void {
  for (const c of clients) {
    const state = c.blocked
    if (!state) continue
    c.error('-UNBLOCKED force unblock from blocking operation, instance state changed (master -> replica?)')
    c.closeAfterReply = true
    finishUnblock(c, state)
  }
}
