/**
 * A node's replication state shared by both sides (Redis's server.replid/replid2,
 * master_repl_offset, second_replid_offset and the backlog) and the outgoing stream:
 * what a master propagates, or what a replica relays unchanged to its own replicas.
 *
 * The master side (replicas attached to us: PSYNC/SYNC, ACKs, WAIT) lives in
 * master-side.ts; the replica side (our link to a master) in replica-side.ts.
 */
import type { RedisServer } from '../node'
import { encodeCommand } from '../resp/encode-command'
import { randomHex } from '../util'
import { ReplicationBacklog } from './backlog'
import { MasterSide } from './master-side'
import { ReplicaSide } from './replica-side'
import type { ReplicationState } from './info-replication'

const NO_REPLID = '0'.repeat(40)

export class Replication {
  /** Our replication id: the history our data set belongs to. */
  replid = randomHex(40)
  /** The previous id, valid up to secondReplOffset (PSYNC2 after a failover). */
  replid2 = NO_REPLID
  secondReplOffset = -1
  /** master_repl_offset: offset of the last byte of the stream (ours, or relayed). */
  offset = 0
  /** Created when the first replica attaches (or when we become a replica), as in Redis. */
  backlog: ReplicationBacklog | null = null
  /** When the last replica went away (repl-backlog-ttl counts from here); 0 = replicas attached. */
  noReplicasSince = Date.now()
  /** Database the stream last SELECTed; -1 forces a SELECT before the next command. */
  streamDb = -1

  readonly master: MasterSide
  readonly replica: ReplicaSide

  constructor(readonly server: RedisServer) {
    this.master = new MasterSide(this)
    this.replica = new ReplicaSide(this)
    // resizeReplicationBacklog: CONFIG SET repl-backlog-size takes effect at once.
    server.config.on('repl-backlog-size', (v) => {
      this.backlog?.resize(Number(v))
    })
  }

  /** Is this node a replica (REPLICAOF host port in effect)? */
  get isReplica(): boolean {
    return this.replica.masterHost !== null
  }

  /**
   * propagateNow: commands that changed database `dbIndex` as the stream must carry them.
   * Nothing is recorded while there is neither a backlog nor a replica (the offset does
   * not move, as in Redis). A replica never propagates its own changes: its stream is the
   * master's, relayed by relay(). `dbIndex` -1: whatever database the stream is in (EXEC).
   */
  propagate(dbIndex: number, commands: Buffer[][]): void {
    if (commands.length === 0 || this.isReplica) return
    if (this.backlog === null && this.master.replicas.size === 0) return
    if (dbIndex >= 0 && dbIndex !== this.streamDb) {
      this.feed(encodeCommand(['SELECT', String(dbIndex)]))
      this.streamDb = dbIndex
    }
    for (const argv of commands) {
      this.feed(encodeCommand(argv))
      // M: EXEC carries the SELECTs its queued commands made: the stream is in that db now.
      if (argv.length === 2 && argv[0]!.length === 6 && argv[0]!.toString('latin1').toLowerCase() === 'select') {
        this.streamDb = Number(argv[1]!.toString('latin1'))
      }
    }
  }

  /** A replica relays its master's stream bytes unchanged (chained replication). */
  relay(bytes: Buffer): void {
    this.feed(bytes)
  }

  /** Appends stream bytes: offset, backlog, every replica being fed. */
  feed(bytes: Buffer): void {
    this.offset += bytes.length
    this.backlog?.append(bytes)
    this.master.send(bytes)
  }

  /** createReplicationBacklog: at our current offset, sized by repl-backlog-size. */
  ensureBacklog(): ReplicationBacklog {
    if (this.backlog === null) {
      this.backlog = new ReplicationBacklog(this.server.config.getNumber('repl-backlog-size'), this.offset)
      // A new backlog holds nothing of what came before: the next command needs a SELECT.
      this.streamDb = -1
    }
    return this.backlog
  }

  /** freeReplicationBacklog. */
  dropBacklog(): void {
    this.backlog = null
  }

  /**
   * shiftReplicationId: a replica promoted to master keeps the old id as replid2, valid up
   * to the current offset, so replicas of the old master can PSYNC to it.
   */
  shiftReplicationId(): void {
    this.replid2 = this.replid
    this.secondReplOffset = this.offset + 1
    this.replid = randomHex(40)
  }

  /** What INFO replication and ROLE show. */
  state(): ReplicationState {
    const b = this.backlog
    const lines = this.master.replicaLines()
    const state: ReplicationState = {
      replica: this.replica.sideState(),
      replicas: lines,
      failoverState: 'no-failover',
      replid: this.replid,
      replid2: this.replid2,
      masterReplOffset: this.offset,
      secondReplOffset: this.secondReplOffset,
      backlog: {
        size: b?.size ?? this.server.config.getNumber('repl-backlog-size'),
        active: b !== null,
        firstByteOffset: b?.firstByteOffset ?? 0,
        histlen: b?.histlen ?? 0
      }
    }
    const good = this.master.goodReplicas()
    if (good !== null) state.goodReplicas = good
    return state
  }

  /** changeReplicationId + clearReplicationId2: a new history (e.g. after a full sync as master). */
  newHistory(): void {
    this.replid = randomHex(40)
    this.replid2 = NO_REPLID
    this.secondReplOffset = -1
  }
}
