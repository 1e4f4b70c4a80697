/**
 * The guided lessons and their panel. `{A}`, `{B}`, `{C}` stand for the nodes playing
 * those parts. Redis commands, INFO fields and error strings stay as the server says them.
 */
export default {
  doIt: 'Do it',
  running: 'Running…',
  done: 'done',
  current: 'current',
  todo: 'to do',
  close: 'Close walkthrough',
  finished: 'All steps done.',
  stepsLabel: 'Walkthrough steps',
  step: 'Step {n}: {title} ({state})',
  menuItem: 'Guided walkthrough: the classic lesson',
  menuDescription: 'SLAVEOF, INFO replication, READONLY, a master going down and coming back, full and partial resync.',
  timeout: 'The lab did not get there in time; look at the graph and the timeline, then try again.',
  notes: {
    in: '(in {node})',
    on: '({node})',
    times3: '(×3: {nodes})',
    cut: '(cut the link of {node})',
    heal: '(heal the link of {node})'
  },
  lessons: {
    classic: {
      title: 'The classic lesson',
      intro:
        'Three servers on one machine, as in the developers’ guide: {A} becomes the master, {B} and {C} its replicas. Press “Do it” or type the commands in the consoles yourself: a step is ticked when the lab shows it happened.',
      steps: {
        'three-masters': {
          title: 'Three servers, three masters',
          text: 'Every redis-server starts as a master: until told otherwise it replicates from nobody. INFO replication on each shows role:master and connected_slaves:0.'
        },
        'b-replicates': {
          title: 'Make {B} a replica of {A}',
          text: 'SLAVEOF host port (REPLICAOF since Redis 5) makes a server replicate from another. The replica drops its own data, and the master sends a full copy: an RDB snapshot (a full resynchronisation), then every write as it happens.'
        },
        'c-replicates': {
          title: 'Make {C} a replica of {A}',
          text: 'A master can feed any number of replicas. Each one gets its own full copy first; the graph draws an edge from the master to each replica, coloured by the state of its link.'
        },
        info: {
          title: 'Look at INFO replication on each side',
          text: 'The master lists its replicas (connected_slaves, slave0:ip=…,state=online,offset=…); a replica shows role:slave, master_host, master_port and master_link_status:up once the first sync is over. Both count master_repl_offset: equal offsets mean the replica has everything.'
        },
        'write-flows': {
          title: 'A write on the master appears on the replicas',
          text: 'The master forwards every write command to its replicas as it runs it. Read the key back on a replica: it is there, usually within a millisecond.'
        },
        readonly: {
          title: 'A write on a replica is refused',
          text: 'Replicas are read-only by default (replica-read-only yes): a write would make the replica differ from its master, so it answers READONLY. Clients must send writes to the master.'
        },
        'master-down': {
          title: 'The master goes down',
          text: 'Stop {A}. The replicas keep their data and their configuration: they still name {A} as their master, show master_link_status:down, and try to reconnect every second. Nothing is promoted by itself (that is Sentinel’s job).'
        },
        'master-back': {
          title: 'It comes back; the replicas catch up',
          text: 'Start {A} again (it loads its dump.rdb). The replicas reconnect on their own and resynchronise; when their links are up they hold the same data as the master again.'
        },
        'restart-replica': {
          title: 'A replica made by command is a master after a restart',
          text: 'SLAVEOF changes the running server only; its redis.conf has no replicaof line. Restart {B}: it comes back as a master with the data it had (replicaof in redis.conf, or CONFIG REWRITE after SLAVEOF, would make it stay a replica).'
        },
        'partial-resync': {
          title: 'Full and partial resynchronisation',
          text: 'The first sync of a replica is full: the master sends a snapshot of everything. After a short outage the replica asks to continue from its offset (PSYNC replid offset); if the master’s backlog still holds what was missed, it sends just that: a partial resync. Cut {C}’s link, write, heal it, and watch the timeline say “partial”.'
        }
      }
    },
    failover: {
      title: 'Failover drill',
      intro:
        '{A} is the master, {B} and {C} its replicas. The master fails; you promote {B} by hand and point {C} (and later {A}) at it, as an operator does without Sentinel.',
      steps: {
        'links-up': {
          title: 'Both replicas are in sync',
          text: 'Wait for both links to come up: each replica first receives a full copy of the master’s data.'
        },
        write: {
          title: 'Write on the master',
          text: 'Give the drill some data to keep: the write reaches both replicas.'
        },
        'master-fails': {
          title: 'The master fails',
          text: 'Stop {A}. Writes now have nowhere to go: the replicas still answer reads, refuse writes, and wait for a master that does not come back.'
        },
        promote: {
          title: 'Promote {B}',
          text: 'REPLICAOF NO ONE turns a replica into a master that keeps its data and accepts writes. It keeps the replication history too (PSYNC2), so the other replica can follow it with a partial resync.'
        },
        repoint: {
          title: 'Point {C} at the new master',
          text: 'The other replica must be told where the master went. It continues from where it was: a partial resync if the new master’s backlog covers it.'
        },
        'write-new-master': {
          title: 'Writes go to {B} now',
          text: 'The new master accepts the write and forwards it to {C}.'
        },
        'old-master-returns': {
          title: 'The old master returns as a replica',
          text: 'Started again, {A} is a master with old data: two masters, a split brain waiting to happen. Make it a replica of {B} before clients find it.'
        }
      }
    }
  }
}
