/**
 * Transactions (multi.c): MULTI, EXEC, DISCARD, WATCH, UNWATCH, and the WATCH registry
 * that signalModifiedKey (RedisDb.onModified) and FLUSHDB/FLUSHALL/SWAPDB
 * (RedisDb.onFlushed) invalidate.
 *
 * While a client is in MULTI, processCommand (node.ts) queues its commands (queueMultiCommand)
 * and replies +QUEUED; a command rejected at queue time (unknown, wrong arity, NOAUTH, …)
 * flags the transaction (flagTransaction) and EXEC then replies EXECABORT. `c.inMulti` stays
 * true while EXEC runs the queued commands, so blocking commands act non-blocking there.
 *
 * Propagation: what each queued command propagates (c.propagate, or its argv when it
 * changed the dataset) joins EXEC's propagation with server.alsoPropagate, in the database
 * it ran in, after the expired-key DELs it met; one command goes as it is, more than one
 * wrapped in MULTI … EXEC (Redis 7.0 propagatePendingCommands, in node.ts).
 */
import type { Client } from '../client'
import type { RedisDb } from '../keyspace/db'
import { Shared } from '../resp/reply-writer'
import { redisCommand } from './meta'
import type { CommandSpec, RedisCommand } from './types'
import { binaryString } from '../util'

export interface QueuedCommand {
  cmd: RedisCommand
  argv: Buffer[]
}

export interface WatchedKey {
  dbId: number
  key: string
  /** The key was logically expired (but still stored) when WATCHed. */
  expired: boolean
}


/** db.watched_keys of every database of a server: db id -> key -> clients watching it. */
export class WatchRegistry {
  private readonly byDb: Map<string, Map<Client, WatchedKey>>[] = []

  constructor(databases: number) {
    for (let i = 0; i < databases; i++) this.byDb.push(new Map())
  }

  /** Installs the invalidation hooks on the databases. */
  attach(dbs: readonly RedisDb[]): void {
    for (const db of dbs) {
      db.onModified = (d, key) => this.touchWatchedKey(d, key)
      db.onFlushed = (d, replacedWith) => this.touchAllWatchedKeysInDb(d, replacedWith)
    }
  }

  /** Keys watched in a database (for tests and INFO). */
  watchedKeyCount(dbId: number): number {
    return this.byDb[dbId]?.size ?? 0
  }

  /** watchForKey. */
  watch(c: Client, key: string): void {
    const dbId = c.db.id
    for (const wk of c.watchedKeys) if (wk.dbId === dbId && wk.key === key) return
    const m = this.byDb[dbId]!
    let clients = m.get(key)
    if (!clients) {
      clients = new Map()
      m.set(key, clients)
    }
    const wk: WatchedKey = { dbId, key, expired: keyIsExpired(c.db, key) }
    clients.set(c, wk)
    c.watchedKeys.push(wk)
  }

  /** unwatchAllKeys. */
  unwatchAll(c: Client): void {
    if (c.watchedKeys.length === 0) return
    for (const wk of c.watchedKeys) {
      const m = this.byDb[wk.dbId]!
      const clients = m.get(wk.key)
      if (!clients) continue
      clients.delete(c)
      if (clients.size === 0) m.delete(wk.key)
    }
    c.watchedKeys = []
  }

  /** touchWatchedKey: signalModifiedKey marks the clients watching the key dirty. */
  touchWatchedKey(db: RedisDb, key: string): void {
    const m = this.byDb[db.id]
    if (m === undefined || m.size === 0) return
    const clients = m.get(key)
    if (!clients) return
    for (const c of clients.keys()) {
      // Redis looks at the client's first key that was already expired when WATCHed: if it
      // is this key and the key is now gone, the deletion is no logical change.
      let skip = false
      for (const wk of c.watchedKeys) {
        if (!wk.expired) continue
        if (wk.dbId === db.id && wk.key === key && !db.dict.has(key)) {
          wk.expired = false
          skip = true
        }
        break
      }
      if (skip) continue
      c.dirtyCas = true
      // Nothing more to learn from this client's keys until EXEC.
      this.unwatchAll(c)
    }
  }

  /**
   * touchAllWatchedKeysInDb: FLUSHDB/FLUSHALL (before emptying) and SWAPDB (before swapping,
   * with the other database as `replacedWith`) invalidate watched keys that exist.
   */
  touchAllWatchedKeysInDb(emptied: RedisDb, replacedWith?: RedisDb): void {
    const m = this.byDb[emptied.id]
    if (m === undefined || m.size === 0) return
    for (const [key, clients] of m) {
      const existsInEmptied = emptied.dict.has(key)
      const existsInReplacement = replacedWith !== undefined && replacedWith.dict.has(key)
      if (!existsInEmptied && !existsInReplacement) continue
      for (const [c, wk] of clients) {
        if (!existsInEmptied && wk.expired) {
          // Expired when WATCHed and now replaced by a live key: a change, but Redis 7.0
          // clears the flag first (deleted keys are not flagged as expired).
          wk.expired = false
        }
        c.dirtyCas = true
      }
    }
  }
}

