/**
 * client-output-buffer-limit for subscribers, over real sockets, side by side with a real
 * redis-server: a subscriber that stops reading while big messages are published is
 * disconnected at the hard limit, or once over the soft limit for longer than the soft
 * seconds, with Redis's log line; the publisher, other subscribers and other clients carry
 * on undisturbed. Normal clients (limit 0 0 0) are never disconnected.
 */
import net from 'node:net'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { RedisServer } from '../../src/main/server/node'
import { encodeCommand, RawConn } from '../helpers/raw-conn'
import { startRedisServer, type RealRedis } from '../helpers/redis-server'

let real: RealRedis
let ours: RedisServer
const logs: string[] = []

beforeAll(async () => {
  real = await startRedisServer()
  ours = new RedisServer({ port: 0 })
  ours.on('log', (level, message) => logs.push(`${level} ${message}`))
  await ours.listen()
})
afterAll(async () => {
  await ours?.close()
  await real?.stop()
})

const servers = (): { name: string; port: number }[] => [
  { name: 'real', port: real.port },
  { name: 'ours', port: ours.port }
]

/**
 * A connection on a raw socket that can stop reading, and its client id. (A paused socket
 * does not notice being closed: tests ask the server with CLIENT LIST ID.)
 */
async function rawClient(port: number): Promise<{ sock: net.Socket; id: string; received: () => number; waitBytes: (n: number) => Promise<void> }> {
  const sock = net.connect(port, '127.0.0.1')
  await new Promise<void>((resolve, reject) => sock.once('connect', resolve).once('error', reject))
  let received = 0
  let chunks = ''
  let waiter: (() => void) | null = null
  let want = 0
  sock.on('data', (d: Buffer) => {
    received += d.length
    if (chunks.length < 100) chunks += d.toString('latin1')
    if (waiter && received >= want) waiter()
  })
  sock.on('error', () => undefined)
  const waitBytes = (n: number): Promise<void> =>
    received >= n ? Promise.resolve() : new Promise<void>((r) => {
      want = n
      waiter = r
    })
  sock.write(encodeCommand(['CLIENT', 'ID']))
  await waitBytes(4)
  const id = /^:(\d+)\r\n/.exec(chunks)![1]!
  return { sock, id, received: () => received, waitBytes }
}

async function subscriber(port: number, channel: string): Promise<{ sock: net.Socket; id: string; received: () => number }> {
  const c = await rawClient(port)
  const before = c.received()
  c.sock.write(encodeCommand(['SUBSCRIBE', channel]))
  await c.waitBytes(before + 10)
  return c
}

/** Polls CLIENT LIST ID until the client is gone (true) or `ms` passed (false). */
async function goneWithin(admin: RawConn, id: string, ms: number): Promise<boolean> {
  const end = Date.now() + ms
  for (;;) {
    const list = await admin.call('CLIENT', 'LIST', 'ID', id)
    if (!list.includes(`id=${id} `)) return true
    if (Date.now() > end) return false
    await new Promise((r) => setTimeout(r, 20))
  }
}

function subCount(list: string): number {
  return (list.match(/ flags=P /g) ?? []).length
}

describe('pubsub class', () => {
  test('a subscriber that stops reading is closed at the hard limit; nobody else notices', async () => {
    const message = 'm'.repeat(256 * 1024)
    for (const { name, port } of servers()) {
      const admin = await RawConn.open(port)
      expect(await admin.call('CONFIG', 'SET', 'client-output-buffer-limit', 'pubsub 1mb 0 0')).toBe('+OK\r\n')
      const stuck = await subscriber(port, 'news')
      const reader = await subscriber(port, 'news')
      stuck.sock.pause()
      const before = logs.length
      // 40 MB: more than any kernel buffering between the two sockets.
      for (let i = 0; i < 160; i++) {
        const r = await admin.call('PUBLISH', 'news', message)
        expect(r, `${name}: PUBLISH ${i}`).toMatch(/^:[12]\r\n$/)
        if (r === ':1\r\n') break
      }
      expect(await goneWithin(admin, stuck.id, 3000), `${name}: the stuck subscriber is closed`).toBe(true)
      stuck.sock.destroy()
      // The reading subscriber keeps receiving, the server keeps answering.
      await new Promise((r) => setTimeout(r, 200))
      const got = reader.received()
      expect(await admin.call('PUBLISH', 'news', 'after')).toBe(':1\r\n')
      for (let i = 0; i < 100 && reader.received() === got; i++) await new Promise((r) => setTimeout(r, 10))
      expect(reader.received()).toBeGreaterThan(got)
      expect(reader.sock.destroyed).toBe(false)
      expect(await admin.call('PING')).toBe('+PONG\r\n')
      expect(subCount(await admin.call('CLIENT', 'LIST'))).toBe(1)
      if (name === 'ours') {
        const lines = logs.slice(before)
        expect(lines).toHaveLength(1)
        expect(lines[0]).toMatch(
          /^warning Client id=\d+ addr=127\.0\.0\.1:\d+ laddr=127\.0\.0\.1:\d+ fd=-?\d+ name= .*flags=P .*sub=1 .*omem=\d+ .* scheduled to be closed ASAP for overcoming of output buffer limits\.$/
        )
        const omem = Number(/ omem=(\d+) /.exec(lines[0]!)![1])
        expect(omem).toBeGreaterThanOrEqual(1024 * 1024)
      }
      reader.sock.destroy()
      admin.close()
    }
  })

  test('over the soft limit: closed only after the soft seconds', async () => {
    const message = 'm'.repeat(64 * 1024)
    for (const { name, port } of servers()) {
      const admin = await RawConn.open(port)
      expect(await admin.call('CONFIG', 'SET', 'client-output-buffer-limit', 'pubsub 0 256kb 1')).toBe('+OK\r\n')
      const stuck = await subscriber(port, 'slow')
      stuck.sock.pause()
      // Fill the kernel buffers until the server holds output for the subscriber.
      let overAt = 0
      for (let i = 0; i < 1000 && overAt === 0; i++) {
        await admin.call('PUBLISH', 'slow', message)
        const list = await admin.call('CLIENT', 'LIST', 'ID', stuck.id)
        const m = / omem=(\d+) /.exec(list)
        if (m && Number(m[1]) >= 256 * 1024) overAt = Date.now()
      }
      expect(overAt, `${name}: the subscriber's output grew past the soft limit`).toBeGreaterThan(0)
      // Still there while under a second over the limit.
      expect(await goneWithin(admin, stuck.id, 100)).toBe(false)
      let closedAt = 0
      while (Date.now() - overAt < 4000) {
        await admin.call('PUBLISH', 'slow', 'x')
        if (await goneWithin(admin, stuck.id, 0)) {
          closedAt = Date.now()
          break
        }
        await new Promise((r) => setTimeout(r, 50))
      }
      stuck.sock.destroy()
      expect(closedAt, `${name}: closed`).toBeGreaterThan(0)
      // elapsed > soft seconds, measured in whole seconds: between 1 and 2 s (+ slack).
      expect(closedAt - overAt, name).toBeGreaterThanOrEqual(900)
      expect(closedAt - overAt, name).toBeLessThan(3200)
      expect(await admin.call('PING')).toBe('+PONG\r\n')
      admin.close()
    }
  })
})

