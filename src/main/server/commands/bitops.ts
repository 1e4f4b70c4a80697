/**
 * Bit operations on strings (bitops.c): SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP, BITFIELD,
 * BITFIELD_RO. Strings are immutable Buffers: a write builds a new one (see extendString
 * in strings.ts for how growth past the end stays amortized O(growth)).
 */
import type { Client } from '../client'
import { rawEncodedStrings } from '../keyspace/db'
import { WRONGTYPE_ERR } from '../keyspace/types'
import { Shared } from '../resp/reply-writer'
import { binaryString, string2ll } from '../util'
import { redisCommand } from './meta'
import { extendString, markRaw, PROTO_MAX_BULK_LEN, stringRead, stringWrite } from './strings'
import type { CommandSpec } from './types'

const BIT_OFFSET_ERR = 'bit offset is not an integer or out of range'

/** getBitOffsetFromArgument: the bit offset, or null after replying. */
function getBitOffset(c: Client, arg: Buffer, hash: boolean, bits: number): number | null {
  let usehash = 0
  if (hash && arg.length > 0 && arg[0] === 0x23 /* # */) usehash = 1
  const v = string2ll(arg, usehash)
  if (v === null) {
    c.error(BIT_OFFSET_ERR)
    return null
  }
  let off = BigInt(v)
  if (usehash) off *= BigInt(bits)
  if (off < 0n || off >> 3n >= BigInt(PROTO_MAX_BULK_LEN)) {
    c.error(BIT_OFFSET_ERR)
    return null
  }
  return Number(off)
}

/**
 * lookupStringForBitCommand: the string at argv[1] grown to hold bit maxbit, as a new
 * Buffer the caller may write from byte `writeFrom` on and must store. Null after WRONGTYPE.
 * `grew` tells whether the key was created or its length changed.
 */
function stringForBitWrite(
  c: Client,
  key: string,
  maxbit: number,
  writeFrom: number
): { b: Buffer; old: Buffer | undefined; grew: boolean } | null {
  const o = stringWrite(c, key)
  if (o === null) return null
  const byte = Math.floor(maxbit / 8)
  if (o === undefined) {
    const b = extendString(EMPTY, byte + 1, 0)
    return { b, old: undefined, grew: true }
  }
  const b = extendString(o, byte + 1, writeFrom)
  return { b, old: o, grew: b.length !== o.length }
}

const EMPTY = Buffer.alloc(0)

function setbitCommand(c: Client): void {
  const argv = c.argv
  const bitoffset = getBitOffset(c, argv[2]!, false, 0)
  if (bitoffset === null) return
  const on = string2ll(argv[3]!)
  if (on === null || (on !== 0 && on !== 1)) {
    c.error('bit is not an integer or out of range')
    return
  }
  const key = binaryString(argv[1]!)
  const byte = Math.floor(bitoffset / 8)
  const bit = 7 - (bitoffset & 7)
  // Read the current bit first: no copy when nothing changes.
  const o = stringWrite(c, key)
  if (o === null) return
  const bitval = o !== undefined && byte < o.length ? (o[byte]! >> bit) & 1 : 0
  if (o !== undefined && byte < o.length && bitval === on) {
    // Redis unshares the value (it becomes raw) but changes nothing.
    if (!rawEncodedStrings.has(o)) c.db.set(key, markRaw(Buffer.from(o)), true)
    c.reply.raw(bitval ? Shared.cone : Shared.czero)
    return
  }
  const r = stringForBitWrite(c, key, bitoffset, byte)
  if (r === null) return
  const b = r.b
  b[byte] = (b[byte]! & ~(1 << bit)) | (on << bit)
  c.db.set(key, markRaw(b), true)
  c.modified(key)
  c.reply.raw(bitval ? Shared.cone : Shared.czero)
}

function getbitCommand(c: Client): void {
  const argv = c.argv
  const bitoffset = getBitOffset(c, argv[2]!, false, 0)
  if (bitoffset === null) return
  const o = stringRead(c, binaryString(argv[1]!))
  if (o === null) return
  const byte = Math.floor(bitoffset / 8)
  const bit = 7 - (bitoffset & 7)
  const bitval = o !== undefined && byte < o.length ? (o[byte]! >> bit) & 1 : 0
  c.reply.raw(bitval ? Shared.cone : Shared.czero)
}

