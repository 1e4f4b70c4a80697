/**
 * One connected client (Redis's `client` struct): its socket, query parser, reply buffer,
 * selected database and bookkeeping shown later by CLIENT LIST / INFO clients.
 */
import type { Socket } from 'node:net'
import type { RedisDb } from './keyspace/db'
import type { RedisServer } from './node'
import type { RedisCommand } from './commands/types'
import type { QueuedCommand, WatchedKey } from './commands/transactions'
import type { BlockedState } from './blocking'
import { RequestParser } from './resp/request-parser'
import { ReplyWriter } from './resp/reply-writer'

export class Client {
  readonly parser = new RequestParser()
  readonly reply: ReplyWriter
  /** Remote address, "ip:port". */
  readonly addr: string
  /** Local address, "ip:port". */
  readonly laddr: string
  readonly createdAt = Date.now()
  lastInteraction = Date.now()
  /** CLIENT SETNAME (binary string); '' when unnamed. */
  name = ''
  /** CLIENT REPLY state: REPLY_OFF / REPLY_SKIP / REPLY_SKIP_NEXT bits (0 = replies on). */
  replyFlags = 0
  /** Command postponed by CLIENT PAUSE (run when the pause ends). */
  pausedArgv: Buffer[] | null = null
  /** CLIENT NO-EVICT / NO-TOUCH (accepted; no eviction here). */
  noEvict = false
  noTouch = false
  db: RedisDb
  /** Arguments of the command being executed. */
  argv: Buffer[] = []
  /** Command being executed (resolved, possibly a subcommand). */
  cmd: RedisCommand | null = null
  lastCmd: RedisCommand | null = null
  /** Set by QUIT and protocol errors: close once the pending replies are written. */
  closeAfterReply = false
  closed = false
  /** Bytes received. */
  netInput = 0
  /**
   * Set by a command that must reach replicas in another form than it was received
   * (Redis's rewriteClientCommandVector/alsoPropagate): relative TTLs as absolute ones,
   * INCRBYFLOAT as SET … KEEPTTL, SPOP as SREM. Each entry is one command to propagate,
   * in order. Null = propagate argv as is (when the command changed anything).
   */
  propagate: Buffer[][] | null = null
  /**
   * Database to select before `propagate` when it is not the client's current one (set by
   * EXEC, whose commands may SELECT); -1 = the current database.
   */
  propagateDb = -1

  // ---- transactions (multi.c) ----
  /** CLIENT_MULTI: commands are queued; blocking commands must act non-blocking. */
  inMulti = false
  /** CLIENT_DIRTY_CAS: a WATCHed key was touched; EXEC replies with a null array. */
  dirtyCas = false
  /** CLIENT_DIRTY_EXEC: a command was rejected while queuing; EXEC replies EXECABORT. */
  dirtyExec = false
  /** Set while EXEC runs the queued commands (CLIENT_DENY_BLOCKING for them). */
  inExec = false
  /** Commands queued since MULTI. */
  mstate: QueuedCommand[] = []
  /** Keys WATCHed by this client. */
  watchedKeys: WatchedKey[] = []

  // ---- authentication, protocol ----
  /** Authenticated as the default user (always true while no requirepass is set). */
  authenticated: boolean
  /** Argument positions to show as "(redacted)" to MONITOR (AUTH, HELLO … AUTH). */
  redactedArgs: number[] | null = null

  // ---- pub/sub, MONITOR ----
  /** Channels and patterns this client subscribed to (binary strings), in order. */
  pubsubChannels = new Set<string>()
  pubsubPatterns = new Set<string>()
  pubsubShardChannels = new Set<string>()
  /** CLIENT_MONITOR: receives every command executed. */
  monitor = false

  // ---- replication ----
  /** CLIENT_MASTER: the connection our master's stream arrives on (writes allowed, no replies). */
  isMaster = false

  // ---- blocking operations (blocking.ts) ----
  /** Set while blocked on keys (BLPOP, BZPOPMIN…): its input waits until unblocked. */
  blocked: BlockedState | null = null

  constructor(
    readonly id: number,
    readonly socket: Socket,
    readonly server: RedisServer
  ) {
    this.reply = new ReplyWriter(socket)
    this.addr = formatAddr(socket.remoteAddress, socket.remotePort)
    this.laddr = formatAddr(socket.localAddress, socket.localPort)
    this.db = server.keyspace.db(0)
    this.authenticated = server.requirepass === ''
  }

  /** RESP protocol version (HELLO): 2 or 3. */
  get resp(): 2 | 3 {
    return this.reply.resp
  }

  set resp(v: 2 | 3) {
    this.reply.resp = v
  }

  /** CLIENT_PUBSUB: subscribed to at least one channel or pattern (RESP2 subscribed mode). */
  get inPubSub(): boolean {
    return this.pubsubChannels.size + this.pubsubPatterns.size + this.pubsubShardChannels.size > 0
  }

  /** Hides argument i from MONITOR (redactClientCommandArgument). */
  redactArg(i: number): void {
    if (this.redactedArgs === null) this.redactedArgs = [i]
    else this.redactedArgs.push(i)
  }

  /**
   * A write happened: signalModifiedKey + server.dirty, as Redis's write commands do. Call
   * once per modified key (with the number of changes Redis counts for it).
   */
  modified(key: string, dirty = 1): void {
    this.db.signalModifiedKey(key)
    this.server.stats.dirty += dirty
  }

  /** Replaces what this command propagates to replicas (see `propagate`). */
  propagateAs(...commands: Buffer[][]): void {
    this.propagate = commands
  }

  /** Index of the selected database. */
  get dbIndex(): number {
    return this.db.id
  }

  /**
   * Replies with an error, the way addReplyError/addReplyErrorFormat do: 'ERR ' is
   * prepended unless the message starts with an error code given as '-CODE ...'; CR and LF
   * become spaces (arguments echoed in errors may contain anything); the error is counted
   * in INFO errorstats.
   */
  error(message: string): void {
    let text: string
    if (message.charCodeAt(0) === 45 /* - */) text = message.slice(1)
    else text = 'ERR ' + message
    if (text.indexOf('\r') !== -1 || text.indexOf('\n') !== -1) text = text.replace(/[\r\n]/g, ' ')
    this.server.countError(text)
    this.reply.error(text)
  }
}

function formatAddr(ip: string | undefined, port: number | undefined): string {
  if (!ip) return '?:0'
  if (ip.startsWith('::ffff:')) ip = ip.slice(7)
  return `${ip}:${port ?? 0}`
}
