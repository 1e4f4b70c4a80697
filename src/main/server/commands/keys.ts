/**
 * Generic keyspace commands (db.c, expire.c, object.c): DEL, UNLINK, EXISTS, TYPE, KEYS,
 * SCAN, RANDOMKEY, RENAME, RENAMENX, COPY, MOVE, SWAPDB, FLUSHDB, the EXPIRE family, TTL,
 * PTTL, EXPIRETIME, PEXPIRETIME, PERSIST, TOUCH, OBJECT.
 */
import type { Client } from '../client'
import { rawEncodedStrings, type RedisDb } from '../keyspace/db'
import { parseScanCursor } from '../keyspace/scan'
import { typeOf, type RedisValue } from '../keyspace/types'
import { Shared } from '../resp/reply-writer'
import { argIs, binaryString, cString, string2ll, stringMatch } from '../util'
import { redisCommand } from './meta'
import { checkFlushArgs } from './server'
import { sortCommands } from './sort'
import type { CommandSpec } from './types'

const LLONG_MAX = 9223372036854775807n
const LLONG_MIN = -9223372036854775808n

const NO_SUCH_KEY = 'no such key'
const SAME_OBJECT = 'source and destination objects are the same'
const NOT_INTEGER = 'value is not an integer or out of range'

function keyArg(c: Client, i: number): string {
  return binaryString(c.argv[i]!)
}

// ---- DEL, UNLINK, EXISTS, TYPE, TOUCH ----

/** delGenericCommand (we free values lazily either way: the GC does it). */
function delCommand(c: Client): void {
  const argv = c.argv
  const db = c.db
  let deleted = 0
  for (let j = 1; j < argv.length; j++) {
    const key = binaryString(argv[j]!)
    if (db.delete(key)) {
      c.modified(key)
      deleted++
    }
  }
  c.reply.integer(deleted)
}

function existsCommand(c: Client): void {
  const argv = c.argv
  let count = 0
  for (let j = 1; j < argv.length; j++) {
    if (c.db.lookupRead(binaryString(argv[j]!)) !== undefined) count++
  }
  c.reply.integer(count)
}

function typeCommand(c: Client): void {
  const v = c.db.lookupRead(keyArg(c, 1))
  c.reply.status(v === undefined ? 'none' : typeOf(v))
}

function touchCommand(c: Client): void {
  let touched = 0
  for (let j = 1; j < c.argv.length; j++) {
    if (c.db.lookupRead(keyArg(c, j)) !== undefined) touched++
  }
  c.reply.integer(touched)
}

// ---- KEYS, SCAN, RANDOMKEY ----

function keysCommand(c: Client): void {
  const pattern = keyArg(c, 1)
  const all = pattern === '*'
  const db = c.db
  const now = Date.now()
  const out: string[] = []
  for (const key of db.dict.keys()) {
    if (!all && !stringMatch(pattern, key)) continue
    // keyIsExpired: skipped, not deleted (KEYS does not write).
    const when = db.expires.size > 0 ? db.expires.get(key) : undefined
    if (when !== undefined && when <= now) continue
    out.push(key)
  }
  c.reply.arrayLen(out.length)
  for (const k of out) c.reply.bulkBinary(k)
}

function scanCommand(c: Client): void {
  const cursor = parseScanCursor(c.argv[1]!)
  if (cursor === null) {
    c.error('invalid cursor')
    return
  }
  const opts = parseScanOptions(c, 2, true)
  if (opts === null) return
  const db = c.db
  const keys: string[] = []
  const next = db.dict.scan(cursor, opts.count, (k) => keys.push(k))
  const out: string[] = []
  for (const key of keys) {
    if (opts.pattern !== null && !stringMatch(opts.pattern, key)) continue
    if (opts.type !== null) {
      // lookupKeyRead (hits/misses counted; an expired key is deleted and is "none").
      const v = db.lookupRead(key)
      if ((v === undefined ? 'none' : typeOf(v)) !== opts.type) continue
    }
    if (db.expires.size > 0 && db.expireIfNeeded(key)) continue
    out.push(key)
  }
  c.reply.arrayLen(2)
  c.reply.bulkBinary(String(next))
  c.reply.arrayLen(out.length)
  for (const k of out) c.reply.bulkBinary(k)
}

