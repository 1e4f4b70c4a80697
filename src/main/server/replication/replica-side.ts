/**
 * The replica side of replication (replicaofCommand, replicationSetMaster/UnsetMaster,
 * replicationCron's reconnects, readSyncBulkPayload's load): the configured master, the
 * ReplicaLink to it, loading the full-sync payload and applying the stream, which is
 * relayed unchanged to our own replicas (chained replication).
 *
 * Between links the node keeps what Redis calls the cached master: our replid and offset
 * stand for the master's history, so the next link asks PSYNC <replid> <offset+1>.
 */
import net from 'node:net'
import { Client } from '../client'
import { disconnectAllBlockedClients } from '../blocking'
import { loadRdb } from '../persistence/rdb-load'
import type { ReplicaSideState } from './info-replication'
import { ReplicaLink, type FullSync, type LinkState } from './replica-link'
import type { Replication } from './replication'

/** A connection opener (the lab's link faults wrap net.connect). */
export type Connector = (host: string, port: number) => net.Socket

const RECONNECT_MS = 1000

export class ReplicaSide {
  /** REPLICAOF host port in effect (null: we are a master). */
  masterHost: string | null = null
  masterPort = 0
  /** The current attempt (null between attempts). */
  link: ReplicaLink | null = null
  /** Opens link connections; the lab replaces it to cut links or add latency. */
  connector: Connector | null = null
  /** Whether a cached master exists (we hold a history position a master may continue). */
  private cachedMaster = false
  /** When the link last went down (ms); 0 = up, or never connected. */
  private downSince = 0
  /** The client the master's commands run as (CLIENT_MASTER); kept across partial resyncs. */
  private masterClient: Client | null = null
  private reconnectTimer: NodeJS.Timeout | null = null
  /** The current link reached the streaming state. */
  private linkWasUp = false
  /** When the current link attempt began. */
  private syncStarted = 0

  constructor(readonly repl: Replication) {}

  get linkUp(): boolean {
    return this.link?.state === 'connected'
  }

  /** replicationSetMaster: REPLICAOF host port (or a replicaof line at start). */
  setMaster(host: string, port: number): void {
    const server = this.repl.server
    const wasMaster = this.masterHost === null
    this.dropLink()
    disconnectAllBlockedClients(server.clients.values())
    this.masterHost = host
    this.masterPort = port
    server.keyspace.expirePolicy.replica = true
    if (wasMaster) {
      // replicationCacheMasterUsingMyself: our own history is what we ask the master to continue.
      this.cachedMaster = true
      this.masterClient = null
    }
    server.emit('replication', { type: 'role', role: 'replica', master: `${host}:${port}` })
    this.connect()
  }

  /** replicationUnsetMaster: REPLICAOF NO ONE. */
  unsetMaster(): void {
    if (this.masterHost === null) return
    const server = this.repl.server
    this.dropLink()
    this.masterHost = null
    this.masterPort = 0
    this.cachedMaster = false
    this.masterClient = null
    this.downSince = 0
    server.keyspace.expirePolicy.replica = false
    // A new history that continues the old one: our replicas can PSYNC to us (PSYNC2).
    this.repl.shiftReplicationId()
    this.repl.master.disconnectReplicas()
    this.repl.streamDb = -1
    this.repl.noReplicasSince = Date.now()
    server.emit('log', 'notice', 'Removing the replica role and returning to being a master')
    server.emit('replication', { type: 'role', role: 'master' })
  }

  /** Stops replicating without forgetting the master (the server is closing). */
  stop(): void {
    this.dropLink()
  }

  /** INFO replication's replica lines (null while we are a master). */
  sideState(): ReplicaSideState | null {
    if (this.masterHost === null) return null
    const config = this.repl.server.config
    const link = this.link
    const now = Date.now()
    const connected = link?.state === 'connected'
    const offsets = connected || this.cachedMaster ? this.repl.offset : 1
    const state: ReplicaSideState = {
      host: this.masterHost,
      port: this.masterPort,
      linkState: link === null ? 'connect' : link.state === 'closed' ? 'connect' : link.state,
      lastIoSecondsAgo: connected ? Math.floor((now - link.lastIo) / 1000) : -1,
      readOffset: connected ? link.readOffset : offsets,
      appliedOffset: connected ? link.offset : offsets,
      linkDownSinceSeconds: this.downSince ? Math.floor((now - this.downSince) / 1000) : -1,
      priority: config.getNumber('replica-priority'),
      readOnly: config.getBool('replica-read-only'),
      announced: config.getBool('replica-announced')
    }
    if (link?.state === 'sync') state.sync = { ...this.progress, lastIoSecondsAgo: Math.floor((now - link.lastIo) / 1000) }
    return state
  }

  private progress = { total: -1, read: 0 }

  // ---- the link ----

