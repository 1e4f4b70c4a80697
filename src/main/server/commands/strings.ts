/**
 * String commands (t_string.c): SET, SETNX, SETEX, PSETEX, GET, GETEX, GETDEL, GETSET,
 * MGET, MSET, MSETNX, APPEND, STRLEN, INCR, DECR, INCRBY, DECRBY, INCRBYFLOAT, GETRANGE,
 * SUBSTR, SETRANGE, LCS.
 *
 * Values are immutable Buffers (they may be referenced by a pending socket write or a
 * snapshot): every change builds a new Buffer. APPEND and SETRANGE/SETBIT past the end
 * stay amortized O(appended bytes) like sds: a string grown by them owns spare capacity
 * in its backing store, and the next extension writes into that spare room (bytes no
 * older Buffer covers) and returns a longer view — see extendString.
 */
import type { Client } from '../client'
import { rawEncodedStrings } from '../keyspace/db'
import { WRONGTYPE_ERR } from '../keyspace/types'
import { Shared } from '../resp/reply-writer'
import { binaryString, string2ll } from '../util'
import { allocBytes, copyBytes } from '../byte-arena'
import { decimalDigits, writeDecimal } from '../resp/decimal'
import { ldAdd, ldFromBigInt, ldToHuman, parseLongDouble, type LongDouble } from './hashes'
import { redisCommand } from './meta'
import type { CommandSpec, KeySpecFlag } from './types'

const LLONG_MAX = 9223372036854775807n
const LLONG_MIN = -9223372036854775808n

/** proto-max-bulk-len default (512MB): the largest string APPEND/SETRANGE/SETBIT make. */
export const PROTO_MAX_BULK_LEN = 512 * 1024 * 1024

const OBJ_SET_NX = 1 << 0
const OBJ_SET_XX = 1 << 1
const OBJ_EX = 1 << 2
const OBJ_PX = 1 << 3
const OBJ_KEEPTTL = 1 << 4
const OBJ_SET_GET = 1 << 5
const OBJ_EXAT = 1 << 6
const OBJ_PXAT = 1 << 7
const OBJ_PERSIST = 1 << 8

const B_SET = Buffer.from('SET')
const B_PXAT = Buffer.from('PXAT')
const B_PEXPIREAT = Buffer.from('PEXPIREAT')
const B_PERSIST = Buffer.from('PERSIST')
const B_DEL = Buffer.from('DEL')
const B_KEEPTTL = Buffer.from('KEEPTTL')

/**
 * Lowercase ASCII option name of an argument, for the option parsers. Redis compares C
 * strings, so everything from the first NUL byte on is ignored.
 */
function optName(arg: Buffer): string {
  let n = arg.length
  const nul = arg.indexOf(0)
  if (nul !== -1) n = nul
  if (n > 8) return ''
  return arg.toString('latin1', 0, n).toLowerCase()
}

export const COMMAND_SET = 0
export const COMMAND_GET = 1

// ---- helpers shared with bitops.ts -------------------------------------------------------

/** The string at key for reading; undefined when missing, null after WRONGTYPE. */
export function stringRead(c: Client, key: string): Buffer | undefined | null {
  const v = c.db.lookupRead(key)
  if (v === undefined) return undefined
  if (!(v instanceof Buffer)) {
    c.error(WRONGTYPE_ERR)
    return null
  }
  return v
}

/** The string at key for writing; undefined when missing, null after WRONGTYPE. */
export function stringWrite(c: Client, key: string): Buffer | undefined | null {
  const v = c.db.lookupWrite(key)
  if (v === undefined) return undefined
  if (!(v instanceof Buffer)) {
    c.error(WRONGTYPE_ERR)
    return null
  }
  return v
}

/** checkStringLength: false after replying when the result would be too big. */
export function checkStringLength(c: Client, size: number): boolean {
  if (size > PROTO_MAX_BULK_LEN) {
    c.error('string exceeds maximum allowed size (proto-max-bulk-len)')
    return false
  }
  return true
}

/** Buffers that own the spare room after their end in their (unpooled) backing store. */
const growable = new WeakSet<Buffer>()
/** Strings smaller than this are simply copied (no spare room). */
const GROW_MIN = 256
const SDS_MAX_PREALLOC = 1024 * 1024

