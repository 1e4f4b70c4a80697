import type { LabClient } from '@shared/api'

/** Whether the renderer can currently reach the lab. IPC is always `connected`. */
export type ConnectionState = 'connecting' | 'connected' | 'disconnected'

/** A LabClient plus what the UI needs to know about the link underneath it. */
export interface LabTransport extends LabClient {
  readonly kind: 'ipc' | 'ws'
  readonly connection: ConnectionState
  onConnectionChange(listener: (state: ConnectionState) => void): () => void
  close(): void
}

/** Duck-typed check, so stores also accept a bare LabClient (tests, other hosts). */
export function isLabTransport(client: LabClient): client is LabTransport {
  return typeof (client as Partial<LabTransport>).onConnectionChange === 'function'
}
