/**
 * The lab as the renderer sees it: nodes (listed once, then kept current by events),
 * notices, and whether the lab is reachable. Components read this store and call its
 * actions; only this store talks to the LabClient.
 */
import { computed, ref, shallowReactive, toRaw } from 'vue'
import { defineStore } from 'pinia'
import type { ConnectParams, ConsistencyReport, LabClient, LabEvent, LabInfo, LoadParams, LoadStatus, NodeSnapshot } from '@shared/api'
import type { Reply } from '@shared/reply'
import { isLabTransport, type ConnectionState } from '../transport/types'
import { t } from '../i18n'
import { isLoopbackHost } from '@shared/remote-safety'

export type NoticeLevel = 'info' | 'warning' | 'error'

export interface Notice {
  id: number
  level: NoticeLevel
  message: string
  nodeId?: string
}

/** The most notices kept; older ones drop off. */
export const MAX_NOTICES = 50

export function nodeAddress(node: Pick<NodeSnapshot, 'host' | 'port'>): string {
  return `${node.host}:${node.port}`
}

/** The lab's process-level actions on one node. */
export type LifecycleAction = 'start' | 'stop' | 'restart' | 'crash' | 'remove'

export type ActionResult = { ok: true; outcome: string } | { ok: false; message: string }

const ACTION_METHOD = {
  start: 'startNode',
  stop: 'stopNode',
  restart: 'restartNode',
  crash: 'crashNode',
  remove: 'removeNode'
} as const

/**
 * Brings the stored (reactive) snapshot up to date field by field instead of replacing it:
 * what reads only fields that did not change (the list's order reads ids and ports; a card's
 * memory cell reads memory) is not re-run. A 30-node lab sends ~25 updates a second, and a
 * replaced element re-ran everything that walks the list for each of them.
 */
function patchSnapshot(into: NodeSnapshot, next: NodeSnapshot): void {
  const target = into as unknown as Record<string, unknown>
  const source = next as unknown as Record<string, unknown>
  for (const key of Object.keys(target)) if (!(key in source)) delete target[key]
  for (const key of Object.keys(source)) {
    const value = source[key]
    const was = target[key]
    if (was === value) continue
    // Nested parts (replication, disabled…) arrive as new objects each time: equal ones are kept.
    if (typeof value === 'object' && value !== null && typeof was === 'object' && was !== null && JSON.stringify(toRaw(was)) === JSON.stringify(value)) continue
    target[key] = value
  }
}

export function canStart(node: NodeSnapshot): boolean {
  return node.status === 'stopped' || node.status === 'failed'
}

export function canStop(node: NodeSnapshot): boolean {
  return node.status === 'running' || node.status === 'starting'
}

