/**
 * Deterministic tree layout (dagre, top to bottom: masters above their replicas).
 * Same nodes and links in → same positions out, so screenshots are stable. Positions a
 * person set by dragging win over the computed ones and are kept across reloads.
 */
import dagre from '@dagrejs/dagre'

export interface XY {
  x: number
  y: number
}

export const CARD_WIDTH = 290
export const CARD_HEIGHT = 150

/** ids: the nodes in a stable order (e.g. by port); links: [master, replica] pairs. */
export function treeLayout(ids: readonly string[], links: ReadonlyArray<readonly [string, string]>): Map<string, XY> {
  const g = new dagre.graphlib.Graph()
  g.setGraph({ rankdir: 'TB', nodesep: 48, ranksep: 140, marginx: 20, marginy: 20 })
  g.setDefaultEdgeLabel(() => ({}))
  for (const id of ids) g.setNode(id, { width: CARD_WIDTH, height: CARD_HEIGHT })
  for (const [m, r] of links) if (g.hasNode(m) && g.hasNode(r)) g.setEdge(m, r)
  dagre.layout(g)
  // dagre orders siblings to reduce crossings but not by name; put each master's replicas
  // in the given order (by port) within the slots dagre chose for them.
  const order = new Map(ids.map((id, i) => [id, i]))
  const children = new Map<string, string[]>()
  for (const [m, r] of links) if (g.hasNode(m) && g.hasNode(r)) children.set(m, [...(children.get(m) ?? []), r])
  for (const kids of children.values()) {
    const xs = kids.map((k) => g.node(k).x).sort((a, b) => a - b)
    const byOrder = [...kids].sort((a, b) => order.get(a)! - order.get(b)!)
    byOrder.forEach((k, i) => (g.node(k).x = xs[i]!))
  }
  const out = new Map<string, XY>()
  for (const id of ids) {
    const n = g.node(id)
    // dagre gives centres; Vue Flow places nodes by their top-left corner.
    out.set(id, { x: Math.round(n.x - CARD_WIDTH / 2), y: Math.round(n.y - CARD_HEIGHT / 2) })
  }
  return out
}

const POSITIONS_KEY = 'replication-lab:positions'

export function loadPinned(): Record<string, XY> {
  try {
    const raw = globalThis.localStorage?.getItem(POSITIONS_KEY)
    const v: unknown = raw ? JSON.parse(raw) : {}
    if (typeof v !== 'object' || v === null) return {}
    const out: Record<string, XY> = {}
    for (const [id, p] of Object.entries(v as Record<string, unknown>)) {
      const xy = p as Partial<XY>
      if (typeof xy?.x === 'number' && typeof xy.y === 'number') out[id] = { x: xy.x, y: xy.y }
    }
    return out
  } catch {
    return {}
  }
}

export function savePinned(pinned: Record<string, XY>): void {
  try {
    globalThis.localStorage?.setItem(POSITIONS_KEY, JSON.stringify(pinned))
  } catch {
    // Unavailable storage: positions last for this run only.
  }
}
