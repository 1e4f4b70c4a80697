/**
 * Sorted set commands (t_zset.c): ZADD, ZINCRBY, ZREM, ZCARD, ZSCORE, ZMSCORE, ZCOUNT,
 * ZLEXCOUNT, ZRANK, ZREVRANK, ZRANGE (unified syntax), ZRANGESTORE, ZRANGEBYSCORE,
 * ZREVRANGEBYSCORE, ZRANGEBYLEX, ZREVRANGEBYLEX, ZREVRANGE, ZREMRANGEBYRANK/SCORE/LEX,
 * ZPOPMIN, ZPOPMAX, ZMPOP, ZRANDMEMBER, ZUNION, ZINTER, ZDIFF (+STORE), ZINTERCARD, ZSCAN.
 *
 * The structure follows t_zset.c: the same argument parsing order (so the same error wins
 * when several apply), the same dirty counts and the same propagation rewrites.
 */
import type { Client } from '../client'
import { blockForKeys, blockingDenied, parseBlockTimeout, signalKeyAsReady, type BlockHandler } from '../blocking'
import {
  LEX_MAX, LEX_MIN, RedisZset, lexGteMin, lexLteMax, scoreGteMin, scoreLteMax,
  type LexBound, type LexRange, type ScoreRange, type ZNode
} from '../keyspace/zset'
import { RedisSet } from '../keyspace/set'
import { parseScanCursor } from '../keyspace/scan'
import { WRONGTYPE_ERR } from '../keyspace/types'
import { formatDouble17g, parseDouble, plainDecimal } from '../numbers'
import { Shared } from '../resp/reply-writer'
import { argIs, binaryString, string2ll, stringMatch } from '../util'
import { copyBytes } from '../byte-arena'
import { EMPTY_SCAN, getRangeLong, parseScanOptions } from './hashes'
import { bulkSize, RAND_CHECK_MASK, randCountRefused, randReplyStopped } from './rand-reply'
import { redisCommand } from './meta'
import type { CommandSpec } from './types'
import { lookupReadAs, lookupWriteAs } from './lookup'

const LONG_MAX = 9223372036854775807n
const ZPOPMIN = Buffer.from('ZPOPMIN')
const ZPOPMAX = Buffer.from('ZPOPMAX')

const ERR_NOT_FLOAT = 'min or max is not a float'
const ERR_NOT_LEX = 'min or max not valid string range item'
const ERR_NAN = 'resulting score is not a number (NaN)'

// ---------------------------------------------------------------- helpers

/** The zset at key for reading; undefined when missing, null after a WRONGTYPE error. */
function zsetRead(c: Client, key: string): RedisZset | undefined | null {
  return lookupReadAs(c, key, RedisZset)
}

function zsetWrite(c: Client, key: string): RedisZset | undefined | null {
  return lookupWriteAs(c, key, RedisZset)
}

/**
 * signalKeyAsReady: Redis 7.0's dbAdd calls it for every new key, so clients blocked in
 * BZPOPMIN/BZPOPMAX/BZMPOP (or anything else) on it get served.
 */
function signalReady(c: Client, key: string): void {
  signalKeyAsReady(c.db, key)
}

/** dbAdd of a new zset. */
function addZset(c: Client, key: string, z: RedisZset): void {
  c.db.set(key, z)
  signalReady(c, key)
}

/** getLongFromObjectOrReply: the argument as a number (beyond 2^53 approximated). */
function getLong(c: Client, arg: Buffer): number | null {
  const v = string2ll(arg)
  if (v === null) {
    c.error('value is not an integer or out of range')
    return null
  }
  return Number(v)
}

/**
 * string2d (getDoubleFromObject): the whole argument as a double, no leading space, no
 * NaN, no overflow/underflow to ±inf/0 (strtod's ERANGE).
 */
function string2d(arg: Buffer): number | null {
  // Plain decimals (nearly every score) cannot overflow or underflow: no checks below.
  const quick = plainDecimal(arg)
  if (quick !== undefined) return quick
  const v = parseDouble(arg)
  if (v === null) return null
  if (v === Infinity || v === -Infinity) {
    const s = arg.toString('latin1').toLowerCase()
    if (!s.includes('inf')) return null
  } else if (v === 0) {
    // strtod's underflow: a mantissa with a non-zero digit that rounds to 0
    const s = arg.toString('latin1').toLowerCase()
    const mant = s.startsWith('0x') || s.startsWith('-0x') || s.startsWith('+0x') ? s.replace(/p.*$/, '').slice(s.indexOf('x') + 1) : s.replace(/e.*$/, '')
    if (/[1-9a-f]/.test(mant)) return null
  }
  return v
}

/** getDoubleFromObjectOrReply. */
function getDouble(c: Client, arg: Buffer, msg: string | null): number | null {
  const v = string2d(arg)
  if (v === null) c.error(msg ?? 'value is not a valid float')
  return v
}

/** strtod over the C string of arg, which must be consumed whole ("" is 0). */
function strtodWhole(s: string): number | null {
  const nul = s.indexOf('\0')
  if (nul !== -1) s = s.slice(0, nul)
  if (s.length === 0) return 0
  let p = 0
  while (p < s.length) {
    const ch = s.charCodeAt(p)
    if (ch === 32 || (ch >= 9 && ch <= 13)) p++
    else break
  }
  if (p === s.length) return null
  const v = parseDouble(p === 0 ? s : s.slice(p))
  return v === null || Number.isNaN(v) ? null : v
}

/** zslParseRange: null when min or max is not a float. */
function parseRange(minArg: Buffer, maxArg: Buffer): ScoreRange | null {
  const r: ScoreRange = { min: 0, max: 0, minex: false, maxex: false }
  let s = minArg.toString('latin1')
  if (s.charCodeAt(0) === 40 /* ( */) {
    r.minex = true
    s = s.slice(1)
  }
  const min = strtodWhole(s)
  if (min === null) return null
  s = maxArg.toString('latin1')
  if (s.charCodeAt(0) === 40) {
    r.maxex = true
    s = s.slice(1)
  }
  const max = strtodWhole(s)
  if (max === null) return null
  r.min = min
  r.max = max
  return r
}

