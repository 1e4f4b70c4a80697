/**
 * SORT and SORT_RO (sort.c): BY (with `nosort`-style constant patterns and `->` hash
 * fields), LIMIT, GET (with `#`), ASC|DESC, ALPHA, STORE.
 *
 * The value types are reached through the small adapters at the end of this file
 * (elements of a list/set/zset, a hash field, a new list for STORE).
 */
import type { Client } from '../client'
import { RedisHash } from '../keyspace/hash'
import { RedisList } from '../keyspace/list'
import { RedisSet } from '../keyspace/set'
import { WRONGTYPE_ERR, type RedisValue } from '../keyspace/types'
import { RedisZset } from '../keyspace/zset'
import { parseDouble } from '../numbers'
import { argIs, binaryString, string2ll } from '../util'
import { redisCommand } from './meta'
import type { CommandSpec, KeySpecFlag } from './types'

interface SortItem {
  obj: Buffer
  score: number
  /** ALPHA with BY: the value compared, null when the BY key is missing. */
  cmp: Buffer | null
}

const EMPTY = Buffer.alloc(0)

/**
 * lookupKeyByPattern: `#` is the element itself; otherwise the first '*' is replaced by
 * the element, and a `->field` suffix after it reads a hash field. Null when missing or of
 * the wrong type (or when the pattern has no '*').
 */
function lookupKeyByPattern(c: Client, pattern: Buffer, subst: Buffer): Buffer | null {
  if (pattern.length === 1 && pattern[0] === 35 /* # */) return subst
  // C string semantics: the pattern ends at its first NUL.
  const nul = pattern.indexOf(0)
  const spat = nul === -1 ? pattern : pattern.subarray(0, nul)
  const p = spat.indexOf(42 /* * */)
  if (p === -1) return null
  let field: Buffer | null = null
  let keyEnd = pattern.length
  const f = spat.indexOf('->', p + 1)
  if (f !== -1 && f + 2 < spat.length) {
    field = pattern.subarray(f + 2)
    keyEnd = f
  }
  const key =
    pattern.toString('latin1', 0, p) + subst.toString('latin1') + pattern.toString('latin1', p + 1, keyEnd)
  const o = c.db.lookupRead(key)
  if (o === undefined) return null
  if (field !== null) {
    if (!(o instanceof RedisHash)) return null
    return hashGet(o, field.toString('latin1'))
  }
  return o instanceof Buffer ? o : null
}

/** strtod over the whole value with Redis's checks (trailing bytes, ERANGE, NaN). */
function sortScore(b: Buffer): number | null {
  let s = b.toString('latin1')
  let i = 0
  while (i < s.length && (s.charCodeAt(i) === 32 || (s.charCodeAt(i) >= 9 && s.charCodeAt(i) <= 13))) i++
  s = s.slice(i)
  if (s.length === 0) return 0
  const v = parseDouble(s)
  if (v === null || Number.isNaN(v)) return null
  const body = s.replace(/^[+-]/, '').toLowerCase()
  if (!Number.isFinite(v) && body !== 'inf' && body !== 'infinity') return null
  if (v === 0) {
    // Underflow (ERANGE): a zero result from non-zero digits.
    const hex = body.startsWith('0x')
    const mant = (hex ? body.slice(2) : body).split(hex ? 'p' : 'e')[0]!
    if ((hex ? /[1-9a-f]/ : /[1-9]/).test(mant)) return null
  }
  return v
}

function compareBytes(a: Buffer, b: Buffer): number {
  return Buffer.compare(a, b)
}

