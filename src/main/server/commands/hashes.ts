/**
 * Hash commands (t_hash.c): HSET, HSETNX, HMSET, HGET, HMGET, HDEL, HLEN, HSTRLEN,
 * HEXISTS, HKEYS, HVALS, HGETALL, HINCRBY, HINCRBYFLOAT, HRANDFIELD, HSCAN.
 *
 * Replies follow the encoding's order as Redis does: insertion order while the hash is a
 * listpack (RedisHash's Map order), unspecified once it is a hashtable.
 */
import type { Client } from '../client'
import { RedisHash } from '../keyspace/hash'
import { parseScanCursor } from '../keyspace/scan'
import { WRONGTYPE_ERR } from '../keyspace/types'
import { Shared } from '../resp/reply-writer'
import { argIs, binaryString, string2ll, stringMatch } from '../util'
import { copyBytes } from '../byte-arena'
import { redisCommand } from './meta'
import type { CommandSpec } from './types'
import { lookupReadAs } from './lookup'
import { bulkSize, RAND_CHECK_MASK, randCountRefused, randReplyStopped } from './rand-reply'

const LLONG_MAX = 9223372036854775807n
const LLONG_MIN = -9223372036854775808n
const LONG_MAX = LLONG_MAX

function isResp3(c: Client): boolean {
  return (c as unknown as { resp?: number }).resp === 3
}

/**
 * getRangeLongFromObjectOrReply: the integer in [min, max] as a bigint, or null after
 * replying (msg replaces both errors when given, as in Redis).
 */
export function getRangeLong(c: Client, arg: Buffer, min: bigint, max: bigint, msg: string | null): bigint | null {
  const v = string2ll(arg)
  if (v === null) {
    c.error(msg ?? 'value is not an integer or out of range')
    return null
  }
  const b = BigInt(v)
  if (b < min || b > max) {
    c.error(msg ?? `value is out of range, value must between ${min} and ${max}`)
    return null
  }
  return b
}

/** The hash at key for reading; undefined when missing, null after a WRONGTYPE error. */
function hashRead(c: Client, key: string): RedisHash | undefined | null {
  return lookupReadAs(c, key, RedisHash)
}

/** hashTypeLookupWriteOrCreate: null after a WRONGTYPE error. */
function hashWriteOrCreate(c: Client, key: string): RedisHash | null {
  const v = c.db.lookupWrite(key)
  if (v === undefined) {
    const h = new RedisHash(c.limits)
    c.db.set(key, h)
    return h
  }
  if (!(v instanceof RedisHash)) {
    c.error(WRONGTYPE_ERR)
    return null
  }
  return v
}

/** hashTypeTryConversion over argv[start..end]. */
function tryConversion(h: RedisHash, argv: Buffer[], start: number, end: number): void {
  if (!h.isListpack) return
  const max = h.limits.hashMaxListpackValue
  for (let i = start; i <= end; i++) {
    if (argv[i]!.length > max) {
      h.convert()
      return
    }
  }
}

function hsetnxCommand(c: Client): void {
  const argv = c.argv
  const key = binaryString(argv[1]!)
  const h = hashWriteOrCreate(c, key)
  if (h === null) return
  const field = binaryString(argv[2]!)
  if (h.has(field)) {
    c.reply.raw(Shared.czero)
    return
  }
  tryConversion(h, argv, 2, 3)
  h.set(field, copyBytes(argv[3]!))
  c.reply.raw(Shared.cone)
  c.modified(key)
}

/** HSET and HMSET (deprecated): they differ only in the reply. */
function hsetCommand(c: Client): void {
  const argv = c.argv
  if (argv.length % 2 === 1) {
    c.error(`wrong number of arguments for '${c.cmd!.fullname}' command`)
    return
  }
  const key = binaryString(argv[1]!)
  const h = hashWriteOrCreate(c, key)
  if (h === null) return
  tryConversion(h, argv, 2, argv.length - 1)
  let created = 0
  for (let i = 2; i < argv.length; i += 2) {
    if (h.set(binaryString(argv[i]!), copyBytes(argv[i + 1]!))) created++
  }
  const second = argv[0]![1]
  if (second === 115 /* s */ || second === 83 /* S */) c.reply.integer(created)
  else c.reply.raw(Shared.ok)
  c.modified(key, (argv.length - 2) / 2)
}

