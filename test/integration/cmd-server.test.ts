/**
 * Server commands (TIME, LASTSAVE, SLOWLOG, LATENCY, SHUTDOWN, INFO sections) against a real
 * redis-server 7.0, side by side.
 */
import { describe, expect, it } from 'vitest'
import { RedisServer } from '../../src/main/server/node'
import { RawConn } from '../helpers/raw-conn'
import { sharedPair } from '../helpers/differential'

const { c: conn } = sharedPair()

describe('TIME, LASTSAVE', () => {
  it('TIME is [seconds, microseconds] close to now', async () => {
    const { real, ours } = await conn.both('TIME')
    const shape = (s: string): string => s.replace(/\$\d+\r\n\d+/g, '$N')
    expect(shape(ours)).toBe(shape(real))
    const [, sec, usec] = ours.match(/^\*2\r\n\$\d+\r\n(\d+)\r\n\$\d+\r\n(\d+)\r\n$/)!
    expect(Math.abs(Number(sec) - Date.now() / 1000)).toBeLessThan(5)
    expect(Number(usec)).toBeLessThan(1e6)
    await conn.same('TIME', 'x')
  })
  it('LASTSAVE is an integer', async () => {
    expect(await conn.ours.call('LASTSAVE')).toMatch(/^:\d+\r\n$/)
    await conn.same('LASTSAVE', 'x')
  })
})

describe('SLOWLOG', () => {
  it('records every command at threshold 0, in Redis\'s entry format', async () => {
    await conn.same('SLOWLOG', 'RESET')
    await conn.same('CONFIG', 'SET', 'slowlog-log-slower-than', '0')
    await conn.same('SET', 'k', 'x'.repeat(200))
    const many = Array.from({ length: 40 }, (_, i) => `a${i}`)
    await conn.same('DEL', ...many)
    await conn.same('SLOWLOG', 'LEN')
    const mask = (s: string): string => s.replace(/\*6\r\n:\d+\r\n:\d+\r\n:\d+\r\n/g, '*6\r\n:ID\r\n:T\r\n:D\r\n')
      .replace(/\$\d+\r\n127\.0\.0\.1:\d+\r\n/g, '$N\r\nADDR\r\n')
    const { real, ours } = await conn.both('SLOWLOG', 'GET', '3')
    expect(mask(ours)).toBe(mask(real))
    const all = await conn.both('SLOWLOG', 'GET', '-1')
    expect(mask(all.ours)).toBe(mask(all.real))
    await conn.same('CONFIG', 'SET', 'slowlog-log-slower-than', '10000')
    await conn.same('SLOWLOG', 'RESET')
    await conn.same('SLOWLOG', 'LEN')
    await conn.same('SLOWLOG', 'GET')
  })
  it('a pipeline of fast and other commands is logged one entry per command, in order, as Redis logs it', async () => {
    // Fast commands in one input batch are timed as a run (node.ts, settleUntimed): each
    // still gets its entry, in order, around the ones timed alone.
    const cmds = [
      ['SET', 'p', '1'], ['INCR', 'p'], ['GET', 'p'], ['HSET', 'ph', 'f', 'v'], ['DEBUG', 'SLEEP', '0'],
      ['LPUSH', 'pl', 'a'], ['RPOP', 'pl'], ['DEL', 'p', 'ph'], ...Array.from({ length: 70 }, (_, i) => ['EXISTS', `x${i}`])
    ]
    const pipeline = Buffer.concat(cmds.map((a) => Buffer.from(`*${a.length}\r\n${a.map((x) => `$${x.length}\r\n${x}\r\n`).join('')}`)))
    await conn.same('CONFIG', 'RESETSTAT')
    await conn.same('SLOWLOG', 'RESET')
    await conn.same('CONFIG', 'SET', 'slowlog-log-slower-than', '0')
    for (const side of [conn.real, conn.ours]) side.send(pipeline)
    for (let i = 0; i < cmds.length; i++) expect(await conn.ours.read()).toBe(await conn.real.read())
    const mask = (s: string): string => s.replace(/\*6\r\n:\d+\r\n:\d+\r\n:\d+\r\n/g, '*6\r\n:ID\r\n:T\r\n:D\r\n')
      .replace(/\$\d+\r\n127\.0\.0\.1:\d+\r\n/g, '$N\r\nADDR\r\n')
    const all = await conn.both('SLOWLOG', 'GET', '-1')
    expect(mask(all.ours)).toBe(mask(all.real))
    // DEBUG is refused by the server's configuration, before it runs: Redis logs no entry for it.
    expect(all.ours.match(/\*6\r\n/g)).toHaveLength(cmds.length - 1 /* DEBUG */ + 1 /* CONFIG SET */)
    await conn.same('CONFIG', 'SET', 'slowlog-log-slower-than', '10000')
    // Every command counted once, and time recorded for the fast ones too.
    const stats = await conn.ours.call('INFO', 'commandstats')
    expect(stats).toMatch(/cmdstat_exists:calls=70,usec=\d+,/)
    expect(stats).toMatch(/cmdstat_incr:calls=1,/)
    const usec = Number(/cmdstat_exists:calls=70,usec=(\d+)/.exec(stats)![1])
    expect(usec).toBeGreaterThan(0)
  })
  it('errors and HELP', async () => {
    await conn.same('SLOWLOG', 'GET', 'abc')
    await conn.same('SLOWLOG', 'GET', '-2')
    await conn.same('SLOWLOG', 'GET', '1', 'x')
    await conn.same('SLOWLOG', 'LEN', 'x')
    await conn.same('SLOWLOG', 'x')
    await conn.same('SLOWLOG', 'HELP')
  })
})

