/**
 * Master-side replication commands (replication.c): SYNC, PSYNC, REPLCONF, WAIT. The
 * protocol work lives in replication/master-side.ts; these parse and reply as Redis does.
 */
import type { Client } from '../client'
import { ReplicaConn } from '../replication/master-side'
import { Shared } from '../resp/reply-writer'
import { argIs, binaryString, string2ll } from '../util'
import { redisCommand } from './meta'
import type { CommandSpec } from './types'

/** NET_HOST_STR_LEN: the longest REPLCONF ip-address Redis accepts is one byte less. */
const NET_HOST_STR_LEN = 256

function syncCommand(c: Client): void {
  c.server.replication.master.syncCommand(c, null)
}

function psyncCommand(c: Client): void {
  const master = c.server.replication.master
  if (master.replicas.has(c)) return
  const replid = binaryString(c.argv[1]!)
  if (c.argv.length > 3 && argIs(c.argv[3]!, 'failover')) {
    // Sent to a replica being promoted by FAILOVER, which this server does not implement.
    if (replid.toLowerCase() !== c.server.replication.replid) c.error('PSYNC FAILOVER replid must match my replid.')
    else c.error("PSYNC FAILOVER can't be sent to a master.")
    return
  }
  master.syncCommand(c, [replid, c.argv[2]!])
}

/** replconfCommand: options in pairs; ACK and GETACK are never replied to. */
function replconfCommand(c: Client): void {
  const argv = c.argv
  if (argv.length % 2 === 0) {
    c.error('syntax error')
    return
  }
  const master = c.server.replication.master
  for (let j = 1; j < argv.length; j += 2) {
    const opt = argv[j]!
    const val = argv[j + 1]!
    if (argIs(opt, 'listening-port')) {
      const port = string2ll(val)
      if (port === null || typeof port === 'bigint') {
        c.error('value is not an integer or out of range')
        return
      }
      ;(c.replicaState ??= new ReplicaConn()).listeningPort = port
    } else if (argIs(opt, 'ip-address')) {
      if (val.length >= NET_HOST_STR_LEN) {
        c.error(`REPLCONF ip-address provided by replica instance is too long: ${val.length} bytes`)
        return
      }
      ;(c.replicaState ??= new ReplicaConn()).announcedIp = val.toString('latin1')
    } else if (argIs(opt, 'capa')) {
      const r = (c.replicaState ??= new ReplicaConn())
      // Unknown capabilities are ignored (newer replicas announce more).
      if (argIs(val, 'eof')) r.capaEof = true
      else if (argIs(val, 'psync2')) r.capaPsync2 = true
    } else if (argIs(opt, 'ack')) {
      // Only from replicas; a bad offset is ignored; the FACK part (AOF offset) does not concern us.
      const off = string2ll(val)
      if (off !== null && typeof off !== 'bigint') master.ack(c, off)
      return
    } else if (argIs(opt, 'getack')) {
      // Meant for a replica by its master (the replica link answers it); nothing on a master.
      return
    } else if (argIs(opt, 'rdb-only')) {
      const v = string2ll(val)
      if (v !== 0 && v !== 1) {
        c.error(v === null ? 'value is not an integer or out of range' : 'value is out of range, must be between 0 and 1')
        return
      }
    } else if (argIs(opt, 'rdb-filter-only')) {
      // redis-cli --rdb/--functions-rdb/--replica: only "functions" (or nothing) exists in 7.0.
      for (const f of val.toString('latin1').split(/\s+/).filter((s) => s !== '')) {
        if (f.toLowerCase() !== 'functions') {
          c.error(`Unsupported rdb-filter-only option: ${f}`)
          return
        }
      }
    } else {
      c.error(`Unrecognized REPLCONF option: ${opt.toString('latin1')}`)
      return
    }
  }
  c.reply.raw(Shared.ok)
}

function waitCommand(c: Client): void {
  const server = c.server
  if (server.replication.isReplica) {
    c.error(
      'WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a replica is configured to be writable (which is not the default) writes to replicas are just local and are not propagated.'
    )
    return
  }
  const num = string2ll(c.argv[1]!)
  if (num === null || typeof num === 'bigint') {
    c.error('value is not an integer or out of range')
    return
  }
  const timeout = string2ll(c.argv[2]!)
  if (timeout === null || typeof timeout === 'bigint') {
    c.error('timeout is not an integer or out of range')
    return
  }
  if (timeout < 0) {
    c.error('timeout is negative')
    return
  }
  server.replication.master.wait(c, num, timeout)
}

export const replicationCommands: CommandSpec[] = [
  redisCommand('sync', syncCommand),
  redisCommand('psync', psyncCommand),
  redisCommand('replconf', replconfCommand),
  redisCommand('wait', waitCommand)
]
