/**
 * The shape of a guided lesson: steps with their explanation, what "Do it" runs, and how
 * the lab's state shows the step happened (whoever did it: the button, a console, the graph).
 * Lessons name their nodes A, B, C; a walkthrough binds them to real nodes when it starts.
 */
import type { NodeSnapshot } from '@shared/api'

export type NodeRef = 'A' | 'B' | 'C'

/** What a step's check can see: the bound nodes' snapshots, their consoles, their syncs. */
export interface LessonContext {
  node(ref: NodeRef): NodeSnapshot | undefined
  /** The node is configured to replicate from `master` (whatever its link state). */
  follows(ref: NodeRef, master: NodeRef): boolean
  /** Its link to its master is up (ROLE's `connected`). */
  linkUp(ref: NodeRef): boolean
  /** Lines run in the node's console since the step became current. */
  commandsSince(ref: NodeRef): string[]
  /** What the node's console printed since the step became current. */
  outputSince(ref: NodeRef): string[]
  /** Syncs with its master the node completed since the step became current. */
  syncsSince(ref: NodeRef): ('full' | 'partial')[]
}

/**
 * One thing "Do it" does. Console lines are typed into that node's console (so they read as
 * a person would type them); `{A}`, `{A.host}`, `{A.port}` stand for the bound nodes.
 */
export type LessonAction =
  | { kind: 'console'; node: NodeRef; line: string }
  | { kind: 'node'; node: NodeRef; action: 'start' | 'stop' | 'restart' }
  | { kind: 'link'; node: NodeRef; cut: boolean }
  | { kind: 'wait'; ms: number }
  /** Waits (up to `timeoutMs`) until the lab's state allows the next action. */
  | { kind: 'until'; check: (ctx: LessonContext) => boolean; timeoutMs: number }

export interface LessonStep {
  id: string
  title: string
  /** Why it matters, in a few sentences. */
  text: string
  /** The commands the step is about, as one would type them (placeholders allowed). */
  commands: string[]
  /** What "Do it" runs; a function when it depends on the state. */
  actions: LessonAction[] | ((ctx: LessonContext) => LessonAction[])
  done(ctx: LessonContext): boolean
}

export interface Lesson {
  id: string
  title: string
  intro: string
  steps: LessonStep[]
}
