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
import { encodingLimits, type EncodingLimits } from './keyspace/encoding-limits'
import { serverMetrics, type ServerMetrics } from './metrics'
import { closeClientOnOutputBufferLimitReached, outputBufferLimits, type OutputBufferLimits } from './output-buffer-limits'
import { RequestParser } from './resp/request-parser'
import { ReplyWriter, type ReplySink } from './resp/reply-writer'
import type { ReplicaConn } from './replication/master-side' // M (replication master side)

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
  /** The server's encoding thresholds, handed to the hashes/sets/zsets this client creates. */
  readonly limits: Readonly<EncodingLimits>
  /** Arguments of the command being executed. */
  argv: Buffer[] = []
  /** Command being executed (resolved, possibly a subcommand). */
  cmd: RedisCommand | null = null
  lastCmd: RedisCommand | null = null
  /** Set by QUIT and protocol errors: close once the pending replies are written. */
  closeAfterReply = false
  closed = false
  /** Queued in the server's pending writes (its reply buffer is flushed this loop turn). */
  writePending = false
  /**
   * Bytes received. The server adds each chunk it reads here, once per read, so the setter
   * also counts the read (INFO total_reads_processed) without a second 'data' listener.
   */
  get netInput(): number {
    return this.inputBytes
  }

  set netInput(v: number) {
    this.inputBytes = v
    this.metrics.readsProcessed++
  }

  private inputBytes = 0
  /** The server's client-output-buffer-limit classes (output-buffer-limits.ts). */
  readonly obufLimits: OutputBufferLimits
  /** obuf_soft_limit_reached_time: unix seconds since the soft limit is exceeded, 0 = not. */
  obufSoftLimitReachedTime = 0
  /** The server's sampled statistics (reads/writes processed). */
  private readonly metrics: ServerMetrics
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
  /** M: REPLCONF facts, then this connection's state as our replica (replication/master-side.ts). */
  replicaState: ReplicaConn | null = null

  // ---- blocking operations (blocking.ts) ----
  /** Set while blocked on keys (BLPOP, BZPOPMIN…): its input waits until unblocked. */
  blocked: BlockedState | null = null

  constructor(
    readonly id: number,
    readonly socket: Socket,
    readonly server: RedisServer
  ) {
    this.metrics = serverMetrics(server)
    this.metrics.ensureRunning()
    this.obufLimits = outputBufferLimits(server.config)
    this.reply = new ReplyWriter(this.replySink(socket))
    this.addr = formatAddr(socket.remoteAddress, socket.remotePort)
    this.laddr = formatAddr(socket.localAddress, socket.localPort)
    this.db = server.keyspace.db(0)
    this.limits = encodingLimits(server.config)
    this.authenticated = server.requirepass === ''
  }

  /**
   * The socket as the reply writer's sink: counts writes (total_writes_processed; a corked
   * batch is one write) and, when the kernel did not take everything, enforces the output
   * buffer limits (Redis checks them as replies are queued).
   */
  private replySink(socket: Socket): ReplySink {
    let corked = false
    const written = (): void => {
      this.metrics.writesProcessed++
      if (socket.writableLength > 0) closeClientOnOutputBufferLimitReached(this)
    }
    return {
      write: (chunk: Buffer): boolean => {
        const ok = socket.write(chunk)
        if (!corked) written()
        return ok
      },
      cork: (): void => {
        socket.cork()
        corked = true
      },
      uncork: (): void => {
        socket.uncork()
        corked = false
        written()
      },
      // Node keeps a chunk (and counts it here) until the kernel has taken all of it.
      drained: (): boolean => socket.writableLength === 0
    }
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
