/**
 * One embedded Redis-compatible server: the TCP listener, its clients, the keyspace and the
 * command loop (Redis's server.c + networking.c). Knows nothing of Electron or of the lab.
 */
import { EventEmitter } from 'node:events'
import net from 'node:net'
// The global `performance` is a lazy getter, run on every access; the module's object is not.
import { performance } from 'node:perf_hooks'
import { Client } from './client'
import { arityError, buildCommandTable, lookupCommand, unknownCommandError } from './commands/table'
import type { RedisCommand } from './commands/types'
import { activeExpireCycle } from './keyspace/expire'
import { Keyspace } from './keyspace/keyspace'
import { ProtocolError } from './resp/request-parser'
import { closeOnQueryBufferLimit, protocolLimits } from './resp/protocol-limits'
import { readDirect } from './resp/direct-read'
import { isLoopbackAddress, randomHex } from './util'
import { BindError, Listeners, bindAddresses } from './listeners'
import { Replication } from './replication/replication'
import type { ReplicationEvent } from './replication/events'
import { ServerConfig } from './config-table'
import { SlowLog } from './slowlog'
import { allowProtectedAction, installConfigHooks } from './commands/config'
import { execCommandAbort, flagTransaction, queueMultiCommand, WatchRegistry } from './commands/transactions'
import { feedMonitors, monitorSkips } from './monitor'
import { PubSubState } from './pubsub'
import { handleClientsBlockedOnKeys, hasReadyKeys, removeBlockedClient } from './blocking'
import { Persistence } from './persistence/persistence' // P (persistence)

/** argv between commands: a shared constant (storing a new [] into the client costs a write barrier). */
const NO_ARGV: Buffer[] = Object.freeze([]) as unknown as Buffer[]

const DEBUG_NOT_ALLOWED =
  'DEBUG command not allowed. If the enable-debug-command option is set to "local", you can run it from a local ' +
  'connection, otherwise you need to set this option in the configuration file, and then restart the server.'

/** Longest run of fast commands timed together (see settleUntimed). */
const UNTIMED_MAX = 64

const QUEUED = Buffer.from('+QUEUED\r\n')
const MULTI_BUF = Buffer.from('MULTI')
const EXEC_BUF = Buffer.from('EXEC')
/** Redis 7.0's refusal in protected mode, byte for byte (its typo included). */
const PROTECTED_MODE_DENIED =
  "-DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user. In this mode connections are only accepted from the loopback interface. If you want to connect from external computers to Redis you may adopt one of the following solutions: 1) Just disable protected mode sending the command 'CONFIG SET protected-mode no' from the loopback interface by connecting to Redis from the same host the server is running, however MAKE SURE Redis is not publicly accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just disable the protected mode by editing the Redis configuration file, and setting the protected mode option to 'no', and then restarting the server. 3) If you started the server manually just for testing, restart it with the '--protected-mode no' option. 4) Setup a an authentication password for the default user. NOTE: You only need to do one of the above things in order for the server to start accepting connections from the outside.\r\n"
/**
 * Writes the error and closes the connection (freeClientAsync). Closed for good: nobody
 * reads this socket, so a plain end() would leave it half-open, holding the listener's close.
 */
function refuseConnection(socket: net.Socket, error: string): void {
  socket.on('error', () => {})
  socket.write(error)
  socket.destroySoon()
}

/** Commands a RESP2 client may send while subscribed. */
const PUBSUB_CONTEXT_COMMANDS = new Set([
  'ping', 'subscribe', 'ssubscribe', 'unsubscribe', 'sunsubscribe', 'psubscribe', 'punsubscribe', 'quit', 'reset'
])
/** Commands executed at once inside MULTI (the others are queued). */
const MULTI_IMMEDIATE_COMMANDS = new Set(['exec', 'discard', 'multi', 'watch', 'quit', 'reset'])

