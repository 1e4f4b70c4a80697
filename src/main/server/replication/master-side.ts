/**
 * The master side of replication (replication.c's syncCommand, replconfCommand,
 * waitCommand, replicationCron's master half): the replicas attached to this node, their
 * full or partial synchronisation, the stream sent to them and their ACKs.
 *
 * A replica's life: REPLCONF facts (port, ip, capabilities) → SYNC/PSYNC. A partial resync
 * is answered at once from the backlog. A full sync waits for a snapshot (diskless: after
 * repl-diskless-sync-delay, shared by every replica arriving meanwhile; disk: written to a
 * file in `dir`, then sent). From the snapshot's point in time on, what the stream carries
 * is held for the replica and sent after the payload — after its first REPLCONF ACK for the
 * EOF form, since a real replica finds the end mark only in the last bytes it read.
 */
import { createReadStream, createWriteStream, statSync, unlink, type WriteStream } from 'node:fs'
import { join } from 'node:path'
import type { Client } from '../client'
import type { RedisCommand } from '../commands/types'
import { clientInfoString } from '../commands/client'
import { blockForKeys, blockingDenied, unblockClient, type BlockedState } from '../blocking'
import { serverMetrics } from '../metrics'
import { beginSnapshot, type RdbSnapshot } from '../persistence/snapshot'
import { encodeCommand } from '../resp/encode-command'
import { randomHex, string2ll } from '../util'
import type { ReplicaLine } from './info-replication'
import type { Replication } from './replication'

const DEL_BUF = Buffer.from('DEL')

export type ReplicaPhase = 'wait_bgsave' | 'send_bulk' | 'online'

/** What a connection told us with REPLCONF, then its state as a replica (Client.replicaState). */
export class ReplicaConn {
  /** REPLCONF listening-port (0: never sent). */
  listeningPort = 0
  /** REPLCONF ip-address (null: the socket's peer address). */
  announcedIp: string | null = null
  capaEof = false
  capaPsync2 = false
  state: ReplicaPhase = 'wait_bgsave'
  /** Legacy SYNC (CLIENT_PRE_PSYNC): no ACKs expected, never timed out. */
  prePsync = false
  /** Last REPLCONF ACK offset and when it came (ms). */
  ackOffset = 0
  ackTime = Date.now()
  /** When it asked for a full sync (the diskless delay counts from the first waiting). */
  since = Date.now()
  /** Stream bytes since its snapshot's point in time, not sent yet (null: nothing held). */
  held: Buffer[] | null = null
  heldBytes = 0
  /** The stream goes straight to the socket. */
  streaming = false
  /** EOF form delivered: the stream starts at the first ACK (repl_start_cmd_stream_on_ack). */
  startOnAck = false
  job: SyncJob | null = null
}

interface SyncJob {
  target: 'socket' | 'disk'
  replicas: Set<Client>
  /** +FULLRESYNC offset: the stream offset at the snapshot's point in time. */
  offset: number
  snapshot: RdbSnapshot | null
  /** Disk target: the file, and whether it is complete. */
  file?: string
  written?: boolean
  /** Disk target: replicas still being sent the file. */
  sending?: number
}

interface Waiter {
  c: Client
  state: BlockedState
  woff: number
  numreplicas: number
}

const PING = encodeCommand(['ping'])
const GETACK = encodeCommand(['REPLCONF', 'GETACK', '*'])
const NEWLINE = Buffer.from('\n')
const CRON_MS = 1000
/**
 * Unsent payload per replica socket before the snapshot waits: enough to keep the kernel
 * busy between slices (Node's 16 KB highWaterMark would stall the snapshot constantly).
 */
const SOCKET_HIGH_WATER = 4 * 1024 * 1024

export class MasterSide {
  /** Replica connections (clients that sent SYNC/PSYNC), in attach order. */
  readonly replicas = new Set<Client>()
  /** Full syncs waiting for the next diskless snapshot. */
  private readonly waitingSocket = new Set<Client>()
  private socketJob: SyncJob | null = null
  private diskJob: SyncJob | null = null
  private disklessTimer: NodeJS.Timeout | null = null
  private cron: NodeJS.Timeout | null = null
  private cronLoops = 0
  private fileSeq = 0
  /** c->woff: the stream offset right after each client's last command that propagated. */
  private readonly woff = new WeakMap<Client, number>()
  private readonly waiters = new Set<Waiter>()
  private getAckScheduled = false

