/**
 * DEBUG (debug.c): HELP, DIGEST, DIGEST-VALUE, OBJECT, POPULATE, RELOAD, SLEEP, SET-ACTIVE-EXPIRE,
 * CHANGE-REPL-ID, ERROR, LOG. Refused unless enable-debug-command allows it, as in Redis.
 */
import type { Client } from '../client'
import { computeDatasetDigest, valueDigest } from '../digest'
import { loadRdb } from '../persistence/rdb-load'
import { readFileSync } from 'node:fs'
import { RedisList } from '../keyspace/list'
import { Shared } from '../resp/reply-writer'
import { argIs, binaryString, string2ll } from '../util'
import { replyHelp } from './config'
import { objectEncoding } from './keys'
import { redisCommand } from './meta'
import type { CommandSpec } from './types'

function subcommandSyntaxError(c: Client): void {
  const sub = binaryString(c.argv[1]!).slice(0, 128)
  c.error(`unknown subcommand or wrong number of arguments for '${sub}'. Try DEBUG HELP.`)
}

/** getPositiveLongFromObjectOrReply with the default messages. */
function positiveLong(c: Client, arg: Buffer): number | null {
  const v = string2ll(arg)
  if (v === null || v < 0) {
    c.error('value is out of range, must be positive')
    return null
  }
  return Number(v)
}

/** A stable fake address per value (DEBUG OBJECT's "Value at:%p"). */
const addresses = new WeakMap<object, number>()
let nextAddress = 0x7f0000001000
function addressOf(v: object): string {
  let a = addresses.get(v)
  if (a === undefined) {
    a = nextAddress
    nextAddress += 0x40
    addresses.set(v, a)
  }
  return '0x' + a.toString(16)
}

/** Values 0..9999 stored as integers are Redis's shared objects (OBJ_SHARED_REFCOUNT). */
function sharedInteger(v: unknown): boolean {
  if (!(v instanceof Buffer) || v.length === 0 || v.length > 4) return false
  const n = string2ll(v)
  return n !== null && n >= 0 && n < 10000
}

function serializedLength(v: unknown): number {
  if (v instanceof Buffer) return v.length + 1
  const sized = v as { size?: number }
  return typeof sized.size === 'number' ? sized.size * 8 + 1 : 1
}

function debugObject(c: Client): void {
  const key = binaryString(c.argv[2]!)
  const val = c.db.peek(key)
  if (val === undefined) {
    c.error('no such key')
    return
  }
  let extra = ''
  if (val instanceof RedisList) {
    // Our nodes, not listpacks: the same 8 KB limit, but our entries are RESP-encoded.
    const { nodes, bytes } = val.nodeStats()
    extra = ` ql_nodes:${nodes} ql_avg_node:${(val.length / nodes).toFixed(2)} ql_listpack_max:-2 ql_compressed:0 ql_uncompressed_size:${bytes}`
  }
  const lru = Math.floor(Date.now() / 1000) & ((1 << 24) - 1)
  c.reply.status(
    `Value at:${addressOf(val)} refcount:${sharedInteger(val) ? 2147483647 : 1} encoding:${objectEncoding(val)} serializedlength:${serializedLength(val)} ` +
    `lru:${lru} lru_seconds_idle:0${extra}`
  )
}

function debugPopulate(c: Client): void {
  const argv = c.argv
  if (argv.length > 5) {
    subcommandSyntaxError(c)
    return
  }
  const keys = positiveLong(c, argv[2]!)
  if (keys === null) return
  let valsize = 0
  if (argv.length === 5) {
    const v = positiveLong(c, argv[4]!)
    if (v === null) return
    valsize = v
  }
  const prefix = argv.length >= 4 ? binaryString(argv[3]!) : 'key'
  const db = c.db
  for (let j = 0; j < keys; j++) {
    // snprintf into a 128-byte buffer: at most 127 bytes.
    const key = `${prefix}:${j}`.slice(0, 127)
    if (db.lookupWrite(key) !== undefined) continue
    const text = `value:${j}`.slice(0, 127)
    let val: Buffer
    if (valsize === 0) val = Buffer.from(text, 'latin1')
    else {
      // allocUnsafe + fill: small values come from Node's shared pool (as values read from
      // sockets do) instead of one ArrayBuffer each, which would double the memory per key.
      val = Buffer.allocUnsafe(valsize)
      const n = val.write(text.slice(0, valsize), 'latin1')
      val.fill(0, n)
    }
    db.set(key, val)
    c.modified(key, 0)
  }
  c.reply.raw(Shared.ok)
}