export interface RedisServerOptions {
  port: number
  /** Interface to bind; default 127.0.0.1. */
  host?: string
  /** Configuration parameters set at start-up (like redis-server's --name value). */
  config?: Record<string, string>
  /** A `replicaof` line: start replicating this master once listening. */
  replicaOf?: { host: string; port: number }
  /**
   * P (persistence): behave as redis-server does with its dump file — load dir/dbfilename
   * in listen(), run the `save` points, save at SHUTDOWN when save points are set. Off by
   * default so an embedded server (tests, tools) never reads or leaves a dump.rdb in some
   * cwd; the lab and lab-server CLI turn it on. SAVE/BGSAVE/DEBUG RELOAD work either way.
   */
  rdbFile?: boolean
}

export interface ServerStats {
  totalConnectionsReceived: number
  totalCommandsProcessed: number
  netInputBytes: number
  netOutputBytes: number
  rejectedConnections: number
  totalErrorReplies: number
  /** Error replies by error code (ERR, WRONGTYPE, ...), for INFO errorstats. */
  errorStats: Map<string, number>
  /** Changes since the last save (rdb_changes_since_last_save). */
  dirty: number
}

/** Time budget of one active expire cycle. */
const EXPIRE_CYCLE_MS = 5

export interface RedisServerEvents {
  keys: [count: number]
  'client-error': [message: string]
  /** SHUTDOWN: the server closed itself (the lab/CLI may exit). */
  shutdown: []
  /** A line for the server log, worded as Redis logs it. */
  log: [level: 'debug' | 'verbose' | 'notice' | 'warning', message: string]
  /** Replication happenings the lab shows (role changes, link state, syncs). */
  replication: [ReplicationEvent]
  /** Listening on a new port (CONFIG SET port); 0: no longer listening (port 0). */
  port: [port: number]
}

export class RedisServer extends EventEmitter<RedisServerEvents> {
  // ---- state shared with commands (Redis's `server` struct) ----
  readonly keyspace = new Keyspace()
  /** This server's command table (each server keeps its own call statistics). */
  readonly commands: Map<string, RedisCommand> = buildCommandTable()
  readonly clients = new Map<number, Client>()
  readonly startTime = Date.now()
  readonly runId = randomHex(40)
  /** Replication state and both sides of the protocol (replication/). */
  readonly replication: Replication
  /** CONFIG GET/SET parameters (config-table.ts). */
  readonly config: ServerConfig
  readonly slowlog = new SlowLog()
  /** Per-client bookkeeping for CLIENT PAUSE: end time (ms) and whether only writes. */
  pauseEnd = 0
  pauseWritesOnly = false
  /** DEBUG SET-ACTIVE-EXPIRE. */
  activeExpireEnabled = true
  /** slowlog-log-slower-than (µs), cached for the command loop. */
  private slowlogThreshold = 10000
  /**
   * While a client's input is processed: the last clock reading (performance.now()), the
   * end of the last command timed, which is when the next one starts. At most one reading
   * per command instead of two, fewer for runs of fast commands (settleUntimed); a command's
   * time then includes parsing it, a few hundred nanoseconds. 0 outside processInput:
   * call() reads the clock itself.
   */
  private clock = 0
  get hz(): number {
    const hz = this.config.getNumber('hz')
    return hz < 1 ? 1 : hz > 500 ? 500 : hz
  }
  /** requirepass ('' = none); CONFIG SET requirepass changes it, AUTH reads it. */
  get requirepass(): string {
    // Read for every command: kept in a field while no parameter changes.
    if (this.config.revision !== this.requirepassRevision) {
      this.requirepassValue = this.config.get('requirepass')
      this.requirepassRevision = this.config.revision
    }
    return this.requirepassValue
  }
  private requirepassValue = ''
  private requirepassRevision = -1
  set requirepass(v: string) {
    this.config.setRaw('requirepass', v)
  }
  get maxClients(): number {
    return this.config.getNumber('maxclients')
  }
  readonly stats: ServerStats = {
    totalConnectionsReceived: 0,
    totalCommandsProcessed: 0,
    netInputBytes: 0,
    netOutputBytes: 0,
    rejectedConnections: 0,
    totalErrorReplies: 0,
    errorStats: new Map(),
    dirty: 0
  }
  lastSaveTime = Math.floor(Date.now() / 1000)
  /** P: RDB saving/loading state (persistence/persistence.ts). */
  readonly persistence: Persistence
  /** P: see RedisServerOptions.rdbFile. */
  readonly rdbFile: boolean