  constructor(readonly repl: Replication) {
    // deleteExpiredKeyAndPropagate: a key expiring here is a DEL on every replica, joining
    // the propagation of the command that met it (alsoPropagate).
    for (const db of repl.server.keyspace.dbs) {
      const prev = db.onExpired
      db.onExpired = (d, key) => {
        prev?.(d, key)
        repl.server.alsoPropagate(d.id, [DEL_BUF, Buffer.from(key, 'latin1')])
      }
    }
  }

  private get server() {
    return this.repl.server
  }

  private log(level: 'notice' | 'warning' | 'verbose', message: string): void {
    this.server.emit('log', level, message)
  }

  // ---- INFO / ROLE ----

  /** INFO's slaveN lines, in attach order. */
  replicaLines(): ReplicaLine[] {
    const nowSec = Math.floor(Date.now() / 1000)
    const lines: ReplicaLine[] = []
    for (const c of this.replicas) {
      const r = c.replicaState!
      lines.push({
        ip: replicaIp(c),
        port: r.listeningPort,
        state: r.state,
        offset: r.ackOffset,
        lag: r.state === 'online' ? nowSec - Math.floor(r.ackTime / 1000) : 0
      })
    }
    return lines
  }

  /** min_slaves_good_slaves when min-replicas-to-write and -max-lag are both set, else null. */
  goodReplicas(): number | null {
    const config = this.server.config
    if (config.getNumber('min-replicas-to-write') === 0 || config.getNumber('min-replicas-max-lag') === 0) return null
    return this.countGood(config.getNumber('min-replicas-max-lag'))
  }

  /** refreshGoodSlavesCount: online replicas whose last ACK is at most maxLag seconds old. */
  private countGood(maxLag: number): number {
    const nowSec = Math.floor(Date.now() / 1000)
    let n = 0
    for (const c of this.replicas) {
      const r = c.replicaState!
      if (r.state === 'online' && nowSec - Math.floor(r.ackTime / 1000) <= maxLag) n++
    }
    return n
  }

  /**
   * checkGoodReplicasStatus for processCommand: a write (or an EXEC queuing one) is refused
   * with -NOREPLICAS when min-replicas-to-write/-max-lag are set and too few replicas are good.
   */
  refusesWrite(c: Client, cmd: RedisCommand): boolean {
    if (!cmd.isWrite && !(cmd.fullname === 'exec' && c.mstate.some((q) => q.cmd.isWrite))) return false
    if (c.isMaster || this.repl.isReplica) return false
    const config = this.server.config
    if (config.revision !== this.minReplicasRevision) {
      this.minReplicas = config.getNumber('min-replicas-to-write')
      this.minReplicasMaxLag = config.getNumber('min-replicas-max-lag')
      this.minReplicasRevision = config.revision
    }
    if (this.minReplicas === 0 || this.minReplicasMaxLag === 0) return false
    return this.countGood(this.minReplicasMaxLag) < this.minReplicas
  }
  /** min-replicas-to-write / -max-lag, read for every write: refreshed when the config changes. */
  private minReplicas = 0
  private minReplicasMaxLag = 0
  private minReplicasRevision = -1

  /** call()'s c->woff: remembers the offset a command's propagation reached. */
  noteWrite(c: Client, offset: number): void {
    this.woff.set(c, offset)
  }

  /** disconnectSlaves: our history changed (we became a replica, or promoted): replicas must PSYNC again. */
  disconnectReplicas(): void {
    for (const c of this.replicas) c.socket.destroy()
  }

  // ---- SYNC / PSYNC ----

