/**
 * The replica side of replication (replicaofCommand, replicationCron's reconnects,
 * readSyncBulkPayload's load): the configured master, the ReplicaLink to it, loading the
 * full-sync payload and applying the stream.
 */
import type { ReplicaSideState } from './info-replication'
import type { Replication } from './replication'

export class ReplicaSide {
  /** REPLICAOF host port in effect (null: we are a master). */
  masterHost: string | null = null
  masterPort = 0

  constructor(readonly repl: Replication) {}

  /** INFO replication's replica lines (null while we are a master). */
  sideState(): ReplicaSideState | null {
    return null
  }
}