// ---- BITCOUNT / BITPOS ---------------------------------------------------------------------

const POPCOUNT8 = new Uint8Array(256)
for (let i = 1; i < 256; i++) POPCOUNT8[i] = (i & 1) + POPCOUNT8[i >> 1]!

function popcount32(x: number): number {
  x = x - ((x >>> 1) & 0x55555555)
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333)
  x = (x + (x >>> 4)) & 0x0f0f0f0f
  return Math.imul(x, 0x01010101) >>> 24
}

/** redisPopcount over b[start, end). */
function popcount(b: Buffer, start: number, end: number): number {
  let count = 0
  let p = start
  while (p < end && ((b.byteOffset + p) & 3) !== 0) count += POPCOUNT8[b[p++]!]!
  const words = (end - p) >> 2
  if (words > 0) {
    const u32 = new Uint32Array(b.buffer, b.byteOffset + p, words)
    for (let i = 0; i < words; i++) count += popcount32(u32[i]!)
    p += words * 4
  }
  while (p < end) count += POPCOUNT8[b[p++]!]!
  return count
}

/** getLongLongFromObjectOrReply as a number (index maths only). */
function getLongLong(c: Client, arg: Buffer): number | null {
  const v = string2ll(arg)
  if (v === null) {
    c.error('value is not an integer or out of range')
    return null
  }
  return Number(v)
}

/** An option argument as strcasecmp sees it: lowercase, up to the first NUL byte. */
function cOpt(arg: Buffer): string {
  const nul = arg.indexOf(0)
  return (nul === -1 ? arg.toString('latin1') : arg.toString('latin1', 0, nul)).toLowerCase()
}

/** BYTE / BIT argument: true for BIT, false for BYTE, null after a syntax error. */
function parseUnit(c: Client, arg: Buffer): boolean | null {
  const s = cOpt(arg)
  if (s === 'bit') return true
  if (s === 'byte') return false
  c.error('syntax error')
  return null
}

function bitcountCommand(c: Client): void {
  const argv = c.argv
  const o = stringRead(c, binaryString(argv[1]!))
  if (o === null) return
  if (o === undefined) {
    c.reply.raw(Shared.czero)
    return
  }
  const strlen = o.length
  if (argv.length === 2) {
    c.reply.integer(popcount(o, 0, strlen))
    return
  }
  if (argv.length !== 4 && argv.length !== 5) {
    c.error('syntax error')
    return
  }
  let start = getLongLong(c, argv[2]!)
  if (start === null) return
  let end = getLongLong(c, argv[3]!)
  if (end === null) return
  if (start < 0 && end < 0 && start > end) {
    c.reply.raw(Shared.czero)
    return
  }
  let isbit = false
  if (argv.length === 5) {
    const u = parseUnit(c, argv[4]!)
    if (u === null) return
    isbit = u
  }
  const totlen = isbit ? strlen * 8 : strlen
  if (start < 0) start = totlen + start
  if (end < 0) end = totlen + end
  if (start < 0) start = 0
  if (end < 0) end = 0
  if (end >= totlen) end = totlen - 1
  if (start > end) {
    c.reply.raw(Shared.czero)
    return
  }
  if (!isbit) {
    c.reply.integer(popcount(o, start, end + 1))
    return
  }
  const sb = Math.floor(start / 8)
  const eb = Math.floor(end / 8)
  let count = popcount(o, sb, eb + 1)
  // Subtract the bits of the edge bytes outside the range.
  const firstMask = ~((1 << (8 - (start & 7))) - 1) & 0xff
  const lastMask = (1 << (7 - (end & 7))) - 1
  count -= POPCOUNT8[o[sb]! & firstMask]! + POPCOUNT8[o[eb]! & lastMask]!
  c.reply.integer(count)
}

