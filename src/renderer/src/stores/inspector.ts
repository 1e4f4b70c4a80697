/**
 * The inspector: which node is inspected and on which tab, its INFO replication as a live
 * table (polled on the lab's separate 'inspector' connection, so a console's state is never
 * touched), its config and log tail, and a bounded history of replication offsets built from
 * what the lab already pushes (NodeSnapshot.replication), for the offset chart.
 */
import { computed, ref, shallowRef, watch, type Ref } from 'vue'
import { defineStore } from 'pinia'
import type { NodeSnapshot } from '@shared/api'
import { parseInfo } from '@shared/info-parse'
import { bytesToText, type Reply } from '@shared/reply'
import { t } from '../i18n'
import { useLabStore } from './lab'

export type InspectorTab = 'replication' | 'chart' | 'config' | 'log' | 'keys'
/** The tabs in order; each one's label is i18n `inspector.tabs.<id>`. */
export const INSPECTOR_TABS: { id: InspectorTab }[] = [{ id: 'replication' }, { id: 'chart' }, { id: 'config' }, { id: 'log' }, { id: 'keys' }]

/** The lab connection the inspector uses (one per session name, apart from the consoles'). */
export const INSPECTOR_SESSION = 'inspector'
/** How far back the offset chart reaches. */
export const HISTORY_SECONDS = 300
const INFO_POLL_MS = 1000
const LOG_POLL_MS = 2000
export const LOG_LINES = 200

/** One second of a node's replication: its own offset and each replica's, as the node lists them. */
export interface OffsetSample {
  /** Unix seconds (uPlot's time axis). */
  t: number
  /** master_repl_offset; null while the node is not running. */
  offset: number | null
  /** `ip:port` → the offset the replica acknowledged. */
  replicas: Record<string, number>
}

export interface InfoField {
  name: string
  value: string
}

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

/** A reply that must be a bulk string, as text; an error reply becomes a thrown Error. */
export function bulkText(reply: Reply): string {
  if (reply.type === 'error') throw new Error(bytesToText(reply.value))
  if (reply.type === 'bulk' && reply.value !== null) return bytesToText(reply.value)
  if (reply.type === 'verbatim') return bytesToText(reply.value)
  throw new Error(`unexpected reply (${reply.type})`)
}

/** CONFIG GET's reply (a flat array in RESP2, a map in RESP3) as sorted name/value pairs. */
export function configPairs(reply: Reply): [string, string][] {
  if (reply.type === 'error') throw new Error(bytesToText(reply.value))
  if ((reply.type !== 'array' && reply.type !== 'map') || !reply.value) throw new Error(`unexpected reply (${reply.type})`)
  const flat = reply.value
  const pairs: [string, string][] = []
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const k = flat[i]!
    const v = flat[i + 1]!
    const text = (r: Reply): string => (r.type === 'bulk' && r.value !== null ? bytesToText(r.value) : '')
    pairs.push([text(k), text(v)])
  }
  return pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
}

