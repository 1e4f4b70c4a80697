/**
 * A browser tab that goes away mid-stream: the MONITOR and SUBSCRIBE sessions it opened
 * through the web bridge are closed on the nodes (an embedded one and a real redis-server),
 * while another tab's stream goes on untouched.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, expect, test } from 'vitest'
import WebSocket from 'ws'
import { startWebServer } from '../../src/main/web/web-server'
import type { BridgeMessage } from '../../src/shared/bridge'
import { cleanups, emptyLab, redisCli, runCleanups } from '../helpers/lab'
import { tempDir } from '../helpers/web-mode'

afterEach(runCleanups)

let seq = 0

function openTab(port: number, token: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/bridge?token=${encodeURIComponent(token)}`, { origin: `http://127.0.0.1:${port}` })
    ws.once('open', () => resolve(ws))
    ws.once('error', reject)
    cleanups.push(() => ws.terminate())
  })
}

function call(ws: WebSocket, method: string, params: unknown): Promise<unknown> {
  const id = ++seq
  return new Promise((resolve, reject) => {
    const onMessage = (data: WebSocket.RawData): void => {
      const msg = JSON.parse(data.toString()) as BridgeMessage
      if ('id' in msg && msg.id === id) {
        ws.off('message', onMessage)
        if ('error' in msg && msg.error !== undefined) reject(new Error(msg.error))
        else resolve((msg as { result: unknown }).result)
      }
    }
    ws.on('message', onMessage)
    ws.send(JSON.stringify({ id, method, params }))
  })
}

/** Events of kind console-push a tab received. */
function pushesOf(ws: WebSocket): { session: string; nodeId: string }[] {
  const seen: { session: string; nodeId: string }[] = []
  ws.on('message', (data) => {
    const msg = JSON.parse(data.toString()) as BridgeMessage
    if ('event' in msg && msg.event.type === 'console-push') seen.push({ session: msg.event.session, nodeId: msg.event.nodeId })
  })
  return seen
}

async function eventually(what: string, check: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

const subscribers = async (port: number, channel: string): Promise<number> => Number((await redisCli(port, 'PUBSUB', 'NUMSUB', channel)).split('\n')[1])
const monitors = async (port: number): Promise<number> => (await redisCli(port, 'CLIENT', 'LIST')).split('\n').filter((l) => / flags=O /.test(l)).length

test('the streams a tab opened end when its connection goes away; another tab keeps its own', async () => {
  const { lab } = await emptyLab()
  const embedded = await lab.call('addNode', {})
  const real = await lab.call('addNode', { engine: 'redis-server' })
  const rendererDir = join(tempDir(), 'renderer')
  mkdirSync(rendererDir)
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>lab</title>')
  const web = await startWebServer({ lab, rendererDir, port: 0 })
  cleanups.push(() => web.close())

  const a = await openTab(web.port, web.token)
  const b = await openTab(web.port, web.token)
  const bPushes = pushesOf(b)
  for (const n of [embedded, real]) {
    await call(a, 'execute', { id: n.id, args: ['SUBSCRIBE', 'a-chan'], session: 'cli' })
    await call(a, 'execute', { id: n.id, args: ['MONITOR'], session: 'mon' })
  }
  // A stream tab A started and stopped itself, then used plainly: nothing to end later.
  await call(a, 'execute', { id: real.id, args: ['PSUBSCRIBE', 'x*'], session: 'p' })
  await call(a, 'closeSession', { id: real.id, session: 'p' })
  const pClient = await call(a, 'execute', { id: real.id, args: ['CLIENT', 'ID'], session: 'p' })
  await call(b, 'execute', { id: real.id, args: ['SUBSCRIBE', 'b-chan'], session: 'cli-b' })
  await call(b, 'execute', { id: embedded.id, args: ['MONITOR'], session: 'mon-b' })
  for (const n of [embedded, real]) {
    expect(await subscribers(n.port, 'a-chan')).toBe(1)
    expect(await monitors(n.port)).toBe(n.id === embedded.id ? 2 : 1)
  }

  // Tab A drops without a goodbye (a crashed or killed browser): its streams end on both nodes.
  a.terminate()
  for (const n of [embedded, real]) {
    await eventually(`a-chan unsubscribed on ${n.port}`, async () => (await subscribers(n.port, 'a-chan')) === 0)
    await eventually(`A's MONITOR gone on ${n.port}`, async () => (await monitors(n.port)) === (n.id === embedded.id ? 1 : 0))
  }
  // Tab B's streams go on: its subscription still receives, its MONITOR still sees commands.
  expect(await subscribers(real.port, 'b-chan')).toBe(1)
  expect(await redisCli(real.port, 'PUBLISH', 'b-chan', 'still here')).toBe('1')
  await redisCli(embedded.port, 'SET', 'k', 'v')
  await eventually('B got both pushes', async () =>
    bPushes.some((p) => p.session === 'cli-b' && p.nodeId === real.id) && bPushes.some((p) => p.session === 'mon-b' && p.nodeId === embedded.id)
  )
  // The session A had stopped itself and then used plainly keeps its connection (same client id).
  expect(await lab.call('execute', { id: real.id, args: ['CLIENT', 'ID'], session: 'p' })).toEqual(pClient)

  // A clean close ends B's streams the same way.
  b.close()
  await eventually('b-chan unsubscribed', async () => (await subscribers(real.port, 'b-chan')) === 0)
  await eventually("B's MONITOR gone", async () => (await monitors(embedded.port)) === 0)
}, 60_000)
