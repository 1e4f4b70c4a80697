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
import { remoteDanger } from '@shared/remote-safety'
import { t } from '../i18n'
import { useLabStore } from './lab'
import { cliTarget, useOperationsStore } from './operations'
import { useWalkthroughStore } from './walkthrough'

export const useScenariosStore = defineStore('scenarios', () => {
  const lab = useLabStore()
  const ops = useOperationsStore()
  const walkthrough = useWalkthroughStore()
  /** The preset being built, while it is. */
  const building = ref<Preset['id'] | null>(null)
  /**
   * The header's engine for new nodes (its Engine select binds here): the nodes a preset adds
   * run it too, so "real redis-server" builds a preset of real servers.
   */
  const engine = ref<'embedded' | 'redis-server'>('embedded')

  /** The engine nodes are added with now: real only while the lab has found a binary. */
  function addEngine(): 'embedded' | 'redis-server' {
    return engine.value === 'redis-server' && lab.realEngines.length > 0 ? 'redis-server' : 'embedded'
  }

  function engineWords(kind: 'embedded' | 'redis-server'): string {
    const real = lab.realEngines[0]
    return kind === 'redis-server' && real ? t('scenarios.engine.real', { name: real.name }) : t('scenarios.engine.embedded')
  }

  function shellLines(plan: PlannedCommand[]): string[] {
    return plan.map((c) => {
      const node = lab.node(c.nodeId)
      return node ? `${cliTarget(node)} ${c.args.join(' ')}` : c.args.join(' ')
    })
  }

  /** The servers on another machine whose role the plan changes: the confirmation names them. */
  function remoteNote(plan: PlannedCommand[]): string {
    const remote = new Set<string>()
    for (const c of plan) {
      const node = lab.node(c.nodeId)
      const danger = node ? remoteDanger(node, c.args) : null
      if (danger) remote.add(danger.address)
    }
    return remote.size ? t('scenarios.confirm.remote', { addresses: [...remote].join(', ') }) : ''
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
          title: t('scenarios.confirm.title', { preset: preset.title }),
          message:
            t('scenarios.confirm.changes') +
            (missing > 0 ? t('scenarios.confirm.adds', { n: missing, engine: engineWords(addEngine()) }, missing) : '') +
            t('scenarios.confirm.replicasDrop') +
            remoteNote(before),
          command: shellLines(before).join('\n$ '),
          confirmLabel: t('scenarios.confirm.build')
        })
        if (!ok) return false
      }
      while (members.length < preset.masters.length) {
        const added = await lab.addNode(undefined, addEngine())
        if (!added) return false
        members = [...members, added]
      }
      // Fresh snapshots: the nodes may have changed while the dialog was open.
      members = members.map((m) => lab.node(m.id) ?? m)
      const plan = planCommands(preset, members, others(new Set(members.map((m) => m.id))))
      for (const c of plan) {
        if (!(await ops.runCommand(c.nodeId, c.args))) {
          lab.notify('error', t('scenarios.stopped', { preset: preset.title, command: shellLines([c])[0] ?? '' }), c.nodeId)
          return false
        }
      }
      if (preset.lesson) await walkthrough.start(preset.lesson, members.map((m) => m.id))
      return true
    } finally {
      building.value = null
    }
  }

  return { presets: PRESETS, building, engine, addEngine, engineWords, build }
})
