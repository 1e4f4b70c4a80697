/**
 * Web mode: the Lab API over a WebSocket to the web server that served this page.
 *
 * Wire format (src/shared/bridge.ts): requests `{id, method, params}`, responses
 * `{id, result}` or `{id, error}`, events `{event}`, all JSON text frames. Calls still
 * waiting when the socket closes reject with a LabError; the client then reconnects with
 * exponential backoff, and reports its state so the UI can say it lost the lab.
 */
import { LabError, type LabEvent, type LabMethod, type LabParams, type LabResult } from '@shared/api'
import { BRIDGE_PATH, TOKEN_PARAM, type BridgeMessage, type BridgeRequest } from '@shared/bridge'
import type { ConnectionState, LabTransport } from './types'

export const DISCONNECTED_MESSAGE = 'disconnected from the lab'
export const TOKEN_STORAGE_KEY = 'replication-lab:token'

type LocationLike = Pick<Location, 'href'>
type HistoryLike = Pick<History, 'replaceState' | 'state'>
type StorageLike = Pick<Storage, 'getItem' | 'setItem'>

/**
 * The per-run access token. On first load it arrives in the address (`?token=…`): keep it
 * in sessionStorage (so reloading works) and strip it from the address bar (so screenshots
 * and shared URLs don't show it). Later loads read it back from sessionStorage.
 */
export function takeToken(location: LocationLike, history: HistoryLike, storage: StorageLike | null): string | null {
  const url = new URL(location.href)
  const fromUrl = url.searchParams.get(TOKEN_PARAM)
  if (fromUrl !== null) {
    try {
      storage?.setItem(TOKEN_STORAGE_KEY, fromUrl)
    } catch {
      // Storage can be disabled; the token still works for this page's lifetime.
    }
    url.searchParams.delete(TOKEN_PARAM)
    history.replaceState(history.state, '', url.pathname + url.search + url.hash)
    return fromUrl
  }
  try {
    return storage?.getItem(TOKEN_STORAGE_KEY) ?? null
  } catch {
    return null
  }
}

/** `ws://<host>/bridge?token=…` for the page's own host. */
export function bridgeUrl(location: Pick<Location, 'host' | 'protocol'>, token: string | null): string {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws'
  const query = token === null ? '' : `?${TOKEN_PARAM}=${encodeURIComponent(token)}`
  return `${scheme}://${location.host}${BRIDGE_PATH}${query}`
}

/** The part of the WebSocket API this client uses (the browser's and the `ws` package's). */
export interface SocketLike {
  readonly readyState: number
  onopen: ((ev: never) => unknown) | null
  onclose: ((ev: never) => unknown) | null
  onerror: ((ev: never) => unknown) | null
  onmessage: ((ev: { data: unknown }) => unknown) | null
  send(data: string): void
  close(code?: number, reason?: string): void
}

export interface WsClientOptions {
  url: string
  /** Defaults to the global WebSocket. */
  createSocket?: (url: string) => SocketLike
  /** First reconnect delay, doubled after each failed attempt up to maxDelayMs. */
  minDelayMs?: number
  maxDelayMs?: number
}

const CONNECTING = 0
const OPEN = 1

interface Pending {
  frame: string
  sent: boolean
  resolve: (value: unknown) => void
  reject: (err: LabError) => void
}

export function createWsClient(options: WsClientOptions): LabTransport {
  const createSocket = options.createSocket ?? ((url: string) => new WebSocket(url) as unknown as SocketLike)
  const minDelay = options.minDelayMs ?? 250
  const maxDelay = options.maxDelayMs ?? 5000

  const eventListeners = new Set<(event: LabEvent) => void>()
  const connectionListeners = new Set<(state: ConnectionState) => void>()
  const pending = new Map<number, Pending>()
  let socket: SocketLike | null = null
  let state: ConnectionState = 'connecting'
  let nextId = 1
  let delay = minDelay
  let timer: ReturnType<typeof setTimeout> | undefined
  let closed = false

  function setState(next: ConnectionState): void {
    if (next === state) return
    state = next
    for (const listener of [...connectionListeners]) {
      try {
        listener(next)
      } catch (err) {
        console.error('connection listener failed', err)
      }
    }
  }

  function rejectAll(): void {
    const calls = [...pending.values()]
    pending.clear()
    for (const p of calls) p.reject(new LabError(DISCONNECTED_MESSAGE))
  }

  function flush(): void {
    for (const p of pending.values()) {
      if (!p.sent && socket?.readyState === OPEN) {
        socket.send(p.frame)
        p.sent = true
      }
    }
  }

  function onMessage(data: unknown): void {
    if (typeof data !== 'string') return
    let msg: BridgeMessage
    try {
      msg = JSON.parse(data) as BridgeMessage
    } catch {
      return
    }
    if (typeof msg !== 'object' || msg === null) return
    if ('event' in msg) {
      for (const listener of [...eventListeners]) {
        try {
          listener(msg.event)
        } catch (err) {
          console.error('lab event listener failed', err)
        }
      }
      return
    }
    const call = pending.get(msg.id)
    if (!call) return
    pending.delete(msg.id)
    if ('error' in msg) call.reject(new LabError(String(msg.error)))
    else call.resolve(msg.result)
  }

  function connect(): void {
    timer = undefined
    if (closed) return
    let ws: SocketLike
    try {
      ws = createSocket(options.url)
    } catch {
      scheduleReconnect()
      return
    }
    socket = ws
    ws.onopen = () => {
      if (socket !== ws) return
      delay = minDelay
      setState('connected')
      flush()
    }
    ws.onmessage = (ev) => {
      if (socket === ws) onMessage(ev.data)
    }
    ws.onerror = () => {
      // A close event always follows; reconnecting happens there.
    }
    ws.onclose = () => {
      if (socket !== ws) return
      socket = null
      rejectAll()
      if (closed) return
      setState('disconnected')
      scheduleReconnect()
    }
  }

  function scheduleReconnect(): void {
    if (closed || timer !== undefined) return
    timer = setTimeout(connect, delay)
    delay = Math.min(delay * 2, maxDelay)
  }

  connect()

  return {
    kind: 'ws',
    get connection() {
      return state
    },
    call<M extends LabMethod>(method: M, params: LabParams<M>): Promise<LabResult<M>> {
      return new Promise<LabResult<M>>((resolve, reject) => {
        if (closed || socket === null || (socket.readyState !== OPEN && socket.readyState !== CONNECTING)) {
          reject(new LabError(DISCONNECTED_MESSAGE))
          return
        }
        const id = nextId++
        const request: BridgeRequest = { id, method, params }
        pending.set(id, {
          frame: JSON.stringify(request),
          sent: false,
          resolve: resolve as (value: unknown) => void,
          reject
        })
        try {
          flush()
        } catch {
          pending.delete(id)
          reject(new LabError(DISCONNECTED_MESSAGE))
        }
      })
    },
    onEvent(listener) {
      eventListeners.add(listener)
      return () => eventListeners.delete(listener)
    },
    onConnectionChange(listener) {
      connectionListeners.add(listener)
      return () => connectionListeners.delete(listener)
    },
    close() {
      closed = true
      if (timer !== undefined) clearTimeout(timer)
      timer = undefined
      const ws = socket
      socket = null
      rejectAll()
      ws?.close()
      setState('disconnected')
    }
  }
}