function sortGeneric(c: Client, readonly: boolean): void {
  const argv = c.argv
  let desc = false
  let alpha = false
  let limitStart = 0
  let limitCount = -1
  let dontsort = false
  let sortby: Buffer | null = null
  let storekey: Buffer | null = null
  const getops: Buffer[] = []
  for (let j = 2; j < argv.length; j++) {
    const left = argv.length - j - 1
    const a = argv[j]!
    if (argIs(a, 'asc')) desc = false
    else if (argIs(a, 'desc')) desc = true
    else if (argIs(a, 'alpha')) alpha = true
    else if (argIs(a, 'limit') && left >= 2) {
      const s = string2ll(argv[j + 1]!)
      const n = s === null ? null : string2ll(argv[j + 2]!)
      if (s === null || n === null) {
        c.error('value is not an integer or out of range')
        return
      }
      limitStart = Number(s)
      limitCount = Number(n)
      j += 2
    } else if (!readonly && argIs(a, 'store') && left >= 1) {
      storekey = argv[++j]!
    } else if (argIs(a, 'by') && left >= 1) {
      sortby = argv[++j]!
      const nul = sortby.indexOf(0)
      if ((nul === -1 ? sortby : sortby.subarray(0, nul)).indexOf(42) === -1) dontsort = true
    } else if (argIs(a, 'get') && left >= 1) {
      getops.push(argv[++j]!)
    } else {
      c.error('syntax error')
      return
    }
  }

  const sortval = c.db.lookupRead(binaryString(argv[1]!))
  if (
    sortval !== undefined &&
    !(sortval instanceof RedisList) &&
    !(sortval instanceof RedisSet) &&
    !(sortval instanceof RedisZset)
  ) {
    c.error(WRONGTYPE_ERR)
    return
  }
  const isSet = sortval instanceof RedisSet
  const isOrdered = sortval instanceof RedisList || sortval instanceof RedisZset
  // A set has no stable order: with STORE, sort it so replicas get the same list.
  if (dontsort && isSet && storekey !== null) {
    dontsort = false
    alpha = true
    sortby = null
  }

  const all = sortval === undefined ? [] : elementsOf(sortval)
  let vectorlen = all.length
  let start = limitStart < 0 ? 0 : limitStart
  let end = limitCount < 0 ? vectorlen - 1 : start + limitCount - 1
  if (start >= vectorlen) {
    start = vectorlen - 1
    end = vectorlen - 2
  }
  if (end >= vectorlen) end = vectorlen - 1

  let vector: SortItem[]
  if (isOrdered && dontsort) {
    // Native order (reversed for DESC), just the LIMIT range.
    vector = []
    if (end >= start) {
      for (let j = start; j <= end; j++) {
        const obj = desc ? all[vectorlen - 1 - j]! : all[j]!
        vector.push({ obj, score: 0, cmp: null })
      }
      end -= start
      start = 0
    }
    vectorlen = vector.length
  } else {
    vector = all.map((obj) => ({ obj, score: 0, cmp: null }))
  }

  let conversionError = false
  if (!dontsort) {
    for (const item of vector) {
      let byval: Buffer | null
      if (sortby !== null) {
        byval = lookupKeyByPattern(c, sortby, item.obj)
        if (byval === null) continue
      } else {
        byval = item.obj
      }
      if (alpha) {
        if (sortby !== null) item.cmp = byval
      } else {
        const score = sortScore(byval)
        if (score === null) conversionError = true
        else item.score = score
      }
    }
    const sign = desc ? -1 : 1
    const byPattern = sortby !== null
    vector.sort((a, b) => {
      let cmp: number
      if (!alpha) {
        if (a.score > b.score) cmp = 1
        else if (a.score < b.score) cmp = -1
        else cmp = compareBytes(a.obj, b.obj)
      } else if (byPattern) {
        if (a.cmp === null || b.cmp === null) cmp = a.cmp === b.cmp ? 0 : a.cmp === null ? -1 : 1
        else cmp = compareBytes(a.cmp, b.cmp)
      } else {
        cmp = compareBytes(a.obj, b.obj)
      }
      return sign * cmp
    })
  }

  const outputlen = getops.length ? getops.length * (end - start + 1) : end - start + 1
  if (conversionError) {
    c.error("One or more scores can't be converted into double")
    return
  }
  if (storekey === null) {
    c.reply.arrayLen(outputlen)
    for (let j = start; j <= end; j++) {
      const obj = vector[j]!.obj
      if (getops.length === 0) c.reply.bulk(obj)
      for (const pat of getops) c.reply.bulk(lookupKeyByPattern(c, pat, obj))
    }
    return
  }
  const out: Buffer[] = []
  for (let j = start; j <= end; j++) {
    const obj = vector[j]!.obj
    if (getops.length === 0) out.push(obj)
    for (const pat of getops) out.push(lookupKeyByPattern(c, pat, obj) ?? EMPTY)
  }
  const skey = storekey.toString('latin1')
  if (outputlen > 0) {
    c.db.set(skey, makeList(out))
    c.modified(skey, outputlen)
  } else if (c.db.delete(skey)) {
    c.modified(skey)
  }
  c.reply.integer(outputlen)
}