/** zslParseLexRangeItem. */
function parseLexItem(arg: Buffer): [LexBound, boolean] | null {
  if (arg.length === 0) return null
  const c0 = arg[0]!
  if (c0 === 43 /* + */ || c0 === 45 /* - */) {
    if (arg.length > 1 && arg[1] !== 0) return null
    return [c0 === 43 ? LEX_MAX : LEX_MIN, true]
  }
  if (c0 === 40 /* ( */) return [arg.toString('latin1', 1), true]
  if (c0 === 91 /* [ */) return [arg.toString('latin1', 1), false]
  return null
}

function parseLexRange(minArg: Buffer, maxArg: Buffer): LexRange | null {
  const a = parseLexItem(minArg)
  if (a === null) return null
  const b = parseLexItem(maxArg)
  if (b === null) return null
  return { min: a[0], minex: a[1], max: b[0], maxex: b[1] }
}

/** addReplyDouble (%.17g: a bulk string in RESP2, a double in RESP3) with fmtScore. */
function replyScore(c: Client, d: number): void {
  if (c.reply.resp === 2) c.reply.bulkBinary(formatDouble17g(d))
  else c.reply.raw(Buffer.from(',' + formatDouble17g(d) + '\r\n', 'latin1'))
}

/**
 * The array header for n elements, with scores: flat (2n) in RESP2, n [member, score]
 * pairs in RESP3.
 */
function elementsLen(c: Client, n: number, withscores: boolean): void {
  c.reply.arrayLen(withscores && c.reply.resp === 2 ? n * 2 : n)
}

/** Replies a member and, with scores, its score (a pair in RESP3). */
function emit(c: Client, n: ZNode, withscores: boolean): void {
  const reply = c.reply
  if (withscores) {
    if (reply.resp === 2) {
      reply.bulkBinary(n.member)
      reply.bulkBinary(formatDouble17g(n.score))
    } else {
      reply.arrayLen(2)
      reply.bulkBinary(n.member)
      replyScore(c, n.score)
    }
  } else {
    reply.bulkBinary(n.member)
  }
}

// ---------------------------------------------------------------- ZADD / ZINCRBY

const ZADD_IN_INCR = 1
const ZADD_IN_NX = 2
const ZADD_IN_XX = 4
const ZADD_IN_GT = 8
const ZADD_IN_LT = 16

function zaddGeneric(c: Client, flags: number): void {
  const argv = c.argv
  const keyArg = argv[1]!
  let ch = false
  let scoreidx = 2
  while (scoreidx < argv.length) {
    const opt = argv[scoreidx]!
    if (argIs(opt, 'nx')) flags |= ZADD_IN_NX
    else if (argIs(opt, 'xx')) flags |= ZADD_IN_XX
    else if (argIs(opt, 'ch')) ch = true
    else if (argIs(opt, 'incr')) flags |= ZADD_IN_INCR
    else if (argIs(opt, 'gt')) flags |= ZADD_IN_GT
    else if (argIs(opt, 'lt')) flags |= ZADD_IN_LT
    else break
    scoreidx++
  }
  const incr = (flags & ZADD_IN_INCR) !== 0
  const nx = (flags & ZADD_IN_NX) !== 0
  const xx = (flags & ZADD_IN_XX) !== 0
  const gt = (flags & ZADD_IN_GT) !== 0
  const lt = (flags & ZADD_IN_LT) !== 0
  let elements = argv.length - scoreidx
  if (elements % 2 !== 0 || elements === 0) {
    c.error('syntax error')
    return
  }
  elements /= 2
  if (nx && xx) {
    c.error('XX and NX options at the same time are not compatible')
    return
  }
  if ((gt && nx) || (lt && nx) || (gt && lt)) {
    c.error('GT, LT, and/or NX options at the same time are not compatible')
    return
  }
  if (incr && elements > 1) {
    c.error('INCR option supports a single increment-element pair')
    return
  }
  const scores = new Array<number>(elements)
  for (let j = 0; j < elements; j++) {
    const v = getDouble(c, argv[scoreidx + j * 2]!, null)
    if (v === null) return
    scores[j] = v
  }
  const key = binaryString(keyArg)
  let z = zsetWrite(c, key)
  if (z === null) return
  let added = 0
  let updated = 0
  let processed = 0
  let score = 0
  if (z === undefined) {
    if (xx) {
      if (incr) c.reply.nullBulk()
      else c.reply.raw(Shared.czero)
      return
    }
    z = new RedisZset(c.limits)
    addZset(c, key, z)
  }
  for (let j = 0; j < elements; j++) {
    score = scores[j]!
    const ele = binaryString(argv[scoreidx + 1 + j * 2]!)
    const cur = z.score(ele)
    if (cur !== undefined) {
      if (nx) continue
      if (incr) {
        score += cur
        if (Number.isNaN(score)) {
          c.error(ERR_NAN)
          if (added || updated) c.modified(key, 0)
          return
        }
      }
      if ((lt && score >= cur) || (gt && score <= cur)) continue
      processed++
      if (score !== cur) {
        z.setScore(ele, score)
        updated++
      }
    } else if (!xx) {
      z.insert(ele, score)
      added++
      processed++
    }
  }
  if (incr) {
    if (processed) replyScore(c, score)
    else c.reply.nullBulk()
  } else {
    c.reply.integer(ch ? added + updated : added)
  }
  if (added || updated) c.modified(key, added + updated)
}

function zaddCommand(c: Client): void {
  zaddGeneric(c, 0)
}

function zincrbyCommand(c: Client): void {
  zaddGeneric(c, ZADD_IN_INCR)
}

// ---------------------------------------------------------------- simple reads