  private connect(): void {
    if (this.masterHost === null || this.link !== null) return
    const server = this.repl.server
    const config = server.config
    const announcePort = config.getNumber('replica-announce-port')
    const announceIp = config.get('replica-announce-ip')
    const masterUser = config.get('masteruser')
    const masterAuth = config.get('masterauth')
    const link = new ReplicaLink({
      host: this.masterHost,
      port: this.masterPort,
      listeningPort: announcePort || server.port,
      ...(announceIp ? { announceIp } : {}),
      ...(masterUser ? { masterUser } : {}),
      ...(masterAuth ? { masterAuth } : {}),
      cached: this.cachedMaster ? { replid: this.repl.replid, offset: this.repl.offset } : null,
      timeoutSec: config.getNumber('repl-timeout'),
      ...(this.connector ? { connect: this.connector } : {})
    })
    this.link = link
    this.linkWasUp = false
    // A sync's duration counts from the connection attempt: handshake, PSYNC, payload, load.
    this.syncStarted = Date.now()
    this.progress = { total: -1, read: 0 }
    link.on('log', (level, message) => {
      server.emit('log', level, message)
      server.emit('replication', { type: 'step', level, message })
    })
    link.on('state', (s) => this.onLinkState(link, s))
    link.on('progress', (read, total) => {
      this.progress = { total: total === 0 ? -1 : total, read }
    })
    link.on('fullsync', (sync) => this.onFullSync(link, sync))
    link.on('continue', (newReplid) => this.onContinue(link, newReplid))
    link.on('closed', (reason) => this.onLinkClosed(link, reason))
  }

  private onLinkState(link: ReplicaLink, s: LinkState): void {
    if (link !== this.link) return
    if (s === 'connected') {
      this.downSince = 0
      this.linkWasUp = true
    }
    if (s !== 'closed') this.repl.server.emit('replication', { type: 'link', state: s })
  }

  /** readSyncBulkPayload: flush, load, adopt the master's history, stream from its offset. */
  private onFullSync(link: ReplicaLink, sync: FullSync): void {
    if (link !== this.link) return
    const server = this.repl.server
    server.emit('log', 'notice', 'MASTER <-> REPLICA sync: Flushing old data')
    let loaded: ReturnType<typeof loadRdb>
    try {
      loaded = loadRdb(server, sync.rdb, { keepExpired: true })
    } catch (err) {
      server.emit('log', 'warning', `Failed trying to load the MASTER synchronization DB from socket: ${(err as Error).message}`)
      link.close('bad payload')
      return
    }
    server.emit('log', 'notice', 'MASTER <-> REPLICA sync: Loading DB in memory')
    // Our replicas followed our old history: they must resync with the new one.
    this.repl.master.disconnectReplicas()
    this.repl.replid = sync.replid
    this.repl.replid2 = '0'.repeat(40)
    this.repl.secondReplOffset = -1
    this.repl.offset = sync.offset
    this.repl.dropBacklog()
    this.repl.ensureBacklog()
    this.cachedMaster = false
    const streamDb = Number(loaded.aux.get('repl-stream-db')?.toString('latin1') ?? 0)
    this.masterClient = this.newMasterClient(Number.isInteger(streamDb) ? streamDb : 0)
    link.startStream(this.streamHandler(), sync.offset)
    server.emit('replication', {
      type: 'sync',
      kind: 'full',
      bytes: sync.rdb.length,
      keys: loaded.keys,
      ms: Date.now() - this.syncStarted
    })
  }

  /** +CONTINUE: the stream resumes after our offset, maybe under a new replid. */
  private onContinue(link: ReplicaLink, newReplid: string | null): void {
    if (link !== this.link) return
    const repl = this.repl
    if (newReplid !== null) {
      // The master changed history (a failover): keep ours as replid2 up to here.
      repl.replid2 = repl.replid
      repl.secondReplOffset = repl.offset + 1
      repl.replid = newReplid
      repl.master.disconnectReplicas()
    }
    repl.ensureBacklog()
    this.cachedMaster = false
    this.masterClient ??= this.newMasterClient(0)
    link.startStream(this.streamHandler(), repl.offset)
    repl.server.emit('replication', { type: 'sync', kind: 'partial', bytes: 0, keys: 0, ms: Date.now() - this.syncStarted })
  }

  private onLinkClosed(link: ReplicaLink, reason: string): void {
    if (link !== this.link) return
    const wasConnected = this.linkWasUp
    this.link = null
    if (this.masterHost === null) return
    if (wasConnected) {
      // replicationCacheMaster: what we applied stays continuable.
      this.cachedMaster = true
      this.downSince = Date.now()
      this.repl.server.emit('log', 'notice', `Connection with master lost (${reason}).`)
    }
    this.repl.server.emit('replication', { type: 'link', state: 'down', reason })
    this.scheduleReconnect()
  }

  private scheduleReconnect(): void {
    if (this.reconnectTimer) return
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null
      this.connect()
    }, RECONNECT_MS)
    this.reconnectTimer.unref()
  }

  private dropLink(): void {
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer)
    this.reconnectTimer = null
    const link = this.link
    this.link = null
    if (link && link.state === 'connected') this.cachedMaster = true
    link?.close('replication reconfigured')
  }

  private newMasterClient(db: number): Client {
    const server = this.repl.server
    const c = new Client(0, new net.Socket(), server)
    c.isMaster = true
    c.authenticated = true
    c.db = server.keyspace.db(db < server.keyspace.dbs.length ? db : 0)
    return c
  }

  private streamHandler(): { command(argv: Buffer[], raw: Buffer): void; getAck(raw: Buffer): void } {
    const repl = this.repl
    return {
      command: (argv, raw) => {
        repl.server.executeFromMaster(this.masterClient!, argv)
        repl.relay(raw)
      },
      getAck: (raw) => repl.relay(raw)
    }
  }
}
