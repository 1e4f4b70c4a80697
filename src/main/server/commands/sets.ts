/**
 * Set commands (t_set.c): SADD, SREM, SCARD, SISMEMBER, SMISMEMBER, SMEMBERS, SRANDMEMBER,
 * SPOP, SMOVE, SINTER, SINTERCARD, SINTERSTORE, SUNION, SUNIONSTORE, SDIFF, SDIFFSTORE,
 * SSCAN.
 *
 * Replies follow the encoding's order as Redis does: intsets come back sorted by value,
 * hashtables in an unspecified order.
 */
import type { Client } from '../client'
import { RedisSet } from '../keyspace/set'
import { parseScanCursor } from '../keyspace/scan'
import { WRONGTYPE_ERR } from '../keyspace/types'
import { Shared } from '../resp/reply-writer'
import { argIs, binaryString, stringMatch } from '../util'
import { EMPTY_SCAN, getRangeLong, parseScanOptions } from './hashes'
import { bulkSize, RAND_CHECK_MASK, randCountRefused, randReplyStopped } from './rand-reply'
import { redisCommand } from './meta'
import type { CommandSpec } from './types'
import { lookupReadAs, lookupWriteAs } from './lookup'

const LONG_MAX = 9223372036854775807n
const SREM = Buffer.from('SREM')
const DEL = Buffer.from('DEL')

/** The set at key for reading; undefined when missing, null after a WRONGTYPE error. */
function setRead(c: Client, key: string): RedisSet | undefined | null {
  return lookupReadAs(c, key, RedisSet)
}

function setWrite(c: Client, key: string): RedisSet | undefined | null {
  return lookupWriteAs(c, key, RedisSet)
}

/** Replies with the members of a set in its encoding's order (setLen). */
function replySet(c: Client, s: RedisSet): void {
  const reply = c.reply
  reply.setLen(s.size)
  s.forEach((m) => reply.bulkBinary(m))
}

function saddCommand(c: Client): void {
  const argv = c.argv
  const key = binaryString(argv[1]!)
  let s = setWrite(c, key)
  if (s === null) return
  if (s === undefined) {
    s = new RedisSet(c.limits)
    c.db.set(key, s)
  }
  let added = 0
  for (let j = 2; j < argv.length; j++) if (s.add(binaryString(argv[j]!))) added++
  if (added) c.modified(key, added)
  c.reply.integer(added)
}

function sremCommand(c: Client): void {
  const argv = c.argv
  const key = binaryString(argv[1]!)
  const s = setWrite(c, key)
  if (s === null) return
  if (s === undefined) {
    c.reply.raw(Shared.czero)
    return
  }
  let deleted = 0
  for (let j = 2; j < argv.length; j++) {
    if (s.delete(binaryString(argv[j]!))) {
      deleted++
      if (s.size === 0) {
        c.db.delete(key)
        break
      }
    }
  }
  if (deleted) c.modified(key, deleted)
  c.reply.integer(deleted)
}

function smoveCommand(c: Client): void {
  const argv = c.argv
  const srcKey = binaryString(argv[1]!)
  const dstKey = binaryString(argv[2]!)
  const src = c.db.lookupWrite(srcKey)
  const dst = c.db.lookupWrite(dstKey)
  const ele = binaryString(argv[3]!)
  if (src === undefined) {
    c.reply.raw(Shared.czero)
    return
  }
  if (!(src instanceof RedisSet) || (dst !== undefined && !(dst instanceof RedisSet))) {
    c.error(WRONGTYPE_ERR)
    return
  }
  if (src === dst) {
    c.reply.raw(src.has(ele) ? Shared.cone : Shared.czero)
    return
  }
  if (!src.delete(ele)) {
    c.reply.raw(Shared.czero)
    return
  }
  if (src.size === 0) c.db.delete(srcKey)
  let d = dst
  if (d === undefined) {
    d = new RedisSet(c.limits)
    c.db.set(dstKey, d)
  }
  c.modified(srcKey)
  c.modified(dstKey, d.add(ele) ? 1 : 0)
  c.reply.raw(Shared.cone)
}

function sismemberCommand(c: Client): void {
  const s = setRead(c, binaryString(c.argv[1]!))
  if (s === null) return
  c.reply.raw(s !== undefined && s.has(binaryString(c.argv[2]!)) ? Shared.cone : Shared.czero)
}

function smismemberCommand(c: Client): void {
  const argv = c.argv
  const s = setRead(c, binaryString(argv[1]!))
  if (s === null) return
  c.reply.arrayLen(argv.length - 2)
  for (let j = 2; j < argv.length; j++) {
    c.reply.raw(s !== undefined && s.has(binaryString(argv[j]!)) ? Shared.cone : Shared.czero)
  }
}