/** First position of `bit` in bits [from, to] of b, or -1. */
function findBit(b: Buffer, bit: number, from: number, to: number): number {
  const skip = bit ? 0x00 : 0xff
  let p = from
  // Leading partial byte (bit offsets reach 2^32: no >> on them).
  while (p <= to && (p & 7) !== 0) {
    if (((b[Math.floor(p / 8)]! >> (7 - (p & 7))) & 1) === bit) return p
    p++
  }
  // Whole bytes.
  let byte = Math.floor(p / 8)
  const lastWhole = Math.floor((to + 1) / 8) - 1
  while (byte <= lastWhole && ((b.byteOffset + byte) & 3) !== 0 && b[byte] === skip) byte++
  if (byte + 4 <= lastWhole + 1 && ((b.byteOffset + byte) & 3) === 0) {
    // Four bytes at a time over the aligned middle.
    const words = (lastWhole + 1 - byte) >>> 2
    const u32 = new Uint32Array(b.buffer, b.byteOffset + byte, words)
    const skip32 = bit ? 0 : 0xffffffff
    let w = 0
    while (w < words && u32[w] === skip32) w++
    byte += w * 4
  }
  while (byte <= lastWhole && b[byte] === skip) byte++
  p = byte * 8
  while (p <= to) {
    if (((b[Math.floor(p / 8)]! >> (7 - (p & 7))) & 1) === bit) return p
    p++
  }
  return -1
}

function bitposCommand(c: Client): void {
  const argv = c.argv
  const bitArg = string2ll(argv[2]!)
  if (bitArg === null) {
    c.error('value is not an integer or out of range')
    return
  }
  if (bitArg !== 0 && bitArg !== 1) {
    c.error('The bit argument must be 1 or 0.')
    return
  }
  const bit = bitArg
  const v = c.db.lookupRead(binaryString(argv[1]!))
  if (v === undefined) {
    c.reply.integer(bit ? -1 : 0)
    return
  }
  if (!(v instanceof Buffer)) {
    c.error(WRONGTYPE_ERR)
    return
  }
  const o = v
  const strlen = o.length
  let start: number
  let end: number
  let isbit = false
  let endGiven = false
  if (argv.length >= 4 && argv.length <= 6) {
    const s = getLongLong(c, argv[3]!)
    if (s === null) return
    start = s
    if (argv.length === 6) {
      const u = parseUnit(c, argv[5]!)
      if (u === null) return
      isbit = u
    }
    if (argv.length >= 5) {
      const e = getLongLong(c, argv[4]!)
      if (e === null) return
      end = e
      endGiven = true
    } else {
      end = isbit ? strlen * 8 + 7 : strlen - 1
    }
    const totlen = isbit ? strlen * 8 : strlen
    if (start < 0) start = totlen + start
    if (end < 0) end = totlen + end
    if (start < 0) start = 0
    if (end < 0) end = 0
    if (end >= totlen) end = totlen - 1
  } else if (argv.length === 3) {
    start = 0
    end = strlen - 1
  } else {
    c.error('syntax error')
    return
  }
  if (start > end) {
    c.reply.integer(-1)
    return
  }
  const fromBit = isbit ? start : start * 8
  const toBit = isbit ? end : end * 8 + 7
  const pos = findBit(o, bit, fromBit, toBit)
  if (pos !== -1) c.reply.integer(pos)
  else if (bit === 1 || endGiven) c.reply.integer(-1)
  // Looking for a clear bit with no explicit end: the string is zero-padded on the right.
  else c.reply.integer((Math.floor(toBit / 8) + 1) * 8)
}

// ---- BITOP ---------------------------------------------------------------------------------

