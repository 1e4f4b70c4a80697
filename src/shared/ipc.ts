/** Electron IPC channel names, shared by main and preload. */
export const IPC_CALL = 'lab:call'
export const IPC_EVENT = 'lab:event'

/** IPC carries errors as values: invoke() would otherwise wrap them in "Error invoking remote method…". */
export type IpcResult = { ok: true; result: unknown } | { ok: false; error: string }