function zremCommand(c: Client): void {
  const argv = c.argv
  const key = binaryString(argv[1]!)
  const z = zsetWrite(c, key)
  if (z === null) return
  if (z === undefined) {
    c.reply.raw(Shared.czero)
    return
  }
  let deleted = 0
  for (let j = 2; j < argv.length; j++) {
    if (z.delete(binaryString(argv[j]!))) deleted++
    if (z.size === 0) {
      c.db.delete(key)
      break
    }
  }
  if (deleted) c.modified(key, deleted)
  c.reply.integer(deleted)
}

function zcardCommand(c: Client): void {
  const z = zsetRead(c, binaryString(c.argv[1]!))
  if (z === null) return
  c.reply.integer(z === undefined ? 0 : z.size)
}

function zscoreCommand(c: Client): void {
  const z = zsetRead(c, binaryString(c.argv[1]!))
  if (z === null) return
  const s = z === undefined ? undefined : z.score(binaryString(c.argv[2]!))
  if (s === undefined) c.reply.nullBulk()
  else replyScore(c, s)
}

function zmscoreCommand(c: Client): void {
  const argv = c.argv
  const z = zsetRead(c, binaryString(argv[1]!))
  if (z === null) return
  c.reply.arrayLen(argv.length - 2)
  for (let j = 2; j < argv.length; j++) {
    const s = z === undefined ? undefined : z.score(binaryString(argv[j]!))
    if (s === undefined) c.reply.nullBulk()
    else replyScore(c, s)
  }
}

function zrankGeneric(c: Client, reverse: boolean): void {
  const z = zsetRead(c, binaryString(c.argv[1]!))
  if (z === null) return
  if (z === undefined) {
    c.reply.nullBulk()
    return
  }
  const r = z.rank(binaryString(c.argv[2]!))
  if (r < 0) c.reply.nullBulk()
  else c.reply.integer(reverse ? z.size - 1 - r : r)
}

function zrankCommand(c: Client): void {
  zrankGeneric(c, false)
}
function zrevrankCommand(c: Client): void {
  zrankGeneric(c, true)
}

function zcountCommand(c: Client): void {
  const r = parseRange(c.argv[2]!, c.argv[3]!)
  if (r === null) {
    c.error(ERR_NOT_FLOAT)
    return
  }
  const z = zsetRead(c, binaryString(c.argv[1]!))
  if (z === null) return
  if (z === undefined) {
    c.reply.raw(Shared.czero)
    return
  }
  const first = z.firstInRange(r)
  if (first === null) {
    c.reply.raw(Shared.czero)
    return
  }
  const last = z.lastInRange(r)!
  c.reply.integer(z.rank(last.member) - z.rank(first.member) + 1)
}

function zlexcountCommand(c: Client): void {
  const r = parseLexRange(c.argv[2]!, c.argv[3]!)
  if (r === null) {
    c.error(ERR_NOT_LEX)
    return
  }
  const z = zsetRead(c, binaryString(c.argv[1]!))
  if (z === null) return
  if (z === undefined) {
    c.reply.raw(Shared.czero)
    return
  }
  const first = z.firstInLexRange(r)
  if (first === null) {
    c.reply.raw(Shared.czero)
    return
  }
  const last = z.lastInLexRange(r)!
  c.reply.integer(z.rank(last.member) - z.rank(first.member) + 1)
}

// ---------------------------------------------------------------- ZRANGE family

const RANGE_AUTO = 0
const RANGE_RANK = 1
const RANGE_SCORE = 2
const RANGE_LEX = 3
const DIR_AUTO = 0
const DIR_FORWARD = 1
const DIR_REVERSE = 2

/** Collected result nodes (reused; commands never re-enter). */
let resultNodes: ZNode[] = []

/**
 * Where a range goes (zrange_result_handler): the client (a flat array in RESP2) or a new
 * zset stored at dstKey (ZRANGESTORE).
 */
function finishRange(c: Client, nodes: ZNode[], count: number, withscores: boolean, dstKey: string | null): void {
  if (dstKey === null) {
    elementsLen(c, count, withscores)
    for (let i = 0; i < count; i++) emit(c, nodes[i]!, withscores)
    return
  }
  if (count > 0) {
    const dst = new RedisZset(c.limits)
    for (let i = 0; i < count; i++) {
      const n = nodes[i]!
      dst.insert(n.member, n.score)
    }
    setZsetKey(c, dstKey, dst)
    c.reply.integer(count)
    c.modified(dstKey)
  } else {
    c.reply.raw(Shared.czero)
    if (c.db.delete(dstKey)) c.modified(dstKey)
  }
}

/** setKey with a new zset (overwrites any value, drops the TTL). */
function setZsetKey(c: Client, key: string, z: RedisZset): void {
  const existed = c.db.lookupWrite(key) !== undefined
  c.db.set(key, z)
  if (!existed) signalReady(c, key)
}

