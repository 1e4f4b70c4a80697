/**
 * Connection commands: PING, ECHO, QUIT, SELECT.
 */
import type { Client } from '../client'
import { Shared } from '../resp/reply-writer'
import { string2ll } from '../util'
import { redisCommand } from './meta'
import type { CommandSpec } from './types'

function pingCommand(c: Client): void {
  if (c.argv.length > 2) {
    c.error(`wrong number of arguments for '${c.cmd!.fullname}' command`)
    return
  }
  if (c.argv.length === 1) c.reply.raw(Shared.pong)
  else c.reply.bulk(c.argv[1]!)
}

function echoCommand(c: Client): void {
  c.reply.bulk(c.argv[1]!)
}

function quitCommand(c: Client): void {
  c.reply.raw(Shared.ok)
  c.closeAfterReply = true
}

/** getIntFromObjectOrReply: a 32-bit integer, or replies with the error and returns null. */
export function getIntOrReply(c: Client, arg: Buffer): number | null {
  const v = string2ll(arg)
  if (typeof v !== 'number' || v > 2147483647 || v < -2147483648) {
    c.error('value is not an integer or out of range')
    return null
  }
  return v
}

function selectCommand(c: Client): void {
  const id = getIntOrReply(c, c.argv[1]!)
  if (id === null) return
  if (id < 0 || id >= c.server.keyspace.dbs.length) {
    c.error('DB index is out of range')
    return
  }
  c.db = c.server.keyspace.db(id)
  c.reply.raw(Shared.ok)
}

export const connectionCommands: CommandSpec[] = [
  redisCommand('ping', pingCommand),
  redisCommand('echo', echoCommand),
  redisCommand('quit', quitCommand),
  redisCommand('select', selectCommand)
]