function scardCommand(c: Client): void {
  const s = setRead(c, binaryString(c.argv[1]!))
  if (s === null) return
  c.reply.integer(s === undefined ? 0 : s.size)
}

/** SPOP_MOVE_STRATEGY_MUL */
const SPOP_MOVE_STRATEGY_MUL = 5

function spopWithCount(c: Client): void {
  const argv = c.argv
  const l = getRangeLong(c, argv[2]!, 0n, LONG_MAX, 'value is out of range, must be positive')
  if (l === null) return
  const key = binaryString(argv[1]!)
  const s = setWrite(c, key)
  if (s === null) return
  if (s === undefined || l === 0n) {
    c.reply.setLen(0)
    return
  }
  const size = s.size
  // Redis adds the requested count to dirty.
  const dirty = Number(l)
  // CASE 1: the whole set (replied like SUNION of it), propagated as DEL.
  if (l >= BigInt(size)) {
    const copy = new RedisSet(c.limits)
    s.forEach((m) => copy.add(m))
    replySet(c, copy)
    c.db.delete(key)
    c.propagateAs([DEL, argv[1]!])
    c.modified(key, dirty)
    return
  }
  const count = Number(l)
  const reply = c.reply
  reply.setLen(count)
  const props: Buffer[][] = []
  const keyArg = argv[1]!
  let remaining = size - count
  if (remaining * SPOP_MOVE_STRATEGY_MUL > count) {
    // CASE 2: pop random members one by one.
    for (let i = 0; i < count; i++) {
      const m = s.random()
      reply.bulkBinary(m)
      s.delete(m)
      props.push([SREM, keyArg, Buffer.from(m, 'latin1')])
    }
  } else {
    // CASE 3: move the members that remain to a new set; return the rest.
    let kept: RedisSet | null = null
    while (remaining-- > 0) {
      const m = s.random()
      if (kept === null) kept = new RedisSet(c.limits)
      kept.add(m)
      s.delete(m)
    }
    s.forEach((m) => {
      reply.bulkBinary(m)
      props.push([SREM, keyArg, Buffer.from(m, 'latin1')])
    })
    c.db.set(key, kept!, true)
  }
  c.propagateAs(...props)
  c.modified(key, dirty)
}

function spopCommand(c: Client): void {
  const argv = c.argv
  if (argv.length === 3) {
    spopWithCount(c)
    return
  }
  if (argv.length > 3) {
    c.error('syntax error')
    return
  }
  const key = binaryString(argv[1]!)
  const s = setWrite(c, key)
  if (s === null) return
  if (s === undefined) {
    c.reply.nullBulk()
    return
  }
  const m = s.random()
  s.delete(m)
  c.propagateAs([SREM, argv[1]!, Buffer.from(m, 'latin1')])
  c.reply.bulkBinary(m)
  if (s.size === 0) c.db.delete(key)
  c.modified(key)
}

/** SRANDMEMBER_SUB_STRATEGY_MUL */
const SRANDMEMBER_SUB_STRATEGY_MUL = 3

function srandmemberWithCount(c: Client): void {
  const argv = c.argv
  const l = getRangeLong(c, argv[2]!, -LONG_MAX, LONG_MAX, null)
  if (l === null) return
  const uniq = l >= 0n
  const countBig = uniq ? l : -l
  const s = setRead(c, binaryString(argv[1]!))
  if (s === null) return
  const reply = c.reply
  if (s === undefined || countBig === 0n) {
    reply.arrayLen(0)
    return
  }
  const size = s.size
  // CASE 1: negative count: members may repeat.
  if (!uniq || countBig === 1n) {
    const count = Number(countBig)
    if (randCountRefused(c, count, () => bulkSize(s.random().length))) return
    reply.arrayLen(count)
    for (let i = 0; i < count; i++) {
      reply.bulkBinary(s.random())
      if ((i & RAND_CHECK_MASK) === RAND_CHECK_MASK && randReplyStopped(c)) return
    }
    return
  }
  // CASE 2: the whole set, in its encoding's order.
  if (countBig >= BigInt(size)) {
    reply.arrayLen(size)
    s.forEach((m) => reply.bulkBinary(m))
    return
  }
  const count = Number(countBig)
  reply.arrayLen(count)
  if (count * SRANDMEMBER_SUB_STRATEGY_MUL > size) {
    // CASE 3: partial Fisher-Yates over all members (O(size), as Redis's copy is).
    const members = [...s.values()]
    for (let i = 0; i < count; i++) {
      const j = i + Math.floor(Math.random() * (size - i))
      const t = members[i]!
      members[i] = members[j]!
      members[j] = t
      reply.bulkBinary(members[i]!)
    }
    return
  }
  // CASE 4: random picks until count distinct members.
  const picked = new Set<string>()
  while (picked.size < count) {
    const m = s.random()
    if (picked.has(m)) continue
    picked.add(m)
    reply.bulkBinary(m)
  }
}