function zrangeGeneric(c: Client, argcStart: number, dstKey: string | null, rangetype: number, direction: number): void {
  const argv = c.argv
  const store = dstKey !== null
  let minidx = argcStart + 1
  let maxidx = argcStart + 2
  let withscores = false
  let offset = 0
  let limit = -1
  for (let j = argcStart + 3; j < argv.length; j++) {
    const leftargs = argv.length - j - 1
    const a = argv[j]!
    if (!store && argIs(a, 'withscores')) {
      withscores = true
    } else if (argIs(a, 'limit') && leftargs >= 2) {
      const o = getLong(c, argv[j + 1]!)
      if (o === null) return
      const l = getLong(c, argv[j + 2]!)
      if (l === null) return
      offset = o
      limit = l
      j += 2
    } else if (direction === DIR_AUTO && argIs(a, 'rev')) {
      direction = DIR_REVERSE
    } else if (rangetype === RANGE_AUTO && argIs(a, 'bylex')) {
      rangetype = RANGE_LEX
    } else if (rangetype === RANGE_AUTO && argIs(a, 'byscore')) {
      rangetype = RANGE_SCORE
    } else {
      c.error('syntax error')
      return
    }
  }
  if (direction === DIR_AUTO) direction = DIR_FORWARD
  if (rangetype === RANGE_AUTO) rangetype = RANGE_RANK
  if (limit !== -1 && rangetype === RANGE_RANK) {
    c.error('syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX')
    return
  }
  if (withscores && rangetype === RANGE_LEX) {
    c.error('syntax error, WITHSCORES not supported in combination with BYLEX')
    return
  }
  const reverse = direction === DIR_REVERSE
  if (reverse && (rangetype === RANGE_SCORE || rangetype === RANGE_LEX)) {
    const t = maxidx
    maxidx = minidx
    minidx = t
  }
  let start = 0
  let end = 0
  let range: ScoreRange | null = null
  let lexrange: LexRange | null = null
  if (rangetype === RANGE_RANK) {
    const s = getLong(c, argv[minidx]!)
    if (s === null) return
    const e = getLong(c, argv[maxidx]!)
    if (e === null) return
    start = s
    end = e
  } else if (rangetype === RANGE_SCORE) {
    range = parseRange(argv[minidx]!, argv[maxidx]!)
    if (range === null) {
      c.error(ERR_NOT_FLOAT)
      return
    }
  } else {
    lexrange = parseLexRange(argv[minidx]!, argv[maxidx]!)
    if (lexrange === null) {
      c.error(ERR_NOT_LEX)
      return
    }
  }
  const z = zsetRead(c, binaryString(argv[argcStart]!))
  if (z === null) return
  if (z === undefined) {
    if (store) finishRange(c, resultNodes, 0, false, dstKey)
    else c.reply.raw(Shared.emptyArray)
    return
  }
  if (rangetype === RANGE_RANK) {
    const llen = z.size
    if (start < 0) start = llen + start
    if (end < 0) end = llen + end
    if (start < 0) start = 0
    if (start > end || start >= llen) {
      finishRange(c, resultNodes, 0, withscores, dstKey)
      return
    }
    if (end >= llen) end = llen - 1
    const rangelen = end - start + 1
    if (!store) {
      // Straight to the reply, no collecting.
      elementsLen(c, rangelen, withscores)
      let n = reverse ? z.byRank(llen - 1 - start) : z.byRank(start)
      for (let i = 0; i < rangelen && n !== null; i++) {
        emit(c, n, withscores)
        n = reverse ? n.backward : n.next[0]!
      }
      return
    }
    const nodes = resultNodes
    let n = reverse ? z.byRank(llen - 1 - start) : z.byRank(start)
    for (let i = 0; i < rangelen && n !== null; i++) {
      nodes[i] = n
      n = reverse ? n.backward : n.next[0]!
    }
    finishRange(c, nodes, rangelen, false, dstKey)
    if (nodes.length > 1024) resultNodes = []
    return
  }
  if (offset > 0 && offset >= z.size) {
    finishRange(c, resultNodes, 0, withscores, dstKey)
    return
  }
  let n: ZNode | null
  if (range !== null) n = reverse ? z.lastInRange(range) : z.firstInRange(range)
  else n = reverse ? z.lastInLexRange(lexrange!) : z.firstInLexRange(lexrange!)
  // Skip offset elements (a negative offset skips everything, as Redis's `offset--` loop).
  while (n !== null && offset !== 0) {
    offset--
    n = reverse ? n.backward : n.next[0]!
  }
  const nodes = resultNodes
  let count = 0
  while (n !== null && limit !== 0) {
    limit--
    if (range !== null) {
      if (reverse ? !scoreGteMin(n.score, range) : !scoreLteMax(n.score, range)) break
    } else if (reverse ? !lexGteMin(n.member, lexrange!) : !lexLteMax(n.member, lexrange!)) {
      break
    }
    nodes[count++] = n
    n = reverse ? n.backward : n.next[0]!
  }
  finishRange(c, nodes, count, withscores, dstKey)
  if (nodes.length > 1024) resultNodes = []
}

function zrangeCommand(c: Client): void {
  zrangeGeneric(c, 1, null, RANGE_AUTO, DIR_AUTO)
}
function zrangestoreCommand(c: Client): void {
  zrangeGeneric(c, 2, binaryString(c.argv[1]!), RANGE_AUTO, DIR_AUTO)
}
function zrevrangeCommand(c: Client): void {
  zrangeGeneric(c, 1, null, RANGE_RANK, DIR_REVERSE)
}
function zrangebyscoreCommand(c: Client): void {
  zrangeGeneric(c, 1, null, RANGE_SCORE, DIR_FORWARD)
}
function zrevrangebyscoreCommand(c: Client): void {
  zrangeGeneric(c, 1, null, RANGE_SCORE, DIR_REVERSE)
}
function zrangebylexCommand(c: Client): void {
  zrangeGeneric(c, 1, null, RANGE_LEX, DIR_FORWARD)
}
function zrevrangebylexCommand(c: Client): void {
  zrangeGeneric(c, 1, null, RANGE_LEX, DIR_REVERSE)
}

// ---------------------------------------------------------------- ZREMRANGEBY*

