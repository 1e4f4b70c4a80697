/**
 * List commands (t_list.c, Redis 7.0): pushes, pops (with COUNT), ranges, LINSERT, LREM,
 * LTRIM, LPOS, LMOVE/RPOPLPUSH, LMPOP and the blocking forms (BLPOP, BRPOP, BLMOVE,
 * BRPOPLPUSH, BLMPOP) on top of blocking.ts.
 */
import type { Client } from '../client'
import { blockForKeys, blockingDenied, parseBlockTimeout, signalKeyAsReady, unblockClient, type BlockHandler } from '../blocking'
import { type ListElement, RedisList, replyElement } from '../keyspace/list'
import { Shared } from '../resp/reply-writer'
import { argIs, binaryString, string2ll } from '../util'
import { copyBytes } from '../byte-arena'
import { setUnblockHandler } from './client'
import { redisCommand } from './meta'
import type { CommandSpec } from './types'
import { lookupReadAs, lookupWriteAs } from './lookup'

const LIST_HEAD = 0
const LIST_TAIL = 1
const LONG_MAX = 9223372036854775807
const LLONG_MIN_BIG = -9223372036854775808n

const B_LPOP = Buffer.from('LPOP')
const B_RPOP = Buffer.from('RPOP')
const B_LMOVE = Buffer.from('LMOVE')
const B_RPOPLPUSH = Buffer.from('RPOPLPUSH')
const B_LEFT = Buffer.from('LEFT')
const B_RIGHT = Buffer.from('RIGHT')

/**
 * getLongFromObjectOrReply / getRangeLongFromObjectOrReply: the integer, or null after
 * replying (`msg` replaces both messages when given, as in Redis).
 */
function getRangeLong(c: Client, arg: Buffer, min: number, max: number, msg: string | null): number | null {
  const v = string2ll(arg)
  if (v === null) {
    c.error(msg ?? 'value is not an integer or out of range')
    return null
  }
  const n = Number(v)
  if (n < min || n > max) {
    c.error(msg ?? `value is out of range, value must between ${min} and ${max}`)
    return null
  }
  return n
}

function getLong(c: Client, arg: Buffer): number | null {
  const v = string2ll(arg)
  if (v === null) {
    c.error('value is not an integer or out of range')
    return null
  }
  return Number(v)
}

/** getListPositionFromObjectOrReply: LEFT/RIGHT, or null after a syntax error. */
function getListPosition(c: Client, arg: Buffer): number | null {
  if (argIs(arg, 'left')) return LIST_HEAD
  if (argIs(arg, 'right')) return LIST_TAIL
  c.error('syntax error')
  return null
}

/** The list at key for a write, undefined if missing, null after a WRONGTYPE reply. */
function listForWrite(c: Client, key: string): RedisList | undefined | null {
  return lookupWriteAs(c, key, RedisList)
}

function listForRead(c: Client, key: string): RedisList | undefined | null {
  return lookupReadAs(c, key, RedisList)
}

/** listElementsRemoved: drops the key when the list became empty; signal + dirty. */
function elementsRemoved(c: Client, key: string, l: RedisList, count: number): void {
  if (l.length === 0) c.db.delete(key)
  c.modified(key, count)
}

/** addListRangeReply over [start, end] (already clamped), reversed when asked. */
function replyRange(c: Client, l: RedisList, start: number, end: number, reverse: boolean): void {
  const n = end - start + 1
  c.reply.arrayLen(n)
  l.replyRange(c.reply, start, end, reverse)
}

// ---- pushes ----

function pushGeneric(c: Client, where: number, xx: boolean): void {
  const argv = c.argv
  const key = binaryString(argv[1]!)
  let l = listForWrite(c, key)
  if (l === null) return
  if (l === undefined) {
    if (xx) {
      c.reply.raw(Shared.czero)
      return
    }
    l = new RedisList()
    c.db.set(key, l)
    signalKeyAsReady(c.db, key)
  }
  if (where === LIST_HEAD) for (let j = 2; j < argv.length; j++) l.pushHead(argv[j]!)
  else for (let j = 2; j < argv.length; j++) l.pushTail(argv[j]!)
  c.reply.integer(l.length)
  c.modified(key, argv.length - 2)
}

function lpushCommand(c: Client): void {
  pushGeneric(c, LIST_HEAD, false)
}
function rpushCommand(c: Client): void {
  pushGeneric(c, LIST_TAIL, false)
}
function lpushxCommand(c: Client): void {
  pushGeneric(c, LIST_HEAD, true)
}
function rpushxCommand(c: Client): void {
  pushGeneric(c, LIST_TAIL, true)
}

