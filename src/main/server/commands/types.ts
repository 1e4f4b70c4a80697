/**
 * Shapes of the command table (Redis's struct redisCommand and its generated docs).
 * Field names and value spellings follow what COMMAND INFO / COMMAND DOCS report.
 */
import type { Client } from '../client'

/** Runs a command whose arity was already checked; argv is c.argv. */
export type CommandProc = (c: Client) => void

/** Flags as COMMAND INFO spells them, in the order Redis reports them. */
export type CommandFlag =
  | 'write' | 'readonly' | 'denyoom' | 'module' | 'admin' | 'pubsub' | 'noscript'
  | 'blocking' | 'loading' | 'stale' | 'skip_monitor' | 'skip_slowlog' | 'asking' | 'fast'
  | 'no_auth' | 'may_replicate' | 'sentinel' | 'only_sentinel' | 'no_mandatory_keys'
  | 'protected' | 'module_getkeys' | 'module_no_cluster' | 'no_async_loading' | 'no_multi'
  | 'movablekeys' | 'allow_busy'

/** Key spec flags (RO, RW, OW, RM, access, update, insert, delete, ...). */
export type KeySpecFlag =
  | 'RO' | 'RW' | 'OW' | 'RM' | 'access' | 'update' | 'insert' | 'delete'
  | 'not_key' | 'incomplete' | 'variable_flags'

export type BeginSearch =
  | { type: 'index'; index: number }
  | { type: 'keyword'; keyword: string; startfrom: number }
  /** Keys that cannot be found from the arguments alone (SORT's BY/GET/STORE). */
  | { type: 'unknown' }

export type FindKeys =
  | { type: 'range'; lastkey: number; keystep: number; limit: number }
  | { type: 'keynum'; keynumidx: number; firstkey: number; keystep: number }
  | { type: 'unknown' }

export interface KeySpec {
  notes?: string
  flags: readonly KeySpecFlag[]
  beginSearch: BeginSearch
  findKeys: FindKeys
}

export type ArgType =
  | 'string' | 'integer' | 'double' | 'key' | 'pattern' | 'unix-time' | 'pure-token'
  | 'oneof' | 'block'

export interface ArgDoc {
  name: string
  type: ArgType
  keySpecIndex?: number
  token?: string
  summary?: string
  since?: string
  deprecatedSince?: string
  flags?: readonly ('optional' | 'multiple' | 'multiple_token')[]
  /** For oneof and block. */
  arguments?: readonly ArgDoc[]
}

export interface CommandDoc {
  summary: string
  since: string
  group: string
  complexity?: string
  docFlags?: readonly ('deprecated' | 'syscmd')[]
  deprecatedSince?: string
  replacedBy?: string
  history?: readonly (readonly [string, string])[]
  arguments?: readonly ArgDoc[]
}

/** What a family file declares. */
export interface CommandSpec {
  /** Lowercase name; for a subcommand, the part after the pipe. */
  name: string
  /** Redis arity: N = exactly N arguments including the name, -N = at least N. */
  arity: number
  flags: readonly CommandFlag[]
  /** ACL categories without the '@'. */
  acl: readonly string[]
  tips?: readonly string[]
  keySpecs?: readonly KeySpec[]
  /** Legacy first key, last key, step (as COMMAND INFO reports; default 0 0 0). */
  keys?: readonly [number, number, number]
  doc: CommandDoc
  /**
   * Key extraction for commands whose keys or key flags depend on the arguments (Redis's
   * getkeys_proc), e.g. SET's flags depend on GET. Positions index argv.
   */
  getKeys?: (argv: Buffer[]) => { pos: number; flags: readonly KeySpecFlag[] }[]
  /** Absent for containers (CONFIG, CLIENT, ...) which only dispatch to subcommands. */
  proc?: CommandProc
  subcommands?: readonly CommandSpec[]
}

/** A command in the table (resolved spec). */
export interface RedisCommand extends CommandSpec {
  /** 'get', or 'command|info' for a subcommand. */
  fullname: string
  parent: RedisCommand | null
  subcommandMap: Map<string, RedisCommand> | null
  /** Calls and time spent, for INFO commandstats. */
  calls: number
  usec: number
  rejectedCalls: number
  failedCalls: number
  isWrite: boolean
  /** CMD_FAST: O(1) or O(log N), never long (the command loop times a run of them together). */
  isFast: boolean
}