/** A fresh Buffer of newLen bytes holding `old` (or nothing) then zeros, with spare room. */
function allocString(old: Buffer | null, newLen: number): Buffer {
  if (newLen < GROW_MIN) {
    const b = Buffer.alloc(newLen)
    if (old) old.copy(b, 0, 0, Math.min(old.length, newLen))
    return b
  }
  // sdsMakeRoomFor's greedy policy.
  const cap = newLen < SDS_MAX_PREALLOC ? newLen * 2 : newLen + SDS_MAX_PREALLOC
  // Buffer.alloc: its own zeroed store (never the shared pool; big ones zeroed lazily by the OS).
  const store = Buffer.alloc(cap)
  if (old) old.copy(store, 0, 0, Math.min(old.length, newLen))
  const b = store.subarray(0, newLen)
  growable.add(b)
  return b
}

/**
 * The string `old` grown to newLen bytes (zeros appended), ready to be written from byte
 * `writeFrom` on. Never changes a byte `old` covers: writes below old.length get a copy;
 * pure extensions of a growable string reuse its spare room (amortized O(growth)).
 */
export function extendString(old: Buffer, newLen: number, writeFrom: number): Buffer {
  if (newLen < old.length) newLen = old.length
  if (writeFrom >= old.length && growable.has(old) && old.byteOffset + newLen <= old.buffer.byteLength) {
    const b = Buffer.from(old.buffer, old.byteOffset, newLen)
    b.fill(0, old.length, newLen)
    growable.delete(old)
    growable.add(b)
    return b
  }
  return allocString(old, newLen)
}

/** Marks a string built by APPEND/SETRANGE/SETBIT/BITOP: OBJECT ENCODING says raw. */
export function markRaw(b: Buffer): Buffer {
  rawEncodedStrings.add(b)
  return b
}

/** Redis shares the integers 0..9999; so do we (their Buffers are immutable). */
const SHARED_INTEGERS = 10000
const sharedIntegers: (Buffer | undefined)[] = new Array(SHARED_INTEGERS)

function integerBuffer(n: number | bigint): Buffer {
  if (typeof n !== 'number') return Buffer.from(String(n), 'latin1')
  if (n >= 0 && n < SHARED_INTEGERS) return (sharedIntegers[n] ??= decimalBytes(n))
  return decimalBytes(n)
}

/** The decimal digits of a safe integer, written straight into a small Buffer (INCR's hot path). */
function decimalBytes(n: number): Buffer {
  const neg = n < 0
  const v = neg ? -n : n
  const len = decimalDigits(v) + (neg ? 1 : 0)
  const out = allocBytes(len)
  if (neg) out[0] = 45
  writeDecimal(out, len, v)
  return out
}

// ---- SET and friends ---------------------------------------------------------------------

/**
 * parseExtendedStringArgumentsOrReply: options of SET and GETEX. Returns the flags and the
 * expire argument, or null after replying with a syntax error.
 */
export function parseExtendedStringArguments(
  c: Client,
  commandType: number
): { flags: number; expire: Buffer | null } | null {
  const argv = c.argv
  let flags = 0
  let expire: Buffer | null = null
  for (let j = commandType === COMMAND_GET ? 2 : 3; j < argv.length; j++) {
    const opt = optName(argv[j]!)
    const hasNext = j < argv.length - 1
    const isSet = commandType === COMMAND_SET
    const noTtlYet = !(flags & (OBJ_KEEPTTL | OBJ_PERSIST))
    if (opt === 'nx' && !(flags & OBJ_SET_XX) && isSet) {
      flags |= OBJ_SET_NX
    } else if (opt === 'xx' && !(flags & OBJ_SET_NX) && isSet) {
      flags |= OBJ_SET_XX
    } else if (opt === 'get' && isSet) {
      flags |= OBJ_SET_GET
    } else if (opt === 'keepttl' && !(flags & (OBJ_PERSIST | OBJ_EX | OBJ_EXAT | OBJ_PX | OBJ_PXAT)) && isSet) {
      flags |= OBJ_KEEPTTL
    } else if (opt === 'persist' && !isSet && !(flags & (OBJ_EX | OBJ_EXAT | OBJ_PX | OBJ_PXAT | OBJ_KEEPTTL))) {
      flags |= OBJ_PERSIST
    } else if (opt === 'ex' && noTtlYet && !(flags & (OBJ_EXAT | OBJ_PX | OBJ_PXAT)) && hasNext) {
      flags |= OBJ_EX
      expire = argv[++j]!
    } else if (opt === 'px' && noTtlYet && !(flags & (OBJ_EX | OBJ_EXAT | OBJ_PXAT)) && hasNext) {
      flags |= OBJ_PX
      expire = argv[++j]!
    } else if (opt === 'exat' && noTtlYet && !(flags & (OBJ_EX | OBJ_PX | OBJ_PXAT)) && hasNext) {
      flags |= OBJ_EXAT
      expire = argv[++j]!
    } else if (opt === 'pxat' && noTtlYet && !(flags & (OBJ_EX | OBJ_EXAT | OBJ_PX)) && hasNext) {
      flags |= OBJ_PXAT
      expire = argv[++j]!
    } else {
      c.error('syntax error')
      return null
    }
  }
  return { flags, expire }
}

