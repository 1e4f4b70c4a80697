import { afterEach, describe, expect, it } from 'vitest'
import { WebSocket, WebSocketServer } from 'ws'
import type { AddressInfo } from 'node:net'
import { LabError, type LabEvent } from '@shared/api'
import type { BridgeMessage, BridgeRequest } from '@shared/bridge'
import {
  bridgeUrl,
  createWsClient,
  DISCONNECTED_MESSAGE,
  takeToken,
  TOKEN_STORAGE_KEY,
  type SocketLike
} from '../../src/renderer/src/transport/ws-client'
import type { ConnectionState, LabTransport } from '../../src/renderer/src/transport/types'

/** ws's close() waits for its clients; end them first. */
function closeServer(wss: WebSocketServer): Promise<void> {
  for (const c of wss.clients) c.terminate()
  return new Promise<void>((r) => wss.close(() => r()))
}

/** A bridge server speaking the web-mode wire format, for one test. */
async function bridgeServer(handle: (req: BridgeRequest) => BridgeMessage | null) {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' })
  await new Promise<void>((r) => wss.once('listening', () => r()))
  const port = (wss.address() as AddressInfo).port
  const urls: string[] = []
  wss.on('connection', (ws, req) => {
    urls.push(req.url ?? '')
    ws.on('message', (data) => {
      const reply = handle(JSON.parse(String(data)) as BridgeRequest)
      if (reply) ws.send(JSON.stringify(reply))
    })
  })
  return {
    port,
    urls,
    wss,
    broadcast(event: LabEvent) {
      for (const c of wss.clients) c.send(JSON.stringify({ event } satisfies BridgeMessage))
    },
    dropAll() {
      for (const c of wss.clients) c.terminate()
    },
    close: () => closeServer(wss)
  }
}

const createSocket = (url: string): SocketLike => new WebSocket(url) as unknown as SocketLike

function waitFor(client: LabTransport, state: ConnectionState): Promise<void> {
  if (client.connection === state) return Promise.resolve()
  return new Promise((resolve) => {
    const off = client.onConnectionChange((s) => {
      if (s === state) {
        off()
        resolve()
      }
    })
  })
}

const cleanups: Array<() => unknown> = []
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!()
})

describe('ws client', () => {
  it('calls methods, gets errors as LabError, and receives events', async () => {
    const server = await bridgeServer((req) => {
      if (req.method === 'listNodes') return { id: req.id, result: [] }
      if (req.method === 'startNode') return { id: req.id, error: 'startNode: id must be a node id' }
      return null
    })
    cleanups.push(server.close)
    const client = createWsClient({ url: `ws://127.0.0.1:${server.port}/bridge?token=t0k`, createSocket })
    cleanups.push(() => client.close())
    expect(client.connection).toBe('connecting')
    // Calls made while connecting are sent once the socket opens.
    await expect(client.call('listNodes', {})).resolves.toEqual([])
    expect(client.connection).toBe('connected')
    expect(server.urls).toEqual(['/bridge?token=t0k'])

    const err = await client.call('startNode', { id: '!' }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(LabError)
    expect((err as LabError).message).toBe('startNode: id must be a node id')

    const events: LabEvent[] = []
    client.onEvent((e) => events.push(e))
    server.broadcast({ type: 'notice', level: 'info', message: 'hi' })
    await new Promise((r) => setTimeout(r, 50))
    expect(events).toEqual([{ type: 'notice', level: 'info', message: 'hi' }])
  })

  it('rejects pending calls when the socket drops, then reconnects', async () => {
    const server = await bridgeServer((req) => (req.method === 'info' ? { id: req.id, result: 'ok' } : null))
    cleanups.push(server.close)
    const client = createWsClient({ url: `ws://127.0.0.1:${server.port}/bridge`, createSocket, minDelayMs: 20, maxDelayMs: 40 })
    cleanups.push(() => client.close())
    const states: ConnectionState[] = []
    client.onConnectionChange((s) => states.push(s))
    await waitFor(client, 'connected')

    const hanging = client.call('listNodes', {}) // never answered by the server
    await new Promise((r) => setTimeout(r, 20))
    server.dropAll()
    await expect(hanging).rejects.toThrow(new LabError(DISCONNECTED_MESSAGE))
    expect(client.connection).toBe('disconnected')
    await waitFor(client, 'connected')
    await expect(client.call('info', {})).resolves.toBe('ok')
    expect(states).toEqual(['connected', 'disconnected', 'connected'])
  })

  it('keeps retrying with backoff while the server is away', async () => {
    const server = await bridgeServer(() => null)
    const port = server.port
    const client = createWsClient({ url: `ws://127.0.0.1:${port}/bridge`, createSocket, minDelayMs: 20, maxDelayMs: 50 })
    cleanups.push(() => client.close())
    await waitFor(client, 'connected')
    server.dropAll()
    await server.close()
    await waitFor(client, 'disconnected')
    await expect(client.call('info', {})).rejects.toBeInstanceOf(LabError)
    await new Promise((r) => setTimeout(r, 150))
    const again = new WebSocketServer({ port, host: '127.0.0.1' })
    cleanups.push(() => closeServer(again))
    again.on('connection', (ws) => ws.on('message', (d) => ws.send(JSON.stringify({ id: JSON.parse(String(d)).id, result: 1 }))))
    await waitFor(client, 'connected')
    await expect(client.call('info', {})).resolves.toBe(1)
  })
})

describe('token handling', () => {
  function fakes(href: string) {
    const store = new Map<string, string>()
    const storage = { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) }
    const replaced: string[] = []
    const history = { state: null, replaceState: (_s: unknown, _t: string, url?: string | URL | null) => void replaced.push(String(url)) }
    return { location: { href }, storage, history, replaced, store }
  }

  it('moves the token from the address bar into sessionStorage', () => {
    const f = fakes('http://127.0.0.1:5000/?token=abc%2F1&view=x#top')
    expect(takeToken(f.location, f.history, f.storage)).toBe('abc/1')
    expect(f.store.get(TOKEN_STORAGE_KEY)).toBe('abc/1')
    expect(f.replaced).toEqual(['/?view=x#top'])
    // A reload (address now without the token) still finds it.
    expect(takeToken({ href: 'http://127.0.0.1:5000/?view=x#top' }, f.history, f.storage)).toBe('abc/1')
    expect(f.replaced).toHaveLength(1)
  })

  it('builds the bridge URL for the page host', () => {
    expect(bridgeUrl({ host: '127.0.0.1:5000', protocol: 'http:' }, 'a b')).toBe('ws://127.0.0.1:5000/bridge?token=a%20b')
    expect(bridgeUrl({ host: 'localhost:1', protocol: 'http:' }, null)).toBe('ws://localhost:1/bridge')
  })
})
