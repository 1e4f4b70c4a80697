/**
 * The replica side of one connection to a master (replication.c's syncWithMaster and
 * readSyncBulkPayload): the handshake, PSYNC, the RDB payload in either form, then the
 * command stream with offset accounting, REPLCONF ACK every second and GETACK answers.
 *
 * It knows nothing of the keyspace: the owner loads the payload and applies commands
 * through a handler. One instance is one attempt; the owner reconnects (every second, as
 * Redis's cron does) by making a new one with what it has cached.
 */
import { EventEmitter } from 'node:events'
import net from 'node:net'
import { encodeCommand } from '../resp/encode-command'
import { RequestParser } from '../resp/request-parser'

export type LinkState = 'connecting' | 'handshake' | 'sync' | 'connected' | 'closed'

export interface ReplicaLinkOptions {
  host: string
  port: number
  /** Announced with REPLCONF listening-port (replica-announce-port or our port). */
  listeningPort: number
  announceIp?: string
  masterUser?: string
  masterAuth?: string
  /** What we already have: PSYNC <replid> <offset + 1>; null sends PSYNC ? -1. */
  cached: { replid: string; offset: number } | null
  /** repl-timeout, seconds. */
  timeoutSec?: number
  /**
   * Opens the TCP connection; the lab passes one that simulates network faults (a cut
   * link, added latency) without touching either node's state. Default: net.connect.
   */
  connect?: (host: string, port: number) => net.Socket
}

export interface FullSync {
  replid: string
  /** The master's offset at the snapshot: our offset once the payload is loaded. */
  offset: number
  rdb: Buffer
  /** EOF (diskless) form: ACK right after loading, or the master sends nothing. */
  eofMark: boolean
}

export interface StreamHandler {
  /** One complete command from the master; `raw` are its exact stream bytes. */
  command(argv: Buffer[], raw: Buffer): void
  /** A REPLCONF GETACK (answered by the link): its bytes still belong to the stream we relay. */
  getAck?(raw: Buffer): void
}

export interface ReplicaLinkEvents {
  state: [LinkState]
  /** Lines worded as Redis logs them. */
  log: [level: 'notice' | 'warning' | 'verbose', message: string]
  /** +FULLRESYNC accepted and payload received: load it, then call loaded(). */
  fullsync: [FullSync]
  /** +CONTINUE: the stream resumes from the cached offset; newReplid when the master's id changed. */
  continue: [newReplid: string | null]
  /** Payload progress (bytes read, total or -1/0 as INFO master_sync_total_bytes shows). */
  progress: [read: number, total: number]
  closed: [reason: string]
}

const EOF_MARK_LEN = 40

export class ReplicaLink extends EventEmitter<ReplicaLinkEvents> {
  state: LinkState = 'connecting'
  /** Replication id of the master we follow (after the handshake). */
  replid: string | null = null
  /** Offset of the last byte applied (slave_repl_offset). */
  offset = 0
  /** Bytes read from the stream (slave_read_repl_offset). */
  readOffset = 0
  lastIo = Date.now()
  private socket: net.Socket
  private buf: Buffer = Buffer.alloc(0)
  private phase: 'ping' | 'replconf' | 'psync' | 'bulk-header' | 'bulk' | 'wait-load' | 'stream' = 'ping'
  private repliesExpected = 0
  private authPending = false
  private bulk: { total: number; mark: Buffer | null; chunks: Buffer[]; read: number; replid: string; offset: number } | null = null
  /** The master's stream: raw bytes kept (relayed as is), no proto-max-bulk-len for a master. */
  private parser = new RequestParser({ keepRaw: true, maxBulkLen: Number.MAX_SAFE_INTEGER })
  private ackTimer: NodeJS.Timeout | null = null
  private timeoutTimer: NodeJS.Timeout | null = null
  private handler: StreamHandler | null = null
  private closedReason: string | null = null