/**
 * getExpireMillisecondsOrReply: the absolute expire time in ms, or null after replying.
 * 64-bit arithmetic, so overflows are rejected exactly as Redis does.
 */
export function getExpireMillisecondsOrReply(c: Client, arg: Buffer, flags: number): number | null {
  const v = string2ll(arg)
  if (v === null) {
    c.error('value is not an integer or out of range')
    return null
  }
  const seconds = (flags & (OBJ_EX | OBJ_EXAT)) !== 0
  const relative = (flags & (OBJ_EX | OBJ_PX)) !== 0
  // Fast path: small positive values (all realistic TTLs) in plain numbers.
  if (typeof v === 'number' && v > 0 && v < 1e12) {
    const ms = seconds ? v * 1000 : v
    return relative ? ms + Date.now() : ms
  }
  let ms = BigInt(v)
  if (ms <= 0n || (seconds && ms > LLONG_MAX / 1000n)) {
    c.error(`invalid expire time in '${c.cmd!.fullname}' command`)
    return null
  }
  if (seconds) ms *= 1000n
  if (relative) ms += BigInt(Date.now())
  if (ms > LLONG_MAX) {
    c.error(`invalid expire time in '${c.cmd!.fullname}' command`)
    return null
  }
  return Number(ms)
}

/** getGenericCommand: replies with the string at argv[1]; false after a WRONGTYPE error. */
function getGeneric(c: Client): boolean {
  const v = c.db.lookupRead(binaryString(c.argv[1]!))
  if (v === undefined) {
    c.reply.raw(Shared.nullBulk)
    return true
  }
  if (!(v instanceof Buffer)) {
    c.error(WRONGTYPE_ERR)
    return false
  }
  c.reply.bulk(v)
  return true
}

/** setGenericCommand. okReply/abortReply replace +OK / the null reply (SETNX). */
function setGeneric(
  c: Client,
  flags: number,
  keyArg: Buffer,
  val: Buffer,
  expire: Buffer | null,
  okReply: Buffer | null,
  abortReply: Buffer | null
): void {
  let when = 0
  if (expire) {
    const ms = getExpireMillisecondsOrReply(c, expire, flags)
    if (ms === null) return
    when = ms
  }
  if (flags & OBJ_SET_GET) {
    if (!getGeneric(c)) return
  }
  const db = c.db
  const key = binaryString(keyArg)
  if (flags & (OBJ_SET_NX | OBJ_SET_XX)) {
    const found = db.lookupWrite(key) !== undefined
    if ((flags & OBJ_SET_NX && found) || (flags & OBJ_SET_XX && !found)) {
      if (!(flags & OBJ_SET_GET)) c.reply.raw(abortReply ?? Shared.nullBulk)
      return
    }
  } else if (db.expires.size > 0) {
    // setKey looks the key up (lazy expiry of a stale key happens here too).
    db.lookupWrite(key)
  }
  // Copy: the argument is a view of a socket chunk we must not pin.
  db.set(key, copyBytes(val), (flags & OBJ_KEEPTTL) !== 0)
  c.modified(key)
  if (expire) {
    // Redis 7.0 stores a time in the past as it is: the key expires on its next access.
    db.setExpire(key, when)
    c.propagateAs([B_SET, keyArg, val, B_PXAT, Buffer.from(String(when))])
  }
  if (!(flags & OBJ_SET_GET)) c.reply.raw(okReply ?? Shared.ok)
  if (flags & OBJ_SET_GET && !expire) {
    // Propagated without the GET arguments (there may be several).
    const argv = c.argv
    const out: Buffer[] = []
    for (let j = 0; j < argv.length; j++) {
      const a = argv[j]!
      if (j >= 3 && a.length >= 3 && (a[0]! | 32) === 0x67 && (a[1]! | 32) === 0x65 && (a[2]! | 32) === 0x74 && (a.length === 3 || a[3] === 0)) continue
      out.push(a)
    }
    c.propagateAs(out)
  }
}