function hincrbyCommand(c: Client): void {
  const argv = c.argv
  const incrV = string2ll(argv[3]!)
  if (incrV === null) {
    c.error('value is not an integer or out of range')
    return
  }
  const key = binaryString(argv[1]!)
  const h = hashWriteOrCreate(c, key)
  if (h === null) return
  const field = binaryString(argv[2]!)
  const cur = h.get(field)
  let value: number | bigint = 0
  if (cur !== undefined) {
    const v = string2ll(cur)
    if (v === null) {
      c.error('hash value is not an integer')
      return
    }
    value = v
  }
  let result: number | bigint
  if (typeof value === 'number' && typeof incrV === 'number' && Number.isSafeInteger(value + incrV)) {
    result = value + incrV
  } else {
    const old = BigInt(value)
    const incr = BigInt(incrV)
    if ((incr < 0n && old < 0n && incr < LLONG_MIN - old) || (incr > 0n && old > 0n && incr > LLONG_MAX - old)) {
      c.error('increment or decrement would overflow')
      return
    }
    result = old + incr
  }
  h.set(field, Buffer.from(String(result), 'latin1'))
  c.reply.integer(result)
  c.modified(key)
}

function hincrbyfloatCommand(c: Client): void {
  const argv = c.argv
  const incr = parseLongDouble(binaryString(argv[3]!))
  if (incr === null) {
    c.error('value is not a valid float')
    return
  }
  if (typeof incr === 'number') {
    c.error('value is NaN or Infinity')
    return
  }
  const key = binaryString(argv[1]!)
  const h = hashWriteOrCreate(c, key)
  if (h === null) return
  const field = binaryString(argv[2]!)
  const cur = h.get(field)
  let value: LongDouble | number = { neg: false, m: 0n, e: 0 }
  if (cur !== undefined) {
    const asInt = string2ll(cur)
    const v = asInt !== null ? ldFromBigInt(BigInt(asInt)) : parseLongDouble(cur.toString('latin1'))
    if (v === null) {
      c.error('hash value is not a float')
      return
    }
    value = v
  }
  const sum = typeof value === 'number' ? null : ldAdd(value, incr)
  if (sum === null) {
    c.error('increment would produce NaN or Infinity')
    return
  }
  const text = Buffer.from(ldToHuman(sum), 'latin1')
  h.set(field, text)
  c.reply.bulk(text)
  c.modified(key)
  // Always replicated as HSET with the final value (rewriteClientCommandArgument).
  c.propagateAs([HSET, argv[1]!, argv[2]!, text])
}

const HSET = Buffer.from('HSET')

function hgetCommand(c: Client): void {
  const h = hashRead(c, binaryString(c.argv[1]!))
  if (h === null) return
  const v = h === undefined ? undefined : h.get(binaryString(c.argv[2]!))
  if (v === undefined) c.reply.nullBulk()
  else c.reply.bulk(v)
}

function hmgetCommand(c: Client): void {
  const argv = c.argv
  const h = hashRead(c, binaryString(argv[1]!))
  if (h === null) return
  c.reply.arrayLen(argv.length - 2)
  for (let i = 2; i < argv.length; i++) {
    const v = h === undefined ? undefined : h.get(binaryString(argv[i]!))
    if (v === undefined) c.reply.nullBulk()
    else c.reply.bulk(v)
  }
}

