/**
 * The master side of replication (replication.c's syncCommand, replicaofCommand's
 * counterpart on masters, replconfCommand, waitCommand): the replicas attached to this
 * node, their full or partial synchronisation, the stream sent to them and their ACKs.
 */
import type { Client } from '../client'
import type { ReplicaLine } from './info-replication'
import type { Replication } from './replication'

export class MasterSide {
  /** Replica connections (clients that sent SYNC/PSYNC). */
  readonly replicas = new Set<Client>()

  constructor(readonly repl: Replication) {}

  /** INFO's slaveN lines, in attach order. */
  replicaLines(): ReplicaLine[] {
    return []
  }

  /** min_slaves_good_slaves when min-replicas-to-write and -max-lag are both set, else null. */
  goodReplicas(): number | null {
    return null
  }

  /** Sends stream bytes to every replica that is receiving the stream. */
  send(bytes: Buffer): void {
    void bytes
  }
}
