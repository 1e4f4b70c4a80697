/**
 * String commands (t_string.c): SET, GET.
 */
import type { Client } from '../client'
import { WRONGTYPE_ERR } from '../keyspace/types'
import { Shared } from '../resp/reply-writer'
import { string2ll } from '../util'
import type { CommandSpec, KeySpecFlag } from './types'

const LLONG_MAX = 9223372036854775807n

const OBJ_SET_NX = 1 << 0
const OBJ_SET_XX = 1 << 1
const OBJ_EX = 1 << 2
const OBJ_PX = 1 << 3
const OBJ_KEEPTTL = 1 << 4
const OBJ_SET_GET = 1 << 5
const OBJ_EXAT = 1 << 6
const OBJ_PXAT = 1 << 7
const OBJ_PERSIST = 1 << 8

/** Lowercase ASCII option name of an argument, for the option parsers. */
function optName(arg: Buffer): string {
  if (arg.length > 8) return ''
  return arg.toString('latin1').toLowerCase()
}

export const COMMAND_SET = 0
export const COMMAND_GET = 1

/**
 * parseExtendedStringArgumentsOrReply: options of SET (and later GETEX). Returns the flags
 * and the expire argument, or null after replying with a syntax error.
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
 * Uses 64-bit arithmetic so overflows are rejected exactly as Redis does.
 */
export function getExpireMillisecondsOrReply(c: Client, arg: Buffer, flags: number): number | null {
  const v = string2ll(arg)
  if (v === null) {
    c.error('value is not an integer or out of range')
    return null
  }
  let ms = BigInt(v)
  const seconds = (flags & (OBJ_EX | OBJ_EXAT)) !== 0
  if (ms <= 0n || (seconds && ms > LLONG_MAX / 1000n)) {
    c.error(`invalid expire time in '${c.cmd!.fullname}' command`)
    return null
  }
  if (seconds) ms *= 1000n
  if (flags & (OBJ_EX | OBJ_PX)) ms += BigInt(Date.now())
  if (ms > LLONG_MAX) {
    c.error(`invalid expire time in '${c.cmd!.fullname}' command`)
    return null
  }
  return Number(ms)
}

/** getGenericCommand: replies with the string at argv[1]; false after a WRONGTYPE error. */
function getGeneric(c: Client): boolean {
  const v = c.db.lookupRead(c.argv[1]!.toString('latin1'))
  if (v === undefined) {
    c.reply.nullBulk()
    return true
  }
  if (!(v instanceof Buffer)) {
    c.error(WRONGTYPE_ERR)
    return false
  }
  c.reply.bulk(v)
  return true
}

function setCommand(c: Client): void {
  const opts = parseExtendedStringArguments(c, COMMAND_SET)
  if (!opts) return
  const { flags, expire } = opts
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
  const key = c.argv[1]!.toString('latin1')
  const found = db.lookupWrite(key) !== undefined
  if ((flags & OBJ_SET_NX && found) || (flags & OBJ_SET_XX && !found)) {
    if (!(flags & OBJ_SET_GET)) c.reply.nullBulk()
    return
  }
  // Copy: the argument is a view of a socket chunk we must not pin.
  db.set(key, Buffer.from(c.argv[2]!), (flags & OBJ_KEEPTTL) !== 0)
  if (expire) {
    if (when <= Date.now()) db.delete(key)
    else db.setExpire(key, when)
  }
  c.modified(key)
  if (!(flags & OBJ_SET_GET)) c.reply.raw(Shared.ok)
}

/** setGetKeys: the key is read too when GET is given. */
function setGetKeys(argv: Buffer[]): { pos: number; flags: readonly KeySpecFlag[] }[] {
  for (let j = 3; j < argv.length; j++) {
    if (optName(argv[j]!) === 'get') return [{ pos: 1, flags: ['RW', 'access', 'update'] }]
  }
  return [{ pos: 1, flags: ['OW', 'update'] }]
}

function getCommand(c: Client): void {
  getGeneric(c)
}

export const setSpec: CommandSpec = {
  name: 'set',
  arity: -3,
  flags: ['write', 'denyoom'],
  acl: ['write', 'string', 'slow'],
  keySpecs: [
    { notes: 'RW and ACCESS due to the optional `GET` argument', flags: ['RW', 'access', 'update', 'variable_flags'], beginSearch: { type: 'index', index: 1 }, findKeys: { type: 'range', lastkey: 0, keystep: 1, limit: 0 } }
  ],
  keys: [1, 1, 1],
  doc: {
    summary: 'Set the string value of a key',
    since: '1.0.0',
    group: 'string',
    complexity: 'O(1)',
    history: [
      ['2.6.12', 'Added the `EX`, `PX`, `NX` and `XX` options.'],
      ['6.0.0', 'Added the `KEEPTTL` option.'],
      ['6.2.0', 'Added the `GET`, `EXAT` and `PXAT` option.'],
      ['7.0.0', 'Allowed the `NX` and `GET` options to be used together.']
  ],
    arguments: [
    { name: 'key', type: 'key', keySpecIndex: 0 },
    { name: 'value', type: 'string' },
    { name: 'condition', type: 'oneof', since: '2.6.12', flags: ['optional'], arguments: [
      { name: 'nx', type: 'pure-token', token: 'NX' },
      { name: 'xx', type: 'pure-token', token: 'XX' }
    ] },
    { name: 'get', type: 'pure-token', token: 'GET', since: '6.2.0', flags: ['optional'] },
    { name: 'expiration', type: 'oneof', flags: ['optional'], arguments: [
      { name: 'seconds', type: 'integer', token: 'EX', since: '2.6.12' },
      { name: 'milliseconds', type: 'integer', token: 'PX', since: '2.6.12' },
      { name: 'unix-time-seconds', type: 'unix-time', token: 'EXAT', since: '6.2.0' },
      { name: 'unix-time-milliseconds', type: 'unix-time', token: 'PXAT', since: '6.2.0' },
      { name: 'keepttl', type: 'pure-token', token: 'KEEPTTL', since: '6.0.0' }
    ] }
  ]
  },
  proc: setCommand,
  getKeys: setGetKeys
}
export const getSpec: CommandSpec = {
  name: 'get',
  arity: 2,
  flags: ['readonly', 'fast'],
  acl: ['read', 'string', 'fast'],
  keySpecs: [
    { flags: ['RO', 'access'], beginSearch: { type: 'index', index: 1 }, findKeys: { type: 'range', lastkey: 0, keystep: 1, limit: 0 } }
  ],
  keys: [1, 1, 1],
  doc: {
    summary: 'Get the value of a key',
    since: '1.0.0',
    group: 'string',
    complexity: 'O(1)',
    arguments: [
    { name: 'key', type: 'key', keySpecIndex: 0 }
  ]
  },
  proc: getCommand
}

export const stringsCommands: CommandSpec[] = [setSpec, getSpec]
