/**
 * The Load panel's state: which node it is open for, each node's write generator status
 * (kept current by the lab's 'load' events), and the last consistency report per master.
 */
import { computed, ref } from 'vue'
import { defineStore } from 'pinia'
import type { ConsistencyReport, LoadParams, LoadStatus } from '@shared/api'
import { useLabStore } from './lab'

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

export const useLoadStore = defineStore('load', () => {
  const lab = useLabStore()
  /** The node the panel is open for; null: closed. */
  const nodeId = ref<string | null>(null)
  const statuses = ref<Record<string, LoadStatus>>({})
  const reports = ref<Record<string, ConsistencyReport>>({})
  const checking = ref(false)
  const busy = ref(false)
  /** The last refusal or failure of a call made from the panel. */
  const error = ref<string | null>(null)

  lab.onEvent((event) => {
    if (event.type === 'load') statuses.value[event.nodeId] = event.status
    else if (event.type === 'node-removed') {
      delete statuses.value[event.id]
      delete reports.value[event.id]
      if (nodeId.value === event.id) nodeId.value = null
    }
  })

  const node = computed(() => (nodeId.value ? lab.node(nodeId.value) : undefined))
  const status = computed(() => (nodeId.value ? statuses.value[nodeId.value] : undefined))
  const report = computed(() => (nodeId.value ? reports.value[nodeId.value] : undefined))
  const running = computed(() => status.value?.running === true)

  function open(id: string): void {
    if (nodeId.value !== id) error.value = null
    nodeId.value = id
  }

  function close(): void {
    nodeId.value = null
  }

  async function start(params: Omit<LoadParams, 'id'>): Promise<void> {
    const id = nodeId.value
    if (!id) return
    busy.value = true
    error.value = null
    try {
      statuses.value[id] = await lab.startLoad({ id, ...params })
    } catch (err) {
      error.value = messageOf(err)
    } finally {
      busy.value = false
    }
  }

  async function stop(): Promise<void> {
    const id = nodeId.value
    if (!id) return
    busy.value = true
    error.value = null
    try {
      statuses.value[id] = await lab.stopLoad(id)
    } catch (err) {
      error.value = messageOf(err)
    } finally {
      busy.value = false
    }
  }

  async function check(): Promise<void> {
    const id = nodeId.value
    if (!id) return
    checking.value = true
    error.value = null
    try {
      reports.value[id] = await lab.checkConsistency(id)
    } catch (err) {
      delete reports.value[id]
      error.value = messageOf(err)
    } finally {
      checking.value = false
    }
  }

  return { nodeId, node, status, report, running, statuses, reports, checking, busy, error, open, close, start, stop, check }
})
