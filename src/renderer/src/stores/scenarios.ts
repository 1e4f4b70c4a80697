/**
 * Presets one click away: builds a topology from the lab's running nodes (adding nodes
 * when there are too few) with the commands a person would type, each recorded in the
 * command log as its redis-cli line. Changing the role of a node that already exists is
 * asked first, with the commands shown.
 */
import { ref } from 'vue'
import type { NodeSnapshot } from '@shared/api'
import { defineStore } from 'pinia'
import { PRESETS, pickMembers, planCommands, type PlannedCommand, type Preset } from '../scenarios/presets'
import { useLabStore } from './lab'
import { cliTarget, useOperationsStore } from './operations'
import { useWalkthroughStore } from './walkthrough'

export const useScenariosStore = defineStore('scenarios', () => {
  const lab = useLabStore()
  const ops = useOperationsStore()
  const walkthrough = useWalkthroughStore()
  /** The preset being built, while it is. */
  const building = ref<Preset['id'] | null>(null)

  function shellLines(plan: PlannedCommand[]): string[] {
    return plan.map((c) => {
      const node = lab.node(c.nodeId)
      return node ? `${cliTarget(node)} ${c.args.join(' ')}` : c.args.join(' ')
    })
  }

  function others(memberIds: Set<string>): NodeSnapshot[] {
    return lab.nodes.filter((n) => n.status === 'running' && !memberIds.has(n.id))
  }

  /** Builds a preset; false when refused, cancelled or failed (a notice says why). */
  async function build(id: Preset['id']): Promise<boolean> {
    const preset = PRESETS.find((p) => p.id === id)
    if (!preset || building.value) return false
    building.value = id
    try {
      let members = pickMembers(lab.nodes, preset)
      const before = planCommands(preset, members, others(new Set(members.map((m) => m.id))))
      if (before.length > 0) {
        const missing = preset.masters.length - members.length
        const ok = await ops.confirm({
          title: `Build “${preset.title}”?`,
          message:
            'This changes the role of nodes that are in the lab already' +
            (missing > 0 ? `, and adds ${missing} node${missing > 1 ? 's' : ''}` : '') +
            '. Replicas drop their data and copy their new master’s.',
          command: shellLines(before).join('\n$ '),
          confirmLabel: 'Build'
        })
        if (!ok) return false
      }
      while (members.length < preset.masters.length) {
        const added = await lab.addNode()
        if (!added) return false
        members = [...members, added]
      }
      // Fresh snapshots: the nodes may have changed while the dialog was open.
      members = members.map((m) => lab.node(m.id) ?? m)
      const plan = planCommands(preset, members, others(new Set(members.map((m) => m.id))))
      for (const c of plan) {
        if (!(await ops.runCommand(c.nodeId, c.args))) {
          lab.notify('error', `“${preset.title}” stopped: ${shellLines([c])[0]} failed (see the command log).`, c.nodeId)
          return false
        }
      }
      if (preset.lesson) await walkthrough.start(preset.lesson, members.map((m) => m.id))
      return true
    } finally {
      building.value = null
    }
  }

  return { presets: PRESETS, building, build }
})
