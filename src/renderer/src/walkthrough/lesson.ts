/**
 * The classic replication lesson (the developers' guide), step by step. All wording lives
 * here so it can be translated; `{A}` is replaced by the first node's address, and so on.
 */
import type { Lesson, LessonAction, LessonContext, NodeRef } from './types'

const REFS: NodeRef[] = ['A', 'B', 'C']

function synced(ctx: LessonContext, master: NodeRef, replicas: NodeRef[]): boolean {
  const m = ctx.node(master)
  if (!m || m.status !== 'running') return false
  return replicas.every((r) => ctx.follows(r, master) && ctx.linkUp(r) && ctx.node(r)?.keys === m.keys)
}

export const CLASSIC_LESSON: Lesson = {
  id: 'classic',
  title: 'The classic lesson',
  intro:
    'Three servers on one machine, as in the developers’ guide: {A} becomes the master, {B} and {C} its replicas. ' +
    'Press “Do it” or type the commands in the consoles yourself: a step is ticked when the lab shows it happened.',
  steps: [
    {
      id: 'three-masters',
      title: 'Three servers, three masters',
      text: 'Every redis-server starts as a master: until told otherwise it replicates from nobody. INFO replication on each shows role:master and connected_slaves:0.',
      commands: ['redis-server ./redis.conf   (×3: {A}, {B}, {C})'],
      actions: (ctx) =>
        REFS.flatMap((r): LessonAction[] => {
          const n = ctx.node(r)
          if (!n) return []
          if (n.status !== 'running') return [{ kind: 'node', node: r, action: 'start' }]
          return n.role === 'replica' ? [{ kind: 'console', node: r, line: 'REPLICAOF NO ONE' }] : []
        }),
      done: (ctx) => REFS.every((r) => ctx.node(r)?.status === 'running' && ctx.node(r)?.role === 'master')
    },
    {
      id: 'b-replicates',
      title: 'Make {B} a replica of {A}',
      text: 'SLAVEOF host port (REPLICAOF since Redis 5) makes a server replicate from another. The replica drops its own data, and the master sends a full copy: an RDB snapshot (a full resynchronisation), then every write as it happens.',
      commands: ['SLAVEOF {A.host} {A.port}   (in {B})'],
      actions: [{ kind: 'console', node: 'B', line: 'SLAVEOF {A.host} {A.port}' }],
      done: (ctx) => ctx.follows('B', 'A')
    },
    {
      id: 'c-replicates',
      title: 'Make {C} a replica of {A}',
      text: 'A master can feed any number of replicas. Each one gets its own full copy first; the graph draws an edge from the master to each replica, coloured by the state of its link.',
      commands: ['SLAVEOF {A.host} {A.port}   (in {C})'],
      actions: [{ kind: 'console', node: 'C', line: 'SLAVEOF {A.host} {A.port}' }],
      done: (ctx) => ctx.follows('C', 'A')
    },
    {
      id: 'info',
      title: 'Look at INFO replication on each side',
      text: 'The master lists its replicas (connected_slaves, slave0:ip=…,state=online,offset=…); a replica shows role:slave, master_host, master_port and master_link_status:up once the first sync is over. Both count master_repl_offset: equal offsets mean the replica has everything.',
      commands: ['INFO replication   (in {A})', 'INFO replication   (in {B})'],
      actions: [
        { kind: 'until', check: (ctx) => ctx.linkUp('B'), timeoutMs: 30_000 },
        { kind: 'console', node: 'A', line: 'INFO replication' },
        { kind: 'console', node: 'B', line: 'INFO replication' }
      ],
      done: (ctx) => {
        const ran = (r: NodeRef): boolean => ctx.commandsSince(r).some((l) => /^\s*info(\s+replication)?\s*$/i.test(l))
        return ran('A') && (ran('B') || ran('C'))
      }
    },
    {
      id: 'write-flows',
      title: 'A write on the master appears on the replicas',
      text: 'The master forwards every write command to its replicas as it runs it. Read the key back on a replica: it is there, usually within a millisecond.',
      commands: ['SET greeting hello   (in {A})', 'GET greeting   (in {B})'],
      actions: [
        { kind: 'until', check: (ctx) => ctx.linkUp('B') && ctx.linkUp('C'), timeoutMs: 30_000 },
        { kind: 'console', node: 'A', line: 'SET greeting hello' },
        { kind: 'until', check: (ctx) => synced(ctx, 'A', ['B', 'C']), timeoutMs: 10_000 },
        { kind: 'console', node: 'B', line: 'GET greeting' }
      ],
      done: (ctx) => (ctx.node('A')?.keys ?? 0) > 0 && synced(ctx, 'A', ['B', 'C'])
    },
    {
      id: 'readonly',
      title: 'A write on a replica is refused',
      text: 'Replicas are read-only by default (replica-read-only yes): a write would make the replica differ from its master, so it answers READONLY. Clients must send writes to the master.',
      commands: ['SET greeting bye   (in {B})'],
      actions: [{ kind: 'console', node: 'B', line: 'SET greeting bye' }],
      done: (ctx) => (['B', 'C'] as NodeRef[]).some((r) => ctx.outputSince(r).some((l) => l.startsWith('(error) READONLY')))
    },
    {
      id: 'master-down',
      title: 'The master goes down',
      text: 'Stop {A}. The replicas keep their data and their configuration: they still name {A} as their master, show master_link_status:down, and try to reconnect every second. Nothing is promoted by itself (that is Sentinel’s job).',
      commands: ['SHUTDOWN   (in {A})'],
      actions: [{ kind: 'node', node: 'A', action: 'stop' }],
      done: (ctx) =>
        ctx.node('A')?.status === 'stopped' &&
        (['B', 'C'] as NodeRef[]).every((r) => ctx.follows(r, 'A') && !ctx.linkUp(r) && (ctx.node(r)?.keys ?? 0) > 0)
    },
    {
      id: 'master-back',
      title: 'It comes back; the replicas catch up',
      text: 'Start {A} again (it loads its dump.rdb). The replicas reconnect on their own and resynchronise; when their links are up they hold the same data as the master again.',
      commands: ['redis-server ./redis.conf   ({A})'],
      actions: [{ kind: 'node', node: 'A', action: 'start' }],
      done: (ctx) => synced(ctx, 'A', ['B', 'C'])
    },
    {
      id: 'restart-replica',
      title: 'A replica made by command is a master after a restart',
      text: 'SLAVEOF changes the running server only; its redis.conf has no replicaof line. Restart {B}: it comes back as a master with the data it had (replicaof in redis.conf, or CONFIG REWRITE after SLAVEOF, would make it stay a replica).',
      commands: ['SHUTDOWN   (in {B})', 'redis-server ./redis.conf   ({B})'],
      actions: [{ kind: 'node', node: 'B', action: 'restart' }],
      done: (ctx) => ctx.node('B')?.status === 'running' && ctx.node('B')?.role === 'master'
    },
    {
      id: 'partial-resync',
      title: 'Full and partial resynchronisation',
      text: 'The first sync of a replica is full: the master sends a snapshot of everything. After a short outage the replica asks to continue from its offset (PSYNC replid offset); if the master’s backlog still holds what was missed, it sends just that: a partial resync. Cut {C}’s link, write, heal it, and watch the timeline say “partial”.',
      commands: ['(cut the link of {C})', 'SET after-cut 1   (in {A})', '(heal the link of {C})'],
      actions: [
        { kind: 'until', check: (ctx) => ctx.linkUp('C'), timeoutMs: 30_000 },
        { kind: 'link', node: 'C', cut: true },
        { kind: 'until', check: (ctx) => !ctx.linkUp('C'), timeoutMs: 10_000 },
        { kind: 'console', node: 'A', line: 'SET after-cut 1' },
        { kind: 'link', node: 'C', cut: false }
      ],
      done: (ctx) => ctx.syncsSince('C').includes('partial')
    }
  ]
}