  private readonly requestedPort: number
  private readonly replicaOf: { host: string; port: number } | undefined
  private readonly bindHost: string
  private readonly listenSockets = new Listeners((socket) => this.accept(socket))
  private started = false
  private nextClientId = 1
  private cron: ReturnType<typeof setInterval> | null = null
  private lastKeyCount = 0
  private keysCheckScheduled = false
  /** Pub/sub channels and patterns (pubsub.ts). */
  readonly pubsub = new PubSubState()
  /** WATCHed keys of every database (commands/transactions.ts). */
  readonly watches: WatchRegistry
  /** Clients in MONITOR mode. */
  readonly monitors = new Set<Client>()

  constructor(opts: RedisServerOptions) {
    super()
    this.requestedPort = opts.port
    this.replicaOf = opts.replicaOf
    this.rdbFile = opts.rdbFile ?? false
    this.persistence = new Persistence(this)
    this.bindHost = opts.host ?? '127.0.0.1'
    this.watches = new WatchRegistry(this.keyspace.dbs.length)
    this.watches.attach(this.keyspace.dbs)
    this.config = new ServerConfig({ bind: this.bindHost, port: String(opts.port), dir: process.cwd(), ...opts.config })
    this.replication = new Replication(this)
    this.config.on('hz', () => this.restartCron())
    installConfigHooks(this.config)
    this.slowlogThreshold = this.config.getNumber('slowlog-log-slower-than')
    this.config.on('slowlog-log-slower-than', (v) => {
      this.slowlogThreshold = Number(v)
    })
    this.config.on('slowlog-max-len', (v) => {
      if (this.slowlog.entries.length > Number(v)) this.slowlog.entries.length = Number(v)
    })
    this.config.on('port', (v) => this.changeListenPort(Number(v)))
    this.config.on('bind', (v) => this.changeBindAddr(v))
  }

  /** The bound port once listening (the requested one before). */
  get port(): number {
    return this.listenSockets.port || this.requestedPort
  }

  get host(): string {
    return this.bindHost
  }

  get listening(): boolean {
    return this.started
  }

  /** Keys in all databases. */
  keyCount(): number {
    return this.keyspace.keyCount()
  }

  async listen(): Promise<void> {
    if (this.started) throw new Error('server already listening')
    // P: a bad dump refuses the start (RdbError saying where it broke), nothing half-loaded.
    if (this.rdbFile) await this.persistence.loadAtStart({ replica: this.replicaOf !== undefined })
    try {
      this.listenSockets.bind(bindAddresses(this.config.get('bind')), this.requestedPort)
    } catch (err) {
      // With the system's error code (EADDRINUSE...), as a failed net.Server.listen gives it.
      if (err instanceof BindError) throw await err.settled()
      throw err
    }
    this.config.setRaw('port', String(this.listenSockets.port))
    this.started = true
    this.cron = setInterval(() => this.serverCron(), 1000 / this.hz)
    this.cron.unref()
    if (this.replicaOf) this.replication.replica.setMaster(this.replicaOf.host, this.replicaOf.port)
  }

  /**
   * CONFIG SET port (changeListenPort): listens on the new port at the same addresses;
   * connected clients stay. Port 0 stops listening, as in Redis.
   */
  private changeListenPort(port: number): string | undefined {
    if (!this.started || port === this.listenSockets.port) return undefined
    if (port === 0) {
      void this.listenSockets.close()
      this.emit('port', 0)
      return undefined
    }
    const addrs = this.listenSockets.addresses.length > 0 ? this.listenSockets.addresses : bindAddresses(this.config.get('bind'))
    try {
      this.listenSockets.bind(addrs, port)
    } catch (err) {
      this.logBindFailure(err, port)
      return 'Unable to listen on this port. Check server logs.'
    }
    this.emit('port', port)
    return undefined
  }

  /** CONFIG SET bind (changeBindAddr): the new addresses, or the old ones kept on failure. */
  private changeBindAddr(value: string): string | undefined {
    const addrs = bindAddresses(value)
    if (!this.started || this.listenSockets.port === 0 || addrs.join(' ') === this.listenSockets.addresses.join(' ')) return undefined
    try {
      this.listenSockets.bind(addrs, this.listenSockets.port)
    } catch (err) {
      this.logBindFailure(err, this.listenSockets.port)
      this.emit('log', 'warning', 'Failed to bind, trying to restore old listening sockets.')
      return 'Failed to bind to specified addresses.'
    }
    return undefined
  }

