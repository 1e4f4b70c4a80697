/** Picks the transport: the preload bridge in Electron, else the web-mode WebSocket. */
import { bridgeUrl, createWsClient, takeToken } from './ws-client'
import { createIpcClient } from './ipc-client'
import type { LabTransport } from './types'

export type { ConnectionState, LabTransport } from './types'

function sessionStore(): Storage | null {
  try {
    return window.sessionStorage
  } catch {
    return null
  }
}

export function createLabClient(): LabTransport {
  if (window.lab) return createIpcClient(window.lab)
  const token = takeToken(window.location, window.history, sessionStore())
  return createWsClient({ url: bridgeUrl(window.location, token) })
}
