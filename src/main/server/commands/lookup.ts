/**
 * Typed key lookups (lookupKeyReadOrReply + checkType): the value if it is of the wanted
 * type, undefined when the key is missing, null after replying WRONGTYPE.
 */
import type { Client } from '../client'
import { WRONGTYPE_ERR } from '../keyspace/types'

type ValueClass<T> = abstract new (...args: never[]) => T

export function lookupReadAs<T>(c: Client, key: string, type: ValueClass<T>): T | undefined | null {
  return checkType(c, c.db.lookupRead(key), type)
}

export function lookupWriteAs<T>(c: Client, key: string, type: ValueClass<T>): T | undefined | null {
  return checkType(c, c.db.lookupWrite(key), type)
}

function checkType<T>(c: Client, v: unknown, type: ValueClass<T>): T | undefined | null {
  if (v === undefined) return undefined
  if (!(v instanceof type)) {
    c.error(WRONGTYPE_ERR)
    return null
  }
  return v
}