  /** syncCommand. `psync` is [replid, offset argument] for PSYNC, null for the legacy SYNC. */
  syncCommand(c: Client, psync: [string, Buffer] | null): void {
    if (this.replicas.has(c)) return // a replica asking again: ignored, as Redis does
    const repl = this.repl
    if (repl.isReplica && !repl.replica.linkUp) {
      c.error("-NOMASTERLINK Can't SYNC while not connected with my master")
      return
    }
    let offset = 0
    if (psync !== null) {
      const n = string2ll(psync[1])
      if (n === null || typeof n === 'bigint') {
        c.error('value is not an integer or out of range')
        return
      }
      offset = n
    }
    const r = (c.replicaState ??= new ReplicaConn())
    // What was replied before (REPLCONFs pipelined ahead) goes out before the stream.
    this.server.stats.netOutputBytes += c.reply.flush()
    this.log('notice', `Replica ${replicaName(c)} asks for synchronization`)
    if (psync !== null) {
      if (this.tryPartial(c, r, psync[0], offset)) {
        serverMetrics(this.server).syncPartialOk++
        return
      }
      if (psync[0] !== '?') serverMetrics(this.server).syncPartialErr++
    } else {
      r.prePsync = true
    }
    serverMetrics(this.server).syncFull++
    r.state = 'wait_bgsave'
    r.since = Date.now()
    this.attach(c)
    if (this.replicas.size === 1 && repl.backlog === null && !repl.isReplica) {
      repl.newHistory()
      repl.ensureBacklog()
      this.log('notice', `Replication backlog created, my new replication IDs are '${repl.replid}' and '${repl.replid2}'`)
    } else {
      repl.ensureBacklog()
    }
    const config = this.server.config
    if (config.getBool('repl-diskless-sync') && r.capaEof) {
      this.waitingSocket.add(c)
      if (config.getNumber('repl-diskless-sync-delay') > 0) this.log('notice', 'Delay next BGSAVE for diskless SYNC')
      this.scheduleSocketJob()
    } else {
      this.startOrJoinDiskJob(c)
    }
  }

  /** masterTryPartialResynchronization. */
  private tryPartial(c: Client, r: ReplicaConn, replid: string, offset: number): boolean {
    const repl = this.repl
    const name = replicaName(c)
    if (replid.toLowerCase() !== repl.replid && (replid.toLowerCase() !== repl.replid2 || offset > repl.secondReplOffset)) {
      if (replid === '?') this.log('notice', `Full resync requested by replica ${name}`)
      else if (replid.toLowerCase() !== repl.replid && replid.toLowerCase() !== repl.replid2) {
        this.log(
          'notice',
          `Partial resynchronization not accepted: Replication ID mismatch (Replica asked for '${replid}', my replication IDs are '${repl.replid}' and '${repl.replid2}')`
        )
      } else {
        this.log(
          'notice',
          `Partial resynchronization not accepted: Requested offset for second ID was ${offset}, but I can reply up to ${repl.secondReplOffset}`
        )
      }
      return false
    }
    const backlog = repl.backlog
    if (backlog === null || offset < backlog.firstByteOffset || offset > backlog.firstByteOffset + backlog.histlen) {
      this.log('notice', `Unable to partial resync with replica ${name} for lack of backlog (Replica request was: ${offset}).`)
      if (offset > repl.offset) {
        this.log('warning', `Warning: replica ${name} tried to PSYNC with an offset that is greater than the master replication offset.`)
      }
      return false
    }
    r.state = 'online'
    r.ackTime = Date.now()
    r.startOnAck = false
    this.attach(c)
    const data = backlog.histlen > 0 ? backlog.from(offset) : []
    const line = Buffer.from(r.capaPsync2 ? `+CONTINUE ${repl.replid}\r\n` : '+CONTINUE\r\n')
    let sent = 0
    c.socket.cork()
    this.write(c, line, false)
    for (const d of data) {
      this.write(c, d, true)
      sent += d.length
    }
    c.socket.uncork()
    r.streaming = true
    this.log('notice', `Partial resynchronization request from ${name} accepted. Sending ${sent} bytes of backlog starting from offset ${offset}.`)
    this.server.emit('replication', { type: 'served', kind: 'partial', replica: name, bytes: sent, offset })
    return true
  }

  /** Adds the connection to the replica list (CLIENT_SLAVE). */
  private attach(c: Client): void {
    this.replicas.add(c)
    c.socket.once('close', () => this.detach(c))
    // A replica loading a big payload writes a newline now and then to refresh its ACK time
    // (processInlineBuffer); what else it sends is REPLCONF ACK, which refreshes it too.
    c.socket.on('data', () => {
      if (c.replicaState !== null) c.replicaState.ackTime = Date.now()
    })
    this.ensureCron()
  }

