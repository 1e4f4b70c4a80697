/**
 * The preload: exposes the Lab API as named functions on `window.lab`. The renderer never
 * sees ipcRenderer itself, only these functions (contextIsolation + sandbox).
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import { LAB_METHODS, type LabEvent } from '../shared/api'
import type { LabBridge } from '../shared/bridge'
import { IPC_CALL, IPC_EVENT, type IpcResult } from '../shared/ipc'

const bridge: Record<string, unknown> = {}
for (const method of LAB_METHODS) {
  bridge[method] = async (params: unknown) => {
    const res = (await ipcRenderer.invoke(IPC_CALL, method, params ?? {})) as IpcResult
    if (!res.ok) throw new Error(res.error)
    return res.result
  }
}
bridge.onEvent = (listener: (event: LabEvent) => void) => {
  const handler = (_e: IpcRendererEvent, event: LabEvent): void => listener(event)
  ipcRenderer.on(IPC_EVENT, handler)
  return () => {
    ipcRenderer.off(IPC_EVENT, handler)
  }
}

contextBridge.exposeInMainWorld('lab', bridge as LabBridge)