  constructor(readonly opts: ReplicaLinkOptions) {
    super()
    this.socket = opts.connect ? opts.connect(opts.host, opts.port) : net.connect({ host: opts.host, port: opts.port })
    this.socket.setNoDelay(true)
    this.socket.on('connect', () => this.onConnect())
    this.socket.on('data', (d: Buffer) => this.onData(d))
    this.socket.on('error', (err: NodeJS.ErrnoException) => {
      if (this.state === 'connecting') this.emit('log', 'warning', `Error condition on socket for SYNC: ${errnoText(err)}`)
      this.close(err.message)
    })
    this.socket.on('close', () => this.close('connection lost'))
    const timeoutMs = (opts.timeoutSec ?? 60) * 1000
    this.timeoutTimer = setInterval(() => {
      if (Date.now() - this.lastIo < timeoutMs) return
      const what =
        this.state === 'connecting' || this.state === 'handshake'
          ? 'Timeout connecting to the MASTER...'
          : this.state === 'sync'
            ? "Timeout receiving bulk data from MASTER... If the problem persists try to set the 'repl-timeout' parameter in redis.conf to a larger value."
            : 'MASTER timeout: no data nor PING received...'
      this.emit('log', 'warning', what)
      this.close('timeout')
    }, 1000)
    this.timeoutTimer.unref()
    // After the owner attached its listeners (it creates the link, then listens).
    process.nextTick(() => this.emit('log', 'notice', `Connecting to MASTER ${opts.host}:${opts.port}`))
  }

  /** Starts applying the stream (after +CONTINUE, or once the full-sync payload is loaded). */
  startStream(handler: StreamHandler, fromOffset: number): void {
    this.handler = handler
    this.offset = fromOffset
    this.readOffset = fromOffset
    const eof = this.phase === 'wait-load' && this.bulk?.mark !== null
    this.phase = 'stream'
    this.bulk = null
    this.setState('connected')
    this.emit('log', 'notice', 'MASTER <-> REPLICA sync: Finished with success')
    // Diskless: the master waits for our first ACK before it streams anything.
    if (eof) this.sendAck()
    this.ackTimer = setInterval(() => this.sendAck(), 1000)
    this.ackTimer.unref()
    this.drainStream()
  }

  /** While loading a big payload: a bare newline keeps the master from timing us out. */
  keepAlive(): void {
    if (!this.socket.destroyed) this.socket.write('\n')
  }

  close(reason: string): void {
    if (this.closedReason !== null) return
    this.closedReason = reason
    if (this.ackTimer) clearInterval(this.ackTimer)
    if (this.timeoutTimer) clearInterval(this.timeoutTimer)
    this.socket.destroy()
    this.setState('closed')
    this.emit('closed', reason)
  }

  get closed(): boolean {
    return this.closedReason !== null
  }

  private setState(s: LinkState): void {
    if (this.state === s) return
    this.state = s
    this.emit('state', s)
  }

  private send(...args: string[]): void {
    this.socket.write(encodeCommand(args.map((a) => Buffer.from(a))))
  }

  private sendAck(): void {
    if (!this.socket.destroyed && this.phase === 'stream') this.send('REPLCONF', 'ACK', String(this.offset))
  }

  private onConnect(): void {
    this.lastIo = Date.now()
    this.setState('handshake')
    this.emit('log', 'notice', 'MASTER <-> REPLICA sync started')
    this.emit('log', 'notice', 'Non blocking connect for SYNC fired the event.')
    this.send('PING')
  }

  private onData(chunk: Buffer): void {
    this.lastIo = Date.now()
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk
    try {
      this.advance()
    } catch (err) {
      this.emit('log', 'warning', (err as Error).message)
      this.close((err as Error).message)
    }
  }

  /** One line from the buffer, without its CRLF/LF; null until complete. */
  private line(): string | null {
    const nl = this.buf.indexOf(10)
    if (nl < 0) return null
    const end = nl > 0 && this.buf[nl - 1] === 13 ? nl - 1 : nl
    const s = this.buf.toString('latin1', 0, end)
    this.buf = this.buf.subarray(nl + 1)
    return s
  }

