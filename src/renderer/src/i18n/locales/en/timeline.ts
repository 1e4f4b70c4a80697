/** The event timeline. Redis's own log lines (handshake steps) and the lab's reasons stay as they are. */
export default {
  title: 'Timeline',
  filter: 'Show events of',
  allNodes: 'All nodes',
  steps: 'Steps',
  stepsTitle: "The handshake's log lines, worded as Redis logs them",
  clear: 'Clear',
  empty: 'Replication events (handshake steps, full and partial syncs, links going up and down, role changes) appear here as they happen.',
  events: 'Replication events',
  select: 'Select {address} on the graph',
  kinds: { role: 'role', link: 'link', step: 'step', sync: 'sync', status: 'status', fault: 'fault', notice: 'notice' },
  role: {
    replicaOf: 'became a replica of {master}',
    aMaster: 'a master',
    master: 'became a master'
  },
  link: {
    connecting: 'link connecting to its master',
    handshake: 'link handshake',
    sync: 'link syncing',
    up: 'link up',
    down: 'link down',
    downBecause: 'link down: {reason}'
  },
  sync: {
    keys: '{n} key | {n} keys',
    full: 'full sync: {bytes} RDB, {keys}, {duration}',
    partial: 'partial sync: {duration}',
    partialBytes: 'partial sync: {bytes} from the backlog, {duration}',
    served: 'partial resync served to {replica}: {bytes} of backlog from offset {offset}'
  },
  status: {
    running: 'running',
    stopped: 'stopped',
    failed: 'failed',
    added: 'added to the lab'
  },
  fault: {
    cut: 'link cut by the lab (network fault)',
    healed: 'link healed by the lab',
    latency: 'link latency set to {ms} ms each way',
    latencyRemoved: 'link latency removed',
    clientKill: 'link cut with CLIENT KILL TYPE master (transient: the replica reconnects)'
  },
  units: { ms: '{n} ms', s: '{n} s' }
}