function sortCommand(c: Client): void {
  sortGeneric(c, false)
}

function sortRoCommand(c: Client): void {
  sortGeneric(c, true)
}

/** sortGetKeys: the sorted key, and the last STORE destination (LIMIT/GET/BY skipped). */
function sortGetKeys(argv: Buffer[]): { pos: number; flags: readonly KeySpecFlag[] }[] {
  const keys: { pos: number; flags: readonly KeySpecFlag[] }[] = [{ pos: 1, flags: ['RO', 'access'] }]
  let store = -1
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i]!
    if (argIs(a, 'limit')) i += 2
    else if (argIs(a, 'get') || argIs(a, 'by')) i += 1
    else if (argIs(a, 'store') && i + 1 < argv.length) store = i + 1
  }
  if (store !== -1) keys.push({ pos: store, flags: ['OW', 'update'] })
  return keys
}

export const sortCommands: CommandSpec[] = [
  redisCommand('sort', { proc: sortCommand, getKeys: sortGetKeys }),
  redisCommand('sort_ro', sortRoCommand)
]

// ---- adapters to the value types ----

type Anyish = Record<string, unknown>

function toBuf(x: unknown): Buffer {
  if (x instanceof Buffer) return x
  if (typeof x === 'string') return Buffer.from(x, 'latin1')
  if (typeof x === 'number' || typeof x === 'bigint') return Buffer.from(String(x))
  if (x instanceof Uint8Array) return Buffer.from(x)
  throw new Error('SORT: unexpected element type')
}

function call(v: object, names: string[], ...args: unknown[]): { ok: boolean; value: unknown } {
  for (const n of names) {
    const f = (v as Anyish)[n]
    if (typeof f === 'function') return { ok: true, value: (f as (...a: unknown[]) => unknown).apply(v, args) }
  }
  return { ok: false, value: undefined }
}

/**
 * Elements of a list (head to tail), set (any order) or zset (by score ascending, then
 * member). Contract with the value types: a `sortElements()` method returning an iterable
 * of Buffers or binary strings is used when present; otherwise a set's values(), a list's
 * toArray() or iterator. A zset must provide sortElements() (its other iterators may yield
 * scores or pairs, so guessing could sort the wrong things).
 */
function elementsOf(v: RedisValue): Buffer[] {
  const obj = v as object
  let r = call(obj, ['sortElements'])
  if (!r.ok && v instanceof RedisSet) r = call(obj, ['values'])
  if (!r.ok && v instanceof RedisList) {
    r = call(obj, ['toArray'])
    if (!r.ok && typeof (obj as Anyish)[Symbol.iterator as unknown as string] === 'function') r = { ok: true, value: obj }
  }
  if (!r.ok) throw new Error('SORT: this value type has no sortElements()')
  const out: Buffer[] = []
  for (const e of r.value as Iterable<unknown>) out.push(toBuf(e))
  return out
}

function hashGet(h: RedisHash, field: string): Buffer | null {
  const r = call(h, ['get', 'getField', 'hget'], field)
  if (!r.ok) throw new Error('SORT: cannot read hash fields')
  return r.value === undefined || r.value === null ? null : toBuf(r.value)
}

/** A new list holding items, head to tail. */
function makeList(items: Buffer[]): RedisValue {
  const ctor = RedisList as unknown as Anyish & (new () => RedisList)
  for (const n of ['from', 'fromArray', 'of']) {
    if (typeof ctor[n] === 'function') return (ctor[n] as (a: Buffer[]) => RedisList)(items)
  }
  const l = new ctor()
  for (const it of items) {
    if (!call(l, ['rpush', 'pushTail', 'push', 'append'], it).ok) throw new Error('SORT: cannot build a list')
  }
  return l
}
