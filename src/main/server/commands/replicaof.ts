/**
 * Replica-side replication commands (replication.c): REPLICAOF / SLAVEOF and ROLE.
 */
import type { Client } from '../client'
import { roleReply, type RoleReply } from '../replication/info-replication'
import { Shared } from '../resp/reply-writer'
import { argIs, string2ll } from '../util'
import { clientInfoString } from './client'
import { redisCommand } from './meta'
import type { CommandSpec } from './types'

function replicaofCommand(c: Client): void {
  const server = c.server
  const replica = server.replication.replica
  const [, hostArg, portArg] = c.argv as [Buffer, Buffer, Buffer]
  if (argIs(hostArg, 'no') && argIs(portArg, 'one')) {
    if (replica.masterHost !== null) {
      replica.unsetMaster()
      server.emit('log', 'notice', `MASTER MODE enabled (user request from '${clientInfoString(c)}')`)
    }
    c.reply.raw(Shared.ok)
    return
  }
  if (server.replication.master.replicas.has(c)) {
    c.error('Command is not valid when client is a replica.')
    return
  }
  const port = string2ll(portArg)
  if (port === null || port < 0 || port > 65535) {
    c.error('Invalid master port')
    return
  }
  const host = hostArg.toString('latin1')
  if (replica.masterHost !== null && replica.masterHost.toLowerCase() === host.toLowerCase() && replica.masterPort === Number(port)) {
    server.emit('log', 'notice', 'REPLICAOF would result into synchronization with the master we are already connected with. No operation performed.')
    c.reply.status('OK Already connected to specified master')
    return
  }
  replica.setMaster(host, Number(port))
  server.emit('log', 'notice', `REPLICAOF ${host}:${port} enabled (user request from '${clientInfoString(c)}')`)
  c.reply.raw(Shared.ok)
}

function writeRole(c: Client, v: RoleReply): void {
  c.reply.arrayLen(v.length)
  for (const x of v) {
    if (typeof x === 'number') c.reply.integer(x)
    else if (typeof x === 'string') c.reply.bulkBinary(x)
    else writeRole(c, x)
  }
}

function roleCommand(c: Client): void {
  writeRole(c, roleReply(c.server.replication.state()))
}

export const replicaofCommands: CommandSpec[] = [
  redisCommand('replicaof', replicaofCommand),
  redisCommand('slaveof', replicaofCommand),
  redisCommand('role', roleCommand)
]