function hdelCommand(c: Client): void {
  const argv = c.argv
  const key = binaryString(argv[1]!)
  const v = c.db.lookupWrite(key)
  if (v === undefined) {
    c.reply.raw(Shared.czero)
    return
  }
  if (!(v instanceof RedisHash)) {
    c.error(WRONGTYPE_ERR)
    return
  }
  let deleted = 0
  for (let i = 2; i < argv.length; i++) {
    if (v.delete(binaryString(argv[i]!))) {
      deleted++
      if (v.size === 0) {
        c.db.delete(key)
        break
      }
    }
  }
  if (deleted) c.modified(key, deleted)
  c.reply.integer(deleted)
}

function hlenCommand(c: Client): void {
  const h = hashRead(c, binaryString(c.argv[1]!))
  if (h === null) return
  c.reply.integer(h === undefined ? 0 : h.size)
}

function hstrlenCommand(c: Client): void {
  const h = hashRead(c, binaryString(c.argv[1]!))
  if (h === null) return
  const v = h === undefined ? undefined : h.get(binaryString(c.argv[2]!))
  c.reply.integer(v === undefined ? 0 : v.length)
}

function hexistsCommand(c: Client): void {
  const h = hashRead(c, binaryString(c.argv[1]!))
  if (h === null) return
  c.reply.raw(h !== undefined && h.has(binaryString(c.argv[2]!)) ? Shared.cone : Shared.czero)
}

const KEYS = 1
const VALUES = 2

function genericHgetall(c: Client, flags: number): void {
  const h = hashRead(c, binaryString(c.argv[1]!))
  if (h === null) return
  if (h === undefined) {
    if (flags === (KEYS | VALUES)) c.reply.mapLen(0)
    else c.reply.arrayLen(0)
    return
  }
  if (flags === (KEYS | VALUES)) c.reply.mapLen(h.size)
  else c.reply.arrayLen(h.size)
  const reply = c.reply
  for (const [f, v] of h.map) {
    if (flags & KEYS) reply.bulkBinary(f)
    if (flags & VALUES) reply.bulk(v)
  }
}

function hkeysCommand(c: Client): void {
  genericHgetall(c, KEYS)
}
function hvalsCommand(c: Client): void {
  genericHgetall(c, VALUES)
}
function hgetallCommand(c: Client): void {
  genericHgetall(c, KEYS | VALUES)
}

/** HRANDFIELD_SUB_STRATEGY_MUL */
const SUB_STRATEGY_MUL = 3

function hrandfieldWithCount(c: Client, l: bigint, withValues: boolean): void {
  const h = hashRead(c, binaryString(c.argv[1]!))
  if (h === null) return
  if (h === undefined) {
    c.reply.arrayLen(0)
    return
  }
  const reply = c.reply
  const resp3 = isResp3(c)
  const size = h.size
  const uniq = l >= 0n
  const countBig = uniq ? l : -l
  if (countBig === 0n) {
    reply.arrayLen(0)
    return
  }
  const emit = (f: string): void => {
    if (withValues && resp3) reply.arrayLen(2)
    reply.bulkBinary(f)
    if (withValues) reply.bulk(h.get(f)!)
  }
  // CASE 1: negative count: fields may repeat.
  if (!uniq || countBig === 1n) {
    const count = Number(countBig)
    const sample = (): number => {
      const f = h.randomField()
      return bulkSize(f.length) + (withValues ? bulkSize(h.get(f)!.length) + (resp3 ? 4 : 0) : 0)
    }
    if (randCountRefused(c, count, sample)) return
    reply.arrayLen(withValues && !resp3 ? count * 2 : count)
    if (h.isListpack) {
      // A listpack picks by position; build the array once (≤ 128 entries).
      const fields = [...h.map.keys()]
      for (let i = 0; i < count; i++) {
        emit(fields[Math.floor(Math.random() * size)]!)
        if ((i & RAND_CHECK_MASK) === RAND_CHECK_MASK && randReplyStopped(c)) return
      }
    } else {
      for (let i = 0; i < count; i++) {
        emit(h.randomField())
        if ((i & RAND_CHECK_MASK) === RAND_CHECK_MASK && randReplyStopped(c)) return
      }
    }
    return
  }
  const count = countBig >= BigInt(size) ? size : Number(countBig)
  // CASE 2: the whole hash, in its order.
  if (count >= size) {
    reply.arrayLen(withValues && !resp3 ? size * 2 : size)
    for (const f of h.map.keys()) emit(f)
    return
  }
  reply.arrayLen(withValues && !resp3 ? count * 2 : count)
  if (h.isListpack || count * SUB_STRATEGY_MUL > size) {
    // CASE 3: remove random fields from a copy until count are left (O(size)), partial
    // Fisher-Yates over the fields.
    const fields = [...h.map.keys()]
    for (let i = 0; i < count; i++) {
      const j = i + Math.floor(Math.random() * (size - i))
      const t = fields[i]!
      fields[i] = fields[j]!
      fields[j] = t
      emit(fields[i]!)
    }
    return
  }
  // CASE 4: few fields out of many: random picks until count distinct ones.
  const picked = new Set<string>()
  while (picked.size < count) {
    const f = h.randomField()
    if (picked.has(f)) continue
    picked.add(f)
    emit(f)
  }
}