  private logBindFailure(err: unknown, port: number): void {
    if (!(err instanceof BindError)) throw err
    void err.reason.then((why) => {
      this.emit('log', 'warning', `Warning: Could not create server TCP listening socket ${err.address}:${port}: bind: ${why}`)
    })
  }

  /** Stops listening, drops every client; resolves once everything is closed. */
  async close(): Promise<void> {
    this.started = false
    this.replication.replica.stop()
    if (this.cron) clearInterval(this.cron)
    this.cron = null
    const waits: Promise<void>[] = [this.listenSockets.close()]
    for (const c of this.clients.values()) {
      if (!c.socket.destroyed) waits.push(new Promise((resolve) => c.socket.once('close', () => resolve())))
      c.socket.destroy()
    }
    await Promise.all(waits)
  }

  /**
   * P: stop as SHUTDOWN does — save when `save` is true, or (undefined) when save points are
   * configured and rdbFile is on; then close. Throws (and keeps running) if the save fails.
   */
  async shutdown(opts: { save?: boolean } = {}): Promise<void> {
    const save = opts.save ?? (this.rdbFile ? undefined : false)
    if (!this.persistence.prepareForShutdown(save)) throw new Error('Errors trying to SHUTDOWN. Check logs.')
    await this.close()
    this.emit('shutdown')
  }

  // ---- clients ----

  /** Serves a connection accepted by another listener (lab-server's extra bind addresses). */
  acceptConnection(socket: net.Socket): void {
    this.accept(socket)
  }

  private accept(socket: net.Socket): void {
    this.stats.totalConnectionsReceived++
    if (this.clients.size >= this.maxClients) {
      this.stats.rejectedConnections++
      refuseConnection(socket, '-ERR max number of clients reached\r\n')
      return
    }
    // clientAcceptHandler: without a password, protected mode serves loopback peers only.
    if (this.requirepass === '' && !isLoopbackAddress(socket.remoteAddress) && this.config.getBool('protected-mode')) {
      this.stats.rejectedConnections++
      refuseConnection(socket, PROTECTED_MODE_DENIED)
      return
    }
    // Input straight into the parser, past the Readable stream (resp/direct-read.ts).
    socket = readDirect(socket, (chunk: Buffer) => this.onData(c, chunk))
    socket.setNoDelay(true)
    const c = new Client(this.nextClientId++, socket, this)
    this.clients.set(c.id, c)
    socket.on('error', () => {
      /* ECONNRESET, EPIPE...: 'close' follows */
    })
    socket.on('close', () => {
      c.closed = true
      this.clients.delete(c.id)
      this.freeClientState(c)
    })
  }

  private onData(c: Client, chunk: Buffer): void {
    if (c.closed || c.closeAfterReply) return
    c.netInput += chunk.length
    this.stats.netInputBytes += chunk.length
    c.lastInteraction = Date.now()
    const parser = c.parser
    const limits = protocolLimits(this.config)
    parser.feed(chunk)
    if (closeOnQueryBufferLimit(c, limits)) return
    // Our master's stream is exempt from proto-max-bulk-len, as in Redis.
    parser.maxBulkLen = c.isMaster ? Number.MAX_SAFE_INTEGER : limits.maxBulkLen
    this.processInput(c)
  }