export const useInspectorStore = defineStore('inspector', () => {
  const lab = useLabStore()

  const nodeId = ref<string | null>(null)
  const tab = ref<InspectorTab>('replication')
  const node = computed<NodeSnapshot | undefined>(() => (nodeId.value ? lab.node(nodeId.value) : undefined))
  const running = computed(() => node.value?.status === 'running')

  function inspect(id: string): void {
    nodeId.value = id
  }

  function close(): void {
    nodeId.value = null
  }

  // A removed node closes its inspector.
  watch(
    () => nodeId.value !== null && !lab.node(nodeId.value),
    (gone) => {
      if (gone && lab.loaded) close()
    }
  )

  // ---- INFO replication, live ----

  const infoFields = ref<InfoField[]>([])
  /** Fields whose value differs from the refresh before (highlighted until the next one). */
  const changed = ref<Set<string>>(new Set())
  const infoError = ref<string | null>(null)
  const infoAt = ref<number | null>(null)
  let infoOf: string | null = null
  let infoBusy = false

  async function refreshInfo(): Promise<void> {
    const id = nodeId.value
    if (!id || infoBusy) return
    if (!running.value) {
      infoError.value = t('inspector.notRunning', {
        address: node.value ? `${node.value.host}:${node.value.port}` : id,
        status: node.value ? t(`common.status.${node.value.status}`) : t('inspector.gone')
      })
      return
    }
    infoBusy = true
    try {
      const reply = await lab.execute(id, ['INFO', 'replication'], INSPECTOR_SESSION)
      if (nodeId.value !== id) return
      const sections = parseInfo(bulkText(reply))
      const fields = sections['replication'] ?? {}
      const next = Object.entries(fields).map(([name, value]) => ({ name, value }))
      const before = infoOf === id ? new Map(infoFields.value.map((f) => [f.name, f.value])) : null
      changed.value = new Set(before ? next.filter((f) => before.has(f.name) && before.get(f.name) !== f.value).map((f) => f.name) : [])
      infoFields.value = next
      infoOf = id
      infoError.value = null
      infoAt.value = Date.now()
    } catch (err) {
      if (nodeId.value === id) infoError.value = messageOf(err)
    } finally {
      infoBusy = false
    }
  }

  /**
   * Reads a list of node `id` into `into`. An answer that comes after the inspector moved to
   * another node is dropped; a failure empties the list and says why in `error`.
   */
  async function loadList<T>(id: string, read: () => Promise<T[]>, into: Ref<T[]>, error: Ref<string | null>): Promise<void> {
    try {
      const items = await read()
      if (nodeId.value !== id) return
      into.value = items
      error.value = null
    } catch (err) {
      if (nodeId.value === id) {
        into.value = []
        error.value = messageOf(err)
      }
    }
  }

  // ---- config ----

  const config = ref<[string, string][]>([])
  const configError = ref<string | null>(null)
  const configLoading = ref(false)

  async function loadConfig(): Promise<void> {
    const id = nodeId.value
    if (!id) return
    configLoading.value = true
    try {
      await loadList(id, async () => configPairs(await lab.execute(id, ['CONFIG', 'GET', '*'], INSPECTOR_SESSION)), config, configError)
    } finally {
      configLoading.value = false
    }
  }

  // ---- log tail ----

  const logLines = ref<string[]>([])
  const logError = ref<string | null>(null)
  /** Re-read the tail every couple of seconds while the Log tab is shown. */
  const logFollow = ref(true)
  let logBusy = false

  async function loadLog(): Promise<void> {
    const id = nodeId.value
    if (!id || logBusy) return
    logBusy = true
    try {
      await loadList(id, async () => (await lab.tailLog(id, LOG_LINES)).lines, logLines, logError)
    } finally {
      logBusy = false
    }
  }

  // What the shown tab needs, fetched when it is shown and refreshed while it stays shown.
  let pollTimer: ReturnType<typeof setInterval> | null = null
  watch(
    [nodeId, tab, running],
    ([id, t], old) => {
      if (pollTimer) clearInterval(pollTimer)
      pollTimer = null
      const nodeChanged = !old || old[0] !== id
      if (nodeChanged) {
        infoFields.value = []
        changed.value = new Set()
        infoError.value = null
        infoOf = null
        config.value = []
        configError.value = null
        logLines.value = []
        logError.value = null
      }
      if (!id) return
      if (t === 'replication') {
        void refreshInfo()
        pollTimer = setInterval(() => void refreshInfo(), INFO_POLL_MS)
      } else if (t === 'config') {
        if (nodeChanged || config.value.length === 0) void loadConfig()
      } else if (t === 'log') {
        void loadLog()
        pollTimer = setInterval(() => {
          if (logFollow.value) void loadLog()
        }, LOG_POLL_MS)
      }
    },
    { immediate: true }
  )

  // ---- offset history (pushed data, every node, whether or not the chart is shown) ----

  /** Node id → its samples, oldest first, the last HISTORY_SECONDS only. */
  const history = shallowRef<Map<string, OffsetSample[]>>(new Map())
  /** Bumped with each sampling round, so views redraw once a second. */
  const historyVersion = ref(0)

  function sampleOffsets(now = Date.now()): void {
    const t = Math.floor(now / 1000)
    const map = history.value
    const live = new Set<string>()
    for (const n of lab.nodes) {
      live.add(n.id)
      const repl = n.status === 'running' ? n.replication : undefined
      // A node that is down leaves a gap in its lines (once it has a history at all).
      if (!repl && !map.has(n.id)) continue
      const list = map.get(n.id) ?? []
      const replicas: Record<string, number> = {}
      for (const r of repl?.replicas ?? []) replicas[`${r.ip}:${r.port}`] = r.offset
      const sample: OffsetSample = { t, offset: repl ? repl.offset : null, replicas }
      if (list.length && list[list.length - 1]!.t === t) list[list.length - 1] = sample
      else list.push(sample)
      const from = t - HISTORY_SECONDS
      let drop = 0
      while (drop < list.length && list[drop]!.t < from) drop++
      if (drop) list.splice(0, drop)
      map.set(n.id, list)
    }
    for (const id of [...map.keys()]) if (!live.has(id)) map.delete(id)
    historyVersion.value++
  }

  const sampler = setInterval(() => sampleOffsets(), 1000)
  // Not needed in the app (the store lives as long as the page); keeps a test's process free to exit.
  ;(sampler as { unref?: () => void }).unref?.()

  /** A copy: the lists change in place, and a view computed from the same array would not update. */
  function historyOf(id: string): OffsetSample[] {
    void historyVersion.value
    return [...(history.value.get(id) ?? [])]
  }

  return {
    nodeId,
    tab,
    node,
    running,
    inspect,
    close,
    infoFields,
    changed,
    infoError,
    infoAt,
    refreshInfo,
    config,
    configError,
    configLoading,
    loadConfig,
    logLines,
    logError,
    logFollow,
    loadLog,
    historyVersion,
    historyOf,
    sampleOffsets
  }
})
