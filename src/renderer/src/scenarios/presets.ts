/**
 * The topologies one click builds, and the plan that turns the lab's nodes into one: which
 * nodes play which part, how many to add, and the exact commands (REPLICAOF host port, as a
 * person would type them) for each node that is not already where it should be.
 */
import type { NodeSnapshot } from '@shared/api'
import { t } from '../i18n'

export interface Preset {
  id: 'one-master-two-replicas' | 'chain' | 'star' | 'failover'
  title: string
  description: string
  /** For each node of the preset (by position), the position of its master; null = a master. */
  masters: (number | null)[]
  /** The lesson the walkthrough opens once it is built. */
  lesson?: string
}

/** A preset whose title and description read in the current locale (i18n `scenarios.presets.<id>`). */
function preset(p: Omit<Preset, 'title' | 'description'>): Preset {
  return {
    ...p,
    get title() {
      return t(`scenarios.presets.${p.id}.title`)
    },
    get description() {
      return t(`scenarios.presets.${p.id}.description`)
    }
  }
}

export const PRESETS: Preset[] = [
  preset({
    id: 'one-master-two-replicas',
    masters: [null, 0, 0]
  }),
  preset({
    id: 'chain',
    masters: [null, 0, 1]
  }),
  preset({
    id: 'star',
    masters: [null, 0, 0, 0, 0, 0]
  }),
  preset({
    id: 'failover',
    masters: [null, 0, 0],
    lesson: 'failover'
  })
]

export interface PlannedCommand {
  nodeId: string
  args: string[]
}

type Member = Pick<NodeSnapshot, 'id' | 'host' | 'port' | 'role' | 'replication'>

function isLoopback(host: string): boolean {
  return host === '127.0.0.1' || host === 'localhost' || host === '::1'
}

function sameAddress(a: { host: string; port: number }, b: { host: string; port: number }): boolean {
  return a.port === b.port && (a.host === b.host || (isLoopback(a.host) && isLoopback(b.host)))
}

/** The running nodes a preset uses, in the order it uses them (lowest port first). */
export function pickMembers<T extends Pick<NodeSnapshot, 'status' | 'port'>>(nodes: readonly T[], preset: Preset): T[] {
  return nodes
    .filter((n) => n.status === 'running')
    .sort((a, b) => a.port - b.port)
    .slice(0, preset.masters.length)
}

/**
 * The commands that make `members` (the preset's nodes, in order) into the preset: masters
 * first (REPLICAOF NO ONE where a member replicates), then each replica that does not
 * already follow its master. `others` (running nodes outside the preset) that follow a
 * member are detached, so the graph shows the preset and nothing else hanging off it.
 */
export function planCommands(preset: Preset, members: readonly Member[], others: readonly Member[] = []): PlannedCommand[] {
  const promote: PlannedCommand[] = []
  const attach: PlannedCommand[] = []
  members.forEach((node, i) => {
    const want = preset.masters[i]
    const current = node.replication?.master
    if (want === null || want === undefined) {
      if (node.role === 'replica' || current) promote.push({ nodeId: node.id, args: ['REPLICAOF', 'NO', 'ONE'] })
      return
    }
    const master = members[want]
    if (!master) return
    if (current && sameAddress(current, master)) return
    attach.push({ nodeId: node.id, args: ['REPLICAOF', master.host, String(master.port)] })
  })
  for (const other of others) {
    const current = other.replication?.master
    if (current && members.some((m) => sameAddress(current, m))) promote.push({ nodeId: other.id, args: ['REPLICAOF', 'NO', 'ONE'] })
  }
  return [...promote, ...attach]
}