describe('LATENCY', () => {
  it('replies with no data as Redis does', async () => {
    await conn.same('LATENCY', 'LATEST')
    await conn.same('LATENCY', 'HISTORY', 'command')
    await conn.same('LATENCY', 'RESET')
    await conn.same('LATENCY', 'RESET', 'a', 'b')
    await conn.same('LATENCY', 'GRAPH', 'command')
    await conn.same('LATENCY', 'DOCTOR')
    await conn.same('CONFIG', 'SET', 'latency-monitor-threshold', '100')
    await conn.same('LATENCY', 'DOCTOR')
    await conn.same('CONFIG', 'SET', 'latency-monitor-threshold', '0')
    await conn.same('LATENCY', 'LATEST', 'x')
    await conn.same('LATENCY', 'HELP')
  })
})

describe('FLUSHALL, INFO', () => {
  it('FLUSHALL syntax', async () => {
    await conn.same('SET', 'a', '1')
    await conn.same('FLUSHALL', 'ASYNC')
    await conn.same('DBSIZE')
    await conn.same('FLUSHALL', 'bad')
  })
  it('INFO everything has the same section headers as Redis', async () => {
    const headers = (s: string): string[] => s.split('\r\n').filter((l) => l.startsWith('# '))
    const { real, ours } = await conn.both('INFO', 'everything')
    expect(headers(ours)).toEqual(headers(real))
    const two = await conn.both('INFO', 'server', 'clients')
    expect(headers(two.ours)).toEqual(headers(two.real))
  })
})

describe('SHUTDOWN', () => {
  it('syntax errors as Redis', async () => {
    await conn.same('SHUTDOWN', 'foo')
    await conn.same('SHUTDOWN', 'ABORT')
    await conn.same('SHUTDOWN', 'ABORT', 'NOW')
    await conn.same('SHUTDOWN', 'SAVE', 'NOSAVE')
  })
  it('closes the server and emits shutdown', async () => {
    const s = new RedisServer({ port: 0 })
    await s.listen()
    const done = new Promise<void>((resolve) => s.once('shutdown', () => resolve()))
    const c = await RawConn.open(s.port)
    expect(await c.call('SHUTDOWN', 'NOSAVE', 'NOW')).toBe('')
    await done
    expect(s.listening).toBe(false)
    c.close()
  })
})
