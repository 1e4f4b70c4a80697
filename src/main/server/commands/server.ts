/**
 * Server commands (server.c / db.c / slowlog.c / latency.c): DBSIZE, FLUSHALL, INFO, TIME,
 * SLOWLOG, LATENCY, SHUTDOWN (LASTSAVE is in persistence.ts).
 */
import type { Client } from '../client'
import { genInfoString } from '../info'
import { Shared } from '../resp/reply-writer'
import { argIs, binaryString, string2ll } from '../util'
import { replyHelp } from './config'
import { redisCommand } from './meta'
import type { CommandSpec } from './types'

function dbsizeCommand(c: Client): void {
  c.reply.integer(c.db.size)
}

/** getFlushCommandFlags: FLUSHALL/FLUSHDB [ASYNC|SYNC]; false after a syntax error. */
export function checkFlushArgs(c: Client): boolean {
  if (c.argv.length > 2) {
    c.error('syntax error')
    return false
  }
  if (c.argv.length === 2 && !argIs(c.argv[1]!, 'sync') && !argIs(c.argv[1]!, 'async')) {
    c.error('syntax error')
    return false
  }
  return true
}

function flushallCommand(c: Client): void {
  if (!checkFlushArgs(c)) return
  // Redis frees big datasets lazily with ASYNC; dropping our Maps is O(1) for us either way.
  // Each database's onFlushed hook invalidates WATCHed keys (touchAllWatchedKeysInDb).
  c.server.stats.dirty += c.server.keyspace.flushAll()
  // Redis: server.dirty++ on top of the removed keys, so FLUSHALL always propagates.
  c.server.stats.dirty++
  c.reply.raw(Shared.ok)
}

function infoCommand(c: Client): void {
  const args = c.argv.slice(1).map((a) => a.toString('latin1'))
  c.reply.verbatim(genInfoString(c.server, args)) // S: a RESP3 verbatim string, as Redis replies
}

function timeCommand(c: Client): void {
  const us = Math.floor((performance.timeOrigin + performance.now()) * 1000)
  c.reply.arrayLen(2)
  c.reply.bulkBinary(String(Math.floor(us / 1e6)))
  c.reply.bulkBinary(String(us % 1e6))
}

// ---- SLOWLOG ----

function slowlogGetCommand(c: Client): void {
  const log = c.server.slowlog.entries
  let count = 10
  if (c.argv.length === 3) {
    const v = string2ll(c.argv[2]!)
    if (v === null || v < -1) {
      c.error('count should be greater than or equal to -1')
      return
    }
    count = v === -1 ? log.length : Number(v)
  } else if (c.argv.length > 3) {
    c.error(`unknown subcommand or wrong number of arguments for '${binaryString(c.argv[1]!).slice(0, 128)}'. Try SLOWLOG HELP.`)
    return
  }
  if (count > log.length) count = log.length
  c.reply.arrayLen(count)
  for (let i = 0; i < count; i++) {
    const e = log[i]!
    c.reply.arrayLen(6)
    c.reply.integer(e.id)
    c.reply.integer(e.time)
    c.reply.integer(e.duration)
    c.reply.arrayLen(e.argv.length)
    for (const a of e.argv) c.reply.bulk(a)
    c.reply.bulkBinary(e.peerid)
    c.reply.bulkBinary(e.cname)
  }
}

function slowlogLenCommand(c: Client): void {
  c.reply.integer(c.server.slowlog.entries.length)
}

function slowlogResetCommand(c: Client): void {
  c.server.slowlog.reset()
  c.reply.raw(Shared.ok)
}

// ---- LATENCY (no latency events are recorded by the embedded server yet) ----

function latencyLatestCommand(c: Client): void {
  c.reply.arrayLen(0)
}

function latencyHistoryCommand(c: Client): void {
  c.reply.arrayLen(0)
}

function latencyResetCommand(c: Client): void {
  c.reply.integer(0)
}

function latencyGraphCommand(c: Client): void {
  c.error(`No samples available for event '${binaryString(c.argv[2]!)}'`)
}

function latencyDoctorCommand(c: Client): void {
  if (c.server.config.getNumber('latency-monitor-threshold') === 0) {
    c.reply.bulkBinary("I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis instance. " +
      'You may use "CONFIG SET latency-monitor-threshold <milliseconds>." in order to enable it. ' +
      "If we weren't in a deep space mission I'd suggest to take a look at https://redis.io/topics/latency-monitor.\n")
  } else {
    c.reply.bulkBinary('Dave, no latency spike was observed during the lifetime of this Redis instance, not in the ' +
      'slightest bit. I honestly think you ought to sit down calmly, take a stress pill, and think things over.\n')
  }
}

// ---- SHUTDOWN ----

function shutdownCommand(c: Client): void {
  let nosave = false
  let save = false
  let now = false
  let force = false
  let abort = false
  for (let i = 1; i < c.argv.length; i++) {
    const a = c.argv[i]!
    if (argIs(a, 'nosave')) nosave = true
    else if (argIs(a, 'save')) save = true
    else if (argIs(a, 'now')) now = true
    else if (argIs(a, 'force')) force = true
    else if (argIs(a, 'abort')) abort = true
    else {
      c.error('syntax error')
      return
    }
  }
  if ((abort && (nosave || save || now || force)) || (nosave && save)) {
    c.error('syntax error')
    return
  }
  if (abort) {
    c.error('No shutdown in progress.')
    return
  }
  // prepareForShutdown: save when asked to, or by default when save points are set (on a
  // server that keeps a dump file: RedisServerOptions.rdbFile).
  const server = c.server
  const saveMode = save ? true : nosave ? false : server.rdbFile ? undefined : false
  if (!server.persistence.prepareForShutdown(saveMode, force)) {
    c.error('Errors trying to SHUTDOWN. Check logs.')
    return
  }
  // The connection closes without a reply, as in Redis.
  c.reply.discard()
  setImmediate(() => {
    void server.close().then(() => server.emit('shutdown'))
  })
}

export const serverCommands: CommandSpec[] = [
  redisCommand('dbsize', dbsizeCommand),
  redisCommand('flushall', flushallCommand),
  redisCommand('info', infoCommand),
  redisCommand('time', timeCommand),
  redisCommand('slowlog', null, {
    get: slowlogGetCommand,
    len: slowlogLenCommand,
    reset: slowlogResetCommand,
    help: (c) => replyHelp(c, 'slowlog')
  }),
  redisCommand('latency', null, {
    latest: latencyLatestCommand,
    history: latencyHistoryCommand,
    reset: latencyResetCommand,
    graph: latencyGraphCommand,
    doctor: latencyDoctorCommand,
    help: (c) => replyHelp(c, 'latency')
  }),
  redisCommand('shutdown', shutdownCommand)
]