/** DEBUG RELOAD [NOSAVE]: save the dump file (unless NOSAVE) and load it back. */
function debugReload(c: Client): void {
  let save = true
  for (let j = 2; j < c.argv.length; j++) {
    const opt = c.argv[j]!
    if (argIs(opt, 'nosave')) save = false
    else if (argIs(opt, 'merge') || argIs(opt, 'noflush')) {
      // Loading into a non-empty dataset is not supported by the all-or-nothing loader.
      c.error('DEBUG RELOAD MERGE/NOFLUSH are not supported by this server.')
      return
    } else {
      c.error('DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.')
      return
    }
  }
  const server = c.server
  if (save) {
    try {
      server.persistence.save()
    } catch {
      c.error('Error trying to save the DB')
      return
    }
  }
  try {
    loadRdb(server, readFileSync(server.persistence.path))
  } catch (err) {
    server.emit('log', 'warning', `Error loading the RDB dump: ${(err as Error).message}`)
    c.error('Error trying to load the RDB dump')
    return
  }
  server.emit('log', 'warning', 'DB reloaded by DEBUG RELOAD')
  c.reply.raw(Shared.ok)
}

function debugSleep(c: Client): void {
  const secs = Number(binaryString(c.argv[2]!))
  const ms = Number.isFinite(secs) && secs > 0 ? secs * 1000 : 0
  // Redis stops the whole server for that long; so do we (the event loop is blocked).
  if (ms > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
  c.reply.raw(Shared.ok)
}

function debugCommand(c: Client): void {
  // enable-debug-command is checked by processCommand (node.ts), as Redis checks CMD_PROTECTED.
  const server = c.server
  const argv = c.argv
  const sub = argv[1]!
  const argc = argv.length
  if (argc === 2 && argIs(sub, 'help')) {
    replyHelp(c, 'debug')
  } else if (argc === 2 && argIs(sub, 'digest')) {
    c.reply.status(computeDatasetDigest(server.keyspace))
  } else if (argc >= 2 && argIs(sub, 'digest-value')) {
    c.reply.arrayLen(argc - 2)
    for (let j = 2; j < argc; j++) c.reply.status(valueDigest(c.db, binaryString(argv[j]!)))
  } else if (argc === 3 && argIs(sub, 'object')) {
    debugObject(c)
  } else if (argc >= 3 && argIs(sub, 'populate')) {
    debugPopulate(c)
  } else if (argc >= 2 && argIs(sub, 'reload')) {
    debugReload(c)
  } else if (argc === 3 && argIs(sub, 'sleep')) {
    debugSleep(c)
  } else if (argc === 3 && argIs(sub, 'set-active-expire')) {
    const v = string2ll(argv[2]!)
    server.activeExpireEnabled = v !== null && v !== 0
    c.reply.raw(Shared.ok)
  } else if (argc === 2 && argIs(sub, 'change-repl-id')) {
    server.replication.newHistory()
    c.reply.raw(Shared.ok)
  } else if (argc === 3 && argIs(sub, 'error')) {
    c.error('-' + binaryString(argv[2]!))
  } else if (argc === 3 && argIs(sub, 'log')) {
    c.reply.raw(Shared.ok)
  } else {
    subcommandSyntaxError(c)
  }
}

export const debugCommands: CommandSpec[] = [redisCommand('debug', debugCommand)]
