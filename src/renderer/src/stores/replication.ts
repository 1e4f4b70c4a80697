/**
 * What each node says about its replication, as the lab pushes it (`NodeSnapshot.replication`,
 * sampled by the lab every second and sent whenever it changes), and the links between
 * nodes derived from it. Nothing is asked on a console's connection, so what a person sees
 * there (MONITOR, CLIENT LIST, a MULTI) is only what they typed. Nothing is simulated
 * either: an edge exists because a replica reported whom it follows.
 */
import { computed, ref, watch } from 'vue'
import { defineStore } from 'pinia'
import type { NodeReplication, NodeSnapshot } from '@shared/api'
import { nodeAddress, useLabStore } from './lab'

export type LinkState = 'up' | 'down' | 'syncing'

export interface ReplicationLink {
  id: string
  masterId: string
  replicaId: string
  state: LinkState
  /** master_repl_offset of the master minus the replica's offset; null when unknown. */
  lagBytes: number | null
  /** Seconds since the replica last heard from its master (master_last_io_seconds_ago). */
  lagSeconds: number | null
  /** The lab has cut this link (a network fault; both nodes keep running). */
  cut: boolean
  /** Delay the lab adds to each byte, each way. */
  latencyMs: number
}

/** ROLE's link state as the graph draws it. */
export function linkStateOf(link: NonNullable<NodeReplication['master']>['link']): LinkState {
  if (link === 'connected') return 'up'
  if (link === 'sync') return 'syncing'
  return 'down'
}

function sameLink(a: ReplicationLink, b: ReplicationLink): boolean {
  return (
    a.id === b.id &&
    a.state === b.state &&
    a.lagBytes === b.lagBytes &&
    a.lagSeconds === b.lagSeconds &&
    a.cut === b.cut &&
    a.latencyMs === b.latencyMs
  )
}

export const useReplicationStore = defineStore('replication', () => {
  const lab = useLabStore()
  /**
   * The last replication each node reported. A node that stops reports none; its last
   * state is kept so a stopped replica's link is drawn (down) while it restarts, instead
   * of the picture jumping. One that comes back as a master reports that, and the link goes.
   */
  const lastKnown = ref<Record<string, NodeReplication>>({})

  watch(
    () => lab.nodes.map((n) => [n.id, n.replication] as const),
    (pairs) => {
      const next: Record<string, NodeReplication> = {}
      for (const [id, repl] of pairs) {
        const kept = repl ?? lastKnown.value[id]
        if (kept) next[id] = kept
      }
      lastKnown.value = next
    },
    { immediate: true, flush: 'sync' }
  )

  /** What a node reports now: only while it runs (a stopped node reports nothing). */
  function infoOf(id: string): NodeReplication | null {
    const node = lab.node(id)
    return node?.status === 'running' ? (node.replication ?? null) : null
  }

  /** The role as the node itself reports it, else the lab's snapshot. */
  function roleOf(node: NodeSnapshot): 'master' | 'replica' {
    const info = infoOf(node.id)
    if (!info) return node.role
    return info.master ? 'replica' : 'master'
  }

  /**
   * Master → replica links. A link that did not change keeps its object, and an unchanged
   * list keeps its array: with 30 nodes sending ~25 updates a second, what draws one link
   * (its edge, its row) re-renders only when that link changed.
   */
  const links = computed<ReplicationLink[]>((previous) => {
    const before = new Map(previous?.map((l) => [l.id, l]))
    const out: ReplicationLink[] = []
    for (const replica of lab.nodes) {
      const m = lastKnown.value[replica.id]?.master
      if (!m) continue
      // By the lab's address index: a scan of every node per replica made this O(n²) per update.
      const master = lab.nodeAt(m.host, m.port)
      if (!master) continue
      const running = replica.status === 'running' && master.status === 'running'
      const state: LinkState = running ? linkStateOf(m.link) : 'down'
      const masterInfo = infoOf(master.id)
      const up = running && state === 'up'
      const link: ReplicationLink = {
        id: `${master.id}->${replica.id}`,
        masterId: master.id,
        replicaId: replica.id,
        state,
        lagBytes: up && masterInfo ? Math.max(0, masterInfo.offset - m.offset) : null,
        lagSeconds: up && m.lastIoSecondsAgo >= 0 ? m.lastIoSecondsAgo : null,
        cut: m.cut,
        latencyMs: m.latencyMs
      }
      const was = before.get(link.id)
      out.push(was && sameLink(was, link) ? was : link)
    }
    return previous && previous.length === out.length && out.every((l, i) => l === previous[i]) ? previous : out
  })

  const linksById = computed(() => new Map(links.value.map((l) => [l.id, l])))

  /** The link with this id (`master->replica`), if it is still there. */
  function link(id: string): ReplicationLink | undefined {
    return linksById.value.get(id)
  }

  /** The link whose replica is `replicaId`, if it has one. */
  function linkOf(replicaId: string): ReplicationLink | undefined {
    return links.value.find((l) => l.replicaId === replicaId)
  }

  /** replica address → master address, for the loop check. */
  const masterOf = computed(() => {
    const map = new Map<string, string>()
    for (const l of links.value) {
      const r = lab.node(l.replicaId)
      const m = lab.node(l.masterId)
      if (r && m) map.set(nodeAddress(r), nodeAddress(m))
    }
    return map
  })

  return { lastKnown, links, masterOf, infoOf, roleOf, link, linkOf }
})