export interface ScanOptions {
  count: number
  /** Null for no pattern (or '*'). */
  pattern: string | null
  /** Lowercase TYPE filter (SCAN only), or null. */
  type: string | null
}

/**
 * scanGenericCommand's option parsing (COUNT, MATCH, and TYPE when allowType), from argv[i]
 * on; null after replying with the error. Shared with HSCAN/SSCAN/ZSCAN.
 */
export function parseScanOptions(c: Client, i: number, allowType: boolean): ScanOptions | null {
  const argv = c.argv
  const opts: ScanOptions = { count: 10, pattern: null, type: null }
  while (i < argv.length) {
    const left = argv.length - i
    if (argIs(argv[i]!, 'count') && left >= 2) {
      const v = string2ll(argv[i + 1]!)
      if (v === null) {
        c.error(NOT_INTEGER)
        return null
      }
      if (v < 1) {
        c.error('syntax error')
        return null
      }
      opts.count = typeof v === 'bigint' ? Number.MAX_SAFE_INTEGER : v
      i += 2
    } else if (argIs(argv[i]!, 'match') && left >= 2) {
      const p = binaryString(argv[i + 1]!)
      opts.pattern = p === '*' ? null : p
      i += 2
    } else if (allowType && argIs(argv[i]!, 'type') && left >= 2) {
      // 7.0 compares with strcasecmp, so an unknown type name just matches nothing.
      opts.type = cString(binaryString(argv[i + 1]!)).toLowerCase()
      i += 2
    } else {
      c.error('syntax error')
      return null
    }
  }
  return opts
}

function randomkeyCommand(c: Client): void {
  const key = c.db.randomKey()
  if (key === null) c.reply.nullBulk()
  else c.reply.bulkBinary(key)
}

// ---- RENAME, RENAMENX, MOVE, COPY, SWAPDB, FLUSHDB ----

function renameGeneric(c: Client, nx: boolean): void {
  const db = c.db
  const src = keyArg(c, 1)
  const dst = keyArg(c, 2)
  const v = db.lookupWrite(src)
  if (v === undefined) {
    c.error(NO_SUCH_KEY)
    return
  }
  if (src === dst) {
    c.reply.raw(nx ? Shared.czero : Shared.ok)
    return
  }
  const expire = db.getExpire(src)
  if (db.lookupWrite(dst) !== undefined) {
    if (nx) {
      c.reply.raw(Shared.czero)
      return
    }
    db.delete(dst)
  }
  db.set(dst, v)
  if (expire !== undefined) db.setExpire(dst, expire)
  db.delete(src)
  c.modified(src)
  c.modified(dst, 0)
  c.reply.raw(nx ? Shared.cone : Shared.ok)
}

function renameCommand(c: Client): void {
  renameGeneric(c, false)
}

function renamenxCommand(c: Client): void {
  renameGeneric(c, true)
}

/**
 * getIntFromObjectOrReply: a 32-bit integer, or null after replying (`msg` replaces both
 * errors when given, as in Redis).
 */
function getIntOrReply(c: Client, arg: Buffer, msg?: string): number | null {
  const v = string2ll(arg)
  if (v === null) {
    c.error(msg ?? NOT_INTEGER)
    return null
  }
  if (typeof v !== 'number' || v < -2147483648 || v > 2147483647) {
    c.error(msg ?? 'value is out of range, value must between -2147483648 and 2147483647')
    return null
  }
  return v
}

/** selectDb's check: the database, or null after "DB index is out of range". */
function dbOrReply(c: Client, id: number): RedisDb | null {
  const dbs = c.server.keyspace.dbs
  if (id < 0 || id >= dbs.length) {
    c.error('DB index is out of range')
    return null
  }
  return dbs[id]!
}

function moveCommand(c: Client): void {
  const src = c.db
  const id = getIntOrReply(c, c.argv[2]!)
  if (id === null) return
  const dst = dbOrReply(c, id)
  if (dst === null) return
  if (dst === src) {
    c.error(SAME_OBJECT)
    return
  }
  const key = keyArg(c, 1)
  const v = src.lookupWrite(key)
  if (v === undefined || dst.lookupWrite(key) !== undefined) {
    c.reply.raw(Shared.czero)
    return
  }
  const expire = src.getExpire(key)
  dst.set(key, v)
  if (expire !== undefined) dst.setExpire(key, expire)
  src.delete(key)
  src.signalModifiedKey(key)
  dst.signalModifiedKey(key)
  c.server.stats.dirty++
  c.reply.raw(Shared.cone)
}