function zremrangeGeneric(c: Client, rangetype: number): void {
  const argv = c.argv
  const key = binaryString(argv[1]!)
  let start = 0
  let end = 0
  let range: ScoreRange | null = null
  let lexrange: LexRange | null = null
  if (rangetype === RANGE_RANK) {
    const s = getLong(c, argv[2]!)
    if (s === null) return
    const e = getLong(c, argv[3]!)
    if (e === null) return
    start = s
    end = e
  } else if (rangetype === RANGE_SCORE) {
    range = parseRange(argv[2]!, argv[3]!)
    if (range === null) {
      c.error(ERR_NOT_FLOAT)
      return
    }
  } else {
    lexrange = parseLexRange(argv[2]!, argv[3]!)
    if (lexrange === null) {
      c.error(ERR_NOT_LEX)
      return
    }
  }
  const z = zsetWrite(c, key)
  if (z === null) return
  if (z === undefined) {
    c.reply.raw(Shared.czero)
    return
  }
  let deleted: number
  if (rangetype === RANGE_RANK) {
    const llen = z.size
    if (start < 0) start = llen + start
    if (end < 0) end = llen + end
    if (start < 0) start = 0
    if (start > end || start >= llen) {
      c.reply.raw(Shared.czero)
      return
    }
    if (end >= llen) end = llen - 1
    deleted = z.deleteRangeByRank(start, end)
  } else if (range !== null) {
    deleted = z.deleteRangeByScore(range)
  } else {
    deleted = z.deleteRangeByLex(lexrange!)
  }
  if (z.size === 0) c.db.delete(key)
  if (deleted) c.modified(key, deleted)
  c.reply.integer(deleted)
}

function zremrangebyrankCommand(c: Client): void {
  zremrangeGeneric(c, RANGE_RANK)
}
function zremrangebyscoreCommand(c: Client): void {
  zremrangeGeneric(c, RANGE_SCORE)
}
function zremrangebylexCommand(c: Client): void {
  zremrangeGeneric(c, RANGE_LEX)
}

// ---------------------------------------------------------------- ZPOP / ZMPOP

const ZSET_MIN = 0
const ZSET_MAX = 1

/**
 * genericZpopCommand over argv[first .. first+keyc). count -1 = a plain single pop.
 * emitkey: the key leads the reply (BZPOP*, Z*MPOP); nested: ZMPOP's [key, [[m, s]...]].
 * Returns the key popped from, or null.
 */
export function genericZpop(
  c: Client, first: number, keyc: number, where: number, emitkey: boolean, count: number,
  nested: boolean, nilWhenEmpty: boolean
): string | null {
  const argv = c.argv
  let z: RedisZset | undefined
  let key = ''
  let keyArg: Buffer | null = null
  for (let i = 0; i < keyc; i++) {
    keyArg = argv[first + i]!
    key = binaryString(keyArg)
    const v = c.db.lookupWrite(key)
    if (v === undefined) continue
    if (!(v instanceof RedisZset)) {
      c.error(WRONGTYPE_ERR)
      return null
    }
    z = v
    break
  }
  const reply = c.reply
  if (z === undefined) {
    if (nilWhenEmpty) reply.nullArray()
    else reply.raw(Shared.emptyArray)
    return null
  }
  if (count === 0) {
    reply.raw(Shared.emptyArray)
    return null
  }
  popFromEx(c, keyArg!, key, z, where, emitkey, count, nested)
  return key
}

/** Pops from a non-empty zset with the key in the reply (BZPOP*: flat; BZMPOP: nested). */
function popFrom(c: Client, keyArg: Buffer, key: string, z: RedisZset, where: number, count: number, nested: boolean): void {
  popFromEx(c, keyArg, key, z, where, true, count, nested)
}

function popFromEx(c: Client, keyArg: Buffer, key: string, z: RedisZset, where: number, emitkey: boolean, count: number, nested: boolean): void {
  const reply = c.reply
  if (count === -1) count = 1
  let rangelen = count > z.size ? z.size : count
  if (!nested && !emitkey) {
    reply.arrayLen(rangelen * 2)
  } else if (!nested && emitkey) {
    reply.arrayLen(rangelen * 2 + 1)
    reply.bulk(keyArg)
  } else if (!emitkey) {
    reply.arrayLen(rangelen)
  } else {
    reply.arrayLen(2)
    reply.bulk(keyArg)
    reply.arrayLen(rangelen)
  }
  const popped = rangelen
  do {
    const n = where === ZSET_MIN ? z.first()! : z.last()!
    z.delete(n.member)
    if (nested) reply.arrayLen(2)
    reply.bulkBinary(n.member)
    replyScore(c, n.score)
  } while (--rangelen)
  if (z.size === 0) c.db.delete(key)
  c.modified(key, popped)
}

function zpopMinMax(c: Client, where: number): void {
  const argv = c.argv
  if (argv.length > 3) {
    c.error('syntax error')
    return
  }
  let count = -1
  if (argv.length === 3) {
    const v = getRangeLong(c, argv[2]!, 0n, LONG_MAX, 'value is out of range, must be positive')
    if (v === null) return
    count = Number(v)
  }
  // RESP3 with a count: [member, score] pairs.
  genericZpop(c, 1, 1, where, false, count, c.reply.resp !== 2 && count !== -1, false)
}

function zpopminCommand(c: Client): void {
  zpopMinMax(c, ZSET_MIN)
}
function zpopmaxCommand(c: Client): void {
  zpopMinMax(c, ZSET_MAX)
}

/** ZMPOP / BZMPOP argument parsing: [numkeys, where, count] or null after an error. */
export function parseZmpop(c: Client, numkeysIdx: number): { numkeys: number; where: number; count: number } | null {
  const argv = c.argv
  const nk = getRangeLong(c, argv[numkeysIdx]!, 1n, LONG_MAX, 'numkeys should be greater than 0')
  if (nk === null) return null
  const whereIdx = BigInt(numkeysIdx) + nk + 1n
  if (whereIdx >= BigInt(argv.length)) {
    c.error('syntax error')
    return null
  }
  const numkeys = Number(nk)
  const wArg = argv[Number(whereIdx)]!
  let where: number
  if (argIs(wArg, 'min')) where = ZSET_MIN
  else if (argIs(wArg, 'max')) where = ZSET_MAX
  else {
    c.error('syntax error')
    return null
  }
  let count = -1
  for (let j = Number(whereIdx) + 1; j < argv.length; j++) {
    const moreargs = argv.length - 1 - j
    if (count === -1 && argIs(argv[j]!, 'count') && moreargs) {
      j++
      const v = getRangeLong(c, argv[j]!, 1n, LONG_MAX, 'count should be greater than 0')
      if (v === null) return null
      count = Number(v)
    } else {
      c.error('syntax error')
      return null
    }
  }
  if (count === -1) count = 1
  return { numkeys, where, count }
}

