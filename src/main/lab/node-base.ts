/**
 * What the three engines (embedded-node.ts, spawned-node.ts, external-node.ts) do alike:
 * the snapshot's common fields, the named sessions to a node, the polled sample's
 * change test, the transient link cut of a server the lab does not route, and reading a log.
 */
import { join } from 'node:path'
import type { NodeAction, NodeReplication, NodeSnapshot } from '../../shared/api'
import type { LabNode, LabSession } from './lab-node'
import { tailFile } from './log-tail'
import type { ProtocolPoller, ProtocolSample } from './protocol-sample'
import { killMasterLink, transientCutNotice } from './transient-cut'

/** Sessions per node: a few consoles and the inspector; more would be a renderer bug. */
const MAX_SESSIONS = 16

/** The directory of a node the lab made (redis.conf, dump.rdb, its log), whatever its engine. */
export function nodeDir(dataDir: string, id: string): string {
  return join(dataDir, 'nodes', id)
}

/** What a snapshot says beyond the node's own fields (id, address, status, notes). */
export interface SnapshotFacts {
  role: NodeSnapshot['role']
  keys: number
  /** used_memory in bytes, when sampled. */
  memory?: number
  /** Loading its RDB, or in a full sync (see NodeActivity). */
  activity?: NodeSnapshot['activity']
  /** Only where the node can vouch for it (running, or sampled). */
  replication: NodeReplication | undefined
  external?: NodeSnapshot['external']
  disabled?: Partial<Record<NodeAction, string>>
}

export function nodeSnapshot(node: LabNode, facts: SnapshotFacts): NodeSnapshot {
  const snap: NodeSnapshot = {
    id: node.id,
    host: node.host,
    port: node.port,
    status: node.status,
    role: facts.role,
    keys: facts.keys,
    engine: node.engine
  }
  if (facts.external) snap.external = facts.external
  if (facts.disabled) snap.disabled = facts.disabled
  if (node.portNote) snap.portNote = node.portNote
  if (node.error) snap.error = node.error
  if (facts.replication) snap.replication = facts.replication
  if (facts.memory !== undefined) snap.memory = facts.memory
  if (facts.activity) snap.activity = facts.activity
  return snap
}

/** A node's connections by session name (console, inspector, control…), bounded so a runaway UI cannot pile them up. */
export class SessionPool<S extends LabSession> {
  private readonly sessions = new Map<string, S>()

  /** The session named `name`, made with `make` on first use. */
  get(name: string, address: string, make: () => S): S {
    let session = this.sessions.get(name)
    if (!session) {
      if (this.sessions.size >= MAX_SESSIONS) throw new Error(`Node ${address} has ${MAX_SESSIONS} sessions open already`)
      session = make()
      this.sessions.set(name, session)
    }
    return session
  }

  /** Closes one session's connection (ends its MONITOR or SUBSCRIBE); harmless when none is open. */
  close(name: string): void {
    this.sessions.get(name)?.close()
  }

  closeAll(): void {
    for (const s of this.sessions.values()) s.close()
    this.sessions.clear()
  }
}

/** Whether a new sample shows the UI nothing new (replication, key count, role, memory and loading all as before). */
export function sameSample(prev: ProtocolSample | null, next: ProtocolSample): boolean {
  return (
    prev !== null &&
    JSON.stringify(prev.replication) === JSON.stringify(next.replication) &&
    prev.keys === next.keys &&
    prev.role === next.role &&
    !memoryMoved(prev.memory, next.memory) &&
    prev.loading === next.loading
  )
}

/**
 * Whether used_memory moved enough to tell the UI: 1% (the card shows three figures). Memory
 * moves with every allocation; sending each wobble would redraw every card every second.
 */
export function memoryMoved(prev: number | undefined, next: number | undefined): boolean {
  if (prev === undefined || next === undefined) return prev !== next
  return Math.abs(next - prev) >= prev / 100
}

/** What the card shows a running node busy with: loading an RDB, or a replica's full sync. */
export function activityOf(loading: boolean, replication: NodeReplication | undefined): NodeSnapshot['activity'] {
  if (loading) return 'loading'
  return replication?.master?.link === 'sync' ? 'syncing' : undefined
}

/**
 * A real replica's link cannot be routed through the lab: the cut is a transient CLIENT KILL,
 * and there is no heal (the replica reconnects by itself). The poller reads the result at once.
 */
export async function cutLinkTransiently(
  node: LabNode,
  cut: boolean,
  replication: NodeReplication | undefined,
  notify: (message: string) => void,
  poller: ProtocolPoller | null
): Promise<void> {
  if (!cut) throw new Error(node.disabled().healLink)
  await killMasterLink(node, replication)
  notify(transientCutNotice(`${node.host}:${node.port}`))
  await poller?.now()
}

/** The last `lines` lines of a node's log file, with errors that say which node and file. */
export async function tailNodeLog(address: string, path: string, lines: number): Promise<string[]> {
  try {
    return await tailFile(path, lines)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`Node ${address} has no log file at ${path} yet`)
    throw new Error(`Could not read the log of ${address} (${path}): ${(err as Error).message}`)
  }
}