function setCommand(c: Client): void {
  // Fast path: plain SET key value (no option object to build).
  if (c.argv.length === 3) {
    setGeneric(c, 0, c.argv[1]!, c.argv[2]!, null, null, null)
    return
  }
  const opts = parseExtendedStringArguments(c, COMMAND_SET)
  if (!opts) return
  setGeneric(c, opts.flags, c.argv[1]!, c.argv[2]!, opts.expire, null, null)
}

/** setGetKeys: the key is read too when GET is given. */
function setGetKeys(argv: Buffer[]): { pos: number; flags: readonly KeySpecFlag[] }[] {
  for (let j = 3; j < argv.length; j++) {
    if (optName(argv[j]!) === 'get') return [{ pos: 1, flags: ['RW', 'access', 'update'] }]
  }
  return [{ pos: 1, flags: ['OW', 'update'] }]
}

function setnxCommand(c: Client): void {
  setGeneric(c, OBJ_SET_NX, c.argv[1]!, c.argv[2]!, null, Shared.cone, Shared.czero)
}

function setexCommand(c: Client): void {
  setGeneric(c, OBJ_EX, c.argv[1]!, c.argv[3]!, c.argv[2]!, null, null)
}

function psetexCommand(c: Client): void {
  setGeneric(c, OBJ_PX, c.argv[1]!, c.argv[3]!, c.argv[2]!, null, null)
}

function getCommand(c: Client): void {
  getGeneric(c)
}

function getexCommand(c: Client): void {
  const opts = parseExtendedStringArguments(c, COMMAND_GET)
  if (!opts) return
  const { flags, expire } = opts
  const db = c.db
  const keyArg = c.argv[1]!
  const key = binaryString(keyArg)
  const o = stringRead(c, key)
  if (o === null) return
  if (o === undefined) {
    c.reply.raw(Shared.nullBulk)
    return
  }
  let when = 0
  if (expire) {
    const ms = getExpireMillisecondsOrReply(c, expire, flags)
    if (ms === null) return
    when = ms
  }
  c.reply.bulk(o)
  if (flags & (OBJ_PXAT | OBJ_EXAT) && when <= Date.now()) {
    db.delete(key)
    c.propagateAs([B_DEL, keyArg])
    c.modified(key)
  } else if (expire) {
    db.setExpire(key, when)
    c.propagateAs([B_PEXPIREAT, keyArg, Buffer.from(String(when))])
    c.modified(key)
  } else if (flags & OBJ_PERSIST) {
    if (db.removeExpire(key)) {
      c.propagateAs([B_PERSIST, keyArg])
      c.modified(key)
    }
  }
}

function getdelCommand(c: Client): void {
  if (!getGeneric(c)) return
  const keyArg = c.argv[1]!
  const key = binaryString(keyArg)
  if (c.db.delete(key)) {
    c.propagateAs([B_DEL, keyArg])
    c.modified(key)
  }
}

function getsetCommand(c: Client): void {
  if (!getGeneric(c)) return
  const argv = c.argv
  const key = binaryString(argv[1]!)
  c.db.set(key, copyBytes(argv[2]!))
  c.modified(key)
  c.propagateAs([B_SET, argv[1]!, argv[2]!])
}

function mgetCommand(c: Client): void {
  const argv = c.argv
  const db = c.db
  c.reply.arrayLen(argv.length - 1)
  for (let j = 1; j < argv.length; j++) {
    const v = db.lookupRead(binaryString(argv[j]!))
    if (v instanceof Buffer) c.reply.bulk(v)
    else c.reply.raw(Shared.nullBulk)
  }
}