// ---- LINSERT, LLEN, LINDEX, LSET ----

function linsertCommand(c: Client): void {
  const argv = c.argv
  let after: boolean
  if (argIs(argv[2]!, 'after')) after = true
  else if (argIs(argv[2]!, 'before')) after = false
  else {
    c.error('syntax error')
    return
  }
  const key = binaryString(argv[1]!)
  const l = listForWrite(c, key)
  if (l === null) return
  if (l === undefined) {
    c.reply.raw(Shared.czero)
    return
  }
  const i = l.indexOf(argv[3]!)
  if (i === -1) {
    c.reply.integer(-1)
    return
  }
  l.insertAt(after ? i + 1 : i, argv[4]!)
  c.modified(key)
  c.reply.integer(l.length)
}

function llenCommand(c: Client): void {
  const l = listForRead(c, binaryString(c.argv[1]!))
  if (l === null) return
  c.reply.integer(l === undefined ? 0 : l.length)
}

function lindexCommand(c: Client): void {
  const l = listForRead(c, binaryString(c.argv[1]!))
  if (l === null) return
  if (l === undefined) {
    c.reply.nullBulk()
    return
  }
  let index = getLong(c, c.argv[2]!)
  if (index === null) return
  if (index < 0) index += l.length
  if (!l.replyAt(c.reply, index)) c.reply.nullBulk()
}

function lsetCommand(c: Client): void {
  const key = binaryString(c.argv[1]!)
  const l = listForWrite(c, key)
  if (l === null) return
  if (l === undefined) {
    c.error('no such key')
    return
  }
  let index = getLong(c, c.argv[2]!)
  if (index === null) return
  if (index < 0) index += l.length
  if (index < 0 || index >= l.length) {
    c.error('index out of range')
    return
  }
  l.set(index, c.argv[3]!)
  c.reply.raw(Shared.ok)
  c.modified(key)
}

// ---- pops ----

function popGeneric(c: Client, where: number): void {
  const argv = c.argv
  if (argv.length > 3) {
    c.error(`wrong number of arguments for '${c.cmd!.fullname}' command`)
    return
  }
  const hascount = argv.length === 3
  let count = 0
  if (hascount) {
    const n = getRangeLong(c, argv[2]!, 0, LONG_MAX, 'value is out of range, must be positive')
    if (n === null) return
    count = n
  }
  const key = binaryString(argv[1]!)
  const l = listForWrite(c, key)
  if (l === null) return
  if (l === undefined) {
    if (hascount) c.reply.nullArray()
    else c.reply.nullBulk()
    return
  }
  if (hascount && count === 0) {
    c.reply.raw(Shared.emptyArray)
    return
  }
  if (!hascount) {
    l.replyPop(c.reply, where === LIST_HEAD)
    elementsRemoved(c, key, l, 1)
    return
  }
  const rangelen = Math.min(count, l.length)
  c.reply.arrayLen(rangelen)
  for (let i = 0; i < rangelen; i++) l.replyPop(c.reply, where === LIST_HEAD)
  elementsRemoved(c, key, l, rangelen)
}

function lpopCommand(c: Client): void {
  popGeneric(c, LIST_HEAD)
}
function rpopCommand(c: Client): void {
  popGeneric(c, LIST_TAIL)
}

// ---- LRANGE, LTRIM, LREM, LPOS ----

function lrangeCommand(c: Client): void {
  let start = getLong(c, c.argv[2]!)
  if (start === null) return
  let end = getLong(c, c.argv[3]!)
  if (end === null) return
  const l = listForRead(c, binaryString(c.argv[1]!))
  if (l === null) return
  if (l === undefined) {
    c.reply.raw(Shared.emptyArray)
    return
  }
  const llen = l.length
  if (start < 0) start += llen
  if (end < 0) end += llen
  if (start < 0) start = 0
  if (start > end || start >= llen) {
    c.reply.raw(Shared.emptyArray)
    return
  }
  if (end >= llen) end = llen - 1
  replyRange(c, l, start, end, false)
}

