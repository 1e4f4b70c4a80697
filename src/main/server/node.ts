/**
 * One embedded Redis-compatible server: the TCP listener, its clients, the keyspace and the
 * command loop (Redis's server.c + networking.c). Knows nothing of Electron or of the lab.
 */
import { EventEmitter } from 'node:events'
import net from 'node:net'
import { Client } from './client'
import { arityError, buildCommandTable, lookupCommand, unknownCommandError } from './commands/table'
import type { RedisCommand } from './commands/types'
import { activeExpireCycle } from './keyspace/expire'
import { Keyspace } from './keyspace/keyspace'
import { ProtocolError } from './resp/request-parser'
import { randomHex } from './util'

export interface RedisServerOptions {
  port: number
  /** Interface to bind; default 127.0.0.1. */
  host?: string
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

/** Active expire cycle frequency (Redis's hz). */
const HZ = 10
/** Time budget of one active expire cycle. */
const EXPIRE_CYCLE_MS = 5

export interface RedisServerEvents {
  keys: [count: number]
  'client-error': [message: string]
}

export class RedisServer extends EventEmitter<RedisServerEvents> {
  // ---- state shared with commands (Redis's `server` struct) ----
  readonly keyspace = new Keyspace()
  /** This server's command table (each server keeps its own call statistics). */
  readonly commands: Map<string, RedisCommand> = buildCommandTable()
  readonly clients = new Map<number, Client>()
  readonly startTime = Date.now()
  readonly runId = randomHex(40)
  /** Replication ids (a master's own history id, and the previous one). */
  replid = randomHex(40)
  replid2 = '0'.repeat(40)
  masterReplOffset = 0
  readonly hz = HZ
  readonly maxClients = 10000
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

  private readonly requestedPort: number
  private readonly bindHost: string
  private listener: net.Server | null = null
  private boundPort = 0
  private nextClientId = 1
  private cron: ReturnType<typeof setInterval> | null = null
  private lastKeyCount = 0
  private keysCheckScheduled = false

  constructor(opts: RedisServerOptions) {
    super()
    this.requestedPort = opts.port
    this.bindHost = opts.host ?? '127.0.0.1'
  }

  /** The bound port once listening (the requested one before). */
  get port(): number {
    return this.boundPort || this.requestedPort
  }

  get host(): string {
    return this.bindHost
  }

  get listening(): boolean {
    return this.listener !== null
  }

  /** Keys in all databases. */
  keyCount(): number {
    return this.keyspace.keyCount()
  }

  listen(): Promise<void> {
    if (this.listener) return Promise.reject(new Error('server already listening'))
    return new Promise((resolve, reject) => {
      const srv = net.createServer({ noDelay: true }, (socket) => this.accept(socket))
      const onError = (err: Error): void => {
        srv.close()
        reject(err)
      }
      srv.once('error', onError)
      srv.listen({ port: this.requestedPort, host: this.bindHost, exclusive: true }, () => {
        srv.off('error', onError)
        srv.on('error', () => {
          /* accept errors (EMFILE...) must not crash the process */
        })
        const addr = srv.address()
        this.boundPort = typeof addr === 'object' && addr ? addr.port : this.requestedPort
        this.listener = srv
        this.cron = setInterval(() => this.serverCron(), 1000 / this.hz)
        this.cron.unref()
        resolve()
      })
    })
  }

  /** Stops listening, drops every client; resolves once everything is closed. */
  async close(): Promise<void> {
    const srv = this.listener
    this.listener = null
    if (this.cron) clearInterval(this.cron)
    this.cron = null
    const waits: Promise<void>[] = []
    if (srv) waits.push(new Promise((resolve) => srv.close(() => resolve())))
    for (const c of this.clients.values()) {
      if (!c.socket.destroyed) waits.push(new Promise((resolve) => c.socket.once('close', () => resolve())))
      c.socket.destroy()
    }
    await Promise.all(waits)
    this.boundPort = 0
  }

  // ---- clients ----

  private accept(socket: net.Socket): void {
    this.stats.totalConnectionsReceived++
    if (this.clients.size >= this.maxClients) {
      this.stats.rejectedConnections++
      socket.end('-ERR max number of clients reached\r\n')
      socket.on('error', () => {})
      return
    }
    socket.setNoDelay(true)
    const c = new Client(this.nextClientId++, socket, this)
    this.clients.set(c.id, c)
    socket.on('data', (chunk: Buffer) => this.onData(c, chunk))
    socket.on('error', () => {
      /* ECONNRESET, EPIPE...: 'close' follows */
    })
    socket.on('close', () => {
      c.closed = true
      this.clients.delete(c.id)
    })
  }

  private onData(c: Client, chunk: Buffer): void {
    if (c.closed || c.closeAfterReply) return
    c.netInput += chunk.length
    this.stats.netInputBytes += chunk.length
    c.lastInteraction = Date.now()
    c.parser.feed(chunk)
    try {
      for (;;) {
        const argv = c.parser.next()
        if (argv === null) break
        c.argv = argv
        this.processCommand(c)
        if (c.closeAfterReply) break
      }
    } catch (err) {
      if (!(err instanceof ProtocolError)) throw err
      c.error(err.message)
      c.closeAfterReply = true
      this.emit('client-error', `${err.message} (client ${c.addr})`)
    }
    c.argv = []
    this.stats.netOutputBytes += c.reply.flush()
    if (c.closeAfterReply) {
      c.closed = true
      c.socket.destroySoon()
    }
    // 16 map sizes: cheap enough to check after every chunk (also catches lazy expiry).
    if (this.keyCount() !== this.lastKeyCount) this.scheduleKeysCheck()
  }

  /** Looks up, checks and runs c.argv (processCommand + call). */
  private processCommand(c: Client): void {
    const cmd = lookupCommand(this.commands, c.argv)
    if (cmd === null) {
      c.error(unknownCommandError(this.commands, c.argv))
      return
    }
    const argc = c.argv.length
    if ((cmd.arity > 0 && cmd.arity !== argc) || argc < -cmd.arity || !cmd.proc) {
      cmd.rejectedCalls++
      c.error(arityError(cmd))
      return
    }
    c.cmd = cmd
    const errorsBefore = this.stats.totalErrorReplies
    const t0 = performance.now()
    try {
      cmd.proc(c)
    } catch (err) {
      // A bug in a command must not take the process (and every other client) down.
      c.error(`internal error in '${cmd.fullname}': ${(err as Error)?.message ?? String(err)}`)
    }
    cmd.usec += (performance.now() - t0) * 1000
    cmd.calls++
    if (this.stats.totalErrorReplies !== errorsBefore) cmd.failedCalls++
    this.stats.totalCommandsProcessed++
    c.lastCmd = cmd
    c.cmd = null
    c.propagate = null
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

  private serverCron(): void {
    if (activeExpireCycle(this.keyspace, EXPIRE_CYCLE_MS) > 0) this.scheduleKeysCheck()
  }
}
