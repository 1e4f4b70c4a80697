/**
 * The server reads connections through resp/direct-read.ts (one shared read buffer, each
 * read copied out): what the parser handed out must survive later reads, and the moved
 * socket must behave like the accepted one (addresses, EOF, close, connection counts).
 */
import net from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RedisServer } from '../../src/main/server/node'
import { RawConn, encodeCommand } from '../helpers/raw-conn'

let server: RedisServer

beforeAll(async () => {
  server = new RedisServer({ port: 0 })
  await server.listen()
})

afterAll(async () => {
  await server?.close()
})

const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

describe('direct socket reads', () => {
  it('commands queued by MULTI over many separate reads keep their arguments', async () => {
    const conn = await RawConn.open(server.port)
    expect(await conn.call('MULTI')).toBe('+OK\r\n')
    for (let i = 0; i < 40; i++) {
      // Each command in its own packet: the shared read buffer is overwritten many times
      // before EXEC runs the queue.
      expect(await conn.call('SET', `mk:${i}`, `value-${i}-${'x'.repeat(i * 50)}`)).toBe('+QUEUED\r\n')
    }
    const exec = await conn.call('EXEC')
    expect(exec.startsWith('*40\r\n')).toBe(true)
    for (let i = 0; i < 40; i += 7) {
      const v = `value-${i}-${'x'.repeat(i * 50)}`
      expect(await conn.call('GET', `mk:${i}`)).toBe(`$${v.length}\r\n${v}\r\n`)
    }
    conn.close()
  })

  it('a command split over many reads, and pipelines of many commands per read, parse the same', async () => {
    const conn = await RawConn.open(server.port)
    const value = Buffer.alloc(300_000)
    for (let i = 0; i < value.length; i++) value[i] = (i * 7) & 0xff
    const bytes = encodeCommand(['SET', 'split', value])
    for (let off = 0; off < bytes.length; off += 1000) {
      conn.send(bytes.subarray(off, off + 1000))
      if (off % 50_000 === 0) await pause(1)
    }
    expect(await conn.read()).toBe('+OK\r\n')
    const reply = Buffer.from(await conn.call('GET', 'split'), 'latin1')
    expect(reply.subarray(reply.indexOf('\n') + 1, reply.length - 2).equals(value)).toBe(true)
    const pipeline = Buffer.concat(Array.from({ length: 500 }, (_, i) => encodeCommand(['INCRBY', 'ctr', String(i)])))
    conn.send(pipeline)
    let last = ''
    for (let i = 0; i < 500; i++) last = await conn.read()
    expect(last).toBe(`:${(499 * 500) / 2}\r\n`)
    conn.close()
  })

  it('the moved socket reports the client address, and EOF closes the client', async () => {
    const sock = net.connect(server.port, '127.0.0.1')
    await new Promise<void>((r) => sock.once('connect', () => r()))
    const before = server.clients.size
    const got = new Promise<string>((resolve) => {
      let buf = ''
      sock.on('data', (d) => {
        buf += d.toString('latin1')
        if (buf.endsWith('\r\n') && buf.length > 5) resolve(buf)
      })
    })
    sock.write(encodeCommand(['CLIENT', 'INFO']))
    const info = await got
    expect(info).toContain(` addr=127.0.0.1:${sock.localPort} `)
    expect(info).toContain(` laddr=127.0.0.1:${server.port} `)
    sock.end()
    const deadline = Date.now() + 3000
    while (server.clients.size >= before && Date.now() < deadline) await pause(10)
    expect(server.clients.size).toBe(before - 1)
    sock.destroy()
  })

  it('close() still waits for and ends every connection', async () => {
    const extra = new RedisServer({ port: 0 })
    await extra.listen()
    const conns = await Promise.all([1, 2, 3].map(() => RawConn.open(extra.port)))
    for (const c of conns) expect(await c.call('PING')).toBe('+PONG\r\n')
    await extra.close()
    await pause(20)
    expect(conns.every((c) => c.closed)).toBe(true)
  })
})
