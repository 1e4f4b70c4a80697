/** What a node's replication reports to whoever watches it (the lab's event stream). */
export type { LinkStep, ReplicationEvent } from '../../../shared/replication-events'