function srandmemberCommand(c: Client): void {
  const argv = c.argv
  if (argv.length === 3) {
    srandmemberWithCount(c)
    return
  }
  if (argv.length > 3) {
    c.error('syntax error')
    return
  }
  const s = setRead(c, binaryString(argv[1]!))
  if (s === null) return
  if (s === undefined) c.reply.nullBulk()
  else c.reply.bulkBinary(s.random())
}

/**
 * sinterGenericCommand. keys = argv[first .. first+n). dstKey: SINTERSTORE; cardOnly:
 * SINTERCARD (limit 0 = none).
 */
function sinterGeneric(c: Client, first: number, n: number, dstKey: string | null, cardOnly: boolean, limit: number): void {
  const argv = c.argv
  const sets: RedisSet[] = []
  let empty = false
  for (let j = 0; j < n; j++) {
    const v = c.db.lookupRead(binaryString(argv[first + j]!))
    if (v === undefined) {
      empty = true
      continue
    }
    if (!(v instanceof RedisSet)) {
      c.error(WRONGTYPE_ERR)
      return
    }
    sets.push(v)
  }
  if (empty) {
    if (dstKey !== null) {
      if (c.db.delete(dstKey)) c.modified(dstKey)
      c.reply.raw(Shared.czero)
    } else if (cardOnly) {
      c.reply.raw(Shared.czero)
    } else {
      c.reply.setLen(0)
    }
    return
  }
  // Smallest first (a stable sort, like glibc's merge-sort qsort).
  sets.sort((a, b) => a.size - b.size)
  const base = sets[0]!
  const matches = (m: string): boolean => {
    for (let j = 1; j < sets.length; j++) {
      const other = sets[j]!
      if (other !== base && !other.has(m)) return false
    }
    return true
  }
  if (cardOnly) {
    let card = 0
    for (const m of base.values()) {
      if (matches(m)) {
        card++
        if (limit && card >= limit) break
      }
    }
    c.reply.integer(card)
    return
  }
  if (dstKey === null) {
    const out: string[] = []
    base.forEach((m) => {
      if (matches(m)) out.push(m)
    })
    c.reply.setLen(out.length)
    for (let i = 0; i < out.length; i++) c.reply.bulkBinary(out[i]!)
    return
  }
  const dst = new RedisSet(c.limits)
  base.forEach((m) => {
    if (matches(m)) dst.add(m)
  })
  storeResult(c, dstKey, dst)
}

/** The STORE variants' ending: setKey and the size, or delete the destination and 0. */
function storeResult(c: Client, dstKey: string, dst: RedisSet): void {
  if (dst.size > 0) {
    c.db.set(dstKey, dst)
    c.reply.integer(dst.size)
    c.modified(dstKey)
  } else {
    c.reply.raw(Shared.czero)
    if (c.db.delete(dstKey)) c.modified(dstKey)
  }
}

function smembersCommand(c: Client): void {
  sinterGeneric(c, 1, 1, null, false, 0)
}

function sinterCommand(c: Client): void {
  sinterGeneric(c, 1, c.argv.length - 1, null, false, 0)
}

function sinterstoreCommand(c: Client): void {
  sinterGeneric(c, 2, c.argv.length - 2, binaryString(c.argv[1]!), false, 0)
}

function sintercardCommand(c: Client): void {
  const argv = c.argv
  const numkeys = getRangeLong(c, argv[1]!, 1n, LONG_MAX, 'numkeys should be greater than 0')
  if (numkeys === null) return
  if (numkeys > BigInt(argv.length - 2)) {
    c.error("Number of keys can't be greater than number of args")
    return
  }
  const n = Number(numkeys)
  let limit = 0n
  for (let j = 2 + n; j < argv.length; j++) {
    const more = argv.length - 1 - j
    if (argIs(argv[j]!, 'limit') && more) {
      j++
      const v = getRangeLong(c, argv[j]!, 0n, LONG_MAX, "LIMIT can't be negative")
      if (v === null) return
      limit = v
    } else {
      c.error('syntax error')
      return
    }
  }
  sinterGeneric(c, 2, n, null, true, limit > 1000000000000000n ? 0 : Number(limit))
}