function msetGeneric(c: Client, nx: boolean): void {
  const argv = c.argv
  if (argv.length % 2 === 0) {
    c.error(`wrong number of arguments for '${c.cmd!.fullname}' command`)
    return
  }
  const db = c.db
  if (nx) {
    for (let j = 1; j < argv.length; j += 2) {
      if (db.lookupWrite(binaryString(argv[j]!)) !== undefined) {
        c.reply.raw(Shared.czero)
        return
      }
    }
  }
  for (let j = 1; j < argv.length; j += 2) {
    const key = binaryString(argv[j]!)
    if (db.expires.size > 0) db.lookupWrite(key)
    db.set(key, copyBytes(argv[j + 1]!))
    c.modified(key)
  }
  c.reply.raw(nx ? Shared.cone : Shared.ok)
}

function msetCommand(c: Client): void {
  msetGeneric(c, false)
}

function msetnxCommand(c: Client): void {
  msetGeneric(c, true)
}

// ---- INCR / DECR ---------------------------------------------------------------------------

function incrDecr(c: Client, incr: number | bigint): void {
  const key = binaryString(c.argv[1]!)
  const db = c.db
  const o = stringWrite(c, key)
  if (o === null) return
  let value: number | bigint = 0
  if (o !== undefined) {
    const v = string2ll(o)
    if (v === null) {
      c.error('value is not an integer or out of range')
      return
    }
    value = v
  }
  let result: number | bigint
  if (typeof value === 'number' && typeof incr === 'number' && Number.isSafeInteger(value + incr)) {
    result = value + incr
  } else {
    const big = BigInt(value) + BigInt(incr)
    if (big > LLONG_MAX || big < LLONG_MIN) {
      c.error('increment or decrement would overflow')
      return
    }
    result = Number.isSafeInteger(Number(big)) ? Number(big) : big
  }
  // dbOverwrite keeps the TTL.
  db.set(key, integerBuffer(result), true)
  c.modified(key)
  c.reply.integer(result)
}

function incrCommand(c: Client): void {
  incrDecr(c, 1)
}

function decrCommand(c: Client): void {
  incrDecr(c, -1)
}

function incrbyCommand(c: Client): void {
  const incr = string2ll(c.argv[2]!)
  if (incr === null) {
    c.error('value is not an integer or out of range')
    return
  }
  incrDecr(c, incr)
}

function decrbyCommand(c: Client): void {
  const incr = string2ll(c.argv[2]!)
  if (incr === null) {
    c.error('value is not an integer or out of range')
    return
  }
  if (incr === LLONG_MIN) {
    c.error('decrement would overflow')
    return
  }
  incrDecr(c, typeof incr === 'number' ? -incr : -(incr as bigint))
}

/** getLongDoubleFromObject: a long double, Infinity (as a number), or null if invalid. */
function longDoubleOf(b: Buffer): LongDouble | number | null {
  const asInt = b.length <= 20 ? string2ll(b) : null
  if (asInt !== null) return ldFromBigInt(BigInt(asInt))
  // string2ld: strtold must consume every byte (a NUL byte inside is rejected).
  if (b.length === 0 || b.length >= 5120) return null
  return parseLongDouble(b.toString('latin1'))
}

function incrbyfloatCommand(c: Client): void {
  const argv = c.argv
  const key = binaryString(argv[1]!)
  const o = stringWrite(c, key)
  if (o === null) return
  const value: LongDouble | number | null = o === undefined ? { neg: false, m: 0n, e: 0 } : longDoubleOf(o)
  if (value === null) {
    c.error('value is not a valid float')
    return
  }
  const incr = longDoubleOf(argv[2]!)
  if (incr === null) {
    c.error('value is not a valid float')
    return
  }
  const sum = typeof value === 'number' || typeof incr === 'number' ? null : ldAdd(value, incr)
  if (sum === null) {
    c.error('increment would produce NaN or Infinity')
    return
  }
  const text = Buffer.from(ldToHuman(sum), 'latin1')
  c.db.set(key, text, true)
  c.modified(key)
  c.reply.bulk(text)
  // Always replicated as SET with the final value (and KEEPTTL).
  c.propagateAs([B_SET, argv[1]!, text, B_KEEPTTL])
}

// ---- APPEND, STRLEN, GETRANGE, SETRANGE ----------------------------------------------------

