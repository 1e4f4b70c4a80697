/**
 * The classic replication lesson (the developers' guide), step by step: what "Do it" runs
 * and how each step is recognised. The words (titles, explanations) live in
 * i18n/locales/<locale>/walkthrough.ts under the lesson's and the step's id; `{A}` is
 * replaced by the first node's address, and so on (walkthrough store, `fill`).
 */
import { t } from '../i18n'
import type { Lesson, LessonAction, LessonContext, LessonStep, NodeRef } from './types'

type LessonId = 'classic' | 'failover'
/** vue-i18n fills `{A}` too: hand the placeholders back so `fill` still sees them. */
const KEEP = { A: '{A}', B: '{B}', C: '{C}' }

/** A lesson whose title and intro read in the current locale (getters: a switch shows at once). */
function lesson(id: LessonId, steps: Omit<LessonStep, 'title' | 'text'>[]): Lesson {
  return {
    id,
    get title() {
      return t(`walkthrough.lessons.${id}.title`)
    },
    get intro() {
      return t(`walkthrough.lessons.${id}.intro`, KEEP)
    },
    steps: steps.map((s) => ({
      ...s,
      get title() {
        return t(`walkthrough.lessons.${id}.steps.${s.id}.title`, KEEP)
      },
      get text() {
        return t(`walkthrough.lessons.${id}.steps.${s.id}.text`, KEEP)
      }
    }))
  }
}

/** A step's command line with its note ("(in {B})") in the current locale; the command itself stays. */
export function localizeCommand(line: string): string {
  const m = /\((?:(in|cut the link of|heal the link of) |(×3): )?((?:\{[ABC]\}(?:, )?)+)\)$/.exec(line)
  if (!m) return line
  const [whole, word, times, nodes] = m
  const note =
    times !== undefined
      ? t('walkthrough.notes.times3', { nodes })
      : word === 'in'
        ? t('walkthrough.notes.in', { node: nodes })
        : word === 'cut the link of'
          ? t('walkthrough.notes.cut', { node: nodes })
          : word === 'heal the link of'
            ? t('walkthrough.notes.heal', { node: nodes })
            : t('walkthrough.notes.on', { node: nodes })
  return line.slice(0, line.length - whole.length) + note
}

const REFS: NodeRef[] = ['A', 'B', 'C']

function synced(ctx: LessonContext, master: NodeRef, replicas: NodeRef[]): boolean {
  const m = ctx.node(master)
  if (!m || m.status !== 'running') return false
  return replicas.every((r) => ctx.follows(r, master) && ctx.linkUp(r) && ctx.node(r)?.keys === m.keys)
}

export const CLASSIC_LESSON: Lesson = lesson('classic', [
  {
    id: 'three-masters',
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
    commands: ['SLAVEOF {A.host} {A.port}   (in {B})'],
    actions: [{ kind: 'console', node: 'B', line: 'SLAVEOF {A.host} {A.port}' }],
    done: (ctx) => ctx.follows('B', 'A')
  },
  {
    id: 'c-replicates',
    commands: ['SLAVEOF {A.host} {A.port}   (in {C})'],
    actions: [{ kind: 'console', node: 'C', line: 'SLAVEOF {A.host} {A.port}' }],
    done: (ctx) => ctx.follows('C', 'A')
  },
  {
    id: 'info',
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
    commands: ['SET greeting bye   (in {B})'],
    actions: [{ kind: 'console', node: 'B', line: 'SET greeting bye' }],
    done: (ctx) => (['B', 'C'] as NodeRef[]).some((r) => ctx.outputSince(r).some((l) => l.startsWith('(error) READONLY')))
  },
  {
    id: 'master-down',
    commands: ['SHUTDOWN   (in {A})'],
    actions: [{ kind: 'node', node: 'A', action: 'stop' }],
    done: (ctx) =>
      ctx.node('A')?.status === 'stopped' &&
      (['B', 'C'] as NodeRef[]).every((r) => ctx.follows(r, 'A') && !ctx.linkUp(r) && (ctx.node(r)?.keys ?? 0) > 0)
  },
  {
    id: 'master-back',
    commands: ['redis-server ./redis.conf   ({A})'],
    actions: [{ kind: 'node', node: 'A', action: 'start' }],
    done: (ctx) => synced(ctx, 'A', ['B', 'C'])
  },
  {
    id: 'restart-replica',
    commands: ['SHUTDOWN   (in {B})', 'redis-server ./redis.conf   ({B})'],
    actions: [{ kind: 'node', node: 'B', action: 'restart' }],
    done: (ctx) => ctx.node('B')?.status === 'running' && ctx.node('B')?.role === 'master'
  },
  {
    id: 'partial-resync',
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
])

export const FAILOVER_LESSON: Lesson = lesson('failover', [
  {
    id: 'links-up',
    commands: ['INFO replication   (in {A})'],
    actions: [{ kind: 'console', node: 'A', line: 'INFO replication' }],
    done: (ctx) => ctx.follows('B', 'A') && ctx.follows('C', 'A') && ctx.linkUp('B') && ctx.linkUp('C')
  },
  {
    id: 'write',
    commands: ['SET order:1 paid   (in {A})'],
    actions: [
      { kind: 'console', node: 'A', line: 'SET order:1 paid' },
      { kind: 'until', check: (ctx) => synced(ctx, 'A', ['B', 'C']), timeoutMs: 10_000 }
    ],
    done: (ctx) => (ctx.node('A')?.keys ?? 0) > 0 && synced(ctx, 'A', ['B', 'C'])
  },
  {
    id: 'master-fails',
    commands: ['SHUTDOWN   (in {A})'],
    actions: [{ kind: 'node', node: 'A', action: 'stop' }],
    done: (ctx) => ctx.node('A')?.status !== 'running'
  },
  {
    id: 'promote',
    commands: ['REPLICAOF NO ONE   (in {B})'],
    actions: [{ kind: 'console', node: 'B', line: 'REPLICAOF NO ONE' }],
    done: (ctx) => ctx.node('B')?.status === 'running' && ctx.node('B')?.role === 'master'
  },
  {
    id: 'repoint',
    commands: ['REPLICAOF {B.host} {B.port}   (in {C})'],
    actions: [{ kind: 'console', node: 'C', line: 'REPLICAOF {B.host} {B.port}' }],
    done: (ctx) => ctx.follows('C', 'B') && ctx.linkUp('C')
  },
  {
    id: 'write-new-master',
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
    commands: ['redis-server ./redis.conf   ({A})', 'REPLICAOF {B.host} {B.port}   (in {A})'],
    actions: (ctx) => [
      ...(ctx.node('A')?.status === 'running' ? [] : [{ kind: 'node' as const, node: 'A' as const, action: 'start' as const }]),
      { kind: 'console', node: 'A', line: 'REPLICAOF {B.host} {B.port}' }
    ],
    done: (ctx) => ctx.follows('A', 'B') && ctx.linkUp('A')
  }
])

export const LESSONS: Record<string, Lesson> = { classic: CLASSIC_LESSON, failover: FAILOVER_LESSON }
