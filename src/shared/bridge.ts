/**
 * What the preload exposes on `window.lab` in Electron: one named function per Lab API
 * method plus an event subscription. Never the raw ipcRenderer.
 */
import type { LabEvent, LabMethods } from './api'

export type LabBridge = {
  [M in keyof LabMethods]: (params: LabMethods[M][0]) => Promise<LabMethods[M][1]>
} & {
  onEvent(listener: (event: LabEvent) => void): () => void
}

/** Web mode: the WebSocket path, and the query parameter that carries the per-run token. */
export const BRIDGE_PATH = '/bridge'
export const TOKEN_PARAM = 'token'

/** Web mode wire messages (JSON text frames). */
export type BridgeRequest = { id: number; method: string; params: unknown }
export type BridgeMessage =
  | { id: number; result: unknown }
  | { id: number; error: string }
  | { event: LabEvent }