function appendCommand(c: Client): void {
  const argv = c.argv
  const key = binaryString(argv[1]!)
  const db = c.db
  const o = stringWrite(c, key)
  if (o === null) return
  const append = argv[2]!
  let totlen: number
  if (o === undefined) {
    db.set(key, Buffer.from(append))
    totlen = append.length
  } else {
    totlen = o.length + append.length
    if (!checkStringLength(c, totlen)) return
    const b = extendString(o, totlen, o.length)
    append.copy(b, o.length)
    db.set(key, markRaw(b), true)
  }
  c.modified(key)
  c.reply.integer(totlen)
}

function strlenCommand(c: Client): void {
  const o = stringRead(c, binaryString(c.argv[1]!))
  if (o === null) return
  c.reply.integer(o === undefined ? 0 : o.length)
}

/** getLongLongFromObjectOrReply as a number (exact enough for clamped index maths). */
function getLongLong(c: Client, arg: Buffer): number | null {
  const v = string2ll(arg)
  if (v === null) {
    c.error('value is not an integer or out of range')
    return null
  }
  return Number(v)
}

function getrangeCommand(c: Client): void {
  const argv = c.argv
  let start = getLongLong(c, argv[2]!)
  if (start === null) return
  let end = getLongLong(c, argv[3]!)
  if (end === null) return
  const o = stringRead(c, binaryString(argv[1]!))
  if (o === null) return
  if (o === undefined) {
    c.reply.raw(Shared.emptyBulk)
    return
  }
  const strlen = o.length
  if (start < 0 && end < 0 && start > end) {
    c.reply.raw(Shared.emptyBulk)
    return
  }
  if (start < 0) start = strlen + start
  if (end < 0) end = strlen + end
  if (start < 0) start = 0
  if (end < 0) end = 0
  if (end >= strlen) end = strlen - 1
  if (start > end || strlen === 0) c.reply.raw(Shared.emptyBulk)
  else c.reply.bulk(o.subarray(start, end + 1))
}

function setrangeCommand(c: Client): void {
  const argv = c.argv
  const off = string2ll(argv[2]!)
  if (off === null) {
    c.error('value is not an integer or out of range')
    return
  }
  if (off < 0) {
    c.error('offset is out of range')
    return
  }
  const offset = Number(off)
  const value = argv[3]!
  const key = binaryString(argv[1]!)
  const db = c.db
  const o = stringWrite(c, key)
  if (o === null) return
  let b: Buffer
  if (o === undefined) {
    if (value.length === 0) {
      c.reply.raw(Shared.czero)
      return
    }
    if (!checkStringLength(c, offset + value.length)) return
    b = allocString(null, offset + value.length)
    value.copy(b, offset)
    db.set(key, markRaw(b))
  } else {
    if (value.length === 0) {
      c.reply.integer(o.length)
      return
    }
    if (!checkStringLength(c, offset + value.length)) return
    b = extendString(o, offset + value.length, offset)
    value.copy(b, offset)
    db.set(key, markRaw(b), true)
  }
  c.modified(key)
  c.reply.integer(b.length)
}

// ---- LCS ---------------------------------------------------------------------------------

