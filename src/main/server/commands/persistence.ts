/**
 * Persistence commands (rdb.c, cluster.c's DUMP/RESTORE): SAVE, BGSAVE, LASTSAVE, DUMP, RESTORE.
 */
import type { Client } from '../client'
import { RdbError } from '../rdb/errors'
import { Shared } from '../resp/reply-writer'
import { argIs, binaryString, string2ll } from '../util'
import { createDumpPayload, parseDumpPayload, verifyDumpPayload } from '../persistence/dump-payload'
import { rdbWriterFor } from '../persistence/snapshot'
import { fromRdbValue, toRdbValue } from '../persistence/value-codec'
import { redisCommand } from './meta'
import type { CommandSpec } from './types'

const BUSYKEY_ERR = '-BUSYKEY Target key name already exists.'
const ABSTTL = Buffer.from('ABSTTL')
const DEL = Buffer.from('DEL')

function saveCommand(c: Client): void {
  const p = c.server.persistence
  if (p.bgsaveInProgress) {
    c.error('Background save already in progress')
    return
  }
  try {
    p.save()
  } catch {
    c.error('-ERR')
    return
  }
  c.reply.raw(Shared.ok)
}

function bgsaveCommand(c: Client): void {
  // SCHEDULE only matters while another child (an AOF rewrite) runs in Redis: never here.
  if (c.argv.length > 1) {
    if (!(c.argv.length === 2 && argIs(c.argv[1]!, 'schedule'))) {
      c.error('syntax error')
      return
    }
  }
  const p = c.server.persistence
  if (p.bgsaveInProgress) {
    c.error('Background save already in progress')
  } else if (c.inExec) {
    // Redis cannot fork inside EXEC: it schedules (BGSAVE SCHEDULE or not).
    p.bgsaveScheduled = true
    c.reply.status('Background saving scheduled')
  } else {
    p.startBgsave()
    c.reply.status('Background saving started')
  }
}

function lastsaveCommand(c: Client): void {
  c.reply.integer(c.server.lastSaveTime)
}

function dumpCommand(c: Client): void {
  const v = c.db.lookupRead(binaryString(c.argv[1]!))
  if (v === undefined) {
    c.reply.nullBulk()
    return
  }
  c.reply.bulk(createDumpPayload(rdbWriterFor(c.server), toRdbValue(v)))
}

/** RESTORE key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency] */
function restoreCommand(c: Client): void {
  const argv = c.argv
  let replace = false
  let absttl = false
  let lfuFreq = -1n
  let lruIdle = -1n
  for (let j = 4; j < argv.length; j++) {
    const additional = argv.length - j - 1
    const a = argv[j]!
    if (argIs(a, 'replace')) replace = true
    else if (argIs(a, 'absttl')) absttl = true
    else if (argIs(a, 'idletime') && additional >= 1 && lfuFreq === -1n) {
      const v = string2ll(argv[j + 1]!)
      if (v === null) {
        c.error('value is not an integer or out of range')
        return
      }
      if (v < 0) {
        c.error('Invalid IDLETIME value, must be >= 0')
        return
      }
      lruIdle = BigInt(v)
      j++
    } else if (argIs(a, 'freq') && additional >= 1 && lruIdle === -1n) {
      const v = string2ll(argv[j + 1]!)
      if (v === null) {
        c.error('value is not an integer or out of range')
        return
      }
      if (v < 0 || v > 255) {
        c.error('Invalid FREQ value, must be >= 0 and <= 255')
        return
      }
      lfuFreq = BigInt(v)
      j++
    } else {
      c.error('syntax error')
      return
    }
  }
  const server = c.server
  const db = c.db
  const key = binaryString(argv[1]!)
  if (!replace && db.lookupWrite(key) !== undefined) {
    c.error(BUSYKEY_ERR)
    return
  }
  const ttlArg = string2ll(argv[2]!)
  if (ttlArg === null) {
    c.error('value is not an integer or out of range')
    return
  }
  if (ttlArg < 0) {
    c.error('Invalid TTL value, must be >= 0')
    return
  }
  const payload = argv[3]!
  if (!verifyDumpPayload(payload)) {
    c.error('DUMP payload version or checksum are wrong')
    return
  }
  let value
  try {
    const type = payload[0]!
    // rdbIsObjectType of 7.0: 0-7 and 9-19 (no listpack sets, no stream v3).
    if (!((type <= 7) || (type >= 9 && type <= 19))) throw new RdbError(`unknown type ${type}`)
    value = fromRdbValue(parseDumpPayload(payload), server)
    if (value === null) throw new RdbError('empty key')
  } catch (err) {
    // RangeError: absurd lengths in a forged payload (huge allocations).
    if (!(err instanceof RdbError) && !(err instanceof RangeError)) throw err
    c.error('Bad data format')
    return
  }
  let deleted = false
  if (replace) deleted = db.delete(key)
  let ttl = Number(ttlArg)
  if (ttl !== 0 && !absttl) ttl += Date.now()
  if (ttl !== 0 && ttl <= Date.now() && !server.replication.isReplica) {
    // Already expired: nothing is created (the old key, if replaced, is gone: a DEL).
    if (deleted) {
      c.propagateAs([DEL, argv[1]!])
      c.modified(key)
    }
    c.reply.raw(Shared.ok)
    return
  }
  db.set(key, value)
  if (ttl !== 0) {
    db.setExpire(key, ttl)
    // Propagated with an absolute time, as Redis rewrites it.
    if (!absttl) c.propagateAs([...argv.slice(0, 2), Buffer.from(String(ttl)), ...argv.slice(3), ABSTTL])
  }
  c.modified(key)
  c.reply.raw(Shared.ok)
}

export const persistenceCommands: CommandSpec[] = [
  redisCommand('save', saveCommand),
  redisCommand('bgsave', bgsaveCommand),
  redisCommand('lastsave', lastsaveCommand),
  redisCommand('dump', dumpCommand),
  redisCommand('restore', restoreCommand)
]