/** keyIsExpired: stored with a TTL that has passed (not deleted yet). */
function keyIsExpired(db: RedisDb, key: string): boolean {
  if (db.expires.size === 0) return false
  const when = db.expires.get(key)
  return when !== undefined && when <= Date.now() && db.dict.has(key)
}

/** isWatchedKeyExpired: a key that was live when WATCHed has expired since. */
function isWatchedKeyExpired(c: Client): boolean {
  for (const wk of c.watchedKeys) {
    if (wk.expired) continue
    if (keyIsExpired(c.server.keyspace.db(wk.dbId), wk.key)) return true
  }
  return false
}

/** FLUSHDB/FLUSHALL/SWAPDB hook for callers that bypass RedisDb.flush/swapWith. */
export function touchAllWatchedKeysInDb(c: Client, emptied: RedisDb, replacedWith?: RedisDb): void {
  c.server.watches.touchAllWatchedKeysInDb(emptied, replacedWith)
}

/** queueMultiCommand: nothing is queued once the transaction is bound to fail. */
export function queueMultiCommand(c: Client, cmd: RedisCommand): void {
  if (c.dirtyCas || c.dirtyExec) return
  c.mstate.push({ cmd, argv: c.argv })
}

/** flagTransaction: a command rejected while queuing aborts the transaction. */
export function flagTransaction(c: Client): void {
  if (c.inMulti) c.dirtyExec = true
}

/** discardTransaction. */
export function discardTransaction(c: Client): void {
  c.mstate = []
  c.inMulti = false
  c.dirtyCas = false
  c.dirtyExec = false
  c.server.watches.unwatchAll(c)
}

/** execCommandAbort: EXEC rejected by processCommand (OOM, READONLY, …). */
export function execCommandAbort(c: Client, error: string): void {
  // The rejection's text without its '-' (and without 'ERR ' when it had no code).
  const text = error.charCodeAt(0) === 45 /* - */ ? error.slice(1) : error
  c.error(`-EXECABORT Transaction discarded because of: ${text}`)
  discardTransaction(c)
}

function multiCommand(c: Client): void {
  if (c.inMulti) {
    c.error('MULTI calls can not be nested')
    return
  }
  c.inMulti = true
  c.reply.raw(Shared.ok)
}

function discardCommand(c: Client): void {
  if (!c.inMulti) {
    c.error('DISCARD without MULTI')
    return
  }
  discardTransaction(c)
  c.reply.raw(Shared.ok)
}

function execCommand(c: Client): void {
  if (!c.inMulti) {
    c.error('EXEC without MULTI')
    return
  }
  const server = c.server
  if (isWatchedKeyExpired(c)) c.dirtyCas = true
  if (c.dirtyCas || c.dirtyExec) {
    if (c.dirtyExec) c.error('-EXECABORT Transaction discarded because of previous errors.')
    else c.reply.nullArray()
    discardTransaction(c)
    return
  }
  server.watches.unwatchAll(c)
  const queued = c.mstate
  const origArgv = c.argv
  const origCmd = c.cmd!
  const prevInExec = c.inExec
  c.inExec = true
  c.reply.arrayLen(queued.length)
  try {
    for (const q of queued) {
      c.argv = q.argv
      c.propagate = null
      const dirty = server.stats.dirty
      server.call(c, q.cmd)
      // Into EXEC's propagation, after the expired-key DELs this command met, in its db.
      if (c.propagate !== null || server.stats.dirty !== dirty) {
        for (const cmd of c.propagate ?? [q.argv]) server.alsoPropagate(c.db.id, cmd)
      }
    }
  } finally {
    c.inExec = prevInExec
    c.argv = origArgv
    c.cmd = origCmd
    c.propagate = null
    discardTransaction(c)
  }
  // EXEC itself propagates nothing: its commands were queued with alsoPropagate, and
  // processCommand wraps them in MULTI … EXEC when there is more than one.
  c.propagateAs()
}

function watchCommand(c: Client): void {
  if (c.inMulti) {
    c.error('WATCH inside MULTI is not allowed')
    return
  }
  // No point in watching once the client is dirty.
  if (!c.dirtyCas) {
    const reg = c.server.watches
    for (let j = 1; j < c.argv.length; j++) reg.watch(c, binaryString(c.argv[j]!))
  }
  c.reply.raw(Shared.ok)
}

function unwatchCommand(c: Client): void {
  c.server.watches.unwatchAll(c)
  c.dirtyCas = false
  c.reply.raw(Shared.ok)
}

export const transactionsCommands: CommandSpec[] = [
  redisCommand('multi', multiCommand),
  redisCommand('exec', execCommand),
  redisCommand('discard', discardCommand),
  redisCommand('watch', watchCommand),
  redisCommand('unwatch', unwatchCommand)
]