/** A value's deep copy for COPY (strings are immutable Buffers: shared). */
export function cloneValue(v: RedisValue): RedisValue {
  if (v instanceof Buffer) return v
  const cl = (v as { clone?: () => RedisValue }).clone
  if (typeof cl !== 'function') throw new Error(`COPY: no clone() for ${typeOf(v)} values`)
  return cl.call(v)
}

function copyCommand(c: Client): void {
  const argv = c.argv
  const src = c.db
  let dst = c.db
  let replace = false
  for (let j = 3; j < argv.length; j++) {
    const additional = argv.length - j - 1
    if (argIs(argv[j]!, 'replace')) {
      replace = true
    } else if (argIs(argv[j]!, 'db') && additional >= 1) {
      const id = getIntOrReply(c, argv[j + 1]!)
      if (id === null) return
      const d = dbOrReply(c, id)
      if (d === null) return
      dst = d
      j++
    } else {
      c.error('syntax error')
      return
    }
  }
  const key = keyArg(c, 1)
  const newkey = keyArg(c, 2)
  if (src === dst && key === newkey) {
    c.error(SAME_OBJECT)
    return
  }
  const v = src.lookupRead(key)
  if (v === undefined) {
    c.reply.raw(Shared.czero)
    return
  }
  const expire = src.getExpire(key)
  let del = false
  if (dst.lookupWrite(newkey) !== undefined) {
    if (!replace) {
      c.reply.raw(Shared.czero)
      return
    }
    del = true
  }
  const copy = cloneValue(v)
  if (del) dst.delete(newkey)
  dst.set(newkey, copy)
  if (expire !== undefined) dst.setExpire(newkey, expire)
  dst.signalModifiedKey(newkey)
  c.server.stats.dirty++
  c.reply.raw(Shared.cone)
}

function swapdbCommand(c: Client): void {
  const id1 = getIntOrReply(c, c.argv[1]!, 'invalid first DB index')
  if (id1 === null) return
  const id2 = getIntOrReply(c, c.argv[2]!, 'invalid second DB index')
  if (id2 === null) return
  const dbs = c.server.keyspace.dbs
  if (id1 < 0 || id1 >= dbs.length || id2 < 0 || id2 >= dbs.length) {
    c.error('DB index is out of range')
    return
  }
  if (id1 !== id2) dbs[id1]!.swapWith(dbs[id2]!)
  c.server.stats.dirty++
  c.reply.raw(Shared.ok)
}

function flushdbCommand(c: Client): void {
  if (!checkFlushArgs(c)) return
  // ASYNC or not: dropping the maps is O(1) here, the GC frees the values later.
  c.server.stats.dirty += c.db.flush()
  // forceCommandPropagation: FLUSHDB reaches replicas even when the db was empty.
  c.propagateAs([...c.argv])
  c.reply.raw(Shared.ok)
}

// ---- EXPIRE family ----

const EXPIRE_NX = 1 << 0
const EXPIRE_XX = 1 << 1
const EXPIRE_GT = 1 << 2
const EXPIRE_LT = 1 << 3

const PEXPIREAT = Buffer.from('PEXPIREAT')
const DEL = Buffer.from('DEL')

/** parseExtendedExpireArgumentsOrReply: flags, or null after replying. */
function parseExpireFlags(c: Client): number | null {
  let flags = 0
  for (let j = 3; j < c.argv.length; j++) {
    const a = c.argv[j]!
    if (argIs(a, 'nx')) flags |= EXPIRE_NX
    else if (argIs(a, 'xx')) flags |= EXPIRE_XX
    else if (argIs(a, 'gt')) flags |= EXPIRE_GT
    else if (argIs(a, 'lt')) flags |= EXPIRE_LT
    else {
      c.error(`Unsupported option ${cString(a.toString('latin1'))}`)
      return null
    }
  }
  if (flags & EXPIRE_NX && flags & (EXPIRE_XX | EXPIRE_GT | EXPIRE_LT)) {
    c.error('NX and XX, GT or LT options at the same time are not compatible')
    return null
  }
  if (flags & EXPIRE_GT && flags & EXPIRE_LT) {
    c.error('GT and LT options at the same time are not compatible')
    return null
  }
  return flags
}

