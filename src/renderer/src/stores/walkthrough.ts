/**
 * A guided lesson in progress: which lab nodes play A, B and C, which steps are done, and
 * "Do it" for the current step. A step is ticked when the lab's state shows it happened
 * (snapshots, console transcripts, sync events), whoever made it happen; steps are ticked
 * in order, so "the master went down, then came back" reads as two steps.
 */
import { computed, ref, watch } from 'vue'
import { defineStore } from 'pinia'
import type { NodeSnapshot } from '@shared/api'
import { LESSONS } from '../walkthrough/lesson'
import { t } from '../i18n'
import type { Lesson, LessonAction, LessonContext, NodeRef } from '../walkthrough/types'
import { nodeAddress, useLabStore } from './lab'
import { useConsolesStore } from './consoles'
import { useOperationsStore } from './operations'

const REFS: NodeRef[] = ['A', 'B', 'C']

/** `{A}` → address, `{A.host}`, `{A.port}` → its parts. */
export function fillIn(text: string, node: (ref: NodeRef) => Pick<NodeSnapshot, 'host' | 'port'> | undefined): string {
  return text.replace(/\{([ABC])(?:\.(host|port))?\}/g, (whole, ref: NodeRef, part?: string) => {
    const n = node(ref)
    if (!n) return whole
    return part === 'host' ? n.host : part === 'port' ? String(n.port) : nodeAddress(n)
  })
}

export const useWalkthroughStore = defineStore('walkthrough', () => {
  const lab = useLabStore()
  const consoles = useConsolesStore()
  const ops = useOperationsStore()
  const lesson = ref<Lesson | null>(null)
  /** A, B, C → node ids. */
  const binding = ref<Partial<Record<NodeRef, string>>>({})
  /** Ids of the steps done, in order. */
  const done = ref<string[]>([])
  const running = ref(false)
  const error = ref<string | null>(null)
  /** Where the current step began: console entry id and time, for "since" checks. */
  let since = { entry: 0, at: 0 }
  const syncs: { nodeId: string; kind: 'full' | 'partial'; at: number }[] = []
  /** Bumped by sync events so checks that read them run again. */
  const syncTick = ref(0)

  lab.onEvent((e) => {
    if (e.type === 'replication' && e.event.type === 'sync' && lesson.value) {
      syncs.push({ nodeId: e.nodeId, kind: e.event.kind, at: Date.now() })
      syncTick.value++
    }
  })

  function nodeOf(ref: NodeRef): NodeSnapshot | undefined {
    const id = binding.value[ref]
    return id ? lab.node(id) : undefined
  }

  function entriesSince(ref: NodeRef): ReturnType<typeof consoles.entries> {
    const id = binding.value[ref]
    return id ? consoles.entries(id).filter((e) => e.id > since.entry) : []
  }

  const context: LessonContext = {
    node: nodeOf,
    follows(ref, master) {
      const m = nodeOf(master)
      const link = nodeOf(ref)?.replication?.master
      // The lab's address index, as the graph's links use it (any loopback name is one host).
      return !!m && !!link && lab.nodeAt(link.host, link.port)?.id === m.id
    },
    linkUp(ref) {
      const n = nodeOf(ref)
      return n?.status === 'running' && n.replication?.master?.link === 'connected'
    },
    commandsSince: (ref) => entriesSince(ref).flatMap((e) => (e.kind === 'command' ? [e.text] : [])),
    outputSince: (ref) => entriesSince(ref).flatMap((e) => (e.kind === 'output' ? [e.text] : [])),
    syncsSince(ref) {
      const id = binding.value[ref]
      return syncs.filter((s) => s.nodeId === id && s.at >= since.at).map((s) => s.kind)
    }
  }

  const currentIndex = computed(() => (lesson.value ? done.value.length : -1))
  const current = computed(() => lesson.value?.steps[currentIndex.value] ?? null)
  const finished = computed(() => !!lesson.value && done.value.length === lesson.value.steps.length)

  function markStart(): void {
    const all = Object.values(consoles.sessions).flatMap((s) => s.entries)
    since = { entry: all.reduce((max, e) => Math.max(max, e.id), 0), at: Date.now() }
  }

  /** Ticks the current step while the state shows it done, then the next, and so on. */
  function evaluate(): void {
    if (!lesson.value) return
    for (;;) {
      const step = lesson.value.steps[done.value.length]
      if (!step || !step.done(context)) return
      done.value = [...done.value, step.id]
      markStart()
    }
  }

  watch(
    // The current step's own check is the source: it runs again exactly when something it
    // reads changes (a node's fields, a console's entries; syncs come with syncTick).
    () => {
      void syncTick.value
      return lesson.value?.steps[done.value.length]?.done(context) ?? false
    },
    (isDone) => {
      if (isDone) evaluate()
    }
  )

  /**
   * Starts a lesson on the first three running nodes by port (the lesson's 6379, 6380,
   * 6381), or on the nodes given; adds nodes when there are fewer than three.
   */
  async function start(id: string, nodeIds?: string[]): Promise<boolean> {
    const chosen = LESSONS[id]
    if (!chosen) return false
    error.value = null
    let ids = nodeIds ?? [...lab.nodes].filter((n) => n.status === 'running').sort((a, b) => a.port - b.port).map((n) => n.id)
    while (ids.length < REFS.length) {
      const added = await lab.addNode()
      if (!added) return false
      ids = [...ids, added.id]
    }
    binding.value = { A: ids[0], B: ids[1], C: ids[2] }
    lesson.value = chosen
    done.value = []
    syncs.length = 0
    markStart()
    evaluate()
    return true
  }

  function close(): void {
    lesson.value = null
    binding.value = {}
    done.value = []
    error.value = null
  }

  function fill(text: string): string {
    return fillIn(text, nodeOf)
  }

  async function waitUntil(check: (ctx: LessonContext) => boolean, timeoutMs: number): Promise<boolean> {
    const end = Date.now() + timeoutMs
    while (!check(context)) {
      if (Date.now() > end || !lesson.value) return false
      await new Promise((r) => setTimeout(r, 100))
    }
    return true
  }

  async function perform(action: LessonAction): Promise<boolean> {
    switch (action.kind) {
      case 'console': {
        const id = binding.value[action.node]
        if (!id) return false
        consoles.open(id)
        // A console reading a MONITOR or SUBSCRIBE takes no command: Ctrl+C it first.
        if (consoles.sessions[id]?.streaming) await consoles.stop(id)
        await consoles.run(id, fill(action.line))
        return true
      }
      case 'node': {
        const id = binding.value[action.node]
        return id ? ops.nodeAction(id, action.action) : false
      }
      case 'link': {
        const id = binding.value[action.node]
        return id ? ops.linkFault(id, { cut: action.cut }) : false
      }
      case 'wait':
        await new Promise((r) => setTimeout(r, action.ms))
        return true
      case 'until':
        if (await waitUntil(action.check, action.timeoutMs)) return true
        error.value = t('walkthrough.timeout')
        return false
    }
  }

  /** "Do it": runs the current step's actions, one after another, stopping at a failure. */
  async function doCurrent(): Promise<void> {
    const step = current.value
    if (!step || running.value) return
    running.value = true
    error.value = null
    try {
      const actions = typeof step.actions === 'function' ? step.actions(context) : step.actions
      for (const a of actions) if (!(await perform(a))) break
    } finally {
      running.value = false
      evaluate()
    }
  }

  return { lesson, binding, done, running, error, currentIndex, current, finished, start, close, fill, doCurrent, evaluate, nodeOf }
})
