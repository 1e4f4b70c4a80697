/**
 * Server commands (server.c / db.c): DBSIZE, FLUSHALL, INFO.
 */
import type { Client } from '../client'
import { genInfoString } from '../info'
import { Shared } from '../resp/reply-writer'
import { argIs } from '../util'
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
  c.server.stats.dirty += c.server.keyspace.flushAll()
  c.reply.raw(Shared.ok)
}

function infoCommand(c: Client): void {
  const args = c.argv.slice(1).map((a) => a.toString('latin1'))
  c.reply.bulkText(genInfoString(c.server, args))
}

export const dbsizeSpec: CommandSpec = {
  name: 'dbsize',
  arity: 1,
  flags: ['readonly', 'fast'],
  acl: ['keyspace', 'read', 'fast'],
  tips: ['request_policy:all_shards', 'response_policy:agg_sum'],
  doc: {
    summary: 'Return the number of keys in the selected database',
    since: '1.0.0',
    group: 'server',
    complexity: 'O(1)'
  },
  proc: dbsizeCommand
}
export const flushallSpec: CommandSpec = {
  name: 'flushall',
  arity: -1,
  flags: ['write'],
  acl: ['keyspace', 'write', 'slow', 'dangerous'],
  tips: ['request_policy:all_shards', 'response_policy:all_succeeded'],
  doc: {
    summary: 'Remove all keys from all databases',
    since: '1.0.0',
    group: 'server',
    complexity: 'O(N) where N is the total number of keys in all databases',
    history: [
      ['4.0.0', 'Added the `ASYNC` flushing mode modifier.'],
      ['6.2.0', 'Added the `SYNC` flushing mode modifier.']
  ],
    arguments: [
    { name: 'async', type: 'oneof', flags: ['optional'], arguments: [
      { name: 'async', type: 'pure-token', token: 'ASYNC', since: '4.0.0' },
      { name: 'sync', type: 'pure-token', token: 'SYNC', since: '6.2.0' }
    ] }
  ]
  },
  proc: flushallCommand
}
export const infoSpec: CommandSpec = {
  name: 'info',
  arity: -1,
  flags: ['loading', 'stale'],
  acl: ['slow', 'dangerous'],
  tips: ['nondeterministic_output', 'request_policy:all_shards', 'response_policy:special'],
  doc: {
    summary: 'Get information and statistics about the server',
    since: '1.0.0',
    group: 'server',
    complexity: 'O(1)',
    history: [
      ['7.0.0', 'Added support for taking multiple section arguments.']
  ],
    arguments: [
    { name: 'section', type: 'string', flags: ['optional', 'multiple'] }
  ]
  },
  proc: infoCommand
}

export const serverCommands: CommandSpec[] = [dbsizeSpec, flushallSpec, infoSpec]