  /** Runs the commands buffered for a client (processInputBuffer), then flushes. */
  processInput(c: Client): void {
    this.clock = performance.now()
    try {
      for (;;) {
        // A blocked client's input waits until it is unblocked (blocking.ts).
        if (c.blocked) break
        // authRequired() is evaluated per command: an AUTH earlier in the batch lifts it.
        c.parser.authRequired = !c.authenticated && this.requirepass !== ''
        const argv = c.pausedArgv ?? c.parser.next()
        if (argv === null) break
        c.pausedArgv = null
        if (this.pauseEnd !== 0 && this.isPausedFor(argv)) {
          c.pausedArgv = argv
          this.pausedClients.add(c)
          break
        }
        c.argv = argv
        const replyFlags = c.replyFlags
        if (replyFlags & 3) this.stats.netOutputBytes += c.reply.flush()
        this.processCommand(c)
        if (c.replyFlags !== 0 || replyFlags !== 0) {
          // CLIENT REPLY OFF/SKIP: what this command replied is dropped; SKIP lasts one command.
          if (replyFlags & 3 && c.replyFlags & 3) c.reply.discard()
          if (c.replyFlags & 2) c.replyFlags &= ~2
          if (c.replyFlags & 4) c.replyFlags = (c.replyFlags & ~4) | 2
        }
        if (c.closeAfterReply) break
        // handleClientsBlockedOnKeys after each command (EXEC's commands: at its end).
        if (hasReadyKeys()) handleClientsBlockedOnKeys()
      }
    } catch (err) {
      if (!(err instanceof ProtocolError)) throw err
      c.error(err.message)
      c.closeAfterReply = true
      this.emit('client-error', `${err.message} (client ${c.addr})`)
    }
    if (this.untimedCount > 0) this.settleUntimed(c, performance.now())
    this.clock = 0
    c.argv = NO_ARGV
    if (c.closeAfterReply) {
      // Written now: destroySoon ends the socket after what is queued, not after a later flush.
      this.stats.netOutputBytes += c.reply.flush()
      c.closed = true
      c.socket.destroySoon()
    } else if (c.reply.pending > 0) this.markPendingWrite(c)
    this.afterInput()
  }

  /**
   * Runs one command of our master's stream as the master client (CLIENT_MASTER): checked
   * and executed like any command, but never refused as a write, nothing counts as expired
   * meanwhile, and replies are dropped.
   */
  executeFromMaster(c: Client, argv: Buffer[]): void {
    const policy = this.keyspace.expirePolicy
    policy.fromMaster = true
    c.argv = argv
    try {
      this.processCommand(c)
    } finally {
      policy.fromMaster = false
    }
    c.reply.discard()
    c.argv = NO_ARGV
    if (hasReadyKeys()) handleClientsBlockedOnKeys()
    if (this.pendingWriteCount > 0) this.flushPendingWrites()
    this.afterInput()
  }

  // ---- CLIENT PAUSE (pauseClients / unpauseClients) ----

  /** Clients holding a command postponed by CLIENT PAUSE. */
  readonly pausedClients = new Set<Client>()
  private pauseTimer: ReturnType<typeof setTimeout> | null = null

  /** Does the current pause hold this command back? (ALL: everything; WRITE: writes, EVAL…) */
  private isPausedFor(argv: Buffer[]): boolean {
    if (Date.now() >= this.pauseEnd) {
      this.unpause()
      return false
    }
    if (!this.pauseWritesOnly) return true
    const cmd = lookupCommand(this.commands, argv)
    if (!cmd) return false
    const n = cmd.parent ? cmd.parent.name : cmd.name
    return cmd.isWrite || cmd.flags.includes('may_replicate') || n === 'eval' || n === 'evalsha' || n === 'fcall' || n === 'publish' || n === 'pfcount'
  }

  /** CLIENT PAUSE: holds commands back for `ms` (only writes when writesOnly). */
  pause(ms: number, writesOnly: boolean): void {
    const end = Date.now() + ms
    // Redis keeps the later end and never downgrades a pause of all commands to writes only.
    this.pauseWritesOnly = this.pauseEnd === 0 ? writesOnly : this.pauseWritesOnly && writesOnly
    if (end > this.pauseEnd) this.pauseEnd = end
    if (this.pauseTimer) clearTimeout(this.pauseTimer)
    this.armPauseTimer()
  }

  private armPauseTimer(): void {
    // Node's timers fire at once past 2^31-1 ms: a longer pause waits in steps.
    const wait = Math.min(Math.max(0, this.pauseEnd - Date.now()), 2 ** 31 - 1)
    this.pauseTimer = setTimeout(() => (Date.now() < this.pauseEnd ? this.armPauseTimer() : this.unpause()), wait)
    this.pauseTimer.unref()
  }