/**
 * expireGenericCommand: basetime is 0 for the *AT variants, now otherwise; seconds for
 * EXPIRE/EXPIREAT. Propagates as PEXPIREAT <abs ms> (or DEL for a time in the past).
 */
function expireGeneric(c: Client, relative: boolean, seconds: boolean): void {
  const flags = parseExpireFlags(c)
  if (flags === null) return
  const v = string2ll(c.argv[2]!)
  if (v === null) {
    c.error(NOT_INTEGER)
    return
  }
  let when: number
  /** The exact 64-bit value, for propagation (expires are stored as doubles). */
  let whenText: string | null = null
  if (typeof v === 'number' && !seconds && !relative) {
    when = v
  } else {
    // Exact 64-bit arithmetic for the overflow checks.
    let w = BigInt(v)
    const invalid = (): void => c.error(`invalid expire time in '${c.cmd!.fullname}' command`)
    if (seconds) {
      if (w > LLONG_MAX / 1000n || w < LLONG_MIN / 1000n) return invalid()
      w *= 1000n
    }
    const base = relative ? BigInt(Date.now()) : 0n
    if (w > LLONG_MAX - base) return invalid()
    w += base
    when = Number(w)
    whenText = w.toString()
  }
  const db = c.db
  const keyBuf = c.argv[1]!
  const key = binaryString(keyBuf)
  if (db.lookupWrite(key) === undefined) {
    c.reply.raw(Shared.czero)
    return
  }
  if (flags) {
    const current = db.getExpire(key)
    if (
      (flags & EXPIRE_NX && current !== undefined) ||
      (flags & EXPIRE_XX && current === undefined) ||
      (flags & EXPIRE_GT && (current === undefined || when <= current)) ||
      (flags & EXPIRE_LT && current !== undefined && when >= current)
    ) {
      c.reply.raw(Shared.czero)
      return
    }
  }
  // checkAlreadyExpired: a replica keeps the key (its master sends the DEL).
  if (when <= Date.now() && !db.policy.replica) {
    db.delete(key)
    c.propagateAs([DEL, keyBuf])
    c.modified(key)
    c.reply.raw(Shared.cone)
    return
  }
  db.setExpire(key, when)
  c.reply.raw(Shared.cone)
  if (c.cmd!.name !== 'pexpireat') {
    const argv = c.argv.slice()
    argv[0] = PEXPIREAT
    argv[2] = Buffer.from(whenText ?? String(when))
    c.propagateAs(argv)
  }
  c.modified(key)
}

function expireCommand(c: Client): void {
  expireGeneric(c, true, true)
}
function pexpireCommand(c: Client): void {
  expireGeneric(c, true, false)
}
function expireatCommand(c: Client): void {
  expireGeneric(c, false, true)
}
function pexpireatCommand(c: Client): void {
  expireGeneric(c, false, false)
}

/** ttlGenericCommand. */
function ttlGeneric(c: Client, ms: boolean, abs: boolean): void {
  const db = c.db
  const key = keyArg(c, 1)
  if (db.lookupRead(key) === undefined) {
    c.reply.integer(-2)
    return
  }
  const expire = db.getExpire(key)
  if (expire === undefined) {
    c.reply.integer(-1)
    return
  }
  let ttl = abs ? expire : expire - Date.now()
  if (ttl < 0) ttl = 0
  // C integer division of a non-negative value: floor.
  c.reply.integer(ms ? ttl : Math.floor((ttl + 500) / 1000))
}

function ttlCommand(c: Client): void {
  ttlGeneric(c, false, false)
}
function pttlCommand(c: Client): void {
  ttlGeneric(c, true, false)
}
function expiretimeCommand(c: Client): void {
  ttlGeneric(c, false, true)
}
function pexpiretimeCommand(c: Client): void {
  ttlGeneric(c, true, true)
}

function persistCommand(c: Client): void {
  const key = keyArg(c, 1)
  if (c.db.lookupWrite(key) !== undefined && c.db.removeExpire(key)) {
    c.modified(key)
    c.reply.raw(Shared.cone)
  } else {
    c.reply.raw(Shared.czero)
  }
}

// ---- OBJECT ----

/** OBJ_SHARED_INTEGERS: strings holding 0..9999 share one object in Redis. */
const SHARED_INTEGERS = 10000
const OBJ_SHARED_REFCOUNT = 2147483647
const EMBSTR_SIZE_LIMIT = 44