function hrandfieldCommand(c: Client): void {
  const argv = c.argv
  if (argv.length >= 3) {
    const l = getRangeLong(c, argv[2]!, -LONG_MAX, LONG_MAX, null)
    if (l === null) return
    let withValues = false
    if (argv.length > 4 || (argv.length === 4 && !argIs(argv[3]!, 'withvalues'))) {
      c.error('syntax error')
      return
    } else if (argv.length === 4) {
      withValues = true
      if (l < -LONG_MAX / 2n || l > LONG_MAX / 2n) {
        c.error('value is out of range')
        return
      }
    }
    hrandfieldWithCount(c, l, withValues)
    return
  }
  const h = hashRead(c, binaryString(argv[1]!))
  if (h === null) return
  if (h === undefined) {
    c.reply.nullBulk()
    return
  }
  c.reply.bulkBinary(h.randomField())
}

/**
 * scanGenericCommand's option parsing (COUNT, MATCH) from argv[start]: {count, pattern}
 * or null after replying.
 */
export function parseScanOptions(c: Client, start: number): { count: number; pattern: string | null } | null {
  const argv = c.argv
  let count = 10
  let pattern: string | null = null
  for (let i = start; i < argv.length; ) {
    const left = argv.length - i
    if (argIs(argv[i]!, 'count') && left >= 2) {
      const v = string2ll(argv[i + 1]!)
      if (v === null) {
        c.error('value is not an integer or out of range')
        return null
      }
      if (v < 1) {
        c.error('syntax error')
        return null
      }
      count = Number(v)
      i += 2
    } else if (argIs(argv[i]!, 'match') && left >= 2) {
      const p = binaryString(argv[i + 1]!)
      pattern = p === '*' ? null : p
      i += 2
    } else {
      c.error('syntax error')
      return null
    }
  }
  return { count, pattern }
}

/** The empty SCAN reply (shared.emptyscan). */
export const EMPTY_SCAN = Buffer.from('*2\r\n$1\r\n0\r\n*0\r\n')

function hscanCommand(c: Client): void {
  const argv = c.argv
  const cursor = parseScanCursor(argv[2]!)
  if (cursor === null) {
    c.error('invalid cursor')
    return
  }
  const h = hashRead(c, binaryString(argv[1]!))
  if (h === null) return
  if (h === undefined) {
    c.reply.raw(EMPTY_SCAN)
    return
  }
  const opts = parseScanOptions(c, 3)
  if (opts === null) return
  const { count, pattern } = opts
  const fields: string[] = []
  const next = h.scan(cursor, count, (f) => {
    if (pattern === null || stringMatch(pattern, f)) fields.push(f)
  })
  const reply = c.reply
  reply.arrayLen(2)
  reply.bulkBinary(String(next))
  reply.arrayLen(fields.length * 2)
  for (let i = 0; i < fields.length; i++) {
    reply.bulkBinary(fields[i]!)
    reply.bulk(h.get(fields[i]!)!)
  }
}