  /** freeClient of a replica. */
  private detach(c: Client): void {
    if (!this.replicas.delete(c)) return
    const r = c.replicaState!
    this.waitingSocket.delete(c)
    const job = r.job
    if (job !== null) {
      job.replicas.delete(c)
      if (job.replicas.size === 0 && job.target === 'socket') job.snapshot?.abort()
      else if (job.target === 'socket') this.resumeIfDrained(job)
    }
    r.job = null
    r.held = null
    r.heldBytes = 0
    this.log('warning', `Connection with replica ${replicaName(c)} lost.`)
    if (this.replicas.size === 0) this.repl.noReplicasSince = Date.now()
  }

  // ---- diskless full sync ----

  private scheduleSocketJob(): void {
    if (this.socketJob !== null || this.waitingSocket.size === 0) return
    const config = this.server.config
    const delay = config.getNumber('repl-diskless-sync-delay') * 1000
    const max = config.getNumber('repl-diskless-sync-max-replicas')
    if (delay === 0 || (max > 0 && this.waitingSocket.size >= max)) {
      if (this.disklessTimer) clearTimeout(this.disklessTimer)
      this.disklessTimer = null
      this.startSocketJob()
      return
    }
    if (this.disklessTimer !== null) return
    let oldest = Date.now()
    for (const c of this.waitingSocket) oldest = Math.min(oldest, c.replicaState!.since)
    this.disklessTimer = setTimeout(() => {
      this.disklessTimer = null
      this.startSocketJob()
    }, Math.max(0, oldest + delay - Date.now()))
    this.disklessTimer.unref()
  }

  /** rdbSaveToSlavesSockets: one snapshot streamed to every waiting replica as $EOF:<mark>. */
  private startSocketJob(): void {
    if (this.socketJob !== null || this.waitingSocket.size === 0) return
    const members = new Set(this.waitingSocket)
    this.waitingSocket.clear()
    const job = this.newJob('socket', members)
    this.socketJob = job
    const mark = randomHex(40)
    this.log('notice', 'Starting BGSAVE for SYNC with target: replicas sockets')
    for (const c of members) {
      const r = c.replicaState!
      const head = r.prePsync ? '' : `+FULLRESYNC ${this.repl.replid} ${job.offset}\r\n`
      this.write(c, Buffer.from(`${head}$EOF:${mark}\r\n`), false)
    }
    const markBuf = Buffer.from(mark)
    let corked = false
    job.snapshot = beginSnapshot(this.server, {
      aux: this.takeAux(job),
      onChunk: (chunk) => {
        if (!corked) {
          corked = true
          for (const c of job.replicas) c.socket.cork()
          process.nextTick(() => {
            corked = false
            for (const c of job.replicas) c.socket.uncork()
          })
        }
        let needDrain = false
        for (const c of job.replicas) {
          this.write(c, chunk, true)
          if (c.socket.writableLength > SOCKET_HIGH_WATER) needDrain = true
        }
        if (needDrain) this.waitDrain(job)
      },
      onEnd: (err) => {
        this.socketJob = null
        if (err) {
          this.log('warning', `Diskless rdb transfer failed: ${err.message}`)
          for (const c of job.replicas) c.socket.destroy()
        } else {
          this.log('notice', 'Background RDB transfer terminated with success')
          for (const c of job.replicas) {
            const r = c.replicaState!
            this.write(c, markBuf, true)
            r.job = null
            r.state = 'online'
            r.ackTime = Date.now()
            r.startOnAck = true
            const name = replicaName(c)
            this.log('notice', `Streamed RDB transfer with replica ${name} succeeded (socket). Waiting for REPLCONF ACK from slave to enable streaming`)
            this.log('notice', `Synchronization with replica ${name} succeeded`)
          }
        }
        // Replicas that arrived during this transfer wait for the next one.
        this.scheduleSocketJob()
      }
    })
  }

