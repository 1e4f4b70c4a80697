/**
 * What the lab needs of a node, whatever runs behind it: the embedded server
 * (embedded-node.ts), a redis-server process the lab started (spawned-node.ts), or a server
 * it only connected to (external-node.ts). lab.ts holds LabNodes only, so each engine keeps
 * its own ways (signals, SHUTDOWN, polling) to itself.
 */
import type { NodeAction, NodeEngine, NodeSnapshot, NodeStatus } from '../../shared/api'
import type { Reply } from '../../shared/reply'
import type { ReplicationEvent } from '../../shared/replication-events'
import type { LabFileNode } from './lab-file'

/** What a node of any kind tells the lab (each kind's options extend this with its own node type). */
export interface LabNodeCallbacks<N> {
  /** Called whenever the snapshot changes. */
  onChange(node: N): void
  /** Called with each replication happening of the server. */
  onReplication?(node: N, event: ReplicationEvent): void
  onNotice?(node: N, level: 'info' | 'warning' | 'error', message: string): void
  /** Called with what the server pushes on a session nobody asked (SUBSCRIBE, MONITOR). */
  onConsolePush?(node: N, session: string, reply: Reply): void
}

/** One named connection from the lab to a node (console, inspector, control…). */
export interface LabSession {
  execute(args: string[]): Promise<Reply>
  close(): void
}

export interface StartOptions {
  /** A taken port moves on to the next free one (first launch) instead of failing. */
  moveIfTaken: boolean
  /** Ports other nodes of the lab hold: never moved onto. */
  avoid: Set<number>
}

export interface LabNode {
  readonly id: string
  readonly engine: NodeEngine
  readonly host: string
  readonly port: number
  readonly status: NodeStatus
  readonly portNote: string | undefined
  readonly error: string | undefined
  /** Set when the node went down as a master with replicas and nothing to reload. */
  emptyRestartRisk: boolean
  snapshot(): NodeSnapshot
  /** What this engine cannot do, and why (the lab refuses those calls with the reason). */
  disabled(): Partial<Record<NodeAction, string>>
  start(opts: StartOptions): Promise<void>
  /** SHUTDOWN semantics: saves per the node's config; throws (and keeps running) when the save fails. */
  stop(): Promise<void>
  /** Gone at once, nothing saved. */
  crash(): Promise<void>
  /** Takes the node out: for nodes the lab made, stops it and deletes its directory. */
  remove(): Promise<void>
  /** The node's connection named `name`, made on first use. */
  consoleSession(name?: string): LabSession
  /** Closes one session's connection (ends its MONITOR or SUBSCRIBE); harmless when none is open. */
  closeSession(name: string): void
  /** The last `lines` lines of the node's log file. */
  tailLog(lines: number): Promise<string[]>
  setLinkCut(cut: boolean): void | Promise<void>
  setLinkLatency(ms: number): void | Promise<void>
  /** What lab.json keeps of the node, so the next open brings it back. */
  record(): LabFileNode
}

/**
 * Seals secrets (an external node's password, a TLS client key) for lab.json, e.g. with
 * Electron's safeStorage (the OS keychain). Without one, secrets stay in memory only.
 */
export interface SecretBox {
  seal(text: string): string
  /** Throws when the sealed text cannot be opened (another user, another keychain). */
  open(sealed: string): string
}

/** The reason an external node cannot be started, restarted or crashed. */
export const NOT_STARTED_HERE = 'not started by this lab: only its own operator can start or kill that process'

export { isLoopbackHost } from '../../shared/remote-safety'
