/**
 * Connection commands: PING, ECHO, QUIT, SELECT, AUTH, HELLO, RESET, MONITOR.
 */
import type { Client } from '../client'
import { Shared } from '../resp/reply-writer'
import { REDIS_VERSION } from '../info'
import { argIs, binaryString, string2ll } from '../util'
import { discardTransaction } from './transactions'
import { redisCommand } from './meta'
import type { CommandSpec } from './types'

function pingCommand(c: Client): void {
  if (c.argv.length > 2) {
    c.error(`wrong number of arguments for '${c.cmd!.fullname}' command`)
    return
  }
  if (c.inPubSub && c.reply.resp === 2) {
    // In RESP2 subscribed mode the reply is shaped like a message.
    c.reply.arrayLen(2)
    c.reply.raw(PONG_BULK)
    if (c.argv.length === 1) c.reply.raw(Shared.emptyBulk)
    else c.reply.bulk(c.argv[1]!)
    return
  }
  if (c.argv.length === 1) c.reply.raw(Shared.pong)
  else c.reply.bulk(c.argv[1]!)
}

const PONG_BULK = Buffer.from('$4\r\npong\r\n')

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

/**
 * ACLAuthenticateUser for the default user (the only one without ACLs): with no
 * requirepass the default user is "nopass" and any password works.
 */
function authenticate(c: Client, username: Buffer, password: Buffer): boolean {
  if (username.length !== 7 || username.toString('latin1') !== 'default') return false
  const pass = c.server.requirepass
  if (pass !== '' && password.toString('latin1') !== pass) return false
  c.authenticated = true
  return true
}

const WRONGPASS = '-WRONGPASS invalid username-password pair or user is disabled.'

function authCommand(c: Client): void {
  const argc = c.argv.length
  if (argc > 3) {
    c.error('syntax error')
    return
  }
  // Always hidden from MONITOR, whatever happens next.
  c.redactArg(1)
  if (argc === 3) c.redactArg(2)
  let username: Buffer
  let password: Buffer
  if (argc === 2) {
    if (c.server.requirepass === '') {
      c.error(
        'AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?'
      )
      return
    }
    username = DEFAULT_USER
    password = c.argv[1]!
  } else {
    username = c.argv[1]!
    password = c.argv[2]!
  }
  if (authenticate(c, username, password)) c.reply.raw(Shared.ok)
  else c.error(WRONGPASS)
}

const DEFAULT_USER = Buffer.from('default')

/** validateClientName: printable ASCII without spaces (empty allowed). */
function validClientName(name: Buffer): boolean {
  for (let j = 0; j < name.length; j++) if (name[j]! < 33 || name[j]! > 126) return false
  return true
}

function helloCommand(c: Client): void {
  const argv = c.argv
  let ver = 0
  let next = 1
  if (argv.length >= 2) {
    const v = string2ll(argv[next++]!)
    if (typeof v !== 'number') {
      c.error('Protocol version is not an integer or out of range')
      return
    }
    if (v < 2 || v > 3) {
      c.error('-NOPROTO unsupported protocol version')
      return
    }
    ver = v
  }
  let username: Buffer | null = null
  let password: Buffer | null = null
  let clientName: Buffer | null = null
  for (let j = next; j < argv.length; j++) {
    const more = argv.length - 1 - j
    if (argIs(argv[j]!, 'auth') && more >= 2) {
      c.redactArg(j + 1)
      c.redactArg(j + 2)
      username = argv[j + 1]!
      password = argv[j + 2]!
      j += 2
    } else if (argIs(argv[j]!, 'setname') && more >= 1) {
      clientName = argv[j + 1]!
      j++
    } else {
      c.error(`Syntax error in HELLO option '${binaryString(argv[j]!)}'`)
      return
    }
  }
  if (username !== null && password !== null && !authenticate(c, username, password)) {
    c.error(WRONGPASS)
    return
  }
  if (!c.authenticated && c.server.requirepass !== '') {
    c.error(
      '-NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time'
    )
    return
  }
  if (clientName !== null) {
    if (!validClientName(clientName)) {
      c.error('Client names cannot contain spaces, newlines or special characters.')
      return
    }
    c.name = clientName.toString('latin1')
  }
  if (ver !== 0) c.resp = ver as 2 | 3
  const r = c.reply
  r.mapLen(7)
  r.bulkBinary('server')
  r.bulkBinary('redis')
  r.bulkBinary('version')
  r.bulkBinary(REDIS_VERSION)
  r.bulkBinary('proto')
  r.integer(c.resp)
  r.bulkBinary('id')
  r.integer(c.id)
  r.bulkBinary('mode')
  r.bulkBinary('standalone')
  r.bulkBinary('role')
  r.bulkBinary(c.server.replication.isReplica ? 'replica' : 'master')
  r.bulkBinary('modules')
  r.arrayLen(0)
}


/** clearClientConnectionState + RESET's reply. */
function resetCommand(c: Client): void {
  if (c.monitor) {
    c.server.monitors.delete(c)
    c.monitor = false
  }
  c.db = c.server.keyspace.db(0)
  c.resp = 2
  // clientSetDefaultAuth: authenticated again only if the default user needs no password.
  c.authenticated = c.server.requirepass === ''
  discardTransaction(c)
  c.server.pubsub.dropClient(c)
  c.name = ''
  const x = c as unknown as { replyFlags?: number; readonlyMode?: boolean; asking?: boolean }
  if (typeof x.replyFlags === 'number') x.replyFlags = 0
  c.reply.status('RESET')
}

function monitorCommand(c: Client): void {
  if (c.inExec) {
    c.error("MONITOR isn't allowed for DENY BLOCKING client")
    return
  }
  // Already a monitor (or a replica): ignored, no reply.
  if (c.monitor) return
  c.monitor = true
  c.server.monitors.add(c)
  c.reply.raw(Shared.ok)
}

export const connectionCommands: CommandSpec[] = [
  redisCommand('ping', pingCommand),
  redisCommand('echo', echoCommand),
  redisCommand('quit', quitCommand),
  redisCommand('select', selectCommand),
  redisCommand('auth', authCommand),
  redisCommand('hello', helloCommand),
  redisCommand('reset', resetCommand),
  redisCommand('monitor', monitorCommand)
]
