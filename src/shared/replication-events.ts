/** What a node's replication reports as it happens (server → lab → renderer). */

/** ROLE's link states, plus 'down' when an attempt ended. */
export type LinkStep = 'connecting' | 'handshake' | 'sync' | 'connected' | 'down'

export type ReplicationEvent =
  /** REPLICAOF host port / NO ONE took effect. */
  | { type: 'role'; role: 'master' | 'replica'; master?: string }
  /** The link to our master changed state. */
  | { type: 'link'; state: LinkStep; reason?: string }
  /** One step of the handshake or sync, worded as Redis logs it ("Master replied to PING…"). */
  | { type: 'step'; level: 'notice' | 'warning' | 'verbose'; message: string }
  /** A synchronisation with our master completed: full (a payload of `bytes`) or partial. */
  | { type: 'sync'; kind: 'full' | 'partial'; bytes: number; keys: number; ms: number }
  /**
   * On a master: a replica's PSYNC was accepted as a partial resync and `bytes` of backlog
   * were sent (the replica's own 'sync' event cannot tell backlog from live stream bytes).
   */
  | { type: 'served'; kind: 'partial'; replica: string; bytes: number; offset: number }