function ltrimCommand(c: Client): void {
  let start = getLong(c, c.argv[2]!)
  if (start === null) return
  let end = getLong(c, c.argv[3]!)
  if (end === null) return
  const key = binaryString(c.argv[1]!)
  const l = listForWrite(c, key)
  if (l === null) return
  if (l === undefined) {
    c.reply.raw(Shared.ok)
    return
  }
  const llen = l.length
  if (start < 0) start += llen
  if (end < 0) end += llen
  if (start < 0) start = 0
  let ltrim: number
  let rtrim: number
  if (start > end || start >= llen) {
    ltrim = llen
    rtrim = 0
    l.clear()
  } else {
    if (end >= llen) end = llen - 1
    ltrim = start
    rtrim = llen - end - 1
    if (ltrim + rtrim > 0) l.trim(start, end)
  }
  if (l.length === 0) c.db.delete(key)
  c.modified(key, ltrim + rtrim)
  c.reply.raw(Shared.ok)
}

function lremCommand(c: Client): void {
  const toremove = getLong(c, c.argv[2]!)
  if (toremove === null) return
  const key = binaryString(c.argv[1]!)
  const l = listForWrite(c, key)
  if (l === null) return
  if (l === undefined) {
    c.reply.raw(Shared.czero)
    return
  }
  const removed = l.remove(c.argv[3]!, Math.abs(toremove), toremove < 0)
  if (removed > 0) {
    if (l.length === 0) c.db.delete(key)
    c.modified(key, removed)
  }
  c.reply.integer(removed)
}

function lposCommand(c: Client): void {
  const argv = c.argv
  const ele = argv[2]!
  let direction = LIST_TAIL
  let rank = 1
  let rankMin = false
  let count = -1
  let maxlen = 0
  for (let j = 3; j < argv.length; j++) {
    const moreargs = argv.length - 1 - j
    const opt = argv[j]!
    if (argIs(opt, 'rank') && moreargs) {
      j++
      const v = string2ll(argv[j]!)
      if (v === null) {
        c.error('value is not an integer or out of range')
        return
      }
      if (v === 0) {
        c.error(
          'RANK can\'t be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list'
        )
        return
      }
      rankMin = v === LLONG_MIN_BIG
      rank = Number(v)
    } else if (argIs(opt, 'count') && moreargs) {
      j++
      const n = getRangeLong(c, argv[j]!, 0, LONG_MAX, "COUNT can't be negative")
      if (n === null) return
      count = n
    } else if (argIs(opt, 'maxlen') && moreargs) {
      j++
      const n = getRangeLong(c, argv[j]!, 0, LONG_MAX, "MAXLEN can't be negative")
      if (n === null) return
      maxlen = n
    } else {
      c.error('syntax error')
      return
    }
  }
  if (rank < 0) {
    rank = -rank
    direction = LIST_HEAD
  }
  const l = listForRead(c, binaryString(argv[1]!))
  if (l === null) return
  if (l === undefined) {
    if (count !== -1) c.reply.raw(Shared.emptyArray)
    else c.reply.nullBulk()
    return
  }
  let matches = 0
  let matchindex = -1
  const found: number[] | null = count !== -1 ? [] : null
  l.scanEqual(ele, direction === LIST_HEAD, maxlen, (i) => {
    matches++
    if (!rankMin && matches < rank) return true
    if (found === null) {
      matchindex = i
      return false
    }
    found.push(i)
    return !(count && !rankMin && matches - rank + 1 >= count)
  })
  if (found) {
    c.reply.arrayLen(found.length)
    for (const i of found) c.reply.integer(i)
  } else if (matchindex !== -1) c.reply.integer(matchindex)
  else c.reply.nullBulk()
}

// ---- LMOVE / RPOPLPUSH ----

/** lmoveHandlePush: pushes value to dst (created if missing) and replies with it. */
function lmoveHandlePush(c: Client, dstkey: string, dst: RedisList | undefined, element: ListElement, where: number): void {
  if (dst === undefined) {
    dst = new RedisList()
    c.db.set(dstkey, dst)
    signalKeyAsReady(c.db, dstkey)
  }
  c.modified(dstkey, 0)
  dst.pushRaw(element, where === LIST_HEAD)
  replyElement(c.reply, element)
}

function positionArg(where: number): Buffer {
  return where === LIST_HEAD ? B_LEFT : B_RIGHT
}

/**
 * lmoveGenericCommand over (src, dst). Returns after replying; `propagate` rewrites the
 * command for replicas (blocking forms).
 */
function lmoveGeneric(c: Client, srcArg: Buffer, dstArg: Buffer, wherefrom: number, whereto: number, propagate: Buffer[] | null): void {
  const src = binaryString(srcArg)
  const sobj = listForWrite(c, src)
  if (sobj === null) return
  if (sobj === undefined || sobj.length === 0) {
    c.reply.nullBulk()
    return
  }
  const dstkey = binaryString(dstArg)
  const dobj = listForWrite(c, dstkey)
  if (dobj === null) return
  const value = sobj.popRaw(wherefrom === LIST_HEAD)!
  lmoveHandlePush(c, dstkey, dobj, value, whereto)
  if (sobj.length === 0) c.db.delete(src)
  c.modified(src)
  if (propagate) c.propagateAs(propagate)
}

