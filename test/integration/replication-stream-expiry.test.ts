/**
 * The replication stream byte for byte beside a real redis-server 7.0 master, where keys
 * expire and commands propagate more than one command (alsoPropagate /
 * propagatePendingCommands): a read that meets an expired key sends a bare DEL; a write
 * that meets one sends MULTI, DEL, the write, EXEC; the active expire cycle sends bare DELs;
 * SPOP with a count and transactions are wrapped only when they carry more than one command,
 * with a SELECT where the database changes.
 * Absolute times (PXAT) are the only bytes allowed to differ.
 */
import net from 'node:net'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { RedisServer } from '../../src/main/server/node'
import { RawConn, encodeCommand } from '../helpers/raw-conn'
import { startRedisServer, type RealRedis } from '../helpers/redis-server'
import { waitFor } from '../helpers/replication'

let ours: RedisServer
let real: RealRedis
let o: RawConn
let r: RawConn
let streams: [Stream, Stream]

/** A raw replica: PSYNC ? -1, then everything after the RDB payload, PINGs left out. */
class Stream {
  private got = Buffer.alloc(0)
  private start = -1
  private seen = 0

  constructor(port: number) {
    const sock = net.connect(port, '127.0.0.1', () => sock.write(encodeCommand(['PSYNC', '?', '-1'])))
    sock.on('data', (d) => {
      this.got = Buffer.concat([this.got, d])
      if (this.start === -1) this.findStart()
    })
    sock.on('error', () => undefined)
    this.sock = sock
  }

  readonly sock: net.Socket

  private findStart(): void {
    const t = this.got.toString('latin1')
    const full = t.indexOf('+FULLRESYNC')
    if (full === -1) return
    const dollar = t.indexOf('$', full)
    const nl = dollar === -1 ? -1 : t.indexOf('\r\n', dollar)
    if (nl === -1) return
    const len = Number(t.slice(dollar + 1, nl))
    if (this.got.length >= nl + 2 + len) this.start = nl + 2 + len
  }

  get ready(): boolean {
    return this.start !== -1
  }

  /** What arrived since the last call, without PINGs, times replaced by <t>. */
  take(): string {
    const all = this.got.toString('latin1', this.start)
    const next = all.slice(this.seen)
    this.seen = all.length
    return next.split('*1\r\n$4\r\nPING\r\n').join('').replace(/\$13\r\n\d{13}\r\n/g, '$13\r\n<t>\r\n')
  }
}

beforeAll(async () => {
  real = await startRedisServer(['--enable-debug-command', 'yes', '--repl-diskless-sync-delay', '0'])
  ours = new RedisServer({ port: 0, config: { save: '', 'enable-debug-command': 'yes', 'repl-diskless-sync-delay': '0' } })
  await ours.listen()
  ;[r, o] = await Promise.all([RawConn.open(real.port), RawConn.open(ours.port)])
  streams = [new Stream(real.port), new Stream(ours.port)]
  await waitFor('both full syncs', async () => streams.every((s) => s.ready))
})

afterAll(async () => {
  for (const s of streams ?? []) s.sock.destroy()
  r?.close()
  o?.close()
  await ours?.close()
  await real?.stop()
})

async function both(...args: string[]): Promise<void> {
  const [a, b] = await Promise.all([r.call(...args), o.call(...args)])
  expect(b, args.join(' ')).toBe(a)
}

/** Runs the commands on both masters and returns both streams' new bytes (equal). */
async function streamOf(cmds: string[][], wait = 100): Promise<string> {
  for (const c of cmds) await both(...c)
  await new Promise((resolve) => setTimeout(resolve, wait))
  const [a, b] = streams.map((s) => s.take())
  expect(b).toBe(a)
  return a!
}

const resp = (...cmds: string[][]): string => cmds.map((c) => encodeCommand(c).toString('latin1')).join('')