function bitopCommand(c: Client): void {
  const argv = c.argv
  const opname = cOpt(argv[1]!)
  let op: number
  if (opname === 'and') op = 0
  else if (opname === 'or') op = 1
  else if (opname === 'xor') op = 2
  else if (opname === 'not') op = 3
  else {
    c.error('syntax error')
    return
  }
  if (op === 3 && argv.length !== 4) {
    c.error('BITOP NOT must be called with a single source key.')
    return
  }
  const db = c.db
  const numkeys = argv.length - 3
  const src: (Buffer | null)[] = new Array(numkeys)
  let maxlen = 0
  for (let j = 0; j < numkeys; j++) {
    const o = db.lookupRead(binaryString(argv[j + 3]!))
    if (o === undefined) {
      src[j] = null
      continue
    }
    if (!(o instanceof Buffer)) {
      c.error(WRONGTYPE_ERR)
      return
    }
    src[j] = o
    if (o.length > maxlen) maxlen = o.length
  }
  const target = binaryString(argv[2]!)
  if (db.expires.size > 0) db.lookupWrite(target)
  if (maxlen > 0) {
    const res = extendString(EMPTY, maxlen, 0)
    if (op === 3) {
      const s = src[0]!
      for (let i = 0; i < maxlen; i++) res[i] = ~s[i]! & 0xff
    } else {
      const first = src[0]
      if (first) first.copy(res, 0)
      // Missing bytes count as zero (res is zero-filled past the first source).
      for (let j = 1; j < numkeys; j++) {
        const s = src[j]
        const slen = s ? s.length : 0
        if (op === 0) {
          for (let i = 0; i < slen; i++) res[i]! &= s![i]!
          res.fill(0, slen, maxlen)
        } else if (op === 1) {
          for (let i = 0; i < slen; i++) res[i]! |= s![i]!
        } else {
          for (let i = 0; i < slen; i++) res[i]! ^= s![i]!
        }
      }
      if (op === 0 && !first) res.fill(0)
    }
    db.set(target, markRaw(res))
    c.modified(target)
  } else if (db.delete(target)) {
    c.modified(target)
  }
  c.reply.integer(maxlen)
}

// ---- BITFIELD ------------------------------------------------------------------------------

const OP_GET = 0
const OP_SET = 1
const OP_INCRBY = 2
const OW_WRAP = 0
const OW_SAT = 1
const OW_FAIL = 2

interface BitfieldOp {
  offset: number
  i64: bigint
  opcode: number
  owtype: number
  bits: number
  sign: boolean
}

const TYPE_ERR = 'Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.'

function getBitfieldType(c: Client, arg: Buffer): { sign: boolean; bits: number } | null {
  const c0 = arg.length > 0 ? arg[0]! | 0x20 : 0
  if (c0 !== 0x69 /* i */ && c0 !== 0x75 /* u */) {
    c.error(TYPE_ERR)
    return null
  }
  const sign = c0 === 0x69
  // strlen(p+1): up to the first NUL byte.
  let end = arg.indexOf(0, 1)
  if (end === -1) end = arg.length
  const v = string2ll(arg, 1, end)
  const bits = v === null ? 0 : Number(v)
  if (v === null || bits < 1 || (sign && bits > 64) || (!sign && bits > 63)) {
    c.error(TYPE_ERR)
    return null
  }
  return { sign, bits }
}

function getUnsignedBitfield(p: Buffer, offset: number, bits: number): bigint {
  let value = 0n
  for (let j = 0; j < bits; j++) {
    const byte = Math.floor(offset / 8)
    const bit = 7 - (offset & 7)
    const bitval = byte < p.length ? (p[byte]! >> bit) & 1 : 0
    value = (value << 1n) | BigInt(bitval)
    offset++
  }
  return value
}

function setUnsignedBitfield(p: Buffer, offset: number, bits: number, value: bigint): void {
  for (let j = 0; j < bits; j++) {
    const bitval = Number((value >> BigInt(bits - 1 - j)) & 1n)
    const byte = Math.floor(offset / 8)
    const bit = 7 - (offset & 7)
    p[byte] = (p[byte]! & ~(1 << bit)) | (bitval << bit)
    offset++
  }
}