export const hashesCommands: CommandSpec[] = [
  redisCommand('hset', hsetCommand),
  redisCommand('hsetnx', hsetnxCommand),
  redisCommand('hmset', hsetCommand),
  redisCommand('hget', hgetCommand),
  redisCommand('hmget', hmgetCommand),
  redisCommand('hdel', hdelCommand),
  redisCommand('hlen', hlenCommand),
  redisCommand('hstrlen', hstrlenCommand),
  redisCommand('hexists', hexistsCommand),
  redisCommand('hkeys', hkeysCommand),
  redisCommand('hvals', hvalsCommand),
  redisCommand('hgetall', hgetallCommand),
  redisCommand('hincrby', hincrbyCommand),
  redisCommand('hincrbyfloat', hincrbyfloatCommand),
  redisCommand('hrandfield', hrandfieldCommand),
  redisCommand('hscan', hscanCommand)
]

// ---------------------------------------------------------------------------------------
/**
 * x87 80-bit long double arithmetic, exactly as Redis 7.0 does HINCRBYFLOAT (and
 * INCRBYFLOAT): strtold (correctly rounded to a 64-bit significand), one addition
 * (rounded to nearest, ties to even) and ld2string(LD_STR_HUMAN) — printf("%.17Lf") with
 * the trailing zeros removed and "-0" printed "0". BigInt arithmetic makes it exact, so
 * e.g. 0.1 + 0.2 prints "0.3" as on Redis, not JS's 0.30000000000000004.
 */

/** A finite long double: (-1)^neg × m × 2^e, m = 0 or 2^63 ≤ m < 2^64. */
export interface LongDouble {
  neg: boolean
  m: bigint
  e: number
}

const TWO63 = 1n << 63n
const TWO64 = 1n << 64n
/** Exponent bounds of the x87 format (value = m × 2^e with a 64-bit m). */
const MAX_E = 16383 - 63
const MIN_E = -16382 - 63

function bitLength(x: bigint): number {
  return x === 0n ? 0 : x.toString(2).length
}

/** num/den (positive) rounded to a 64-bit significand, ties to even. */
function roundRational(neg: boolean, num: bigint, den: bigint): LongDouble | null {
  if (num === 0n) return { neg, m: 0n, e: 0 }
  let s = 64 - (bitLength(num) - bitLength(den))
  let q: bigint
  let r: bigint
  for (;;) {
    const n = s >= 0 ? num << BigInt(s) : num
    const d = s >= 0 ? den : den << BigInt(-s)
    q = n / d
    r = n - q * d
    if (q >= TWO64) {
      s--
      continue
    }
    if (q < TWO63) {
      s++
      continue
    }
    const twice = r * 2n
    if (twice > d || (twice === d && (q & 1n) === 1n)) q++
    break
  }
  if (q === TWO64) {
    q = TWO63
    s--
  }
  const e = -s
  if (e > MAX_E) return null // overflow
  if (e < MIN_E) return null // underflow (subnormals are not modelled)
  return { neg, m: q, e }
}

export function ldFromBigInt(v: bigint): LongDouble {
  const neg = v < 0n
  return roundRational(neg, neg ? -v : v, 1n)!
}

/**
 * string2ld: strtold over the whole string. Null when Redis rejects it (empty, too long,
 * leading space, trailing bytes, NaN, overflow or underflow). Infinity is returned as a
 * number (the callers reject it with their own errors).
 */
