/**
 * MONITOR and SUBSCRIBE in a console, over the real Lab: replies the node pushes on a
 * console's connection come out as `console-push` events; closeSession ends the stream as
 * redis-cli's Ctrl+C does. What the console prints for them is checked against a real
 * `redis-cli --no-raw` (its interactive formatting) reading the same node.
 */
import { spawn } from 'node:child_process'
import { afterEach, expect, test } from 'vitest'
import type { LabEvent } from '../../src/shared/api'
import type { Reply } from '../../src/shared/reply'
import { bytesToText } from '../../src/shared/reply'
import { cliOutput } from '../../src/shared/cli-format'
import { Lab } from '../../src/main/lab/lab'
import { freePort } from '../helpers/ports'
import { tempDir } from '../helpers/web-mode'

const cleanups: (() => Promise<unknown> | void)[] = []
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!()
})

async function openLab(): Promise<{ lab: Lab; events: LabEvent[] }> {
  const lab = new Lab({ dataDir: tempDir(), mode: 'web', version: 'test', basePort: await freePort() })
  const events: LabEvent[] = []
  lab.events.on('event', (e) => events.push(e))
  cleanups.push(() => lab.close())
  await lab.open()
  return { lab, events }
}

function pushes(events: LabEvent[], nodeId: string, session: string): Reply[] {
  return events.flatMap((e) => (e.type === 'console-push' && e.nodeId === nodeId && e.session === session ? [e.reply] : []))
}

