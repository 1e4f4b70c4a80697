/**
 * The operator's actions. Each one runs exactly what a person would type (or the
 * lab's equivalent of a process action) and records the redis-cli command line it
 * stands for, so the GUI teaches the commands. Destructive actions go through a
 * confirmation first; impossible ones are refused with the reason.
 */
import { ref } from 'vue'
import { defineStore } from 'pinia'
import type { NodeSnapshot } from '@shared/api'
import { cliOutput } from '@shared/cli-format'
import { bytesToText } from '@shared/reply'
import { replicateRefusal } from '@shared/replication-rules'
import { remoteDanger } from '@shared/remote-safety'
import { msg, t, type Message } from '../i18n'
import { nodeAddress, useLabStore } from './lab'
import { useReplicationStore } from './replication'
import { useTimelineStore } from './timeline'

export type NodeAction = 'start' | 'stop' | 'restart' | 'crash' | 'remove'

export interface CommandRecord {
  id: number
  /** The node the command ran on. */
  address: string
  /**
   * The equivalent shell line, e.g. `redis-cli -p 6380 SLAVEOF 127.0.0.1 6379`; for a lab
   * fault (which no command makes), what the lab did to the network.
   */
  command: string
  /** A shell line, or a description of a lab fault. */
  kind: 'shell' | 'lab'
  /** What it answered, as redis-cli prints it (or the lab's outcome). */
  result: string
  error: boolean
}

export interface Confirmation {
  title: string
  message: string
  command: string
  confirmLabel: string
  resolve: (ok: boolean) => void
}

export const COMMANDS_MAX = 30

/** How redis-cli is pointed at a node: `-p` alone for the default host. */
export function cliTarget(node: Pick<NodeSnapshot, 'host' | 'port'>): string {
  return node.host === '127.0.0.1' ? `redis-cli -p ${node.port}` : `redis-cli -h ${node.host} -p ${node.port}`
}


/** The shell line a process-level action corresponds to. */
export function actionCommand(action: NodeAction, node: Pick<NodeSnapshot, 'host' | 'port'> & { engine?: NodeSnapshot['engine'] }): string {
  // What "Remove" runs for a server the lab did not start: nothing on the server itself.
  if (action === 'remove' && node.engine === 'external') return t('ops.noCommand')
  const cli = cliTarget(node)
  switch (action) {
    case 'start':
      return 'redis-server ./redis.conf'
    case 'stop':
      return `${cli} SHUTDOWN`
    case 'restart':
      return `${cli} SHUTDOWN && redis-server ./redis.conf`
    case 'crash':
      return `kill -9 <${t('ops.pidOf', { address: nodeAddress(node) })}>`
    case 'remove':
      return `${cli} SHUTDOWN NOSAVE && rm -r <${t('ops.folderOf', { address: nodeAddress(node) })}>`
  }
}

export function replicateArgs(master: Pick<NodeSnapshot, 'host' | 'port'>): string[] {
  return ['SLAVEOF', master.host, String(master.port)]
}

export const PROMOTE_ARGS = ['REPLICAOF', 'NO', 'ONE']

export type LinkFault = { cut: boolean } | { latencyMs: number }

/** What a link fault does, worded for the command log (no redis-cli command does it). */
export function faultDescription(fault: LinkFault, replica: string, master: string): string {
  if ('cut' in fault) {
    return fault.cut ? t('ops.fault.cut', { master }) : t('ops.fault.healed', { master })
  }
  return fault.latencyMs > 0
    ? t('ops.fault.delay', { replica, master, ms: fault.latencyMs })
    : t('ops.fault.delayRemoved', { replica, master })
}

export const KILL_MASTER_LINK_ARGS = ['CLIENT', 'KILL', 'TYPE', 'master']

/**
 * A real server's replication link does not go through the lab's network (a redis-server the
 * lab started, or an external one): "Cut link" there is CLIENT KILL TYPE master on the replica.
 */
export function cutsByClientKill(node: Pick<NodeSnapshot, 'engine'>): boolean {
  return node.engine === 'redis-server' || node.engine === 'external'
}

/** The tooltip of "Cut link" on such a replica: the command it runs, and that the cut does not last. */
export function transientCutHint(node: Pick<NodeSnapshot, 'host' | 'port'>): string {
  return t('ops.fault.transientHint', { command: `$ ${cliTarget(node)} ${KILL_MASTER_LINK_ARGS.join(' ')}` })
}

/** The timeline's line for a fault the operator set. */
function faultNote(fault: LinkFault): Message {
  if ('cut' in fault) return fault.cut ? msg('timeline.fault.cut') : msg('timeline.fault.healed')
  return fault.latencyMs > 0 ? msg('timeline.fault.latency', { ms: fault.latencyMs }) : msg('timeline.fault.latencyRemoved')
}

