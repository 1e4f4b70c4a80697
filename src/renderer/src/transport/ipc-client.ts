/** Electron: the Lab API through the preload bridge (`window.lab`). */
import { LabError, type LabEvent, type LabMethod, type LabParams, type LabResult } from '@shared/api'
import type { LabBridge } from '@shared/bridge'
import type { LabTransport } from './types'

/**
 * ipcRenderer.invoke wraps errors thrown in main as
 * "Error invoking remote method 'lab:x': Error: message"; keep only the message.
 */
export function cleanIpcError(err: unknown): LabError {
  let message = err instanceof Error ? err.message : String(err)
  message = message.replace(/^Error invoking remote method '[^']*': /, '')
  message = message.replace(/^(?:Lab)?Error: /, '')
  return new LabError(message)
}

export function createIpcClient(bridge: LabBridge): LabTransport {
  return {
    kind: 'ipc',
    connection: 'connected',
    async call<M extends LabMethod>(method: M, params: LabParams<M>): Promise<LabResult<M>> {
      const fn = bridge[method] as unknown as ((p: LabParams<M>) => Promise<LabResult<M>>) | undefined
      if (typeof fn !== 'function') throw new LabError(`unknown method ${JSON.stringify(method)}`)
      try {
        return await fn(params)
      } catch (err) {
        throw cleanIpcError(err)
      }
    },
    onEvent(listener: (event: LabEvent) => void): () => void {
      return bridge.onEvent(listener)
    },
    onConnectionChange(): () => void {
      return () => {}
    },
    close(): void {}
  }
}
