/**
 * Transactions (multi.c), differential against a real redis-server 7.0: MULTI/EXEC/DISCARD,
 * queue-time vs run-time errors, pipelined transactions, WATCH across connections
 * (writes, deletions, expiry, FLUSHALL/FLUSHDB/SWAPDB), and what EXEC propagates.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { encodeCommand, startPair, type DiffConn, type DiffPair } from '../helpers/differential'

let pair: DiffPair
let c: DiffConn
let d: DiffConn

beforeAll(async () => {
  pair = await startPair()
  c = await pair.connect()
  d = await pair.connect()
})
afterAll(async () => {
  c?.close()
  d?.close()
  await pair?.stop()
})
beforeEach(async () => {
  await c.same('DISCARD').catch(() => undefined)
  await c.same('UNWATCH')
  await c.same('SELECT', '0')
  await c.same('FLUSHALL')
})

/** Sends all commands in one write to both servers and compares the whole reply stream. */
async function pipeline(conn: DiffConn, cmds: string[][]): Promise<string> {
  const bytes = Buffer.concat(cmds.map((a) => encodeCommand(a)))
  conn.real.send(bytes)
  conn.ours.send(bytes)
  let real = ''
  let ours = ''
  for (let i = 0; i < cmds.length; i++) {
    real += await conn.real.read()
    ours += await conn.ours.read()
  }
  expect(ours).toBe(real)
  return real
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

describe('MULTI / EXEC / DISCARD', () => {
  test('queued commands, replies in one array, runtime errors per command', async () => {
    expect(await c.same('MULTI')).toBe('+OK\r\n')
    expect(await c.same('SET', 'a', '1')).toBe('+QUEUED\r\n')
    await c.same('INCR', 'a')
    await c.same('HSET', 'a', 'f', 'x')
    await c.same('GET', 'a')
    await c.same('INCRBYFLOAT', 'a', 'abc')
    const r = await c.same('EXEC')
    expect(r.startsWith('*5\r\n+OK\r\n:2\r\n-WRONGTYPE')).toBe(true)
    await c.same('GET', 'a')
  })

  test('errors outside MULTI and nesting', async () => {
    await c.same('EXEC')
    await c.same('DISCARD')
    await c.same('MULTI')
    await c.same('MULTI')
    await c.same('WATCH', 'a')
    await c.same('SET', 'a', '1')
    // The nested MULTI and WATCH errors do not abort the transaction.
    await c.same('EXEC')
    await c.same('GET', 'a')
  })

  test('queue-time errors abort with EXECABORT', async () => {
    await c.same('MULTI')
    await c.same('SET', 'a', '1')
    await c.same('NOSUCHCOMMAND', 'x')
    await c.same('GET')
    await c.same('SET', 'b', '2')
    expect(await c.same('EXEC')).toBe('-EXECABORT Transaction discarded because of previous errors.\r\n')
    await c.same('EXISTS', 'a', 'b')
    // Out of MULTI again.
    await c.same('EXEC')
  })

  test('arity error on EXEC itself discards the transaction', async () => {
    await c.same('MULTI')
    await c.same('SET', 'a', '1')
    await c.same('EXEC', 'extra')
    await c.same('EXEC')
    await c.same('EXISTS', 'a')
  })

  test('DISCARD drops the queue', async () => {
    await c.same('MULTI')
    await c.same('SET', 'a', '1')
    await c.same('DISCARD')
    await c.same('EXISTS', 'a')
    await c.same('DISCARD')
  })

  test('empty transaction, SELECT inside, PING and ECHO', async () => {
    await c.same('MULTI')
    await c.same('EXEC')
    await c.same('MULTI')
    await c.same('SELECT', '3')
    await c.same('SET', 'k', 'in3')
    await c.same('PING')
    await c.same('ECHO', 'hi\x00there')
    await c.same('SELECT', '99')
    await c.same('EXEC')
    await c.same('GET', 'k')
    await c.same('SELECT', '0')
    await c.same('GET', 'k')
  })

  test('pipelined transactions', async () => {
    await pipeline(c, [
      ['MULTI'],
      ['SET', 'p', '1'],
      ['INCRBY', 'p', '10'],
      ['GET', 'p'],
      ['EXEC'],
      ['MULTI'],
      ['SET', 'q'],
      ['INCR', 'p'],
      ['EXEC'],
      ['GET', 'p'],
      ['MULTI'],
      ['DEL', 'p'],
      ['DISCARD'],
      ['GET', 'p']
    ])
  })

  test('MULTI then blocking-capable and special commands', async () => {
    await c.same('MULTI')
    await c.same('MONITOR')
    await c.same('SUBSCRIBE', 'ch')
    await c.same('EXEC')
    await c.same('UNSUBSCRIBE')
  })

  test('no_multi commands are refused while queuing', async () => {
    await c.same('MULTI')
    await c.same('SET', 'a', '1')
    await c.same('SHUTDOWN')
    await c.same('EXEC')
    await c.same('EXISTS', 'a')
  })

  test('QUIT inside MULTI runs at once', async () => {
    const e = await pair.connect()
    await e.same('MULTI')
    await e.same('SET', 'quitkey', '1')
    await e.same('QUIT')
    e.close()
    await c.same('EXISTS', 'quitkey')
  })

  test('RESP3: dirty EXEC replies with a null', async () => {
    const e = await pair.connect()
    await e.both('HELLO', '3')
    await e.same('WATCH', 'w')
    await e.same('SET', 'w', '1')
    await e.same('MULTI')
    await e.same('GET', 'w')
    expect(await e.same('EXEC')).toBe('_\r\n')
    await e.same('MULTI')
    await e.same('GET', 'nokey')
    await e.same('HGETALL', 'nokey')
    expect(await e.same('EXEC')).toBe('*2\r\n_\r\n%0\r\n')
    e.close()
  })
})

describe('WATCH', () => {
  test('untouched watched key: EXEC runs', async () => {
    await c.same('SET', 'w', '1')
    await c.same('WATCH', 'w', 'other', 'w')
    await c.same('MULTI')
    await c.same('INCR', 'w')
    await c.same('EXEC')
  })

  test('another connection writes the key: EXEC fails with a null array', async () => {
    await c.same('SET', 'w', '1')
    await c.same('WATCH', 'w')
    await d.same('SET', 'w', '2')
    await c.same('MULTI')
    await c.same('INCR', 'w')
    expect(await c.same('EXEC')).toBe('*-1\r\n')
    await c.same('GET', 'w')
    // WATCH is gone after EXEC.
    await c.same('MULTI')
    await c.same('INCR', 'w')
    await c.same('EXEC')
  })

  test('own write before MULTI invalidates too; UNWATCH forgets', async () => {
    await c.same('WATCH', 'w')
    await c.same('SET', 'w', 'x')
    await c.same('MULTI')
    await c.same('GET', 'w')
    await c.same('EXEC')
    await c.same('WATCH', 'w')
    await c.same('SET', 'w', 'y')
    await c.same('UNWATCH')
    await c.same('MULTI')
    await c.same('GET', 'w')
    await c.same('EXEC')
  })

  test('a write that changes nothing does not invalidate; deleting does', async () => {
    await c.same('WATCH', 'nokey')
    await d.same('DEL', 'nokey')
    await d.same('SREM', 'nokey', 'x')
    await c.same('MULTI')
    await c.same('PING')
    await c.same('EXEC')
    await c.same('SET', 'k', 'v')
    await c.same('WATCH', 'k')
    await d.same('DEL', 'k')
    await c.same('MULTI')
    await c.same('PING')
    await c.same('EXEC')
  })

  test('watched keys are per database', async () => {
    await c.same('SELECT', '1')
    await c.same('WATCH', 'k')
    await d.same('SET', 'k', 'db0')
    await c.same('MULTI')
    await c.same('PING')
    await c.same('EXEC')
    await c.same('WATCH', 'k')
    await d.same('SELECT', '1')
    await d.same('SET', 'k', 'db1')
    await d.same('SELECT', '0')
    await c.same('MULTI')
    await c.same('PING')
    await c.same('EXEC')
  })

  test('FLUSHALL and FLUSHDB invalidate existing watched keys only', async () => {
    await c.same('WATCH', 'absent')
    await d.same('SET', 'other', '1')
    await d.same('FLUSHALL')
    await c.same('MULTI')
    await c.same('PING')
    await c.same('EXEC')
    await c.same('SET', 'k', '1')
    await c.same('WATCH', 'k')
    await d.same('FLUSHDB')
    await c.same('MULTI')
    await c.same('PING')
    await c.same('EXEC')
    await c.same('SET', 'k', '1')
    await c.same('WATCH', 'k')
    await d.same('FLUSHALL')
    await c.same('MULTI')
    await c.same('PING')
    await c.same('EXEC')
  })

  test('SWAPDB invalidates keys present in either database', async () => {
    await c.same('SELECT', '2')
    await c.same('SET', 'k2', 'v')
    await c.same('SELECT', '0')
    await c.same('WATCH', 'k2')
    await d.same('SWAPDB', '0', '2')
    await c.same('MULTI')
    await c.same('GET', 'k2')
    await c.same('EXEC')
    await c.same('WATCH', 'nowhere')
    await d.same('SWAPDB', '0', '2')
    await c.same('MULTI')
    await c.same('PING')
    await c.same('EXEC')
  })

  test('a watched key that expires makes EXEC fail', async () => {
    await c.same('SET', 'e', 'v', 'PX', '60')
    await c.same('WATCH', 'e')
    await sleep(120)
    await c.same('MULTI')
    await c.same('PING')
    expect(await c.same('EXEC')).toBe('*-1\r\n')
  })

  test('a key already expired when WATCHed and then deleted is no change', async () => {
    for (const conn of [c.real, c.ours]) await conn.call('DEBUG', 'SET-ACTIVE-EXPIRE', '0')
    try {
      await c.same('SET', 'e', 'v', 'PX', '20')
      await sleep(60)
      await c.same('WATCH', 'e')
      // EXISTS expires (deletes) it lazily: logically nothing changed.
      await d.same('EXISTS', 'e')
      await c.same('MULTI')
      await c.same('PING')
      await c.same('EXEC')
      // Expired at WATCH time, then created again: a change.
      await c.same('SET', 'e2', 'v', 'PX', '20')
      await sleep(60)
      await c.same('WATCH', 'e2')
      await d.same('SET', 'e2', 'new')
      await c.same('MULTI')
      await c.same('PING')
      await c.same('EXEC')
    } finally {
      for (const conn of [c.real, c.ours]) await conn.call('DEBUG', 'SET-ACTIVE-EXPIRE', '1')
    }
  })

  test('WATCH arity, DISCARD unwatches, WATCH when already dirty', async () => {
    await c.same('WATCH')
    await c.same('WATCH', 'k')
    await d.same('SET', 'k', '1')
    await c.same('WATCH', 'k2')
    await c.same('MULTI')
    await c.same('DISCARD')
    await d.same('SET', 'k', '2')
    await c.same('MULTI')
    await c.same('GET', 'k')
    await c.same('EXEC')
  })
})
