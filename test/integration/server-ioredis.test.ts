import net from 'node:net'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RedisServer } from '../../src/main/server/node'

let server: RedisServer
let redis: Redis
const events: number[] = []

beforeAll(async () => {
  server = new RedisServer({ port: 0 })
  server.on('keys', (n) => events.push(n))
  await server.listen()
  redis = new Redis({ port: server.port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0 })
  await redis.connect()
})

afterAll(async () => {
  redis?.disconnect()
  await server?.close()
})

/** Sends raw bytes, collects everything until the server closes the connection. */
function rawExchange(port: number, data: Buffer | string): Promise<{ reply: string; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1')
    const chunks: Buffer[] = []
    const timer = setTimeout(() => {
      sock.destroy()
      resolve({ reply: Buffer.concat(chunks).toString('latin1'), closed: false })
    }, 3000)
    sock.on('data', (d) => chunks.push(d))
    sock.on('error', reject)
    sock.on('close', () => {
      clearTimeout(timer)
      resolve({ reply: Buffer.concat(chunks).toString('latin1'), closed: true })
    })
    sock.on('connect', () => sock.write(data))
  })
}

describe('RedisServer with ioredis', () => {
  it('listens on an ephemeral port', () => {
    expect(server.port).toBeGreaterThan(0)
    expect(server.host).toBe('127.0.0.1')
  })

  it('PING, ECHO', async () => {
    expect(await redis.ping()).toBe('PONG')
    expect(await redis.ping('hi')).toBe('hi')
    expect(await redis.echo('hello world')).toBe('hello world')
  })

  it('SET/GET/DEL/EXISTS/DBSIZE/FLUSHALL', async () => {
    expect(await redis.flushall()).toBe('OK')
    expect(await redis.set('a', '1')).toBe('OK')
    expect(await redis.set('b', '2')).toBe('OK')
    expect(await redis.get('a')).toBe('1')
    expect(await redis.get('nope')).toBeNull()
    expect(await redis.exists('a', 'b', 'a', 'nope')).toBe(3)
    expect(await redis.dbsize()).toBe(2)
    expect(server.keyCount()).toBe(2)
    expect(await redis.del('a', 'nope')).toBe(1)
    expect(await redis.dbsize()).toBe(1)
    expect(await redis.flushall('SYNC')).toBe('OK')
    expect(await redis.dbsize()).toBe(0)
  })

  it('SET options: NX, XX, GET, PX, KEEPTTL, and lazy expiry', async () => {
    expect(await redis.set('k', 'v1', 'NX')).toBe('OK')
    expect(await redis.set('k', 'v2', 'NX')).toBeNull()
    expect(await redis.set('missing', 'v', 'XX')).toBeNull()
    expect(await redis.set('k', 'v3', 'XX', 'GET')).toBe('v1')
    expect(await redis.set('t', 'x', 'PX', 50)).toBe('OK')
    expect(await redis.set('t', 'y', 'KEEPTTL')).toBe('OK')
    expect(await redis.get('t')).toBe('y')
    await new Promise((r) => setTimeout(r, 80))
    expect(await redis.get('t')).toBeNull()
    await expect(redis.set('k', 'v', 'EX', 0)).rejects.toThrow("ERR invalid expire time in 'set' command")
    await expect(redis.set('k', 'v', 'NX', 'XX' as 'GET')).rejects.toThrow('ERR syntax error')
  })

  it('stores binary values exactly', async () => {
    const value = Buffer.alloc(256)
    for (let i = 0; i < 256; i++) value[i] = i
    const key = Buffer.from([0, 13, 10, 255])
    expect(await redis.set(key, value)).toBe('OK')
    expect(Buffer.compare((await redis.getBuffer(key))!, value)).toBe(0)
    const big = Buffer.alloc(2 * 1024 * 1024 + 3, 7)
    await redis.set('big', big)
    expect((await redis.getBuffer('big'))!.equals(big)).toBe(true)
  })

  it('pipelines 10k commands', async () => {
    const p = redis.pipeline()
    for (let i = 0; i < 10_000; i++) p.set(`p:${i}`, String(i))
    for (let i = 0; i < 10_000; i++) p.get(`p:${i}`)
    const res = await p.exec()
    expect(res).toHaveLength(20_000)
    for (let i = 0; i < 10_000; i++) {
      expect(res![i]).toEqual([null, 'OK'])
      expect(res![10_000 + i]).toEqual([null, String(i)])
    }
    expect(await redis.dbsize()).toBeGreaterThanOrEqual(10_000)
  })

  it('INFO has Redis sections and fields', async () => {
    const info = await redis.info()
    const headers = info.split('\r\n').filter((l) => l.startsWith('# '))
    expect(headers.slice(0, 2)).toEqual(['# Server', '# Clients'])
    expect(headers).toContain('# Replication')
    expect(headers[headers.length - 1]).toBe('# Keyspace')
    expect(info).toMatch(/^redis_version:7\.0\.15$/m)
    expect(info).toMatch(new RegExp(`^tcp_port:${server.port}$`, 'm'))
    expect(info).toMatch(/^role:master$/m)
    expect(info).toMatch(/^master_replid:[0-9a-f]{40}$/m)
    expect(info).toMatch(/^db0:keys=\d+,expires=\d+,avg_ttl=\d+$/m)
    expect(await redis.info('nosuchsection')).toBe('')
    const repl = await redis.info('replication')
    expect(repl.startsWith('# Replication\r\nrole:master\r\nconnected_slaves:0\r\n')).toBe(true)
  })

  it('unknown commands and wrong arity give Redis errors', async () => {
    await expect(redis.call('foo', 'a', 'b')).rejects.toThrow(
      "ERR unknown command 'foo', with args beginning with: 'a' 'b' "
    )
    await expect(redis.call('get')).rejects.toThrow("ERR wrong number of arguments for 'get' command")
  })

  it('a client sending garbage gets a protocol error and is closed; others keep working', async () => {
    const other = new Redis({ port: server.port, host: '127.0.0.1' })
    try {
      expect(await other.set('survivor', 'yes')).toBe('OK')
      const errors: string[] = []
      server.once('client-error', (m) => errors.push(m))
      const { reply, closed } = await rawExchange(server.port, 'PING\r\n*1\r\n$x\r\nPING\r\n')
      expect(reply).toBe('+PONG\r\n-ERR Protocol error: invalid bulk length\r\n')
      expect(closed).toBe(true)
      expect(errors[0]).toContain('Protocol error: invalid bulk length')
      const flood = await rawExchange(server.port, Buffer.alloc(200 * 1024, 'A'))
      expect(flood.reply).toBe('-ERR Protocol error: too big inline request\r\n')
      expect(flood.closed).toBe(true)
      expect(await other.get('survivor')).toBe('yes')
      expect(await redis.ping()).toBe('PONG')
    } finally {
      other.disconnect()
    }
  })

  it('QUIT replies +OK and closes', async () => {
    const { reply, closed } = await rawExchange(server.port, '*1\r\n$4\r\nQUIT\r\n*1\r\n$4\r\nPING\r\n')
    expect(reply).toBe('+OK\r\n')
    expect(closed).toBe(true)
  })

  it("emits 'keys' when the number of keys changes (coalesced)", async () => {
    await redis.flushall()
    await new Promise((r) => setTimeout(r, 20))
    events.length = 0
    const p = redis.pipeline()
    for (let i = 0; i < 100; i++) p.set(`e:${i}`, 'x')
    await p.exec()
    await new Promise((r) => setTimeout(r, 20))
    expect(events.length).toBeGreaterThanOrEqual(1)
    expect(events.length).toBeLessThan(10)
    expect(events[events.length - 1]).toBe(100)
  })
})

describe('RedisServer lifecycle', () => {
  it('rejects with EADDRINUSE when the port is taken, and close() resolves', async () => {
    const other = new RedisServer({ port: server.port })
    await expect(other.listen()).rejects.toMatchObject({ code: 'EADDRINUSE' })
    const s = new RedisServer({ port: 0 })
    await s.listen()
    const client = new Redis({ port: s.port, host: '127.0.0.1', retryStrategy: () => null })
    client.on('error', () => {})
    expect(await client.ping()).toBe('PONG')
    await s.close()
    client.disconnect()
  })
})