function lcsCommand(c: Client): void {
  const argv = c.argv
  const db = c.db
  const oa = db.lookupRead(binaryString(argv[1]!))
  const ob = db.lookupRead(binaryString(argv[2]!))
  if ((oa !== undefined && !(oa instanceof Buffer)) || (ob !== undefined && !(ob instanceof Buffer))) {
    c.error('The specified keys must contain string values')
    return
  }
  const a = oa ?? Buffer.alloc(0)
  const b = ob ?? Buffer.alloc(0)
  let getlen = false
  let getidx = false
  let withmatchlen = false
  let minmatchlen = 0
  for (let j = 3; j < argv.length; j++) {
    const moreargs = argv.length - 1 - j
    const name = cStringLower(binaryString(argv[j]!).toLowerCase())
    if (name === 'idx') getidx = true
    else if (name === 'len') getlen = true
    else if (name === 'withmatchlen') withmatchlen = true
    else if (name === 'minmatchlen' && moreargs) {
      const v = getLongLong(c, argv[j + 1]!)
      if (v === null) return
      minmatchlen = v < 0 ? 0 : v
      j++
    } else {
      c.error('syntax error')
      return
    }
  }
  if (getidx && getlen) {
    c.error('If you want both the length and indexes, please just use IDX.')
    return
  }
  const alen = a.length
  const blen = b.length
  const cells = (alen + 1) * (blen + 1)
  if (cells > 2 ** 31) {
    c.error('Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len')
    return
  }
  const w = blen + 1
  const dp = new Uint32Array(cells)
  for (let i = 1; i <= alen; i++) {
    const ai = a[i - 1]
    const row = i * w
    const prev = row - w
    for (let j = 1; j <= blen; j++) {
      if (ai === b[j - 1]) dp[row + j] = dp[prev + j - 1]! + 1
      else {
        const l1 = dp[prev + j]!
        const l2 = dp[row + j - 1]!
        dp[row + j] = l1 > l2 ? l1 : l2
      }
    }
  }
  let idx = dp[alen * w + blen]!
  const total = idx
  const computelcs = getidx || !getlen
  const result = computelcs ? Buffer.allocUnsafe(idx) : null
  const ranges: number[][] = []
  let arangeStart = alen
  let arangeEnd = 0
  let brangeStart = 0
  let brangeEnd = 0
  let i = alen
  let j = blen
  while (computelcs && i > 0 && j > 0) {
    let emit = false
    if (a[i - 1] === b[j - 1]) {
      result![idx - 1] = a[i - 1]!
      if (arangeStart === alen) {
        arangeStart = i - 1
        arangeEnd = i - 1
        brangeStart = j - 1
        brangeEnd = j - 1
      } else if (arangeStart === i && brangeStart === j) {
        arangeStart--
        brangeStart--
      } else {
        emit = true
      }
      if (arangeStart === 0 || brangeStart === 0) emit = true
      idx--
      i--
      j--
    } else {
      const l1 = dp[(i - 1) * w + j]!
      const l2 = dp[i * w + j - 1]!
      if (l1 > l2) i--
      else j--
      if (arangeStart !== alen) emit = true
    }
    const matchLen = arangeEnd - arangeStart + 1
    if (emit) {
      if (getidx && (minmatchlen === 0 || matchLen >= minmatchlen)) {
        ranges.push(withmatchlen ? [arangeStart, arangeEnd, brangeStart, brangeEnd, matchLen] : [arangeStart, arangeEnd, brangeStart, brangeEnd])
      }
      arangeStart = alen
    }
  }
  if (getidx) {
    const r = c.reply
    r.mapLen(2)
    r.bulkBinary('matches')
    r.arrayLen(ranges.length)
    for (const m of ranges) {
      r.arrayLen(m.length - 2)
      r.arrayLen(2)
      r.integer(m[0]!)
      r.integer(m[1]!)
      r.arrayLen(2)
      r.integer(m[2]!)
      r.integer(m[3]!)
      if (m.length === 5) r.integer(m[4]!)
    }
    r.bulkBinary('len')
    r.integer(total)
  } else if (getlen) {
    c.reply.integer(idx)
  } else {
    c.reply.bulk(result!)
  }
}

/** Lowercase text of a C string (up to the first NUL). */
function cStringLower(s: string): string {
  const nul = s.indexOf('\0')
  return nul === -1 ? s : s.slice(0, nul)
}

export const stringsCommands: CommandSpec[] = [
  redisCommand('set', { proc: setCommand, getKeys: setGetKeys }),
  redisCommand('setnx', setnxCommand),
  redisCommand('setex', setexCommand),
  redisCommand('psetex', psetexCommand),
  redisCommand('get', getCommand),
  redisCommand('getex', getexCommand),
  redisCommand('getdel', getdelCommand),
  redisCommand('getset', getsetCommand),
  redisCommand('mget', mgetCommand),
  redisCommand('mset', msetCommand),
  redisCommand('msetnx', msetnxCommand),
  redisCommand('append', appendCommand),
  redisCommand('strlen', strlenCommand),
  redisCommand('incr', incrCommand),
  redisCommand('decr', decrCommand),
  redisCommand('incrby', incrbyCommand),
  redisCommand('decrby', decrbyCommand),
  redisCommand('incrbyfloat', incrbyfloatCommand),
  redisCommand('getrange', getrangeCommand),
  redisCommand('substr', getrangeCommand),
  redisCommand('setrange', setrangeCommand),
  redisCommand('lcs', lcsCommand)
]