const SET_OP_UNION = 0
const SET_OP_DIFF = 1

function sunionDiffGeneric(c: Client, first: number, n: number, dstKey: string | null, op: number): void {
  const argv = c.argv
  const sets: (RedisSet | null)[] = []
  let sameset = false
  for (let j = 0; j < n; j++) {
    const v = c.db.lookupRead(binaryString(argv[first + j]!))
    if (v === undefined) {
      sets.push(null)
      continue
    }
    if (!(v instanceof RedisSet)) {
      c.error(WRONGTYPE_ERR)
      return
    }
    sets.push(v)
    if (j > 0 && sets[0] === v) sameset = true
  }
  const dst = new RedisSet(c.limits)
  if (op === SET_OP_UNION) {
    for (const s of sets) if (s !== null) s.forEach((m) => dst.add(m))
  } else if (sets[0] !== null && !sameset) {
    const s0 = sets[0]!
    let algoOne = 0
    let algoTwo = 0
    for (const s of sets) {
      if (s === null) continue
      algoOne += s0.size
      algoTwo += s.size
    }
    algoOne /= 2
    if (algoOne <= algoTwo) {
      // Algorithm 1: each member of the first set, checked against the others (biggest
      // first, so a member is rejected sooner).
      const others = sets.slice(1).filter((s): s is RedisSet => s !== null)
      others.sort((a, b) => b.size - a.size)
      s0.forEach((m) => {
        for (const o of others) if (o === s0 || o.has(m)) return
        dst.add(m)
      })
    } else {
      // Algorithm 2: add the first set, remove the others.
      s0.forEach((m) => dst.add(m))
      for (let j = 1; j < sets.length; j++) {
        const s = sets[j]
        if (s === null) continue
        s.forEach((m) => dst.delete(m))
        if (dst.size === 0) break
      }
    }
  }
  if (dstKey === null) replySet(c, dst)
  else storeResult(c, dstKey, dst)
}

function sunionCommand(c: Client): void {
  sunionDiffGeneric(c, 1, c.argv.length - 1, null, SET_OP_UNION)
}
function sunionstoreCommand(c: Client): void {
  sunionDiffGeneric(c, 2, c.argv.length - 2, binaryString(c.argv[1]!), SET_OP_UNION)
}
function sdiffCommand(c: Client): void {
  sunionDiffGeneric(c, 1, c.argv.length - 1, null, SET_OP_DIFF)
}
function sdiffstoreCommand(c: Client): void {
  sunionDiffGeneric(c, 2, c.argv.length - 2, binaryString(c.argv[1]!), SET_OP_DIFF)
}

function sscanCommand(c: Client): void {
  const argv = c.argv
  const cursor = parseScanCursor(argv[2]!)
  if (cursor === null) {
    c.error('invalid cursor')
    return
  }
  const s = setRead(c, binaryString(argv[1]!))
  if (s === null) return
  if (s === undefined) {
    c.reply.raw(EMPTY_SCAN)
    return
  }
  const opts = parseScanOptions(c, 3)
  if (opts === null) return
  const { count, pattern } = opts
  const out: string[] = []
  const next = s.scan(cursor, count, (m) => {
    if (pattern === null || stringMatch(pattern, m)) out.push(m)
  })
  const reply = c.reply
  reply.arrayLen(2)
  reply.bulkBinary(String(next))
  reply.arrayLen(out.length)
  for (let i = 0; i < out.length; i++) reply.bulkBinary(out[i]!)
}


export const setsCommands: CommandSpec[] = [
  redisCommand('sadd', saddCommand),
  redisCommand('srem', sremCommand),
  redisCommand('scard', scardCommand),
  redisCommand('sismember', sismemberCommand),
  redisCommand('smismember', smismemberCommand),
  redisCommand('smembers', smembersCommand),
  redisCommand('srandmember', srandmemberCommand),
  redisCommand('spop', spopCommand),
  redisCommand('smove', smoveCommand),
  redisCommand('sinter', sinterCommand),
  redisCommand('sintercard', sintercardCommand),
  redisCommand('sinterstore', sinterstoreCommand),
  redisCommand('sunion', sunionCommand),
  redisCommand('sunionstore', sunionstoreCommand),
  redisCommand('sdiff', sdiffCommand),
  redisCommand('sdiffstore', sdiffstoreCommand),
  redisCommand('sscan', sscanCommand)
]
