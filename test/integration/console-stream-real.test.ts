/**
 * MONITOR and SUBSCRIBE streaming from nodes that are real redis-server processes: one the
 * lab started (engine redis-server) and one it only connected to (external). Their pushes
 * must come out as `console-push` events as the embedded nodes' do, both for nodes added in
 * this run and for nodes the lab restores from lab.json on its next open.
 */
import { afterEach, expect, test } from 'vitest'
import type { LabEvent } from '../../src/shared/api'
import type { Reply } from '../../src/shared/reply'
import { bytesToText } from '../../src/shared/reply'
import { cliOutput } from '../../src/shared/cli-format'
import type { Lab } from '../../src/main/lab/lab'
import { cleanups, emptyLab, redisCli, runCleanups } from '../helpers/lab'
import { startRedisServer } from '../helpers/redis-server'
import { tempDir } from '../helpers/web-mode'

const pids = new Set<number>()
afterEach(async () => {
  await runCleanups()
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL')
    } catch {
      // already gone
    }
  }
  pids.clear()
})

const show = (reply: Reply): string => bytesToText(cliOutput([], reply))

function pushes(events: LabEvent[], nodeId: string, session: string): Reply[] {
  return events.flatMap((e) => (e.type === 'console-push' && e.nodeId === nodeId && e.session === session ? [e.reply] : []))
}

async function until(what: string, check: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

async function numsub(port: number, channel: string): Promise<string> {
  return (await redisCli(port, 'PUBSUB', 'NUMSUB', channel)).split('\n')[1]!
}

/**
 * SUBSCRIBE on session `cli`, a PUBLISH from outside the app (redis-cli), the message pushed
 * as redis-cli prints it; closeSession ends the subscription on the server itself.
 */
async function subscribeStreams(lab: Lab, events: LabEvent[], id: string, port: number, channel: string): Promise<void> {
  const before = pushes(events, id, 'cli').length
  const first = await lab.call('execute', { id, args: ['SUBSCRIBE', channel, `${channel}-2`], session: 'cli' })
  expect(show(first)).toBe(`1) "subscribe"\n2) "${channel}"\n3) (integer) 1\n`)
  // The second channel's confirmation has no request waiting for it: pushed.
  await until('second confirmation', () => pushes(events, id, 'cli').length === before + 1)
  expect(show(pushes(events, id, 'cli')[before]!)).toBe(`1) "subscribe"\n2) "${channel}-2"\n3) (integer) 2\n`)
  expect(await redisCli(port, 'PUBLISH', channel, 'hello real')).toBe('1')
  await until('message', () => pushes(events, id, 'cli').length === before + 2)
  expect(show(pushes(events, id, 'cli')[before + 1]!)).toBe(`1) "message"\n2) "${channel}"\n3) "hello real"\n`)
  // Nothing leaks to another session's name.
  expect(pushes(events, id, 'console')).toEqual([])

  await lab.call('closeSession', { id, session: 'cli' })
  let n = ''
  for (let i = 0; i < 100 && n !== '0'; i++) {
    n = await numsub(port, channel)
    if (n !== '0') await new Promise((r) => setTimeout(r, 30))
  }
  expect(n).toBe('0')
  // The same session works again, on a new connection, with plain replies.
  expect(await lab.call('execute', { id, args: ['PING'], session: 'cli' })).toEqual({ type: 'status', value: 'PONG' })
}

/** The server's own pid (INFO server), so the test can kill it whatever happens. */
async function serverPid(lab: Lab, id: string): Promise<number> {
  const reply = await lab.call('execute', { id, args: ['INFO', 'server'] })
  if (reply.type !== 'bulk' || reply.value === null) throw new Error(`INFO server: ${JSON.stringify(reply)}`)
  return Number(/process_id:(\d+)/.exec(bytesToText(reply.value))![1])
}

async function monitorStreams(lab: Lab, events: LabEvent[], id: string, port: number): Promise<void> {
  expect(await lab.call('execute', { id, args: ['MONITOR'], session: 'mon' })).toEqual({ type: 'status', value: 'OK' })
  await redisCli(port, 'SET', 'streamed-key', 'v1')
  await until('monitor line', () => pushes(events, id, 'mon').some((r) => show(r).includes('"SET" "streamed-key" "v1"')))
  const line = show(pushes(events, id, 'mon').find((r) => show(r).includes('streamed-key'))!)
  expect(line).toMatch(/^\d+\.\d{6} \[0 127\.0\.0\.1:\d+\] "SET" "streamed-key" "v1"\n$/)
  await lab.call('closeSession', { id, session: 'mon' })
  const count = pushes(events, id, 'mon').length
  await redisCli(port, 'SET', 'after-stop', 'x')
  await new Promise((r) => setTimeout(r, 300))
  expect(pushes(events, id, 'mon').length).toBe(count)
}

test('SUBSCRIBE and MONITOR stream from a redis-server the lab started, before and after the lab reopens', async () => {
  const dataDir = tempDir()
  let { lab, events } = await emptyLab(dataDir)
  const node = await lab.call('addNode', { engine: 'redis-server' })
  expect(node.engine).toBe('redis-server')
  pids.add(await serverPid(lab, node.id))

  await subscribeStreams(lab, events, node.id, node.port, 'news')
  await monitorStreams(lab, events, node.id, node.port)

  // Reopened from lab.json: the restored node streams as well.
  await runCleanups()
  ;({ lab, events } = await emptyLab(dataDir))
  const [restored] = await lab.call('listNodes', {})
  expect(restored).toMatchObject({ id: node.id, engine: 'redis-server', status: 'running' })
  pids.add(await serverPid(lab, node.id))
  await subscribeStreams(lab, events, node.id, restored!.port, 'again')
}, 90_000)

test('SUBSCRIBE and MONITOR stream from an external server, before and after the lab reopens', async () => {
  const real = await startRedisServer()
  cleanups.push(() => real.stop())
  const dataDir = tempDir()
  let { lab, events } = await emptyLab(dataDir)
  const node = await lab.call('connectNode', { host: '127.0.0.1', port: real.port, pollMs: 300 })
  expect(node.engine).toBe('external')

  await subscribeStreams(lab, events, node.id, real.port, 'ext')
  await monitorStreams(lab, events, node.id, real.port)

  await lab.close()
  cleanups.pop() // that lab is closed; the server's stop stays queued
  ;({ lab, events } = await emptyLab(dataDir))
  await until('restored external node running', () => lab.list().some((n) => n.id === node.id && n.status === 'running'))
  await subscribeStreams(lab, events, node.id, real.port, 'ext-again')
}, 60_000)