  /** CLIENT UNPAUSE / end of the pause: runs the postponed commands. */
  unpause(): void {
    this.pauseEnd = 0
    if (this.pauseTimer) clearTimeout(this.pauseTimer)
    this.pauseTimer = null
    const held = [...this.pausedClients]
    this.pausedClients.clear()
    for (const c of held) if (!c.closed) setImmediate(() => this.processInput(c))
  }

  private afterInput(): void {
    // 16 map sizes: cheap enough to check after every chunk (also catches lazy expiry).
    if (this.keyCount() !== this.lastKeyCount) this.scheduleKeysCheck()
  }

  /**
   * processCommand: looks up and checks c.argv (existence, arity, authentication, MULTI,
   * RESP2 subscribed mode), queues it inside MULTI, else runs it (call). Replication reads
   * c.propagate right after call() here (EXEC sets it for the whole transaction).
   */
  private processCommand(c: Client): void {
    const cmd = lookupCommand(this.commands, c.argv)
    if (cmd === null) {
      this.rejectCommand(c, null, unknownCommandError(this.commands, c.argv))
      return
    }
    const argc = c.argv.length
    if ((cmd.arity > 0 && cmd.arity !== argc) || argc < -cmd.arity || !cmd.proc) {
      this.rejectCommand(c, cmd, arityError(cmd))
      return
    }
    // CMD_PROTECTED (COMMAND INFO does not show it; DEBUG is the one we have): refused here,
    // before authentication, as a rejected command (no call, no slow log entry).
    if (cmd.name === 'debug' && !allowProtectedAction(this.config.get('enable-debug-command'), c)) {
      this.rejectCommand(c, cmd, DEBUG_NOT_ALLOWED)
      return
    }
    if (!c.authenticated && this.requirepass !== '' && !cmd.flags.includes('no_auth')) {
      this.rejectCommand(c, cmd, '-NOAUTH Authentication required.')
      return
    }
    if (c.inMulti && cmd.flags.includes('no_multi')) {
      this.rejectCommand(c, cmd, 'Command not allowed inside a transaction')
      return
    }
    if (c.inPubSub && c.reply.resp === 2 && !PUBSUB_CONTEXT_COMMANDS.has(cmd.fullname)) {
      this.rejectCommand(
        c,
        cmd,
        `Can't execute '${cmd.fullname}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`
      )
      return
    }
    // M (replication master side): min-replicas-to-write / min-replicas-max-lag.
    if (this.replication.master.refusesWrite(c, cmd)) {
      this.rejectCommand(c, cmd, '-NOREPLICAS Not enough good replicas to write.')
      return
    }
    if (this.replication.isReplica && !c.isMaster) {
      if (cmd.isWrite && this.config.getBool('replica-read-only')) {
        this.rejectCommand(c, cmd, "-READONLY You can't write against a read only replica.")
        return
      }
      if (!this.replication.replica.linkUp && !this.config.getBool('replica-serve-stale-data') && !cmd.flags.includes('stale')) {
        this.rejectCommand(c, cmd, "-MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.")
        return
      }
    }
    if (c.inMulti && !MULTI_IMMEDIATE_COMMANDS.has(cmd.fullname)) {
      queueMultiCommand(c, cmd)
      c.reply.raw(QUEUED)
      return
    }
    const dirty = this.stats.dirty
    const dbIndex = c.db.id
    const replOffset = this.replication.offset // M: c->woff for WAIT
    this.executing++
    try {
      this.call(c, cmd)
    } finally {
      this.executing--
    }
    // What changed the data set goes to the backlog and the replicas: bare when it is one
    // command (the usual case, without the queue), else through propagatePending.
    if (c.propagate !== null || this.stats.dirty !== dirty) {
      const cmds = c.propagate ?? [c.argv]
      const db = c.propagateDb >= 0 ? c.propagateDb : dbIndex
      if (this.pendingOps.length === 0 && cmds.length === 1) this.replication.propagate(db, cmds)
      else for (const argv of cmds) this.pendingOps.push({ db, argv })
    }
    if (this.pendingOps.length > 0 && this.executing === 0) this.propagatePending()
    if (this.replication.offset !== replOffset) this.replication.master.noteWrite(c, this.replication.offset) // M
    c.propagate = null
    c.propagateDb = -1
  }