function lmoveCommand(c: Client): void {
  const wherefrom = getListPosition(c, c.argv[3]!)
  if (wherefrom === null) return
  const whereto = getListPosition(c, c.argv[4]!)
  if (whereto === null) return
  lmoveGeneric(c, c.argv[1]!, c.argv[2]!, wherefrom, whereto, null)
}

function rpoplpushCommand(c: Client): void {
  lmoveGeneric(c, c.argv[1]!, c.argv[2]!, LIST_TAIL, LIST_HEAD, null)
}

/** A blocked BLMOVE/BRPOPLPUSH. */
class MoveHandler implements BlockHandler {
  constructor(
    readonly src: Buffer,
    readonly dst: Buffer,
    readonly wherefrom: number,
    readonly whereto: number,
    readonly rpoplpush: boolean
  ) {}

  serve(c: Client, key: string): boolean {
    const o = c.db.lookupWrite(key)
    if (!(o instanceof RedisList) || o.length === 0) return false
    lmoveGeneric(c, this.src, this.dst, this.wherefrom, this.whereto, this.propagation())
    return true
  }

  propagation(): Buffer[] {
    return this.rpoplpush
      ? [B_RPOPLPUSH, this.src, this.dst]
      : [B_LMOVE, this.src, this.dst, positionArg(this.wherefrom), positionArg(this.whereto)]
  }

  timeout(c: Client): void {
    c.reply.nullArray()
  }
}

function blmoveGeneric(c: Client, wherefrom: number, whereto: number, timeout: number, rpoplpush: boolean): void {
  // The arguments outlive this call (socket views): copy them.
  const srcArg = c.argv[1]!
  const src = binaryString(srcArg)
  const sobj = listForWrite(c, src)
  if (sobj === null) return
  const h = new MoveHandler(copyBytes(srcArg), copyBytes(c.argv[2]!), wherefrom, whereto, rpoplpush)
  if (sobj === undefined) {
    if (blockingDenied(c)) {
      c.reply.nullBulk()
      return
    }
    blockForKeys(c, [src], timeout, h)
    return
  }
  lmoveGeneric(c, h.src, h.dst, wherefrom, whereto, h.propagation())
}

function blmoveCommand(c: Client): void {
  const wherefrom = getListPosition(c, c.argv[3]!)
  if (wherefrom === null) return
  const whereto = getListPosition(c, c.argv[4]!)
  if (whereto === null) return
  const timeout = parseBlockTimeout(c, c.argv[5]!)
  if (timeout === null) return
  blmoveGeneric(c, wherefrom, whereto, timeout, false)
}

function brpoplpushCommand(c: Client): void {
  const timeout = parseBlockTimeout(c, c.argv[3]!)
  if (timeout === null) return
  blmoveGeneric(c, LIST_TAIL, LIST_HEAD, timeout, true)
}

// ---- BLPOP / BRPOP / LMPOP / BLMPOP ----

/**
 * Pops from a non-empty list and replies: count === -1 → [key, value] (BLPOP), else
 * [key, [values…]] (LMPOP). Sets the propagation ([LR]POP key [count]).
 */
function popAndReplyWithKey(c: Client, keyArg: Buffer, key: string, l: RedisList, where: number, count: number): void {
  const llen = l.length
  c.reply.arrayLen(2)
  c.reply.bulk(keyArg)
  const cmd = where === LIST_HEAD ? B_LPOP : B_RPOP
  if (count === -1) {
    l.replyPop(c.reply, where === LIST_HEAD)
    elementsRemoved(c, key, l, 1)
    c.propagateAs([cmd, keyArg])
    return
  }
  const n = Math.min(count, llen)
  c.reply.arrayLen(n)
  for (let i = 0; i < n; i++) l.replyPop(c.reply, where === LIST_HEAD)
  elementsRemoved(c, key, l, n)
  c.propagateAs([cmd, keyArg, Buffer.from(String(n))])
}

/** A blocked BLPOP/BRPOP/BLMPOP. */
class PopHandler implements BlockHandler {
  constructor(
    readonly keyArgs: Map<string, Buffer>,
    readonly where: number,
    readonly count: number
  ) {}