function bitfieldGeneric(c: Client, readonlyCmd: boolean): void {
  const argv = c.argv
  const ops: BitfieldOp[] = []
  let owtype = OW_WRAP
  let readonly = true
  let highestWrite = 0
  for (let j = 2; j < argv.length; j++) {
    const remargs = argv.length - j - 1
    const sub = cOpt(argv[j]!)
    let opcode: number
    if (sub === 'get' && remargs >= 2) opcode = OP_GET
    else if (sub === 'set' && remargs >= 3) opcode = OP_SET
    else if (sub === 'incrby' && remargs >= 3) opcode = OP_INCRBY
    else if (sub === 'overflow' && remargs >= 1) {
      const t = cOpt(argv[++j]!)
      if (t === 'wrap') owtype = OW_WRAP
      else if (t === 'sat') owtype = OW_SAT
      else if (t === 'fail') owtype = OW_FAIL
      else {
        c.error('Invalid OVERFLOW type specified')
        return
      }
      continue
    } else {
      c.error('syntax error')
      return
    }
    const type = getBitfieldType(c, argv[j + 1]!)
    if (type === null) return
    const offset = getBitOffset(c, argv[j + 2]!, true, type.bits)
    if (offset === null) return
    let i64 = 0n
    if (opcode !== OP_GET) {
      readonly = false
      if (highestWrite < offset + type.bits - 1) highestWrite = offset + type.bits - 1
      const v = string2ll(argv[j + 3]!)
      if (v === null) {
        c.error('value is not an integer or out of range')
        return
      }
      i64 = BigInt(v)
    }
    ops.push({ offset, i64, opcode, owtype, bits: type.bits, sign: type.sign })
    j += opcode === OP_GET ? 2 : 3
  }

  const key = binaryString(argv[1]!)
  let o: Buffer | undefined
  if (readonly) {
    const v = stringRead(c, key)
    if (v === null) return
    o = v
  } else {
    if (readonlyCmd) {
      c.error('BITFIELD_RO only supports the GET subcommand')
      return
    }
    const old = stringWrite(c, key)
    if (old === null) return
    // Writes may land anywhere: a private copy grown to the highest bit written.
    o = extendString(old ?? EMPTY, Math.floor(highestWrite / 8) + 1, 0)
  }

  const r = c.reply
  r.arrayLen(ops.length)
  let changes = 0
  for (const op of ops) {
    const bits = op.bits
    if (op.opcode === OP_GET) {
      const u = o === undefined ? 0n : getUnsignedBitfield(o, op.offset, bits)
      r.integer(op.sign ? BigInt.asIntN(bits, u) : u)
      continue
    }
    const p = o!
    const oldU = getUnsignedBitfield(p, op.offset, bits)
    const oldval = op.sign ? BigInt.asIntN(bits, oldU) : oldU
    const max = op.sign ? (1n << BigInt(bits - 1)) - 1n : (1n << BigInt(bits)) - 1n
    const min = op.sign ? -max - 1n : 0n
    // For unsigned SET, Redis sees the value as a uint64.
    const target = op.opcode === OP_INCRBY ? oldval + op.i64 : op.sign ? op.i64 : BigInt.asUintN(64, op.i64)
    let newval = target
    let overflow = false
    if (target > max || target < min) {
      overflow = true
      if (op.owtype === OW_WRAP) newval = op.sign ? BigInt.asIntN(bits, target) : BigInt.asUintN(bits, target)
      else if (op.owtype === OW_SAT) newval = target > max ? max : min
    }
    if (!(overflow && op.owtype === OW_FAIL)) {
      r.integer(op.opcode === OP_INCRBY ? newval : oldval)
      setUnsignedBitfield(p, op.offset, bits, BigInt.asUintN(bits, newval))
    } else {
      r.nullBulk()
    }
    changes++
  }
  if (!readonly) {
    c.db.set(key, markRaw(o!), true)
    if (changes) c.modified(key, changes)
  }
}

function bitfieldCommand(c: Client): void {
  bitfieldGeneric(c, false)
}

function bitfieldRoCommand(c: Client): void {
  bitfieldGeneric(c, true)
}

export const bitopsCommands: CommandSpec[] = [
  redisCommand('setbit', setbitCommand),
  redisCommand('getbit', getbitCommand),
  redisCommand('bitcount', bitcountCommand),
  redisCommand('bitpos', bitposCommand),
  redisCommand('bitop', bitopCommand),
  redisCommand('bitfield', bitfieldCommand),
  redisCommand('bitfield_ro', bitfieldRoCommand)
]