export const FAILOVER_LESSON: Lesson = {
  id: 'failover',
  title: 'Failover drill',
  intro:
    '{A} is the master, {B} and {C} its replicas. The master fails; you promote {B} by hand and point {C} (and later {A}) at it, as an operator does without Sentinel.',
  steps: [
    {
      id: 'links-up',
      title: 'Both replicas are in sync',
      text: 'Wait for both links to come up: each replica first receives a full copy of the master’s data.',
      commands: ['INFO replication   (in {A})'],
      actions: [{ kind: 'console', node: 'A', line: 'INFO replication' }],
      done: (ctx) => ctx.follows('B', 'A') && ctx.follows('C', 'A') && ctx.linkUp('B') && ctx.linkUp('C')
    },
    {
      id: 'write',
      title: 'Write on the master',
      text: 'Give the drill some data to keep: the write reaches both replicas.',
      commands: ['SET order:1 paid   (in {A})'],
      actions: [
        { kind: 'console', node: 'A', line: 'SET order:1 paid' },
        { kind: 'until', check: (ctx) => synced(ctx, 'A', ['B', 'C']), timeoutMs: 10_000 }
      ],
      done: (ctx) => (ctx.node('A')?.keys ?? 0) > 0 && synced(ctx, 'A', ['B', 'C'])
    },
    {
      id: 'master-fails',
      title: 'The master fails',
      text: 'Stop {A}. Writes now have nowhere to go: the replicas still answer reads, refuse writes, and wait for a master that does not come back.',
      commands: ['SHUTDOWN   (in {A})'],
      actions: [{ kind: 'node', node: 'A', action: 'stop' }],
      done: (ctx) => ctx.node('A')?.status !== 'running'
    },
    {
      id: 'promote',
      title: 'Promote {B}',
      text: 'REPLICAOF NO ONE turns a replica into a master that keeps its data and accepts writes. It keeps the replication history too (PSYNC2), so the other replica can follow it with a partial resync.',
      commands: ['REPLICAOF NO ONE   (in {B})'],
      actions: [{ kind: 'console', node: 'B', line: 'REPLICAOF NO ONE' }],
      done: (ctx) => ctx.node('B')?.status === 'running' && ctx.node('B')?.role === 'master'
    },
    {
      id: 'repoint',
      title: 'Point {C} at the new master',
      text: 'The other replica must be told where the master went. It continues from where it was: a partial resync if the new master’s backlog covers it.',
      commands: ['REPLICAOF {B.host} {B.port}   (in {C})'],
      actions: [{ kind: 'console', node: 'C', line: 'REPLICAOF {B.host} {B.port}' }],
      done: (ctx) => ctx.follows('C', 'B') && ctx.linkUp('C')
    },
    {
      id: 'write-new-master',
      title: 'Writes go to {B} now',
      text: 'The new master accepts the write and forwards it to {C}.',
      commands: ['SET order:2 paid   (in {B})', 'GET order:2   (in {C})'],
      actions: [
        { kind: 'console', node: 'B', line: 'SET order:2 paid' },
        { kind: 'until', check: (ctx) => synced(ctx, 'B', ['C']), timeoutMs: 10_000 },
        { kind: 'console', node: 'C', line: 'GET order:2' }
      ],
      done: (ctx) => (ctx.node('B')?.keys ?? 0) >= 2 && synced(ctx, 'B', ['C'])
    },
    {
      id: 'old-master-returns',
      title: 'The old master returns as a replica',
      text: 'Started again, {A} is a master with old data: two masters, a split brain waiting to happen. Make it a replica of {B} before clients find it.',
      commands: ['redis-server ./redis.conf   ({A})', 'REPLICAOF {B.host} {B.port}   (in {A})'],
      actions: (ctx) => [
        ...(ctx.node('A')?.status === 'running' ? [] : [{ kind: 'node' as const, node: 'A' as const, action: 'start' as const }]),
        { kind: 'console', node: 'A', line: 'REPLICAOF {B.host} {B.port}' }
      ],
      done: (ctx) => ctx.follows('A', 'B') && ctx.linkUp('A')
    }
  ]
}

export const LESSONS: Record<string, Lesson> = { classic: CLASSIC_LESSON, failover: FAILOVER_LESSON }

/** UI words of the walkthrough panel (translatable with the lessons). */
export const WALKTHROUGH_TEXT = {
  doIt: 'Do it',
  running: 'Running…',
  done: 'done',
  current: 'current',
  close: 'Close walkthrough',
  finished: 'All steps done.',
  stepsLabel: 'Walkthrough steps',
  todo: 'to do',
  menuItem: 'Guided walkthrough: the classic lesson',
  menuDescription: 'SLAVEOF, INFO replication, READONLY, a master going down and coming back, full and partial resync.'
}