describe('normal class', () => {
  test('a client that does not read big replies stays connected (normal 0 0 0)', async () => {
    for (const { port } of servers()) {
      const admin = await RawConn.open(port)
      expect(await admin.call('CONFIG', 'SET', 'client-output-buffer-limit', 'normal 0 0 0')).toBe('+OK\r\n')
      expect(await admin.call('SET', 'big', 'b'.repeat(1024 * 1024))).toBe('+OK\r\n')
      const { sock, id } = await rawClient(port)
      sock.pause()
      for (let i = 0; i < 20; i++) sock.write(encodeCommand(['GET', 'big']))
      expect(await goneWithin(admin, id, 1000)).toBe(false)
      expect(await admin.call('CLIENT', 'LIST', 'ID', id)).toMatch(/ omem=[1-9]\d* /)
      expect(await admin.call('PING')).toBe('+PONG\r\n')
      sock.destroy()
      admin.close()
    }
  })

  test('a normal-class limit applies to normal clients too', async () => {
    for (const { name, port } of servers()) {
      const admin = await RawConn.open(port)
      expect(await admin.call('CONFIG', 'SET', 'client-output-buffer-limit', 'normal 2mb 0 0')).toBe('+OK\r\n')
      expect(await admin.call('SET', 'big', 'b'.repeat(1024 * 1024))).toBe('+OK\r\n')
      const { sock, id } = await rawClient(port)
      sock.pause()
      for (let i = 0; i < 40; i++) sock.write(encodeCommand(['GET', 'big']))
      expect(await goneWithin(admin, id, 3000), name).toBe(true)
      sock.destroy()
      expect(await admin.call('CONFIG', 'SET', 'client-output-buffer-limit', 'normal 0 0 0')).toBe('+OK\r\n')
      expect(await admin.call('PING')).toBe('+PONG\r\n')
      admin.close()
    }
  })
})

describe('replies built past the limit (Redis 7.2 stops building them)', () => {
  test('SRANDMEMBER / HRANDFIELD / ZRANDMEMBER with a normal-class hard limit close the client; the pipeline behind is not run', async () => {
    const admin = await RawConn.open(ours.port)
    try {
      expect(await admin.call('CONFIG', 'SET', 'client-output-buffer-limit', 'normal 1mb 0 0')).toBe('+OK\r\n')
      await admin.call('SADD', 's', 'a', 'b', 'c')
      await admin.call('HSET', 'h', 'a', '1')
      await admin.call('ZADD', 'z', '1', 'a')
      for (const args of [['SRANDMEMBER', 's', '-1000000'], ['HRANDFIELD', 'h', '-1000000', 'WITHVALUES'], ['ZRANDMEMBER', 'z', '-1000000']]) {
        const before = logs.length
        const { sock, id } = await rawClient(ours.port)
        sock.pause()
        // The command, then one that must not run once the client is closed.
        sock.write(Buffer.concat([encodeCommand(args), encodeCommand(['SET', 'after', args[0]!])]))
        expect(await goneWithin(admin, id, 3000), args[0]).toBe(true)
        sock.destroy()
        expect(await admin.call('EXISTS', 'after')).toBe(':0\r\n')
        const lines = logs.slice(before)
        expect(lines).toHaveLength(1)
        expect(lines[0]).toMatch(/^warning Client id=\d+ .* scheduled to be closed ASAP for overcoming of output buffer limits\.$/)
      }
      expect(await admin.call('PING')).toBe('+PONG\r\n')
    } finally {
      await admin.call('CONFIG', 'SET', 'client-output-buffer-limit', 'normal 0 0 0')
      admin.close()
    }
  })
})