describe('propagation of expired keys and multi-command writes, as a real master streams them', () => {
  test('lazy expiry: a read sends a bare DEL, a write MULTI DEL write EXEC', async () => {
    await both('DEBUG', 'SET-ACTIVE-EXPIRE', '0')
    await streamOf([['SET', 'a', '1', 'PX', '30'], ['SET', 'b', '1', 'PX', '30'], ['SET', 'c', '1', 'PX', '30']], 150)
    expect(await streamOf([['GET', 'a']])).toBe(resp(['DEL', 'a']))
    expect(await streamOf([['SET', 'b', '2']])).toBe(resp(['MULTI'], ['DEL', 'b'], ['SET', 'b', '2'], ['EXEC']))
    expect(await streamOf([['MSET', 'c', '3', 'x', '4']])).toBe(resp(['MULTI'], ['DEL', 'c'], ['MSET', 'c', '3', 'x', '4'], ['EXEC']))
    // A read that meets two expired keys propagates two commands: wrapped too.
    await streamOf([['SET', 'y', '1', 'PX', '30'], ['SET', 'z', '1', 'PX', '30']], 150)
    expect(await streamOf([['EXISTS', 'y', 'z']])).toBe(resp(['MULTI'], ['DEL', 'y'], ['DEL', 'z'], ['EXEC']))
  })

  test('inside MULTI/EXEC: the DELs join the transaction in order; one write alone goes bare', async () => {
    await streamOf([['SET', 'd', '1', 'PX', '30'], ['SET', 'e', '1', 'PX', '30']], 150)
    await both('MULTI')
    await both('GET', 'd')
    await both('SET', 'e', 'new')
    await both('SET', 'f', '1')
    expect(await streamOf([['EXEC']])).toBe(
      resp(['MULTI'], ['DEL', 'd'], ['DEL', 'e'], ['SET', 'e', 'new'], ['SET', 'f', '1'], ['EXEC'])
    )
    await both('MULTI')
    await both('SET', 'g', '1')
    expect(await streamOf([['EXEC']])).toBe(resp(['SET', 'g', '1']))
  })

  test('transactions: one write goes bare, several wrapped, reads nothing, SELECT where it changes', async () => {
    const exec = async (...cmds: string[][]): Promise<string> => {
      for (const c of cmds) await both(...c)
      return streamOf([['EXEC']])
    }
    expect(await exec(['MULTI'], ['GET', 'a'], ['SET', 'a', '1'])).toBe(resp(['SET', 'a', '1']))
    expect(await exec(['MULTI'], ['SET', 'a', '1'], ['GET', 'a'], ['INCR', 'a'])).toBe(
      resp(['MULTI'], ['SET', 'a', '1'], ['INCR', 'a'], ['EXEC'])
    )
    expect(await exec(['MULTI'], ['GET', 'a'])).toBe('')
    expect(await exec(['MULTI'], ['SET', 'x', '1'], ['SELECT', '1'], ['SET', 'y', '1'], ['SELECT', '0'])).toBe(
      resp(['MULTI'], ['SET', 'x', '1'], ['SELECT', '1'], ['SET', 'y', '1'], ['EXEC'])
    )
    // The stream is in db 1 now: the next write in db 0 says so.
    expect(await streamOf([['SET', 'z0', '1']])).toBe(resp(['SELECT', '0'], ['SET', 'z0', '1']))
  })

  test('SPOP with a count: one SREM per member, wrapped', async () => {
    await streamOf([['SADD', 'only', 'm']])
    // Popping one member of a one-member set: the rewrite is deterministic on both sides.
    expect(await streamOf([['SPOP', 'only', '1']])).toBe(resp(['DEL', 'only']))
    await streamOf([['SADD', 's', 'a', 'b', 'c', 'd', 'e']])
    // Random members: each stream names the members its own master replied with.
    const replies = await Promise.all([r.call('SPOP', 's', '2'), o.call('SPOP', 's', '2')])
    await new Promise((resolve) => setTimeout(resolve, 100))
    streams.forEach((st, i) => {
      const members = [...replies[i]!.matchAll(/\$1\r\n([a-e])\r\n/g)].map((m) => m[1]!)
      expect(members).toHaveLength(2)
      expect(st.take()).toBe(resp(['MULTI'], ...members.map((m) => ['SREM', 's', m]), ['EXEC']))
    })
  })

  test('the active expire cycle: bare DELs, no MULTI', async () => {
    await streamOf([['SET', 'h', '1', 'PX', '30'], ['SET', 'i', '1', 'PX', '30']], 150)
    // DBSIZE counts keys without expiring any: it drops only when the cycle deletes them. Read
    // it before the cycle is switched on: h and i are already past their time, so the first
    // cycle can delete them before a DBSIZE sent after the switch is served.
    const before = Number((await o.call('DBSIZE')).slice(1))
    expect(await r.call('DBSIZE')).toBe(`:${before}\r\n`)
    await both('DEBUG', 'SET-ACTIVE-EXPIRE', '1')
    await waitFor('both cycles', async () => (await o.call('DBSIZE')) === `:${before - 2}\r\n` && (await r.call('DBSIZE')) === `:${before - 2}\r\n`)
    await new Promise((resolve) => setTimeout(resolve, 100))
    const [a, b] = streams.map((s) => s.take())
    const dels = (s: string): string[] => s.split('*2\r\n$3\r\nDEL\r\n').filter(Boolean).sort()
    expect(a).not.toContain('MULTI')
    expect(b).not.toContain('MULTI')
    expect(dels(b!)).toEqual(dels(a!))
    expect(dels(a!)).toEqual(['$1\r\nh\r\n', '$1\r\ni\r\n'])
  })
})
