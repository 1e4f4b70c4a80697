/**
 * Connections refused at accept time, side by side with a real redis-server 7.0.
 * Protected mode: with no password, a peer that is not on the loopback interface gets
 * Redis's DENIED error and is disconnected, whatever the bind; loopback peers are
 * unaffected; `protected-mode no` or a password lifts it (needs a non-loopback IPv4
 * interface: this machine and CI have one). maxclients: the error, then the close.
 */
import net from 'node:net'
import { networkInterfaces } from 'node:os'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { RedisServer } from '../../src/main/server/node'
import { RawConn } from '../helpers/raw-conn'
import { startRedisServer, type RealRedis } from '../helpers/redis-server'

const ip = Object.values(networkInterfaces()).flat().find((i) => i && i.family === 'IPv4' && !i.internal)?.address

let real: RealRedis
let ours: RedisServer
let r: RawConn
let o: RawConn

beforeAll(async () => {
  if (!ip) throw new Error('this test needs a non-loopback IPv4 interface')
  real = await startRedisServer(['--bind', '127.0.0.1', ip])
  ours = new RedisServer({ port: 0, host: '0.0.0.0', config: { save: '' } })
  await ours.listen()
  r = await RawConn.open(real.port)
  o = await RawConn.open(ours.port)
})

afterAll(async () => {
  r?.close()
  o?.close()
  // Also proves the refused connections were closed for good: close() waits for every one.
  await ours?.close()
  await real?.stop()
})

/** Connects (from the non-loopback address by default), sends PING, returns what came back before close or 1 s. */
function pingFromOutside(port: number, host = ip!): Promise<{ reply: string; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host, port }, () => s.write('PING\r\n'))
    let reply = ''
    const timer = setTimeout(() => {
      s.destroy()
      resolve({ reply, closed: false })
    }, 1000)
    s.on('data', (d) => (reply += d.toString('latin1')))
    s.on('error', (err) => {
      clearTimeout(timer)
      reject(err)
    })
    s.on('close', () => {
      clearTimeout(timer)
      resolve({ reply, closed: true })
    })
  })
}

function rejected(info: string): number {
  return Number(/rejected_connections:(\d+)/.exec(info)![1])
}

async function both(...args: string[]): Promise<void> {
  const [a, b] = await Promise.all([r.call(...args), o.call(...args)])
  expect(b, args.join(' ')).toBe(a)
}

describe('protected mode', () => {
  test('no password: a non-loopback peer gets the DENIED error and is closed; counted as rejected', async () => {
    const before = [rejected(await r.call('INFO', 'stats')), rejected(await o.call('INFO', 'stats'))]
    const [a, b] = await Promise.all([pingFromOutside(real.port), pingFromOutside(ours.port)])
    expect(a.reply).toMatch(/^-DENIED Redis is running in protected mode because protected mode is enabled/)
    expect(a.closed).toBe(true)
    expect(b).toEqual(a)
    expect(rejected(await r.call('INFO', 'stats'))).toBe(before[0]! + 1)
    expect(rejected(await o.call('INFO', 'stats'))).toBe(before[1]! + 1)
    // Loopback clients carry on.
    await both('PING')
  })

  test('protected-mode no lets the outside peer in; a password replaces protection with AUTH', async () => {
    await both('CONFIG', 'SET', 'protected-mode', 'no')
    const [a, b] = await Promise.all([pingFromOutside(real.port), pingFromOutside(ours.port)])
    expect(a).toEqual({ reply: '+PONG\r\n', closed: false })
    expect(b).toEqual(a)

    await both('CONFIG', 'SET', 'protected-mode', 'yes')
    await both('CONFIG', 'SET', 'requirepass', 'sekret')
    const [c, d] = await Promise.all([pingFromOutside(real.port), pingFromOutside(ours.port)])
    expect(c).toEqual({ reply: '-NOAUTH Authentication required.\r\n', closed: false })
    expect(d).toEqual(c)
    await both('AUTH', 'sekret')
    await both('CONFIG', 'SET', 'requirepass', '')
  })
})

describe('maxclients', () => {
  test('a connection past the limit gets the error and is closed; the others carry on', async () => {
    await both('CONFIG', 'SET', 'maxclients', '2')
    try {
      // r and o are one client each: one more fits, the next does not.
      const [ra, oa] = await Promise.all([RawConn.open(real.port), RawConn.open(ours.port)])
      const [a, b] = await Promise.all([pingFromOutside(real.port, '127.0.0.1'), pingFromOutside(ours.port, '127.0.0.1')])
      expect(a).toEqual({ reply: '-ERR max number of clients reached\r\n', closed: true })
      expect(b).toEqual(a)
      expect(await oa.call('PING')).toBe(await ra.call('PING'))
      ra.close()
      oa.close()
    } finally {
      await both('CONFIG', 'SET', 'maxclients', '10000')
    }
  })
})