function zmpopCommand(c: Client): void {
  const p = parseZmpop(c, 1)
  if (p === null) return
  const key = genericZpop(c, 2, p.numkeys, p.where, true, p.count, true, true)
  if (key !== null) {
    c.propagateAs([p.where === ZSET_MAX ? ZPOPMAX : ZPOPMIN, Buffer.from(key, 'latin1'), Buffer.from(String(p.count))])
  }
}

// ---------------------------------------------------------------- BZPOPMIN / BZPOPMAX / BZMPOP

/** The propagated form of a blocking pop: ZPOPMIN/ZPOPMAX key [count]. */
function propagateZpop(c: Client, where: number, keyArg: Buffer, count: number): void {
  const cmd = where === ZSET_MAX ? ZPOPMAX : ZPOPMIN
  if (count === -1) c.propagateAs([cmd, keyArg])
  else c.propagateAs([cmd, keyArg, Buffer.from(String(count > 0 ? count : 1))])
}

/** A client blocked in BZPOPMIN/BZPOPMAX (nested false) or BZMPOP (nested true). */
class ZpopHandler implements BlockHandler {
  constructor(
    readonly keyArgs: Map<string, Buffer>,
    readonly where: number,
    readonly count: number,
    readonly nested: boolean
  ) {}

  serve(c: Client, key: string): boolean {
    const z = c.db.lookupWrite(key)
    if (!(z instanceof RedisZset) || z.size === 0) return false
    const keyArg = this.keyArgs.get(key)!
    popFrom(c, keyArg, key, z, this.where, this.count, this.nested)
    propagateZpop(c, this.where, keyArg, this.count)
    return true
  }

  timeout(c: Client): void {
    c.reply.nullArray()
  }
}

/** blockingGenericZpopCommand over argv[first .. first+numkeys), timeout at argv[timeoutIdx]. */
function blockingGenericZpop(c: Client, first: number, numkeys: number, where: number, timeoutIdx: number, count: number, nested: boolean): void {
  const timeout = parseBlockTimeout(c, c.argv[timeoutIdx]!)
  if (timeout === null) return
  const argv = c.argv
  for (let j = first; j < first + numkeys; j++) {
    const key = binaryString(argv[j]!)
    const z = zsetWrite(c, key)
    if (z === null) return
    if (z === undefined || z.size === 0) continue
    popFrom(c, argv[j]!, key, z, where, count, nested)
    propagateZpop(c, where, argv[j]!, count)
    return
  }
  if (blockingDenied(c)) {
    c.reply.nullArray()
    return
  }
  const keyArgs = new Map<string, Buffer>()
  const keys: string[] = []
  for (let j = first; j < first + numkeys; j++) {
    const key = binaryString(argv[j]!)
    if (!keyArgs.has(key)) keyArgs.set(key, copyBytes(argv[j]!))
    keys.push(key)
  }
  blockForKeys(c, keys, timeout, new ZpopHandler(keyArgs, where, count, nested))
}

function bzpopminCommand(c: Client): void {
  blockingGenericZpop(c, 1, c.argv.length - 2, ZSET_MIN, c.argv.length - 1, -1, false)
}
function bzpopmaxCommand(c: Client): void {
  blockingGenericZpop(c, 1, c.argv.length - 2, ZSET_MAX, c.argv.length - 1, -1, false)
}
function bzmpopCommand(c: Client): void {
  const p = parseZmpop(c, 2)
  if (p === null) return
  blockingGenericZpop(c, 3, p.numkeys, p.where, 1, p.count, true)
}

// ---------------------------------------------------------------- ZRANDMEMBER

function zrandmemberWithCount(c: Client, l: bigint, withscores: boolean): void {
  const z = zsetRead(c, binaryString(c.argv[1]!))
  if (z === null) return
  const reply = c.reply
  if (z === undefined) {
    reply.raw(Shared.emptyArray)
    return
  }
  const uniq = l >= 0n
  const countBig = uniq ? l : -l
  if (countBig === 0n) {
    reply.raw(Shared.emptyArray)
    return
  }
  const size = z.size
  // CASE 1: negative count (repeats allowed), or a single element.
  if (!uniq || countBig === 1n) {
    const count = Number(countBig)
    // A score adds at most ~32 bytes (a %.17g bulk or RESP3 double, and the pair's header).
    if (randCountRefused(c, count, () => bulkSize(z.random().member.length) + (withscores ? 32 : 0))) return
    elementsLen(c, count, withscores)
    for (let i = 0; i < count; i++) {
      emit(c, z.random(), withscores)
      if ((i & RAND_CHECK_MASK) === RAND_CHECK_MASK && randReplyStopped(c)) return
    }
    return
  }
  // CASE 2: the whole set, highest first (zuiNext walks sorted sets backwards).
  if (countBig >= BigInt(size)) {
    elementsLen(c, size, withscores)
    for (let n = z.last(); n !== null; n = n.backward) emit(c, n, withscores)
    return
  }
  // CASE 3/4: distinct random ranks (a listpack replies them in its order).
  const count = Number(countBig)
  const picked = new Set<number>()
  if (count * 3 > size) {
    // Partial Fisher-Yates over the ranks.
    const ranks = Array.from({ length: size }, (_, i) => i)
    for (let i = 0; i < count; i++) {
      const j = i + Math.floor(Math.random() * (size - i))
      const t = ranks[i]!
      ranks[i] = ranks[j]!
      ranks[j] = t
      picked.add(ranks[i]!)
    }
  } else {
    while (picked.size < count) picked.add(Math.floor(Math.random() * size))
  }
  let ranks = [...picked]
  if (z.isListpack) ranks = ranks.sort((a, b) => a - b)
  elementsLen(c, count, withscores)
  for (const r of ranks) emit(c, z.byRank(r)!, withscores)
}