  /** Backpressure: the snapshot waits for the slowest replica socket. */
  private waitDrain(job: SyncJob): void {
    job.snapshot?.pause()
    for (const c of job.replicas) {
      if (c.socket.writableLength > SOCKET_HIGH_WATER) c.socket.once('drain', () => this.resumeIfDrained(job))
    }
  }

  private resumeIfDrained(job: SyncJob): void {
    for (const c of job.replicas) if (c.socket.writableLength > SOCKET_HIGH_WATER && !c.socket.destroyed) return
    job.snapshot?.resume()
  }

  // ---- disk-based full sync ----

  private startOrJoinDiskJob(c: Client): void {
    const r = c.replicaState!
    const running = this.diskJob
    if (running !== null && !running.written && running.replicas.size > 0) {
      // Another replica waits for this BGSAVE: share it, with a copy of what it holds.
      const peer = running.replicas.values().next().value!
      const pr = peer.replicaState!
      running.replicas.add(c)
      r.job = running
      r.held = [...(pr.held ?? [])]
      r.heldBytes = pr.heldBytes
      if (!r.prePsync) this.write(c, Buffer.from(`+FULLRESYNC ${this.repl.replid} ${running.offset}\r\n`), false)
      this.log('notice', 'Waiting for end of BGSAVE for SYNC')
      return
    }
    const job = this.newJob('disk', new Set([c]))
    this.diskJob = job
    const dir = this.server.config.get('dir') || process.cwd()
    const file = join(dir, `temp-repl-${process.pid}-${++this.fileSeq}.rdb`)
    job.file = file
    job.written = false
    this.log('notice', 'Starting BGSAVE for SYNC with target: disk')
    if (!r.prePsync) this.write(c, Buffer.from(`+FULLRESYNC ${this.repl.replid} ${job.offset}\r\n`), false)
    let out: WriteStream
    const fail = (err: Error): void => {
      this.log('warning', `BGSAVE for replication failed: ${err.message}`)
      if (this.diskJob === job) this.diskJob = null
      job.snapshot?.abort()
      for (const m of job.replicas) m.socket.destroy()
      unlink(file, () => undefined)
    }
    try {
      out = createWriteStream(file)
    } catch (err) {
      fail(err as Error)
      return
    }
    out.on('error', fail)
    job.snapshot = beginSnapshot(this.server, {
      aux: this.takeAux(job),
      onChunk: (chunk) => {
        if (!out.write(chunk)) {
          job.snapshot?.pause()
          out.once('drain', () => job.snapshot?.resume())
        }
      },
      onEnd: (err) => {
        if (err) {
          out.destroy()
          fail(err)
          return
        }
        out.end(() => {
          if (this.diskJob === job) this.diskJob = null
          job.written = true
          this.log('notice', 'Background saving terminated with success')
          let size: number
          try {
            size = statSync(file).size
          } catch (e) {
            fail(e as Error)
            return
          }
          job.sending = job.replicas.size
          if (job.sending === 0) unlink(file, () => undefined)
          for (const m of job.replicas) this.sendFile(m, job, size)
        })
      }
    })
  }

  /** sendBulkToSlave: $<len>\r\n then the file, then the stream at once. */
  private sendFile(c: Client, job: SyncJob, size: number): void {
    const r = c.replicaState!
    r.state = 'send_bulk'
    this.write(c, Buffer.from(`$${size}\r\n`), true)
    const metrics = serverMetrics(this.server)
    const rs = createReadStream(job.file!)
    let done = false
    const finish = (ok: boolean): void => {
      if (done) return
      done = true
      if (--job.sending! === 0) unlink(job.file!, () => undefined)
      if (!ok) {
        c.socket.destroy()
        return
      }
      r.job = null
      r.state = 'online'
      r.ackTime = Date.now()
      this.startStream(c)
      this.log('notice', `Synchronization with replica ${replicaName(c)} succeeded`)
    }
    rs.on('data', (d) => (metrics.replOutputBytes += d.length))
    rs.on('error', () => finish(false))
    rs.on('end', () => finish(!c.closed && !c.socket.destroyed))
    c.socket.once('close', () => {
      rs.destroy()
      finish(false)
    })
    rs.pipe(c.socket, { end: false })
  }