/** The integer a string is encoded as (tryObjectEncoding's string2l test), or null. */
function stringAsInt(v: Buffer): number | bigint | null {
  if (v.length > 20 || rawEncodedStrings.has(v)) return null
  return string2ll(v)
}

/** OBJECT ENCODING's answer for a value. */
export function objectEncoding(v: RedisValue): string {
  if (v instanceof Buffer) {
    if (rawEncodedStrings.has(v)) return 'raw'
    if (stringAsInt(v) !== null) return 'int'
    return v.length <= EMBSTR_SIZE_LIMIT ? 'embstr' : 'raw'
  }
  const enc = (v as { encoding?: () => string }).encoding
  if (typeof enc !== 'function') throw new Error(`no encoding() for ${typeOf(v)} values`)
  return enc.call(v)
}

function isSharedInteger(v: RedisValue): boolean {
  if (!(v instanceof Buffer)) return false
  const n = stringAsInt(v)
  return typeof n === 'number' && n >= 0 && n < SHARED_INTEGERS
}

/** objectCommandLookupOrReply: the value, or null after replying with a null bulk. */
function objectLookup(c: Client): RedisValue | null {
  const v = c.db.lookupRead(keyArg(c, 2))
  if (v === undefined) {
    c.reply.nullBulk()
    return null
  }
  return v
}

function objectEncodingCommand(c: Client): void {
  const v = objectLookup(c)
  if (v !== null) c.reply.bulkBinary(objectEncoding(v))
}

function objectRefcountCommand(c: Client): void {
  const v = objectLookup(c)
  if (v !== null) c.reply.integer(isSharedInteger(v) ? OBJ_SHARED_REFCOUNT : 1)
}

function objectIdletimeCommand(c: Client): void {
  const v = objectLookup(c)
  if (v === null) return
  // Access times are not tracked per key (it would cost every lookup); shared integers
  // are as old as the server, as in Redis.
  c.reply.integer(isSharedInteger(v) ? Math.floor((Date.now() - c.server.startTime) / 1000) : 0)
}

function objectFreqCommand(c: Client): void {
  const v = objectLookup(c)
  if (v === null) return
  c.error(
    'An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.'
  )
}

const OBJECT_HELP = [
  'OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'ENCODING <key>',
  '    Return the kind of internal representation used in order to store the value',
  '    associated with a <key>.',
  'FREQ <key>',
  '    Return the access frequency index of the <key>. The returned integer is',
  '    proportional to the logarithm of the recent access frequency of the key.',
  'IDLETIME <key>',
  '    Return the idle time of the <key>, that is the approximated number of',
  '    seconds elapsed since the last access to the key.',
  'REFCOUNT <key>',
  '    Return the number of references of the value associated with the specified',
  '    <key>.',
  'HELP',
  '    Prints this help.'
]

function objectHelpCommand(c: Client): void {
  c.reply.arrayLen(OBJECT_HELP.length)
  for (const line of OBJECT_HELP) c.reply.status(line)
}

export const keysCommands: CommandSpec[] = [
  redisCommand('del', delCommand),
  redisCommand('unlink', delCommand),
  redisCommand('exists', existsCommand),
  redisCommand('type', typeCommand),
  redisCommand('touch', touchCommand),
  redisCommand('keys', keysCommand),
  redisCommand('scan', scanCommand),
  redisCommand('randomkey', randomkeyCommand),
  redisCommand('rename', renameCommand),
  redisCommand('renamenx', renamenxCommand),
  redisCommand('move', moveCommand),
  redisCommand('copy', copyCommand),
  redisCommand('swapdb', swapdbCommand),
  redisCommand('flushdb', flushdbCommand),
  redisCommand('expire', expireCommand),
  redisCommand('pexpire', pexpireCommand),
  redisCommand('expireat', expireatCommand),
  redisCommand('pexpireat', pexpireatCommand),
  redisCommand('ttl', ttlCommand),
  redisCommand('pttl', pttlCommand),
  redisCommand('expiretime', expiretimeCommand),
  redisCommand('pexpiretime', pexpiretimeCommand),
  redisCommand('persist', persistCommand),
  redisCommand('object', null, {
    encoding: objectEncodingCommand,
    refcount: objectRefcountCommand,
    idletime: objectIdletimeCommand,
    freq: objectFreqCommand,
    help: objectHelpCommand
  }),
  ...sortCommands
]
