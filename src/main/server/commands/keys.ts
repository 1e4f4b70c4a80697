/**
 * Generic keyspace commands (db.c): DEL, EXISTS.
 */
import type { Client } from '../client'
import type { CommandSpec } from './types'

function delCommand(c: Client): void {
  const argv = c.argv
  let deleted = 0
  for (let j = 1; j < argv.length; j++) {
    const key = argv[j]!.toString('latin1')
    if (c.db.delete(key)) {
      c.modified(key)
      deleted++
    }
  }
  c.reply.integer(deleted)
}

function existsCommand(c: Client): void {
  const argv = c.argv
  let count = 0
  for (let j = 1; j < argv.length; j++) {
    if (c.db.exists(argv[j]!.toString('latin1'))) count++
  }
  c.reply.integer(count)
}

export const delSpec: CommandSpec = {
  name: 'del',
  arity: -2,
  flags: ['write'],
  acl: ['keyspace', 'write', 'slow'],
  tips: ['request_policy:multi_shard', 'response_policy:agg_sum'],
  keySpecs: [
    { flags: ['RM', 'delete'], beginSearch: { type: 'index', index: 1 }, findKeys: { type: 'range', lastkey: -1, keystep: 1, limit: 0 } }
  ],
  keys: [1, -1, 1],
  doc: {
    summary: 'Delete a key',
    since: '1.0.0',
    group: 'generic',
    complexity: 'O(N) where N is the number of keys that will be removed. When a key to remove holds a value other than a string, the individual complexity for this key is O(M) where M is the number of elements in the list, set, sorted set or hash. Removing a single key that holds a string value is O(1).',
    arguments: [
    { name: 'key', type: 'key', keySpecIndex: 0, flags: ['multiple'] }
  ]
  },
  proc: delCommand
}
export const existsSpec: CommandSpec = {
  name: 'exists',
  arity: -2,
  flags: ['readonly', 'fast'],
  acl: ['keyspace', 'read', 'fast'],
  tips: ['request_policy:multi_shard', 'response_policy:agg_sum'],
  keySpecs: [
    { flags: ['RO'], beginSearch: { type: 'index', index: 1 }, findKeys: { type: 'range', lastkey: -1, keystep: 1, limit: 0 } }
  ],
  keys: [1, -1, 1],
  doc: {
    summary: 'Determine if a key exists',
    since: '1.0.0',
    group: 'generic',
    complexity: 'O(N) where N is the number of keys to check.',
    history: [
      ['3.0.3', 'Accepts multiple `key` arguments.']
  ],
    arguments: [
    { name: 'key', type: 'key', keySpecIndex: 0, flags: ['multiple'] }
  ]
  },
  proc: existsCommand
}

export const keysCommands: CommandSpec[] = [delSpec, existsSpec]