  private advance(): void {
    for (;;) {
      switch (this.phase) {
        case 'ping': {
          const l = this.line()
          if (l === null) return
          if (l.startsWith('-') && !/^-(NOAUTH|NOPERM|ERR operation not permitted)/.test(l)) {
            throw new Error(`Error reply to PING from master: '${l}'`)
          }
          this.emit('log', 'notice', 'Master replied to PING, replication can continue...')
          this.repliesExpected = 0
          this.authPending = this.opts.masterAuth !== undefined
          if (this.opts.masterAuth !== undefined) {
            if (this.opts.masterUser) this.send('AUTH', this.opts.masterUser, this.opts.masterAuth)
            else this.send('AUTH', this.opts.masterAuth)
            this.repliesExpected++
          }
          this.send('REPLCONF', 'listening-port', String(this.opts.listeningPort))
          this.repliesExpected++
          if (this.opts.announceIp) {
            this.send('REPLCONF', 'ip-address', this.opts.announceIp)
            this.repliesExpected++
          }
          this.send('REPLCONF', 'capa', 'eof', 'capa', 'psync2')
          this.repliesExpected++
          this.phase = 'replconf'
          continue
        }
        case 'replconf': {
          const l = this.line()
          if (l === null) return
          if (this.authPending && l.startsWith('-')) throw new Error(`Unable to AUTH to MASTER: ${l.slice(1)}`)
          this.authPending = false
          // REPLCONF errors are not critical (old masters).
          if (--this.repliesExpected > 0) continue
          const c = this.opts.cached
          if (c) this.emit('log', 'notice', `Trying a partial resynchronization (request ${c.replid}:${c.offset + 1}).`)
          this.send('PSYNC', c ? c.replid : '?', c ? String(c.offset + 1) : '-1')
          this.phase = 'psync'
          continue
        }
        case 'psync': {
          const l = this.line()
          if (l === null) return
          if (l === '') continue // keep-alive newline while the master prepares
          if (l.startsWith('+FULLRESYNC')) {
            const [, id, off] = l.split(' ')
            const replid = id && id.length === 40 ? id : ''
            if (!replid) this.emit('log', 'warning', 'Master replied with wrong +FULLRESYNC syntax.')
            this.emit('log', 'notice', `Full resync from master: ${id}:${off}`)
            this.bulk = { total: -1, mark: null, chunks: [], read: 0, replid, offset: Number(off) }
            this.phase = 'bulk-header'
            this.setState('sync')
            continue
          }
          if (l.startsWith('+CONTINUE')) {
            const id = l.slice('+CONTINUE'.length).trim()
            const newId = id.length === 40 && id !== this.opts.cached?.replid ? id : null
            this.emit('log', 'notice', 'Successful partial resynchronization with master.')
            if (newId) this.emit('log', 'notice', `Master replication ID changed to ${newId}`)
            this.replid = newId ?? this.opts.cached?.replid ?? null
            this.phase = 'wait-load'
            this.emit('continue', newId)
            return
          }
          if (l.startsWith('-NOMASTERLINK') || l.startsWith('-LOADING')) {
            this.emit('log', 'notice', `Master is currently unable to PSYNC but should be in the future: ${l}`)
            this.close('master not ready')
            return
          }
          throw new Error(`Unexpected reply to PSYNC from master: ${l}`)
        }
        case 'bulk-header': {
          const l = this.line()
          if (l === null) return
          if (l === '') continue
          if (l.startsWith('-')) throw new Error(`MASTER aborted replication with an error: ${l.slice(1)}`)
          if (!l.startsWith('$')) {
            throw new Error(`Bad protocol from MASTER, the first byte is not '$' (we received '${l}'), are you sure the host and port are right?`)
          }
          const b = this.bulk!
          if (l.startsWith('$EOF:')) {
            b.mark = Buffer.from(l.slice(5), 'latin1')
            if (b.mark.length !== EOF_MARK_LEN) throw new Error('Replication stream EOF marker is broken')
            b.total = 0
            this.emit('log', 'notice', 'MASTER <-> REPLICA sync: receiving streamed RDB from master with EOF to parser')
          } else {
            b.total = Number(l.slice(1))
            if (!Number.isSafeInteger(b.total) || b.total < 0) throw new Error(`Bad bulk length from MASTER: ${l}`)
            this.emit('log', 'notice', `MASTER <-> REPLICA sync: receiving ${b.total} bytes from master to disk`)
          }
          this.phase = 'bulk'
          continue
        }
        case 'bulk': {
          const b = this.bulk!
          if (this.buf.length === 0) return
          if (b.mark === null) {
            const take = Math.min(this.buf.length, b.total - b.read)
            b.chunks.push(Buffer.from(this.buf.subarray(0, take)))
            b.read += take
            this.buf = this.buf.subarray(take)
            this.emit('progress', b.read, b.total)
            if (b.read < b.total) return
            this.finishBulk(Buffer.concat(b.chunks, b.total))
            continue
          }
          // EOF form: the payload ends where its last 40 bytes equal the mark; the master
          // sends nothing after the mark until our first ACK, so a read ends there.
          b.chunks.push(Buffer.from(this.buf))
          b.read += this.buf.length
          this.buf = Buffer.alloc(0)
          this.emit('progress', b.read, 0)
          const tail = lastBytes(b.chunks, EOF_MARK_LEN)
          if (tail && tail.equals(b.mark)) {
            const all = Buffer.concat(b.chunks, b.read)
            this.finishBulk(all.subarray(0, all.length - EOF_MARK_LEN))
          }
          return
        }
        case 'wait-load':
          return
        case 'stream':
          this.drainStream()
          return
      }
    }
  }