  private newJob(target: 'socket' | 'disk', members: Set<Client>): SyncJob {
    const job: SyncJob = { target, replicas: members, offset: this.repl.offset, snapshot: null }
    for (const c of members) {
      const r = c.replicaState!
      r.job = job
      r.held = []
      r.heldBytes = 0
    }
    return job
  }

  /**
   * The RDB's replication aux fields; from here on the stream is held for the job's
   * replicas and the next command must SELECT (replicationSetupSlaveForFullResync).
   */
  private takeAux(job: SyncJob): [string, string | number][] {
    const repl = this.repl
    const aux: [string, string | number][] = [
      ['repl-stream-db', repl.streamDb < 0 ? 0 : repl.streamDb],
      ['repl-id', repl.replid],
      ['repl-offset', job.offset]
    ]
    repl.streamDb = -1
    return aux
  }

  /** replicaStartCommandStream: what was held goes out, then the stream flows directly. */
  private startStream(c: Client): void {
    const r = c.replicaState!
    r.startOnAck = false
    r.streaming = true
    const held = r.held
    r.held = null
    r.heldBytes = 0
    if (held !== null && held.length > 0) this.write(c, held.length === 1 ? held[0]! : Buffer.concat(held), true)
  }

  // ---- the stream ----

  /** Sends stream bytes to every replica that is receiving the stream (held for those syncing). */
  send(bytes: Buffer): void {
    if (this.cron === null && this.repl.backlog !== null) this.ensureCron()
    for (const c of this.replicas) {
      const r = c.replicaState!
      if (r.streaming) this.write(c, bytes, true)
      else if (r.held !== null) {
        r.held.push(bytes)
        r.heldBytes += bytes.length
        this.checkOutputLimit(c)
      }
    }
  }

  private write(c: Client, bytes: Buffer, count: boolean): void {
    if (c.closed || c.socket.destroyed) return
    c.socket.write(bytes)
    if (count) serverMetrics(this.server).replOutputBytes += bytes.length
    this.checkOutputLimit(c)
  }

  /** client-output-buffer-limit replica: unsent stream (socket + held) over the hard limit, or the soft one for too long. */
  private checkOutputLimit(c: Client): void {
    const r = c.replicaState!
    const limit = c.obufLimits.slave
    if (limit.hard === 0 && limit.soft === 0) return
    // The RDB payload of a diskless transfer is not the output buffer (Redis sends it through a pipe).
    const used = r.heldBytes + (r.job?.target === 'socket' ? 0 : c.socket.writableLength)
    let over = limit.hard !== 0 && used >= limit.hard
    if (!over && limit.soft !== 0 && used >= limit.soft) {
      const nowSec = Math.floor(Date.now() / 1000)
      if (c.obufSoftLimitReachedTime === 0) c.obufSoftLimitReachedTime = nowSec
      else if (nowSec - c.obufSoftLimitReachedTime > limit.softSeconds) over = true
    } else if (!over) {
      c.obufSoftLimitReachedTime = 0
    }
    if (!over || c.closed) return
    const info = clientInfoString(c)
    c.closed = true
    c.socket.destroy()
    this.log('warning', `Client ${info} scheduled to be closed ASAP for overcoming of output buffer limits.`)
  }

  // ---- REPLCONF ACK / GETACK, WAIT ----

  /** REPLCONF ACK <offset> from a replica (never replied). */
  ack(c: Client, offset: number): void {
    if (!this.replicas.has(c)) return
    const r = c.replicaState!
    if (offset > r.ackOffset) r.ackOffset = offset
    r.ackTime = Date.now()
    if (r.startOnAck && r.state === 'online') this.startStream(c)
    if (this.waiters.size > 0) this.serveWaiters()
  }

  /** replicationCountAcksByOffset. */
  countAcks(offset: number): number {
    let n = 0
    for (const c of this.replicas) {
      const r = c.replicaState!
      if (r.state === 'online' && r.ackOffset >= offset) n++
    }
    return n
  }