  serve(c: Client, key: string): boolean {
    const o = c.db.lookupWrite(key)
    if (!(o instanceof RedisList) || o.length === 0) return false
    popAndReplyWithKey(c, this.keyArgs.get(key)!, key, o, this.where, this.count)
    return true
  }

  timeout(c: Client): void {
    c.reply.nullArray()
  }
}

/** blockingPopGenericCommand over keyArgs (timeout at argv[timeoutIdx]). */
function blockingPopGeneric(c: Client, first: number, numkeys: number, where: number, timeoutIdx: number, count: number): void {
  const timeout = parseBlockTimeout(c, c.argv[timeoutIdx]!)
  if (timeout === null) return
  const argv = c.argv
  for (let j = first; j < first + numkeys; j++) {
    const key = binaryString(argv[j]!)
    const l = listForWrite(c, key)
    if (l === null) return
    if (l === undefined || l.length === 0) continue
    popAndReplyWithKey(c, argv[j]!, key, l, where, count)
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
  blockForKeys(c, keys, timeout, new PopHandler(keyArgs, where, count))
}

function blpopCommand(c: Client): void {
  blockingPopGeneric(c, 1, c.argv.length - 2, LIST_HEAD, c.argv.length - 1, -1)
}
function brpopCommand(c: Client): void {
  blockingPopGeneric(c, 1, c.argv.length - 2, LIST_TAIL, c.argv.length - 1, -1)
}

/** lmpopGenericCommand: LMPOP numkeys key… LEFT|RIGHT [COUNT n] (numkeysIdx 1 or 2). */
function lmpopGeneric(c: Client, numkeysIdx: number, block: boolean): void {
  const argv = c.argv
  const numkeys = getRangeLong(c, argv[numkeysIdx]!, 1, LONG_MAX, 'numkeys should be greater than 0')
  if (numkeys === null) return
  const whereIdx = numkeysIdx + numkeys + 1
  if (whereIdx >= argv.length) {
    c.error('syntax error')
    return
  }
  const where = getListPosition(c, argv[whereIdx]!)
  if (where === null) return
  let count = -1
  for (let j = whereIdx + 1; j < argv.length; j++) {
    const moreargs = argv.length - 1 - j
    if (count === -1 && argIs(argv[j]!, 'count') && moreargs) {
      j++
      const n = getRangeLong(c, argv[j]!, 1, LONG_MAX, 'count should be greater than 0')
      if (n === null) return
      count = n
    } else {
      c.error('syntax error')
      return
    }
  }
  if (count === -1) count = 1
  if (block) {
    blockingPopGeneric(c, numkeysIdx + 1, numkeys, where, 1, count)
    return
  }
  for (let j = numkeysIdx + 1; j < whereIdx; j++) {
    const key = binaryString(argv[j]!)
    const l = listForWrite(c, key)
    if (l === null) return
    if (l === undefined || l.length === 0) continue
    popAndReplyWithKey(c, argv[j]!, key, l, where, count)
    return
  }
  c.reply.nullArray()
}

function lmpopCommand(c: Client): void {
  lmpopGeneric(c, 1, false)
}
function blmpopCommand(c: Client): void {
  lmpopGeneric(c, 2, true)
}

// CLIENT UNBLOCK id [TIMEOUT|ERROR] (commands/client.ts) unblocks through blocking.ts.
setUnblockHandler((target, timeout) => unblockClient(target, !timeout))

export const listsCommands: CommandSpec[] = [
  redisCommand('lpush', lpushCommand),
  redisCommand('rpush', rpushCommand),
  redisCommand('lpushx', lpushxCommand),
  redisCommand('rpushx', rpushxCommand),
  redisCommand('linsert', linsertCommand),
  redisCommand('llen', llenCommand),
  redisCommand('lindex', lindexCommand),
  redisCommand('lset', lsetCommand),
  redisCommand('lpop', lpopCommand),
  redisCommand('rpop', rpopCommand),
  redisCommand('lrange', lrangeCommand),
  redisCommand('ltrim', ltrimCommand),
  redisCommand('lrem', lremCommand),
  redisCommand('lpos', lposCommand),
  redisCommand('lmove', lmoveCommand),
  redisCommand('rpoplpush', rpoplpushCommand),
  redisCommand('lmpop', lmpopCommand),
  redisCommand('blpop', blpopCommand),
  redisCommand('brpop', brpopCommand),
  redisCommand('blmove', blmoveCommand),
  redisCommand('brpoplpush', brpoplpushCommand),
  redisCommand('blmpop', blmpopCommand)
]