  private finishBulk(rdb: Buffer): void {
    const b = this.bulk!
    this.phase = 'wait-load'
    this.replid = b.replid
    this.emit('fullsync', { replid: b.replid, offset: b.offset, rdb, eofMark: b.mark !== null })
  }

  private drainStream(): void {
    if (this.phase !== 'stream' || !this.handler) return
    if (this.buf.length) {
      this.parser.feed(this.buf)
      this.buf = Buffer.alloc(0)
    }
    for (;;) {
      const argv = this.parser.next()
      if (argv === null) return
      // The exact stream bytes (any empty lines before the command included): offsets count
      // them and sub-replicas get them unchanged.
      const raw = this.parser.rawCommand()
      const size = raw.length
      if (this.parser.lastWasInline) {
        this.emit('log', 'warning', 'WARNING: Receiving inline protocol from master, master stream corruption? Closing the master connection and discarding the cached master.')
        this.close('stream corruption')
        return
      }
      this.readOffset += size
      if (isGetAck(argv)) {
        // Answered with the offset before the GETACK itself.
        this.sendAck()
        this.offset += size
        this.handler.getAck?.(raw)
        continue
      }
      this.handler.command(argv, raw)
      this.offset += size
    }
  }
}

function isGetAck(argv: Buffer[]): boolean {
  return argv.length === 3 && argv[0]!.toString('latin1').toLowerCase() === 'replconf' && argv[1]!.toString('latin1').toLowerCase() === 'getack'
}

function lastBytes(chunks: Buffer[], n: number): Buffer | null {
  let have = 0
  const parts: Buffer[] = []
  for (let i = chunks.length - 1; i >= 0 && have < n; i--) {
    parts.unshift(chunks[i]!)
    have += chunks[i]!.length
  }
  if (have < n) return null
  const joined = Buffer.concat(parts)
  return joined.subarray(joined.length - n)
}

function errnoText(err: NodeJS.ErrnoException): string {
  return err.code === 'ECONNREFUSED' ? 'Connection refused' : err.message
}