export function parseLongDouble(s: string): LongDouble | number | null {
  if (s.length === 0 || s.length >= 5120) return null
  const m = /^([+-]?)(?:(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?)$/.exec(s)
  if (m === null) {
    const lower = s.toLowerCase()
    const body = lower.replace(/^[+-]/, '')
    if (body === 'inf' || body === 'infinity') return lower[0] === '-' ? -Infinity : Infinity
    if (/^0x/.test(body)) {
      // Hex floats: exact in a double for up to 13 hex digits, which is what anyone sends.
      const hm = /^([+-]?)0x([0-9a-f]*)(?:\.([0-9a-f]*))?(?:p([+-]?\d+))?$/.exec(lower)
      if (hm === null || (hm[2] === '' && (hm[3] ?? '') === '')) return null
      const digits = BigInt('0x' + ((hm[2] ?? '') + (hm[3] ?? '') || '0'))
      const exp = Number(hm[4] ?? 0) - 4 * (hm[3] ?? '').length
      if (Math.abs(exp) > 20000) return null
      const neg = hm[1] === '-'
      if (digits === 0n) return { neg, m: 0n, e: 0 }
      return exp >= 0 ? roundRational(neg, digits << BigInt(exp), 1n) : roundRational(neg, digits, 1n << BigInt(-exp))
    }
    return null
  }
  const neg = m[1] === '-'
  const intPart = m[2] ?? ''
  const fracPart = m[3] ?? ''
  if (intPart === '' && fracPart === '') return null
  let digits = (intPart + fracPart).replace(/^0+/, '')
  if (digits === '') return { neg, m: 0n, e: 0 }
  let exp = m[4] === undefined ? 0 : Number(m[4])
  if (!Number.isFinite(exp) || Math.abs(exp) > 1e9) exp = exp > 0 ? 1e9 : -1e9
  exp -= fracPart.length
  const trimmed = digits.replace(/0+$/, '')
  exp += digits.length - trimmed.length
  digits = trimmed
  const magnitude = exp + digits.length // value < 10^magnitude
  if (magnitude > 4934) return null
  if (magnitude < -4952) return null
  const d = BigInt(digits)
  return exp >= 0 ? roundRational(neg, d * 10n ** BigInt(exp), 1n) : roundRational(neg, d, 10n ** BigInt(-exp))
}

/** a + b rounded to a long double; null on overflow. */
export function ldAdd(a: LongDouble, b: LongDouble): LongDouble | null {
  if (a.m === 0n) return b.m === 0n ? { neg: a.neg && b.neg, m: 0n, e: 0 } : b
  if (b.m === 0n) return a
  // |smaller| < ulp(bigger) / 2^130: the sum rounds to the bigger one.
  if (a.e - b.e > 200) return a
  if (b.e - a.e > 200) return b
  const lo = Math.min(a.e, b.e)
  const sum = ((a.neg ? -a.m : a.m) << BigInt(a.e - lo)) + ((b.neg ? -b.m : b.m) << BigInt(b.e - lo))
  if (sum === 0n) return { neg: false, m: 0n, e: 0 }
  const neg = sum < 0n
  const abs = neg ? -sum : sum
  return lo >= 0 ? roundRational(neg, abs << BigInt(lo), 1n) : roundRational(neg, abs, 1n << BigInt(-lo))
}

/** ld2string(LD_STR_HUMAN): "%.17Lf", trailing zeros removed, "-0" → "0". */
export function ldToHuman(v: LongDouble): string {
  let intPart: bigint
  let frac: bigint
  const SCALE = 10n ** 17n
  if (v.m === 0n) {
    intPart = 0n
    frac = 0n
  } else if (v.e >= 0) {
    intPart = v.m << BigInt(v.e)
    frac = 0n
  } else {
    const sh = BigInt(-v.e)
    const scaled = v.m * SCALE
    let q = scaled >> sh
    const r = scaled - (q << sh)
    const half = 1n << (sh - 1n)
    if (r > half || (r === half && (q & 1n) === 1n)) q++
    intPart = q / SCALE
    frac = q % SCALE
  }
  let s = intPart.toString()
  if (frac !== 0n) s += '.' + frac.toString().padStart(17, '0').replace(/0+$/, '')
  if (v.neg && s !== '0') s = '-' + s
  return s
}