/** Where a node listens, as the replication links name it: every loopback name is one host. */
function addressKey(host: string, port: number): string {
  return `${isLoopbackHost(host) ? 'loopback' : host}:${port}`
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

export const useLabStore = defineStore('lab', () => {
  const nodes = ref<NodeSnapshot[]>([])
  const notices = ref<Notice[]>([])
  const connection = ref<ConnectionState>('connecting')
  /** True once the first listNodes answered. */
  const loaded = ref(false)
  const info = ref<LabInfo | null>(null)
  /** Node id → the action in flight for it. */
  const busy = ref<Record<string, LifecycleAction>>({})
  const adding = ref(false)

  let client: LabClient | null = null
  let unsubscribers: Array<() => void> = []
  let noticeSeq = 0
  let refreshSeq = 0
  /** Other stores that follow the lab's events (the timeline). */
  const eventListeners = new Set<(event: LabEvent) => void>()

  /**
   * The same snapshots by id and by address, as per-key reactive maps: a card reading its own
   * node is not re-rendered when another node's snapshot changes (with 30 nodes, a computed
   * Map over the whole list re-rendered every card for each of ~20 updates a second).
   */
  const byId = shallowReactive(new Map<string, NodeSnapshot>())
  const idByAddress = shallowReactive(new Map<string, string>())
  const nodeById = computed(() => new Map(byId))
  /** Which nodes exist, per key: `hasNode` re-runs its reader only when that node comes or goes. */
  const ids = shallowReactive(new Set<string>())

  /**
   * Every node's id and address by port, for pickers: the same array until a node comes, goes
   * or moves, so a node's update (~25 a second in a 30-node lab) does not redraw them.
   */
  const addresses = computed<Array<{ id: string; address: string }>>((previous) => {
    const next = [...nodes.value].sort((a, b) => a.port - b.port).map((n) => ({ id: n.id, address: nodeAddress(n) }))
    const same = previous !== undefined && previous.length === next.length && next.every((x, i) => x.id === previous[i]!.id && x.address === previous[i]!.address)
    return same ? previous : next
  })

  /** Whether the lab still has this node (a reader is not re-run by the node's updates). */
  function hasNode(id: string): boolean {
    return ids.has(id)
  }

  function node(id: string): NodeSnapshot | undefined {
    return byId.get(id)
  }

  /** The lab's node listening at host:port, if any (any loopback name matches a loopback node). */
  function nodeAt(host: string, port: number): NodeSnapshot | undefined {
    const id = idByAddress.get(addressKey(host, port))
    return id === undefined ? undefined : byId.get(id)
  }

  function index(list: NodeSnapshot[]): void {
    const seen = new Set<string>()
    for (const n of list) {
      seen.add(n.id)
      byId.set(n.id, n)
    }
    for (const id of [...byId.keys()]) if (!seen.has(id)) byId.delete(id)
    for (const id of [...ids]) if (!seen.has(id)) ids.delete(id)
    for (const id of seen) ids.add(id)
    const addresses = new Map(list.map((n) => [addressKey(n.host, n.port), n.id]))
    for (const a of [...idByAddress.keys()]) if (!addresses.has(a)) idByAddress.delete(a)
    for (const [a, id] of addresses) idByAddress.set(a, id)
  }

  function upsert(snapshot: NodeSnapshot): void {
    const i = nodes.value.findIndex((n) => n.id === snapshot.id)
    const before = i === -1 ? undefined : nodes.value[i]!
    // The address it had, read before the patch changes it (a node that moved ports).
    if (before && (before.host !== snapshot.host || before.port !== snapshot.port)) idByAddress.delete(addressKey(before.host, before.port))
    if (before) patchSnapshot(before, snapshot)
    else nodes.value.push(snapshot)
    const stored = before ?? nodes.value[nodes.value.length - 1]!
    byId.set(snapshot.id, stored)
    ids.add(snapshot.id)
    idByAddress.set(addressKey(stored.host, stored.port), snapshot.id)
  }

  function removeNode(id: string): void {
    nodes.value = nodes.value.filter((n) => n.id !== id)
    index(nodes.value)
    delete busy.value[id]
  }

  function notify(level: NoticeLevel, message: string, nodeId?: string): number {
    const id = ++noticeSeq
    notices.value.push(nodeId === undefined ? { id, level, message } : { id, level, message, nodeId })
    if (notices.value.length > MAX_NOTICES) notices.value.splice(0, notices.value.length - MAX_NOTICES)
    return id
  }

  function dismiss(id: number): void {
    notices.value = notices.value.filter((n) => n.id !== id)
  }

  function applyEvent(event: LabEvent): void {
    switch (event.type) {
      case 'node-added':
      case 'node-updated':
        upsert(event.node)
        break
      case 'node-removed':
        removeNode(event.id)
        break
      case 'notice':
        notify(event.level, event.message, event.nodeId)
        break
    }
    for (const l of eventListeners) l(event)
  }

  /** Calls `listener` with every lab event, after this store applied it. */
  function onEvent(listener: (event: LabEvent) => void): () => void {
    eventListeners.add(listener)
    return () => eventListeners.delete(listener)
  }

  function requireClient(): LabClient {
    if (!client) throw new Error('not attached to a lab')
    return client
  }

  /** Replaces the node list with the lab's (at start-up and after a reconnect). */
  async function refresh(): Promise<void> {
    const seq = ++refreshSeq
    try {
      const list = await requireClient().call('listNodes', {})
      if (seq !== refreshSeq) return
      nodes.value = [...list]
      index(nodes.value)
      loaded.value = true
    } catch (err) {
      // While disconnected the status already says so; a refresh follows the reconnect.
      if (connection.value === 'connected') notify('error', t('ops.couldNotList', { error: messageOf(err) }))
      return
    }
    try {
      info.value = await requireClient().call('info', {})
    } catch {
      // Optional: only shown in the header.
    }
  }

  function setConnection(state: ConnectionState): void {
    const was = connection.value
    connection.value = state
    if (state === 'connected' && was !== 'connected') void refresh()
  }

  /** Connects the store to a lab client; call once at start-up (tests: with a fake lab). */
  function attach(labClient: LabClient): void {
    detach()
    client = labClient
    unsubscribers.push(labClient.onEvent(applyEvent))
    if (isLabTransport(labClient)) {
      unsubscribers.push(labClient.onConnectionChange(setConnection))
      connection.value = 'connecting'
      setConnection(labClient.connection)
    } else {
      connection.value = 'connecting'
      setConnection('connected')
    }
  }

  function detach(): void {
    for (const off of unsubscribers) off()
    unsubscribers = []
    client = null
  }

  async function addNode(port?: number, engine?: 'embedded' | 'redis-server'): Promise<NodeSnapshot | null> {
    adding.value = true
    try {
      const params: { port?: number; engine?: 'embedded' | 'redis-server' } = {}
      if (port !== undefined) params.port = port
      if (engine !== undefined && engine !== 'embedded') params.engine = engine
      const snapshot = await requireClient().call('addNode', params)
      upsert(snapshot)
      return snapshot
    } catch (err) {
      notify('error', t('ops.couldNotAdd', { error: messageOf(err) }))
      return null
    } finally {
      adding.value = false
    }
  }

  async function runNodeAction(id: string, action: 'start' | 'stop'): Promise<NodeSnapshot | null> {
    const current = node(id)
    const name = current ? nodeAddress(current) : id
    busy.value[id] = action
    try {
      const snapshot = await requireClient().call(action === 'start' ? 'startNode' : 'stopNode', { id })
      upsert(snapshot)
      return snapshot
    } catch (err) {
      notify('error', t('ops.couldNot', { action: t(`ops.actions.${action}`), name, error: messageOf(err) }), id)
      return null
    } finally {
      delete busy.value[id]
    }
  }

  /** Runs a lifecycle action; failures become a notice and an error result. */
  async function nodeAction(id: string, action: LifecycleAction): Promise<ActionResult> {
    const current = node(id)
    const name = current ? nodeAddress(current) : id
    busy.value[id] = action
    try {
      const result = await requireClient().call(ACTION_METHOD[action], { id })
      if (action === 'remove') {
        removeNode(id)
        return { ok: true, outcome: t('ops.removed', { name }) }
      }
      const snapshot = result as NodeSnapshot
      upsert(snapshot)
      return { ok: true, outcome: snapshot.status }
    } catch (err) {
      const message = t('ops.couldNot', { action: t(`ops.actions.${action}`), name, error: messageOf(err) })
      notify('error', message, id)
      return { ok: false, message }
    } finally {
      delete busy.value[id]
    }
  }

  function startNode(id: string): Promise<NodeSnapshot | null> {
    return runNodeAction(id, 'start')
  }

  function stopNode(id: string): Promise<NodeSnapshot | null> {
    return runNodeAction(id, 'stop')
  }

  /**
   * A network fault on a replica's link (cut, heal, latency). The lab refuses a node that
   * is not a replica; the refusal comes back as the result's message.
   */
  async function linkFault(id: string, fault: { cut: boolean } | { latencyMs: number }): Promise<ActionResult> {
    try {
      const c = requireClient()
      const snapshot =
        'cut' in fault
          ? await c.call(fault.cut ? 'cutLink' : 'healLink', { id })
          : await c.call('setLinkLatency', { id, ms: fault.latencyMs })
      upsert(snapshot)
      return { ok: true, outcome: 'OK' }
    } catch (err) {
      return { ok: false, message: messageOf(err) }
    }
  }

  /** Runs one command on the node's connection named `session` (args are binary strings). */
  function execute(id: string, args: string[], session?: string): Promise<Reply> {
    return requireClient().call('execute', session === undefined ? { id, args } : { id, args, session })
  }

  /** Closes a session's connection: ends its MONITOR or SUBSCRIBE stream, as Ctrl+C in redis-cli. */
  async function closeSession(id: string, session: string): Promise<void> {
    await requireClient().call('closeSession', { id, session })
  }

  /** The end of the node's log file (the inspector's Log tab). */
  function tailLog(id: string, lines?: number): Promise<{ lines: string[] }> {
    return requireClient().call('tailLog', lines === undefined ? { id } : { id, lines })
  }

  /** Real server binaries the lab found: "Add node" offers engine redis-server when there is one. */
  const realEngines = computed(() => info.value?.realEngines ?? [])

  /**
   * Connects a server the lab did not start. The password goes to the main process in this
   * one call and is never sent back; failures come back as the result's message.
   */
  async function connectNode(params: ConnectParams): Promise<{ ok: true; node: NodeSnapshot } | { ok: false; message: string }> {
    try {
      const snapshot = await requireClient().call('connectNode', params)
      upsert(snapshot)
      return { ok: true, node: snapshot }
    } catch (err) {
      return { ok: false, message: messageOf(err) }
    }
  }

  /** Adds the rest of a node's replication tree (external nodes); a failure becomes a notice. */
  async function discover(id: string): Promise<NodeSnapshot[]> {
    try {
      const added = await requireClient().call('discover', { id })
      for (const n of added) upsert(n)
      const current = node(id)
      const result = added.length === 0 ? t('ops.discoveryNone') : t('ops.discoveryAdded', { list: added.map(nodeAddress).join(', ') })
      notify('info', t('ops.discovery', { name: current ? nodeAddress(current) : id, result }), id)
      return added
    } catch (err) {
      notify('error', t('ops.discoveryFailed', { error: messageOf(err) }), id)
      return []
    }
  }

  /** The node's write generator (the load store keeps its status from the 'load' events). */
  function startLoad(params: LoadParams): Promise<LoadStatus> {
    return requireClient().call('startLoad', params)
  }

  function stopLoad(id: string): Promise<LoadStatus> {
    return requireClient().call('stopLoad', { id })
  }

  function checkConsistency(id: string): Promise<ConsistencyReport> {
    return requireClient().call('checkConsistency', { id })
  }

  return {
    startLoad,
    stopLoad,
    checkConsistency,
    realEngines,
    connectNode,
    discover,
    nodes,
    notices,
    connection,
    loaded,
    info,
    busy,
    adding,
    nodeById,
    addresses,
    hasNode,
    nodeAt,
    node,
    notify,
    dismiss,
    applyEvent,
    onEvent,
    refresh,
    attach,
    detach,
    addNode,
    startNode,
    stopNode,
    nodeAction,
    linkFault,
    execute,
    closeSession,
    tailLog
  }
})