  // ---- propagation of more than one command (alsoPropagate, propagatePendingCommands) ----

  /** What the running command propagates besides itself: expired-key DELs, EXEC's commands. */
  private readonly pendingOps: { db: number; argv: Buffer[] }[] = []
  /** Client commands running (nested: EXEC's); 0 when an expiry comes from the active cycle. */
  private executing = 0

  /**
   * alsoPropagate: `argv` joins what the running command propagates (after what came
   * before it); outside a command (the active expire cycle) it is propagated at once.
   */
  alsoPropagate(db: number, argv: Buffer[]): void {
    this.pendingOps.push({ db, argv })
    if (this.executing === 0) this.propagatePending()
  }

  /**
   * propagatePendingCommands: one command goes bare, several are wrapped in MULTI … EXEC,
   * the MULTI in the first one's database (Redis 7.0: a SET that met an expired key is
   * MULTI, DEL, SET, EXEC; a GET that did is a bare DEL).
   */
  private propagatePending(): void {
    const ops = this.pendingOps
    const repl = this.replication
    if (ops.length === 1) repl.propagate(ops[0]!.db, [ops[0]!.argv])
    else {
      repl.propagate(ops[0]!.db, [[MULTI_BUF]])
      for (const op of ops) repl.propagate(op.db, [op.argv])
      repl.propagate(-1, [[EXEC_BUF]])
    }
    ops.length = 0
  }

  /**
   * rejectCommand: replies with the error, counts the rejection and flags a transaction
   * being queued (EXEC itself rejected aborts the transaction).
   */
  private rejectCommand(c: Client, cmd: RedisCommand | null, error: string): void {
    flagTransaction(c)
    if (cmd === null) {
      c.error(error)
      return
    }
    cmd.rejectedCalls++
    if (cmd.fullname === 'exec') execCommandAbort(c, error)
    else c.error(error)
  }

  /**
   * call(): runs a checked command — statistics, slow log, MONITOR feed. Used by
   * processCommand and by EXEC for each queued command.
   */
  call(c: Client, cmd: RedisCommand): void {
    c.cmd = cmd
    const errorsBefore = this.stats.totalErrorReplies
    const chained = this.clock !== 0
    const deferrable = chained && cmd.isFast && this.executing === 1
    // A command that is timed on its own starts at a fresh reading: the fast ones before it
    // get theirs now.
    if (!deferrable && this.untimedCount > 0) this.settleUntimed(c, performance.now())
    const t0 = chained ? this.clock : performance.now()
    try {
      cmd.proc!(c)
    } catch (err) {
      // A bug in a command must not take the process (and every other client) down.
      c.error(`internal error in '${cmd.fullname}': ${(err as Error)?.message ?? String(err)}`)
    }
    if (deferrable) {
      this.untimedCmds[this.untimedCount] = cmd
      this.untimedArgv[this.untimedCount++] = c.argv
      if (this.untimedCount === UNTIMED_MAX) this.settleUntimed(c, performance.now())
    } else {
      const t1 = performance.now()
      if (chained) this.clock = t1
      this.account(c, cmd, c.argv, (t1 - t0) * 1000)
    }
    cmd.calls++
    if (this.stats.totalErrorReplies !== errorsBefore) cmd.failedCalls++
    this.stats.totalCommandsProcessed++
    if (this.monitors.size > 0 && !monitorSkips(cmd)) feedMonitors(c, c.argv, this.monitors)
    c.redactedArgs = null
    c.lastCmd = cmd
    c.cmd = null
  }

  /** A command's time: INFO commandstats and the slow log. */
  private account(c: Client, cmd: RedisCommand, argv: Buffer[], usec: number): void {
    cmd.usec += usec
    const slower = this.slowlogThreshold
    if (slower >= 0 && usec >= slower && !cmd.flags.includes('skip_slowlog')) {
      this.slowlog.push(c, argv, usec, slower, this.config.getNumber('slowlog-max-len'))
    }
  }