async function until(what: string, check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

/** A real redis-cli printing as in a terminal, until SIGINT (Ctrl+C). */
function realCli(port: number, ...args: string[]): { output: () => string; stop: () => Promise<string> } {
  const child = spawn('redis-cli', ['--no-raw', '-p', String(port), ...args])
  let out = ''
  child.stdout.on('data', (d: Buffer) => (out += d.toString('latin1')))
  const exited = new Promise<void>((r) => child.on('close', () => r()))
  cleanups.push(() => void child.kill('SIGKILL'))
  return {
    output: () => out,
    stop: async () => {
      child.kill('SIGINT')
      await exited
      return out
    }
  }
}

const show = (reply: Reply): string => bytesToText(cliOutput([], reply))

test('SUBSCRIBE and PSUBSCRIBE stream pushes until closeSession; the session works again after', async () => {
  const { lab, events } = await openLab()
  const [a, b] = await lab.call('listNodes', {})
  const cli = realCli(a!.port, 'subscribe', 'ch', 'other')
  await until('redis-cli subscribed', () => cli.output().includes('"other"'))

  const first = await lab.call('execute', { id: a!.id, args: ['SUBSCRIBE', 'ch', 'other'], session: 'c-one' })
  expect(show(first)).toBe('1) "subscribe"\n2) "ch"\n3) (integer) 1\n')
  // The second channel's confirmation has no request waiting: it is pushed.
  await until('second confirmation', () => pushes(events, a!.id, 'c-one').length === 1)
  expect(show(pushes(events, a!.id, 'c-one')[0]!)).toBe('1) "subscribe"\n2) "other"\n3) (integer) 2\n')

  // Another session on the same node publishes; a session on another node is untouched.
  expect(await lab.call('execute', { id: a!.id, args: ['PUBLISH', 'ch', 'hi there'], session: 'c-two' })).toEqual({ type: 'integer', value: 2 })
  await lab.call('execute', { id: a!.id, args: ['PUBLISH', 'other', 'x'], session: 'c-two' })
  await until('two messages', () => pushes(events, a!.id, 'c-one').length === 3)
  const ours = show(first) + pushes(events, a!.id, 'c-one').map(show).join('')
  // redis-cli is another process: the same flush reaches it, but it may print a moment later.
  await until('redis-cli printed both messages', () => cli.output().includes('3) "x"'))
  const theirs = await cli.stop()
  // redis-cli's transcript: its banner line, then exactly what the console prints.
  expect(theirs).toBe('Reading messages... (press Ctrl-C to quit)\n' + ours)
  expect(ours).toContain('1) "message"\n2) "ch"\n3) "hi there"\n')

  // Ctrl+C: the connection closes, the subscription is gone on the server.
  expect(await lab.call('closeSession', { id: a!.id, session: 'c-one' })).toEqual({})
  const numsub = async (): Promise<Reply> => lab.call('execute', { id: a!.id, args: ['PUBSUB', 'NUMSUB', 'ch'], session: 'c-two' })
  let count = -1
  for (let i = 0; i < 100 && count !== 0; i++) {
    const r = await numsub()
    count = r.type === 'array' && r.value?.[1]?.type === 'integer' ? Number(r.value[1].value) : -1
    if (count !== 0) await new Promise((r) => setTimeout(r, 20))
  }
  expect(count).toBe(0)
  // The same session name reconnects and answers normally.
  expect(await lab.call('execute', { id: a!.id, args: ['PING'], session: 'c-one' })).toEqual({ type: 'status', value: 'PONG' })

  // PSUBSCRIBE: pmessage pushes, four lines.
  const p = await lab.call('execute', { id: b!.id, args: ['PSUBSCRIBE', 'c*'], session: 'c-one' })
  expect(show(p)).toBe('1) "psubscribe"\n2) "c*"\n3) (integer) 1\n')
  await lab.call('execute', { id: b!.id, args: ['PUBLISH', 'chan', 'v'] })
  await until('pmessage', () => pushes(events, b!.id, 'c-one').length === 1)
  expect(show(pushes(events, b!.id, 'c-one')[0]!)).toBe('1) "pmessage"\n2) "c*"\n3) "chan"\n4) "v"\n')
  await lab.call('closeSession', { id: b!.id, session: 'c-one' })
  // Closing a session that has no connection, or never existed, is harmless.
  await lab.call('closeSession', { id: b!.id, session: 'c-one' })
  await lab.call('closeSession', { id: b!.id, session: 'never-used' })
  await expect(lab.call('closeSession', { id: 'node-99', session: 'c-one' })).rejects.toThrow('No node with id node-99')
}, 30_000)

test('MONITOR streams each command run elsewhere, as redis-cli prints it', async () => {
  const { lab, events } = await openLab()
  const [a] = await lab.call('listNodes', {})
  const cli = realCli(a!.port, 'monitor')
  await until('redis-cli monitoring', () => cli.output().includes('OK'))
  expect(await lab.call('execute', { id: a!.id, args: ['MONITOR'], session: 'mon' })).toEqual({ type: 'status', value: 'OK' })
  await lab.call('execute', { id: a!.id, args: ['SET', 'k', 'a "b"\n'], session: 'other' })
  await until('monitor line', () => pushes(events, a!.id, 'mon').length >= 1)
  const line = show(pushes(events, a!.id, 'mon')[0]!)
  expect(line).toMatch(/^\d+\.\d{6} \[0 127\.0\.0\.1:\d+\] "SET" "k" "a \\"b\\"\\n"\n$/)
  await until('redis-cli saw it', () => cli.output().includes('"SET"'))
  const theirs = (await cli.stop()).split('\n')
  expect(theirs[0]).toBe('OK')
  // Same line but for the client's port and the time.
  const norm = (l: string): string => l.replace(/^\d+\.\d+ \[0 127\.0\.0\.1:\d+\]/, 'T [0 C]')
  expect(norm(theirs[1]!)).toBe(norm(line.trimEnd()))

  await lab.call('closeSession', { id: a!.id, session: 'mon' })
  const before = pushes(events, a!.id, 'mon').length
  await lab.call('execute', { id: a!.id, args: ['GET', 'k'], session: 'other' })
  await new Promise((r) => setTimeout(r, 300))
  expect(pushes(events, a!.id, 'mon').length).toBe(before)
  expect(await lab.call('execute', { id: a!.id, args: ['GET', 'k'], session: 'mon' })).toEqual({ type: 'bulk', value: 'a "b"\n' })
}, 30_000)