function zrandmemberCommand(c: Client): void {
  const argv = c.argv
  if (argv.length >= 3) {
    const l = getRangeLong(c, argv[2]!, -LONG_MAX, LONG_MAX, null)
    if (l === null) return
    let withscores = false
    if (argv.length > 4 || (argv.length === 4 && !argIs(argv[3]!, 'withscores'))) {
      c.error('syntax error')
      return
    } else if (argv.length === 4) {
      withscores = true
      if (l < -LONG_MAX / 2n || l > LONG_MAX / 2n) {
        c.error('value is out of range')
        return
      }
    }
    zrandmemberWithCount(c, l, withscores)
    return
  }
  const z = zsetRead(c, binaryString(argv[1]!))
  if (z === null) return
  if (z === undefined) c.reply.nullBulk()
  else c.reply.bulkBinary(z.random().member)
}

// ---------------------------------------------------------------- ZUNION / ZINTER / ZDIFF

const SET_OP_UNION = 0
const SET_OP_DIFF = 1
const SET_OP_INTER = 2
const AGGR_SUM = 0
const AGGR_MIN = 1
const AGGR_MAX = 2

interface OpSrc {
  z: RedisZset | null
  s: RedisSet | null
  weight: number
  size: number
}

/** zuiFind: the score of member in a source (1 for a set member), or undefined. */
function srcScore(src: OpSrc, member: string): number | undefined {
  if (src.z !== null) return src.z.score(member)
  if (src.s !== null) return src.s.has(member) ? 1 : undefined
  return undefined
}

/** Iterates a source's (member, score) pairs (zuiNext). */
function srcForEach(src: OpSrc, fn: (member: string, score: number) => boolean | void): void {
  if (src.z !== null) {
    for (let n = src.z.first(); n !== null; n = n.next[0]!) if (fn(n.member, n.score) === false) return
  } else if (src.s !== null) {
    for (const m of src.s.values()) if (fn(m, 1) === false) return
  }
}

function aggregate(target: number, val: number, aggr: number): number {
  if (aggr === AGGR_SUM) {
    const t = target + val
    return Number.isNaN(t) ? 0 : t
  }
  if (aggr === AGGR_MIN) return val < target ? val : target
  return val > target ? val : target
}

function zunionInterDiffGeneric(c: Client, dstKey: string | null, numkeysIndex: number, op: number, cardOnly: boolean): void {
  const argv = c.argv
  const setnum = getLong(c, argv[numkeysIndex]!)
  if (setnum === null) return
  if (setnum < 1) {
    c.error(`at least 1 input key is needed for '${c.cmd!.fullname}' command`)
    return
  }
  if (setnum > argv.length - (numkeysIndex + 1)) {
    c.error('syntax error')
    return
  }
  const srcs: OpSrc[] = []
  let j = numkeysIndex + 1
  for (let i = 0; i < setnum; i++, j++) {
    const v = c.db.lookupRead(binaryString(argv[j]!))
    const src: OpSrc = { z: null, s: null, weight: 1, size: 0 }
    if (v !== undefined) {
      if (v instanceof RedisZset) src.z = v
      else if (v instanceof RedisSet) src.s = v
      else {
        c.error(WRONGTYPE_ERR)
        return
      }
      src.size = v.size
    }
    srcs.push(src)
  }
  let aggr = AGGR_SUM
  let withscores = false
  let limit = 0
  let remaining = argv.length - j
  while (remaining > 0) {
    const a = argv[j]!
    if (op !== SET_OP_DIFF && !cardOnly && remaining >= setnum + 1 && argIs(a, 'weights')) {
      j++
      remaining--
      for (let i = 0; i < setnum; i++, j++, remaining--) {
        const w = getDouble(c, argv[j]!, 'weight value is not a float')
        if (w === null) return
        srcs[i]!.weight = w
      }
    } else if (op !== SET_OP_DIFF && !cardOnly && remaining >= 2 && argIs(a, 'aggregate')) {
      j++
      remaining--
      const v = argv[j]!
      if (argIs(v, 'sum')) aggr = AGGR_SUM
      else if (argIs(v, 'min')) aggr = AGGR_MIN
      else if (argIs(v, 'max')) aggr = AGGR_MAX
      else {
        c.error('syntax error')
        return
      }
      j++
      remaining--
    } else if (remaining >= 1 && dstKey === null && !cardOnly && argIs(a, 'withscores')) {
      j++
      remaining--
      withscores = true
    } else if (cardOnly && remaining >= 2 && argIs(a, 'limit')) {
      j++
      remaining--
      const l = getRangeLong(c, argv[j]!, 0n, LONG_MAX, "LIMIT can't be negative")
      if (l === null) return
      limit = l > 1000000000000000n ? 0 : Number(l)
      j++
      remaining--
    } else {
      c.error('syntax error')
      return
    }
  }
  if (op !== SET_OP_DIFF) srcs.sort((a, b) => a.size - b.size)

  // Built as a skiplist (-0 scores survive), turned into a listpack when stored if it fits.
  const dst = new RedisZset(c.limits)
  dst.convert()
  let cardinality = 0
  if (op === SET_OP_INTER) {
    const s0 = srcs[0]!
    if (s0.size > 0) {
      const subj0 = s0.z ?? s0.s
      srcForEach(s0, (member, sc) => {
        let score = s0.weight * sc
        if (Number.isNaN(score)) score = 0
        let k = 1
        for (; k < srcs.length; k++) {
          const o = srcs[k]!
          if ((o.z ?? o.s) === subj0) {
            score = aggregate(score, sc * o.weight, aggr)
          } else {
            const v = srcScore(o, member)
            if (v === undefined) break
            score = aggregate(score, v * o.weight, aggr)
          }
        }
        if (k === srcs.length) {
          if (cardOnly) {
            cardinality++
            if (limit && cardinality >= limit) return false
          } else {
            dst.insert(member, score)
          }
        }
        return true
      })
    }
  } else if (op === SET_OP_UNION) {
    const acc = new Map<string, number>()
    for (const src of srcs) {
      if (src.size === 0) continue
      srcForEach(src, (member, sc) => {
        let score = src.weight * sc
        if (Number.isNaN(score)) score = 0
        const cur = acc.get(member)
        acc.set(member, cur === undefined ? score : aggregate(cur, score, aggr))
      })
    }
    for (const [m, s] of acc) dst.insert(m, s)
  } else {
    const s0 = srcs[0]!
    if (s0.size > 0) {
      const subj0 = s0.z ?? s0.s
      srcForEach(s0, (member, sc) => {
        for (let k = 1; k < srcs.length; k++) {
          const o = srcs[k]!
          if (o.size === 0) continue
          if ((o.z ?? o.s) === subj0 || srcScore(o, member) !== undefined) return
        }
        dst.insert(member, sc)
      })
    }
  }

  if (dstKey !== null) {
    if (dst.size > 0) {
      dst.shrinkIfFits()
      setZsetKey(c, dstKey, dst)
      c.reply.integer(dst.size)
      c.modified(dstKey)
    } else {
      c.reply.raw(Shared.czero)
      if (c.db.delete(dstKey)) c.modified(dstKey)
    }
  } else if (cardOnly) {
    c.reply.integer(cardinality)
  } else {
    elementsLen(c, dst.size, withscores)
    for (let n = dst.first(); n !== null; n = n.next[0]!) emit(c, n, withscores)
  }
}