  /** waitCommand once parsed: replies now, or blocks until enough ACKs or the timeout (ms, 0 = forever). */
  wait(c: Client, numreplicas: number, timeoutMs: number): void {
    const woff = this.woff.get(c) ?? 0
    const acked = this.countAcks(woff)
    if (acked >= numreplicas || blockingDenied(c)) {
      c.reply.integer(acked)
      return
    }
    blockForKeys(c, [], timeoutMs > 0 ? Date.now() + timeoutMs : 0, {
      serve: () => false,
      // On timeout, CLIENT UNBLOCK or enough ACKs: the number of replicas that reached woff.
      timeout: (cl) => cl.reply.integer(this.countAcks(woff))
    })
    this.waiters.add({ c, state: c.blocked!, woff, numreplicas })
    this.requestAcks()
  }

  /** replicationRequestAckFromSlaves: one REPLCONF GETACK * into the stream per event-loop turn. */
  private requestAcks(): void {
    if (this.getAckScheduled) return
    this.getAckScheduled = true
    setImmediate(() => {
      this.getAckScheduled = false
      if (this.repl.isReplica || this.repl.backlog === null) return
      this.repl.feed(GETACK)
    })
  }

  /** processClientsWaitingReplicas. */
  private serveWaiters(): void {
    for (const w of this.waiters) {
      if (w.c.blocked !== w.state) {
        this.waiters.delete(w)
        continue
      }
      if (this.countAcks(w.woff) >= w.numreplicas) {
        this.waiters.delete(w)
        unblockClient(w.c, false)
      }
    }
  }

  // ---- replicationCron (master half) ----

  private ensureCron(): void {
    if (this.cron !== null) return
    this.cronLoops = 0
    this.cron = setInterval(() => this.replicationCron(), CRON_MS)
    this.cron.unref()
  }

  private replicationCron(): void {
    const server = this.server
    const repl = this.repl
    if (!server.listening || (this.replicas.size === 0 && (repl.backlog === null || repl.isReplica))) {
      clearInterval(this.cron!)
      this.cron = null
      return
    }
    this.cronLoops++
    const config = server.config
    const now = Date.now()
    // PING the replicas every repl-ping-replica-period: part of the stream (a replica relays its master's).
    if (this.replicas.size > 0 && !repl.isReplica && this.cronLoops % config.getNumber('repl-ping-replica-period') === 0) {
      repl.feed(PING)
    }
    const timeoutMs = config.getNumber('repl-timeout') * 1000
    for (const c of this.replicas) {
      const r = c.replicaState!
      // Newlines keep a replica waiting for its payload from timing out (not part of the stream).
      const waitingPayload = r.state === 'wait_bgsave' && (r.job === null || (r.job.target === 'disk' && !r.job.written))
      if (waitingPayload && !c.socket.destroyed) c.socket.write(NEWLINE)
      if (r.state === 'online' && !r.prePsync && now - r.ackTime > timeoutMs) {
        this.log('warning', `Disconnecting timedout replica (streaming sync): ${replicaName(c)}`)
        c.socket.destroy()
        continue
      }
      if (r.streaming || r.held !== null) this.checkOutputLimit(c)
    }
    // repl-backlog-ttl: a master alone too long forgets its history.
    const ttl = config.getNumber('repl-backlog-ttl')
    if (this.replicas.size === 0 && ttl > 0 && repl.backlog !== null && !repl.isReplica) {
      const idle = Math.floor(now / 1000) - Math.floor(repl.noReplicasSince / 1000)
      if (idle > ttl) {
        repl.newHistory()
        repl.dropBacklog()
        this.log('notice', `Replication backlog freed after ${ttl} seconds without connected replicas.`)
      }
    }
  }
}

/** The replica's address as INFO shows it: REPLCONF ip-address, else the peer's. */
function replicaIp(c: Client): string {
  const r = c.replicaState
  if (r?.announcedIp) return r.announcedIp
  let ip = c.socket.remoteAddress ?? '?'
  if (ip.startsWith('::ffff:')) ip = ip.slice(7)
  return ip
}

/** replicationGetSlaveName: ip:listening-port, or the client address before REPLCONF. */
export function replicaName(c: Client): string {
  const port = c.replicaState?.listeningPort ?? 0
  return port ? `${replicaIp(c)}:${port}` : `${replicaIp(c)}:<unknown-replica-port>`
}
