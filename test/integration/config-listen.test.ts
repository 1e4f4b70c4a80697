/**
 * CONFIG SET port and CONFIG SET bind move the listening sockets at once, side by side with
 * a real redis-server 7.0: the same replies (success and Redis's error texts), new clients
 * reach the new address, old ones stay connected, and a failed change keeps the old
 * listeners. The lab's embedded node follows its server to the new port.
 */
import net from 'node:net'
import { networkInterfaces } from 'node:os'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { RedisServer } from '../../src/main/server/node'
import { openLab, redisCli, run, runCleanups, text } from '../helpers/lab'
import { freePort } from '../helpers/ports'
import { RawConn } from '../helpers/raw-conn'
import { startRedisServer, type RealRedis } from '../helpers/redis-server'

const ip = Object.values(networkInterfaces()).flat().find((i) => i && i.family === 'IPv4' && !i.internal)?.address

let real: RealRedis
let ours: RedisServer
let r: RawConn
let o: RawConn

beforeAll(async () => {
  real = await startRedisServer(['--protected-mode', 'no'])
  ours = new RedisServer({ port: 0, config: { save: '', 'protected-mode': 'no' } })
  await ours.listen()
  r = await RawConn.open(real.port)
  o = await RawConn.open(ours.port)
})

afterAll(async () => {
  await runCleanups()
  r?.close()
  o?.close()
  await ours?.close()
  await real?.stop()
})

async function both(...args: string[]): Promise<string> {
  const [a, b] = await Promise.all([r.call(...args), o.call(...args)])
  expect(b, args.join(' ')).toBe(a)
  return a
}

/** PING over a new connection: the reply, or the connection error's code. */
function pingAt(port: number, host = '127.0.0.1'): Promise<string> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port }, () => s.write('PING\r\n'))
    s.setTimeout(2000, () => {
      s.destroy()
      resolve('timeout')
    })
    s.once('data', (d) => {
      s.destroy()
      resolve(d.toString('latin1'))
    })
    s.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message))
  })
}

async function configPort(conn: RawConn): Promise<number> {
  return Number(/\r\n(\d+)\r\n$/.exec(await conn.call('CONFIG', 'GET', 'port'))![1])
}

describe('CONFIG SET port', () => {
  test('listens on the new port at once; the old one is closed; connected clients stay', async () => {
    const oldReal = real.port
    const oldOurs = ours.port
    const [pr, po] = [await freePort(), await freePort()]
    expect(await r.call('CONFIG', 'SET', 'port', String(pr))).toBe('+OK\r\n')
    expect(await o.call('CONFIG', 'SET', 'port', String(po))).toBe('+OK\r\n')
    expect([await configPort(r), await configPort(o)]).toEqual([pr, po])
    expect(ours.port).toBe(po)
    expect([await pingAt(pr), await pingAt(po)]).toEqual(['+PONG\r\n', '+PONG\r\n'])
    expect([await pingAt(oldReal), await pingAt(oldOurs)]).toEqual(['ECONNREFUSED', 'ECONNREFUSED'])
    await both('PING')
  })

  test('a port in use: Redis\'s error, and the server keeps listening where it was', async () => {
    const [before, beforeOurs] = [await configPort(r), ours.port]
    const blocker = net.createServer()
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
    const taken = (blocker.address() as net.AddressInfo).port
    try {
      const reply = await both('CONFIG', 'SET', 'port', String(taken))
      expect(reply).toBe("-ERR CONFIG SET failed (possibly related to argument 'port') - Unable to listen on this port. Check server logs.\r\n")
      expect([await configPort(r), await configPort(o)]).toEqual([before, beforeOurs])
      expect([await pingAt(before), await pingAt(beforeOurs)]).toEqual(['+PONG\r\n', '+PONG\r\n'])
    } finally {
      blocker.close()
    }
  })
})

describe('CONFIG SET bind', () => {
  test('new addresses are served, dropped ones are not; an address the machine lacks is refused', async () => {
    if (!ip) throw new Error('this test needs a non-loopback IPv4 interface')
    const [pr, po] = [await configPort(r), ours.port]
    expect([await pingAt(pr, ip), await pingAt(po, ip)]).toEqual(['ECONNREFUSED', 'ECONNREFUSED'])
    await both('CONFIG', 'SET', 'bind', `127.0.0.1 ${ip}`)
    expect([await pingAt(pr, ip), await pingAt(po, ip)]).toEqual(['+PONG\r\n', '+PONG\r\n'])
    expect(await both('CONFIG', 'GET', 'bind')).toBe(`*2\r\n$4\r\nbind\r\n$${10 + ip.length}\r\n127.0.0.1 ${ip}\r\n`)

    // 192.0.2.0/24 is TEST-NET-1: no machine has .254 of it unless it is this one.
    const absent = ip === '192.0.2.254' ? '198.51.100.254' : '192.0.2.254'
    const reply = await both('CONFIG', 'SET', 'bind', `127.0.0.1 ${absent}`)
    expect(reply).toBe("-ERR CONFIG SET failed (possibly related to argument 'bind') - Failed to bind to specified addresses.\r\n")
    expect([await pingAt(pr, ip), await pingAt(po, ip)]).toEqual(['+PONG\r\n', '+PONG\r\n'])

    await both('CONFIG', 'SET', 'bind', '127.0.0.1')
    expect([await pingAt(pr, ip), await pingAt(po, ip)]).toEqual(['ECONNREFUSED', 'ECONNREFUSED'])
    expect([await pingAt(pr), await pingAt(po)]).toEqual(['+PONG\r\n', '+PONG\r\n'])
  })
})

describe('an embedded node in the lab', () => {
  test('CONFIG SET port from its console moves the node; a restart goes back to its config file', async () => {
    const { lab } = await openLab()
    const [node] = await lab.call('listNodes', {})
    const moved = await freePort()
    expect(text(await run(lab, node!.id, 'CONFIG', 'SET', 'port', String(moved)))).toBe('OK')
    await expect.poll(async () => (await lab.call('listNodes', {}))[0]!.port).toBe(moved)
    expect((await lab.call('listNodes', {}))[0]!.portNote).toBe(`Moved to port ${moved} by CONFIG SET port`)
    expect(await redisCli(moved, 'PING')).toBe('PONG')
    expect(await pingAt(node!.port)).toBe('ECONNREFUSED')
    // Not written to redis.conf (no CONFIG REWRITE): a restart listens where the file says.
    await lab.call('restartNode', { id: node!.id })
    await expect.poll(async () => (await lab.call('listNodes', {}))[0]!.port).toBe(node!.port)
    expect(await redisCli(node!.port, 'PING')).toBe('PONG')
  })
})
