import { request } from 'node:http'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import WebSocket from 'ws'
import { Lab } from '../../src/main/lab/lab'
import { startWebServer, type WebServer } from '../../src/main/web/web-server'
import type { BridgeMessage } from '../../src/shared/bridge'
import { freePort } from '../helpers/ports'
import { tempDir } from '../helpers/web-mode'

/** Opens the bridge with the given token/origin; resolves with the socket, or the HTTP status it was refused with. */
function openBridge(port: number, token: string | null, origin: string): Promise<WebSocket | number> {
  return new Promise((resolve) => {
    const q = token === null ? '' : `?token=${encodeURIComponent(token)}`
    const ws = new WebSocket(`ws://127.0.0.1:${port}/bridge${q}`, { origin })
    ws.once('open', () => resolve(ws))
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0))
    ws.once('error', () => resolve(-1))
  })
}

function rpc(ws: WebSocket, id: number, method: string, params: unknown): Promise<BridgeMessage> {
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData): void => {
      const msg = JSON.parse(data.toString()) as BridgeMessage
      if ('id' in msg && msg.id === id) {
        ws.off('message', onMessage)
        resolve(msg)
      }
    }
    ws.on('message', onMessage)
    ws.send(JSON.stringify({ id, method, params }))
  })
}

function httpGet(port: number, path: string, host = `127.0.0.1:${port}`): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host } }, (res) => {
      let body = ''
      res.on('data', (d: Buffer) => (body += d.toString()))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

describe('web-mode bridge: loopback, token and Origin', () => {
  let lab: Lab
  let web: WebServer
  let origin: string

  beforeAll(async () => {
    const dataDir = tempDir()
    const rendererDir = join(dataDir, 'renderer')
    mkdirSync(rendererDir)
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>lab</title>')
    writeFileSync(join(dataDir, 'secret.txt'), 'outside the renderer')
    lab = new Lab({ dataDir, mode: 'web', version: 'test', basePort: await freePort() })
    await lab.open()
    web = await startWebServer({ lab, rendererDir, port: 0 })
    origin = `http://127.0.0.1:${web.port}`
  })

  afterAll(async () => {
    await web?.close()
    await lab?.close()
  })

  test('listens on 127.0.0.1 with a random per-run token in its URL', () => {
    expect(web.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${web.port}/\\?token=[\\w-]{20,}$`))
  })

  test('refuses a missing or wrong token and a foreign Origin', async () => {
    expect(await openBridge(web.port, null, origin)).toBe(401)
    // Change the first character to one it certainly is not (a fixed 'x' equals it 1 time in 64).
    const wrong = (web.token[0] === 'x' ? 'y' : 'x') + web.token.slice(1)
    expect(await openBridge(web.port, wrong, origin)).toBe(401)
    expect(await openBridge(web.port, web.token, 'http://evil.example')).toBe(403)
    expect(await openBridge(web.port, web.token, `http://127.0.0.1:${web.port + 1}`)).toBe(403)
  })

  test('serves the renderer with a CSP header, nothing outside it, only to a loopback Host', async () => {
    const index = await httpGet(web.port, '/')
    expect(index.status).toBe(200)
    expect(String(index.headers['content-security-policy'])).toContain("default-src 'self'")
    expect((await httpGet(web.port, '/../secret.txt')).status).toBe(404)
    expect((await httpGet(web.port, '/%2e%2e/secret.txt')).status).toBe(404)
    // DNS rebinding: a page served under another name must not reach the lab.
    expect((await httpGet(web.port, '/', `attacker.example:${web.port}`)).status).toBe(421)
  })

  test('answers calls, refuses bad ones without dropping the client, and streams events', async () => {
    const ws = (await openBridge(web.port, web.token, origin)) as WebSocket
    expect(ws).toBeInstanceOf(WebSocket)
    const list = await rpc(ws, 1, 'listNodes', {})
    expect('result' in list && Array.isArray(list.result) && list.result.length).toBe(3)

    expect(await rpc(ws, 2, 'rm -rf', {})).toEqual({ id: 2, error: 'unknown method "rm -rf"' })
    expect(await rpc(ws, 3, 'execute', { id: 'node-1', args: [1, 2] })).toEqual({ id: 3, error: 'execute: args must be strings' })
    expect(await rpc(ws, 4, 'startNode', { id: 'nope' })).toEqual({ id: 4, error: 'No node with id nope' })

    const events: BridgeMessage[] = []
    ws.on('message', (d) => events.push(JSON.parse(d.toString()) as BridgeMessage))
    const set = await rpc(ws, 5, 'execute', { id: 'node-1', args: ['SET', 'k', 'v'] })
    expect(set).toEqual({ id: 5, result: { type: 'status', value: 'OK' } })
    await expect
      .poll(() => events.some((e) => 'event' in e && e.event.type === 'node-updated' && e.event.node.id === 'node-1' && e.event.node.keys === 1))
      .toBe(true)
    ws.close()
  })

  test('a client sending garbage is closed; others carry on', async () => {
    const bad = (await openBridge(web.port, web.token, origin)) as WebSocket
    const good = (await openBridge(web.port, web.token, origin)) as WebSocket
    const closed = new Promise<number>((r) => bad.once('close', (code) => r(code)))
    bad.send('{not json')
    expect(await closed).toBe(1007)
    const reply = await rpc(good, 1, 'execute', { id: 'node-1', args: ['GET', 'k'] })
    expect(reply).toEqual({ id: 1, result: { type: 'bulk', value: 'v' } })
    good.close()
  })
})