function zunionstoreCommand(c: Client): void {
  zunionInterDiffGeneric(c, binaryString(c.argv[1]!), 2, SET_OP_UNION, false)
}
function zinterstoreCommand(c: Client): void {
  zunionInterDiffGeneric(c, binaryString(c.argv[1]!), 2, SET_OP_INTER, false)
}
function zdiffstoreCommand(c: Client): void {
  zunionInterDiffGeneric(c, binaryString(c.argv[1]!), 2, SET_OP_DIFF, false)
}
function zunionCommand(c: Client): void {
  zunionInterDiffGeneric(c, null, 1, SET_OP_UNION, false)
}
function zinterCommand(c: Client): void {
  zunionInterDiffGeneric(c, null, 1, SET_OP_INTER, false)
}
function zdiffCommand(c: Client): void {
  zunionInterDiffGeneric(c, null, 1, SET_OP_DIFF, false)
}
function zintercardCommand(c: Client): void {
  zunionInterDiffGeneric(c, null, 1, SET_OP_INTER, true)
}

// ---------------------------------------------------------------- ZSCAN

function zscanCommand(c: Client): void {
  const argv = c.argv
  const cursor = parseScanCursor(argv[2]!)
  if (cursor === null) {
    c.error('invalid cursor')
    return
  }
  const z = zsetRead(c, binaryString(argv[1]!))
  if (z === null) return
  if (z === undefined) {
    c.reply.raw(EMPTY_SCAN)
    return
  }
  const opts = parseScanOptions(c, 3)
  if (opts === null) return
  const { count, pattern } = opts
  const listpack = z.isListpack
  const out: string[] = []
  const next = z.scan(cursor, count, (m) => {
    if (pattern === null || stringMatch(pattern, m)) out.push(m)
  })
  const reply = c.reply
  reply.arrayLen(2)
  reply.bulkBinary(String(next))
  reply.arrayLen(out.length * 2)
  for (let i = 0; i < out.length; i++) {
    const m = out[i]!
    reply.bulkBinary(m)
    const score = z.score(m)!
    // A listpack holds integral scores as integers (double2ll), printed as such.
    if (listpack && Number.isInteger(score) && score <= 4611686018427387904 && score >= -4611686018427387904 && score !== 0) {
      reply.bulkBinary(BigInt(score).toString())
    } else {
      reply.bulkBinary(formatDouble17g(score))
    }
  }
}

export const zsetsCommands: CommandSpec[] = [
  redisCommand('zadd', zaddCommand),
  redisCommand('zincrby', zincrbyCommand),
  redisCommand('zrem', zremCommand),
  redisCommand('zcard', zcardCommand),
  redisCommand('zscore', zscoreCommand),
  redisCommand('zmscore', zmscoreCommand),
  redisCommand('zrank', zrankCommand),
  redisCommand('zrevrank', zrevrankCommand),
  redisCommand('zcount', zcountCommand),
  redisCommand('zlexcount', zlexcountCommand),
  redisCommand('zrange', zrangeCommand),
  redisCommand('zrangestore', zrangestoreCommand),
  redisCommand('zrevrange', zrevrangeCommand),
  redisCommand('zrangebyscore', zrangebyscoreCommand),
  redisCommand('zrevrangebyscore', zrevrangebyscoreCommand),
  redisCommand('zrangebylex', zrangebylexCommand),
  redisCommand('zrevrangebylex', zrevrangebylexCommand),
  redisCommand('zremrangebyrank', zremrangebyrankCommand),
  redisCommand('zremrangebyscore', zremrangebyscoreCommand),
  redisCommand('zremrangebylex', zremrangebylexCommand),
  redisCommand('zpopmin', zpopminCommand),
  redisCommand('zpopmax', zpopmaxCommand),
  redisCommand('zmpop', zmpopCommand),
  redisCommand('bzpopmin', bzpopminCommand),
  redisCommand('bzpopmax', bzpopmaxCommand),
  redisCommand('bzmpop', bzmpopCommand),
  redisCommand('zrandmember', zrandmemberCommand),
  redisCommand('zunion', zunionCommand),
  redisCommand('zinter', zinterCommand),
  redisCommand('zdiff', zdiffCommand),
  redisCommand('zunionstore', zunionstoreCommand),
  redisCommand('zinterstore', zinterstoreCommand),
  redisCommand('zdiffstore', zdiffstoreCommand),
  redisCommand('zintercard', zintercardCommand),
  redisCommand('zscan', zscanCommand)
]