export const useOperationsStore = defineStore('operations', () => {
  const lab = useLabStore()
  const replication = useReplicationStore()
  const timeline = useTimelineStore()
  const commands = ref<CommandRecord[]>([])
  const confirmation = ref<Confirmation | null>(null)
  /** The node whose "Replicate from…" dialog is open, and the master picked in it. */
  const replicating = ref<{ nodeId: string; masterId: string | null } | null>(null)
  let seq = 0

  function record(node: NodeSnapshot, command: string, result: string, error: boolean, kind: CommandRecord['kind'] = 'shell'): void {
    commands.value.push({ id: ++seq, address: nodeAddress(node), command, result, error, kind })
    if (commands.value.length > COMMANDS_MAX) commands.value.splice(0, commands.value.length - COMMANDS_MAX)
  }

  function confirm(c: Omit<Confirmation, 'resolve'>): Promise<boolean> {
    confirmation.value?.resolve(false)
    return new Promise((resolve) => {
      confirmation.value = {
        ...c,
        resolve: (ok) => {
          confirmation.value = null
          resolve(ok)
        }
      }
    })
  }

  /** Runs a Redis command on a node and records it as its redis-cli line. */
  async function runCommand(nodeId: string, args: string[]): Promise<boolean> {
    const node = lab.node(nodeId)
    if (!node) return false
    const command = `${cliTarget(node)} ${args.join(' ')}`
    try {
      const reply = await lab.execute(nodeId, args)
      const error = reply.type === 'error'
      record(node, command, bytesToText(cliOutput(args, reply)).trimEnd(), error)
      return !error
    } catch (err) {
      record(node, command, err instanceof Error ? err.message : String(err), true)
      return false
    }
  }

  /**
   * A command that would change a server on another machine (its data, its life, its role)
   * asks first, naming the server; true when it may run.
   */
  async function confirmRemote(node: Pick<NodeSnapshot, 'host' | 'port'>, args: string[]): Promise<boolean> {
    const danger = remoteDanger(node, args)
    if (!danger) return true
    const { title, message, confirmLabel } = danger
    return confirm({ title, message, command: `${cliTarget(node)} ${args.join(' ')}`, confirmLabel })
  }

  /** Why `nodeId` may not replicate from `masterId`, or null. */
  function refusal(nodeId: string, masterId: string): string | null {
    const node = lab.node(nodeId)
    const master = lab.node(masterId)
    if (!node || !master) return t('ops.noLongerInLab')
    if (node.status !== 'running') return t('ops.startFirst', { address: nodeAddress(node), status: t(`common.status.${node.status}`) })
    return replicateRefusal(nodeAddress(node), nodeAddress(master), replication.masterOf)
  }

  function openReplicate(nodeId: string, masterId: string | null = null): void {
    replicating.value = { nodeId, masterId }
  }

  function closeReplicate(): void {
    replicating.value = null
  }

  /** SLAVEOF <host> <port> on the node, and nothing more (the lesson's restart behaviour depends on it). */
  async function replicate(nodeId: string, masterId: string): Promise<boolean> {
    const node = lab.node(nodeId)
    const master = lab.node(masterId)
    const why = refusal(nodeId, masterId)
    if (why !== null || !node || !master) {
      lab.notify('warning', t('ops.refused', { why: why ?? '' }), nodeId)
      return false
    }
    closeReplicate()
    const args = replicateArgs(master)
    if (!(await confirmRemote(node, args))) return false
    return runCommand(nodeId, args)
  }

  async function promote(nodeId: string): Promise<boolean> {
    const node = lab.node(nodeId)
    if (!node) return false
    if (!(await confirmRemote(node, PROMOTE_ARGS))) return false
    return runCommand(nodeId, PROMOTE_ARGS)
  }

  const DESTRUCTIVE: Partial<Record<NodeAction, (address: string) => string>> = {
    crash: (address) => t('ops.crashWarn', { address }),
    remove: (address) => t('ops.removeWarn', { address })
  }

  const DISCONNECT = (address: string): string => t('ops.disconnectWarn', { address })

  /** Start/stop/restart/crash/remove through the Lab API, recorded with their shell equivalent. */
  async function nodeAction(nodeId: string, action: NodeAction): Promise<boolean> {
    const node = lab.node(nodeId)
    if (!node) return false
    const address = nodeAddress(node)
    const command = actionCommand(action, node)
    const disconnect = action === 'remove' && node.engine === 'external'
    const warn = disconnect ? DISCONNECT : DESTRUCTIVE[action]
    if (warn) {
      const label = t(`ops.labels.${disconnect ? 'disconnect' : action === 'crash' ? 'crash' : 'remove'}`)
      const ok = await confirm({ title: t('ops.confirmTitle', { label, address }), message: warn(address), command, confirmLabel: label })
      if (!ok) return false
    }
    const result = await lab.nodeAction(nodeId, action)
    record(node, command, result.ok ? result.outcome : result.message, !result.ok)
    return result.ok
  }

  /**
   * Cut, heal or delay a replica's link to its master, through the lab's network; on a real
   * server's replica a cut is CLIENT KILL TYPE master, recorded as that command.
   */
  async function linkFault(replicaId: string, fault: LinkFault): Promise<boolean> {
    const node = lab.node(replicaId)
    if (!node) return false
    if (cutsByClientKill(node) && 'cut' in fault && fault.cut) {
      const asked = timeline.mark()
      const result = await lab.linkFault(replicaId, fault)
      record(node, `${cliTarget(node)} ${KILL_MASTER_LINK_ARGS.join(' ')}`, result.ok ? t('ops.fault.killed') : result.message, !result.ok)
      if (result.ok) timeline.note(replicaId, 'fault', 'warning', msg('timeline.fault.clientKill'), asked)
      return result.ok
    }
    const link = replication.linkOf(replicaId)
    const master = link ? lab.node(link.masterId) : undefined
    const m = lab.node(replicaId)?.replication?.master
    const masterAddress = master ? nodeAddress(master) : m ? `${m.host}:${m.port}` : t('ops.itsMaster')
    const asked = timeline.mark()
    const result = await lab.linkFault(replicaId, fault)
    record(node, faultDescription(fault, nodeAddress(node), masterAddress), result.ok ? result.outcome : result.message, !result.ok, 'lab')
    if (result.ok) timeline.note(replicaId, 'fault', 'cut' in fault && fault.cut ? 'warning' : 'info', faultNote(fault), asked)
    return result.ok
  }

  return { commands, confirmation, replicating, confirm, confirmRemote, runCommand, refusal, openReplicate, closeReplicate, replicate, promote, nodeAction, linkFault }
})
