/**
 * The event timeline: what replication did on each node (role changes, link states,
 * handshake steps, full and partial syncs), node starts and stops, and the lab's notices,
 * as the lab reports them. Newest first; kept in memory for this page's life.
 */
import { computed, ref, watch } from 'vue'
import { defineStore } from 'pinia'
import type { LabEvent, NodeStatus } from '@shared/api'
import { describeReplicationWords, type TimelineKind, type TimelineLevel } from '../timeline/describe'
import { msg, render, type Words } from '../i18n'
import { nodeAddress, useLabStore } from './lab'

export interface TimelineEntry {
  id: number
  /** Date.now() of the happening (the lab's clock for replication events). */
  at: number
  nodeId?: string
  /** The node's address when it happened (a removed node still reads right). */
  address?: string
  kind: TimelineKind
  level: TimelineLevel
  text: string
}

/** An entry as kept: its words are rendered when shown, in the locale of that moment. */
type StoredEntry = Omit<TimelineEntry, 'text'> & { words: Words }

export const TIMELINE_MAX = 500

/** Statuses worth a line: the steady ones a person acted for. */
const STATUS_TEXT: Partial<Record<NodeStatus, [TimelineLevel, Words]>> = {
  running: ['ok', msg('timeline.status.running')],
  stopped: ['warning', msg('timeline.status.stopped')],
  failed: ['error', msg('timeline.status.failed')]
}

export const useTimelineStore = defineStore('timeline', () => {
  const lab = useLabStore()
  /** Oldest first (the panel reverses it). */
  const entries = ref<StoredEntry[]>([])
  /** Only this node's events, or all. */
  const filter = ref<string | null>(null)
  /** The handshake's log lines (many while a link retries); the rest stays either way. */
  const showSteps = ref(true)
  const lastStatus = new Map<string, NodeStatus>()
  let seq = 0

  /** Appends, or puts the entry right after entry `after` (what the lab reported since comes later). */
  function add(e: Omit<StoredEntry, 'id' | 'address'>, after?: number): void {
    const node = e.nodeId ? lab.node(e.nodeId) : undefined
    const entry: StoredEntry = { ...e, id: ++seq }
    if (node) entry.address = nodeAddress(node)
    const at = after === undefined ? -1 : entries.value.findIndex((x) => x.id > after)
    if (at === -1) entries.value.push(entry)
    else entries.value.splice(at, 0, entry)
    if (entries.value.length > TIMELINE_MAX) entries.value.splice(0, entries.value.length - TIMELINE_MAX)
  }

  /** A place in the timeline: now. */
  function mark(): { id: number; at: number } {
    return { id: seq, at: Date.now() }
  }

  /**
   * Something no event reports (a network fault the operator set), placed where it was
   * asked for: before what the lab reported in answer to it.
   */
  function note(nodeId: string, kind: TimelineKind, level: TimelineLevel, words: Words, since?: { id: number; at: number }): void {
    add({ at: since?.at ?? Date.now(), nodeId, kind, level, words }, since?.id)
  }

  function onLabEvent(event: LabEvent): void {
    switch (event.type) {
      case 'replication':
        add({ at: event.at, nodeId: event.nodeId, ...describeReplicationWords(event.event) })
        break
      case 'notice':
        add({ at: Date.now(), ...(event.nodeId ? { nodeId: event.nodeId } : {}), kind: 'notice', level: event.level === 'info' ? 'info' : event.level, words: event.message })
        break
      case 'node-added':
        add({ at: Date.now(), nodeId: event.node.id, kind: 'status', level: 'info', words: msg('timeline.status.added') })
        break
    }
  }

  lab.onEvent(onLabEvent)

  // A status change of a node already listed is news; the first listing is the baseline.
  watch(
    () => lab.nodes.map((n) => [n.id, n.status] as const),
    (now) => {
      for (const [id, status] of now) {
        const was = lastStatus.get(id)
        const line = STATUS_TEXT[status]
        if (was !== undefined && was !== status && line) add({ at: Date.now(), nodeId: id, kind: 'status', level: line[0], words: line[1] })
      }
      lastStatus.clear()
      for (const [id, status] of now) lastStatus.set(id, status)
    },
    { immediate: true, flush: 'sync' }
  )

  const shown = computed<TimelineEntry[]>(() => {
    const f = filter.value
    const steps = showSteps.value
    return entries.value
      .filter((e) => (!f || e.nodeId === f) && (steps || e.kind !== 'step'))
      .reverse()
      .map(({ words, ...e }) => ({ ...e, text: render(words) }))
  })

  function clear(): void {
    entries.value = []
  }

  return { entries, filter, showSteps, shown, mark, note, clear }
})