  // ---- fast commands timed together ----
  //
  // A clock reading costs ~45 ns here (a VM's clock), as much as a third of a GET. Commands
  // Redis flags CMD_FAST (O(1) or O(log N): GET, SET's relatives, INCR, pushes and pops,
  // HSET, SADD, ZADD…) that run one after another in a client's input are timed as a run:
  // the time since the last reading is shared equally among them when the next command that
  // is not fast starts, when the run reaches UNTIMED_MAX, or when the input is done. Their
  // totals in INFO commandstats stay exact per run; the slow log still gets any whose share
  // reaches the threshold, in order. Everything else is timed alone, as Redis times each.

  /** Fast commands run since the clock was last read, and their argv (for the slow log). */
  private readonly untimedCmds: (RedisCommand | undefined)[] = []
  private readonly untimedArgv: (Buffer[] | undefined)[] = []
  private untimedCount = 0

  /** Shares the time from the last reading to `now` among the untimed commands. */
  private settleUntimed(c: Client, now: number): void {
    const n = this.untimedCount
    const usec = ((now - this.clock) * 1000) / n
    for (let i = 0; i < n; i++) {
      this.account(c, this.untimedCmds[i]!, this.untimedArgv[i]!, usec)
      this.untimedCmds[i] = undefined
      this.untimedArgv[i] = undefined
    }
    this.untimedCount = 0
    this.clock = now
  }

  // ---- writing replies (each client's own, pub/sub messages, MONITOR lines) ----

  /**
   * Clients with replies to write (clients_pending_write): written once the event loop has
   * run every read that was ready, as Redis writes in beforeSleep. An array with a flag on
   * the client, not a Set: a Set's clear() gives up its table, which then regrows every turn.
   */
  private readonly pendingWrites: (Client | undefined)[] = []
  private pendingWriteCount = 0
  private pendingFlushScheduled = false

  /** Queues a flush of `c`'s reply buffer (its own replies, messages published to it, MONITOR lines). */
  markPendingWrite(c: Client): void {
    if (c.writePending) return
    c.writePending = true
    this.pendingWrites[this.pendingWriteCount++] = c
    if (!this.pendingFlushScheduled) {
      this.pendingFlushScheduled = true
      setImmediate(this.flushPendingWrites)
    }
  }

  private readonly flushPendingWrites = (): void => {
    this.pendingFlushScheduled = false
    const list = this.pendingWrites
    // A flush can queue more (a client closed on its output limit): the count is re-read.
    for (let i = 0; i < this.pendingWriteCount; i++) {
      const c = list[i]!
      list[i] = undefined
      c.writePending = false
      if (c.closed) c.reply.discard()
      else this.stats.netOutputBytes += c.reply.flush()
    }
    this.pendingWriteCount = 0
  }

  /** freeClient's state cleanup: WATCHed keys, subscriptions, MONITOR. */
  private freeClientState(c: Client): void {
    this.watches.unwatchAll(c)
    if (c.inPubSub) this.pubsub.dropClient(c)
    if (c.monitor) this.monitors.delete(c)
    if (c.blocked) removeBlockedClient(c)
  }

  /** Accounts an error reply (INFO stats / errorstats); `text` is without the '-'. */
  countError(text: string): void {
    this.stats.totalErrorReplies++
    const sp = text.indexOf(' ')
    const code = sp === -1 ? text : text.slice(0, sp)
    this.stats.errorStats.set(code, (this.stats.errorStats.get(code) ?? 0) + 1)
  }

  // ---- keys event, cron ----

  /** Emits 'keys' (once per tick at most) if the number of keys changed. */
  scheduleKeysCheck(): void {
    if (this.keysCheckScheduled) return
    this.keysCheckScheduled = true
    setImmediate(() => {
      this.keysCheckScheduled = false
      const n = this.keyCount()
      if (n !== this.lastKeyCount) {
        this.lastKeyCount = n
        this.emit('keys', n)
      }
    })
  }

  private restartCron(): void {
    if (!this.cron) return
    clearInterval(this.cron)
    this.cron = setInterval(() => this.serverCron(), 1000 / this.hz)
    this.cron.unref()
  }

  private serverCron(): void {
    if (this.rdbFile || this.persistence.bgsaveScheduled) this.persistence.cron() // P: save points, BGSAVE SCHEDULE
    if (this.activeExpireEnabled && activeExpireCycle(this.keyspace, EXPIRE_CYCLE_MS) > 0) this.scheduleKeysCheck()
  }
}
