/**
 * Blocking list operations (blocked.c semantics) over real sockets: every scenario runs
 * against a real redis-server 7 and against ours, and the replies each connection
 * observes must be identical.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { RawConn, encodeCommand, startPair, type DiffPair } from '../helpers/differential'
import { blockedClients, blockingHooks } from '../../src/main/server/blocking'

let pair: DiffPair

beforeAll(async () => {
  pair = await startPair()
})
afterAll(async () => {
  await pair?.stop()
})

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))
const cmd = (line: string): Buffer => encodeCommand(line.split(' '))

/** A scenario: given a way to open connections to one server, returns what it observed. */
type Scenario = (open: () => Promise<RawConn>) => Promise<string[]>

/** Runs the scenario on both servers (one after the other) and compares the observations. */
async function same(scenario: Scenario): Promise<string[]> {
  const run = async (port: number): Promise<string[]> => {
    const conns: RawConn[] = []
    const open = async (): Promise<RawConn> => {
      const c = await RawConn.open(port)
      conns.push(c)
      return c
    }
    const first = await open()
    await first.call('FLUSHALL')
    try {
      return await scenario(open)
    } finally {
      for (const c of conns) c.close()
    }
  }
  const real = await run(pair.real.port)
  const ours = await run(pair.ours.port)
  expect(ours).toEqual(real)
  return real
}

/** Lets the server register a command sent without waiting for its reply. */
const settle = (): Promise<void> => sleep(60)

describe('blocking pops', () => {
  test('block, then a push from another connection serves it', async () => {
    const r = await same(async (open) => {
      const a = await open()
      const b = await open()
      a.send(cmd('BLPOP k 0'))
      await settle()
      const pushed = await b.call('RPUSH', 'k', 'a', 'b')
      return [pushed, await a.read(), await b.call('LRANGE', 'k', '0', '-1')]
    })
    expect(r[1]).toBe('*2\r\n$1\r\nk\r\n$1\r\na\r\n')
  })

  test('BRPOP on several keys, LPUSH of many elements', async () => {
    await same(async (open) => {
      const a = await open()
      const b = await open()
      a.send(cmd('BRPOP k1 k2 k3 0'))
      await settle()
      const out = [await b.call('LPUSH', 'k2', 'x', 'y', 'z')]
      out.push(await a.read(), await b.call('LRANGE', 'k2', '0', '-1'))
      a.send(cmd('BLPOP k1 k2 0'))
      out.push(await a.read())
      return out
    })
  })

  test('timeouts reply null arrays', async () => {
    await same(async (open) => {
      const a = await open()
      const out: string[] = []
      for (const line of ['BLPOP k 0.1', 'BRPOP k1 k2 0.05', 'BLMOVE k d LEFT RIGHT 0.1', 'BRPOPLPUSH k d 0.1', 'BLMPOP 0.1 2 k j LEFT COUNT 3']) {
        const t0 = Date.now()
        out.push(await a.call(...line.split(' ')))
        expect(Date.now() - t0).toBeGreaterThanOrEqual(40)
      }
      out.push(await a.call('EXISTS', 'd'))
      return out
    })
  })

  test('clients are served FIFO per key', async () => {
    await same(async (open) => {
      const a = await open()
      const b = await open()
      const c = await open()
      a.send(cmd('BLPOP k 0'))
      await settle()
      b.send(cmd('BLPOP k 0'))
      await settle()
      const out = [await c.call('RPUSH', 'k', 'first')]
      out.push(await a.read())
      out.push(await c.call('RPUSH', 'k', 'second', 'third'))
      out.push(await b.read())
      out.push(await c.call('LRANGE', 'k', '0', '-1'))
      return out
    })
  })

  test('one push serves one of two clients; the other stays blocked', async () => {
    await same(async (open) => {
      const a = await open()
      const b = await open()
      const c = await open()
      a.send(cmd('BRPOP k 0'))
      await settle()
      b.send(cmd('BRPOP k 0.5'))
      await settle()
      const out = [await c.call('RPUSH', 'k', 'only'), await a.read(), await b.read(), await c.call('EXISTS', 'k')]
      return out
    })
  })

  test('BLMPOP served with COUNT', async () => {
    await same(async (open) => {
      const a = await open()
      const b = await open()
      a.send(cmd('BLMPOP 0 2 k1 k2 RIGHT COUNT 2'))
      await settle()
      const out = [await b.call('RPUSH', 'k2', 'a', 'b', 'c'), await a.read(), await b.call('LRANGE', 'k2', '0', '-1')]
      a.send(cmd('BLMPOP 0 1 k1 LEFT COUNT 10'))
      await settle()
      out.push(await b.call('RPUSH', 'k1', 'x', 'y'), await a.read(), await b.call('EXISTS', 'k1'))
      return out
    })
  })

  test('a key of another type does not serve; the list that replaces it does', async () => {
    await same(async (open) => {
      const a = await open()
      const b = await open()
      a.send(cmd('BLPOP k 0'))
      await settle()
      const out = [await b.call('SET', 'k', 'str'), await b.call('DEL', 'k'), await b.call('RPUSH', 'k', 'v')]
      out.push(await a.read())
      return out
    })
  })

  test('databases are separate', async () => {
    await same(async (open) => {
      const a = await open()
      const b = await open()
      const out = [await a.call('SELECT', '1')]
      a.send(cmd('BLPOP k 0'))
      await settle()
      out.push(await b.call('RPUSH', 'k', 'db0'), await b.call('SELECT', '1'), await b.call('RPUSH', 'k', 'db1'))
      out.push(await a.read(), await b.call('EXISTS', 'k'), await b.call('SELECT', '0'), await b.call('LLEN', 'k'))
      return out
    })
  })

  test('RPOPLPUSH and LMOVE into a key someone waits on', async () => {
    await same(async (open) => {
      const a = await open()
      const b = await open()
      a.send(cmd('BLPOP dst 0'))
      await settle()
      const out = [await b.call('RPUSH', 'src', 'x', 'y'), await b.call('RPOPLPUSH', 'src', 'dst'), await a.read()]
      a.send(cmd('BRPOP dst 0'))
      await settle()
      out.push(await b.call('LMOVE', 'src', 'dst', 'LEFT', 'RIGHT'), await a.read(), await b.call('EXISTS', 'src', 'dst'))
      return out
    })
  })
})

describe('keys created by other commands', () => {
  test('RENAME, COPY and SORT … STORE into a key someone waits on', async () => {
    await same(async (open) => {
      const a = await open()
      const b = await open()
      a.send(cmd('BLPOP k 0'))
      await settle()
      const out = [await b.call('RPUSH', 'src', 'r1', 'r2'), await b.call('RENAME', 'src', 'k'), await a.read()]
      a.send(cmd('BRPOP j 0'))
      await settle()
      out.push(await b.call('COPY', 'k', 'j'), await a.read(), await b.call('LRANGE', 'k', '0', '-1'))
      a.send(cmd('BLPOP s 0'))
      await settle()
      out.push(await b.call('RPUSH', 'n', '3', '1', '2'), await b.call('SORT', 'n', 'STORE', 's'), await a.read())
      return out
    })
  })
})

describe('blocking moves', () => {
  test('BLMOVE chains serve each other', async () => {
    await same(async (open) => {
      const a = await open()
      const b = await open()
      const c = await open()
      a.send(cmd('BLMOVE l1 l2 LEFT RIGHT 0'))
      await settle()
      b.send(cmd('BRPOPLPUSH l2 l3 0'))
      await settle()
      const out = [await c.call('RPUSH', 'l1', 'v', 'w')]
      out.push(await a.read(), await b.read())
      out.push(await c.call('LRANGE', 'l1', '0', '-1'), await c.call('LRANGE', 'l2', '0', '-1'), await c.call('LRANGE', 'l3', '0', '-1'))
      return out
    })
  })

  test('BLMOVE into a key that became the wrong type', async () => {
    await same(async (open) => {
      const a = await open()
      const b = await open()
      a.send(cmd('BLMOVE src dst LEFT LEFT 0'))
      await settle()
      const out = [await b.call('SET', 'dst', 'str'), await b.call('RPUSH', 'src', 'v'), await a.read(), await b.call('LLEN', 'src')]
      return out
    })
  })

  test('BLMOVE rotating the same list', async () => {
    await same(async (open) => {
      const a = await open()
      const b = await open()
      a.send(cmd('BLMOVE l l RIGHT LEFT 0'))
      await settle()
      return [await b.call('RPUSH', 'l', 'a', 'b'), await a.read(), await b.call('LRANGE', 'l', '0', '-1')]
    })
  })
})

describe('client life cycle', () => {
  test('a client that disconnects while blocked is forgotten', async () => {
    await same(async (open) => {
      const a = await open()
      const b = await open()
      const c = await open()
      a.send(cmd('BLPOP k 0'))
      await settle()
      b.send(cmd('BLPOP k 0'))
      await settle()
      a.close()
      await settle()
      const out = [await c.call('RPUSH', 'k', 'x', 'y'), await b.read(), await c.call('LRANGE', 'k', '0', '-1')]
      return out
    })
  })

  test('commands pipelined after a blocking command wait for it', async () => {
    await same(async (open) => {
      const a = await open()
      const b = await open()
      a.send(Buffer.concat([cmd('BLPOP k 0'), cmd('PING'), cmd('LLEN k'), cmd('RPUSH k z')]))
      await settle()
      const out = [await b.call('LLEN', 'k'), await b.call('RPUSH', 'k', 'a', 'b')]
      out.push(await a.read(), await a.read(), await a.read(), await a.read())
      out.push(await b.call('LRANGE', 'k', '0', '-1'))
      return out
    })
  })

  test('pushes inside MULTI/EXEC serve at the end of the transaction', async () => {
    await same(async (open) => {
      const a = await open()
      const b = await open()
      a.send(cmd('BLPOP k 0'))
      await settle()
      const out: string[] = []
      for (const line of ['MULTI', 'RPUSH k a', 'RPUSH k b', 'LPOP k', 'EXEC']) out.push(await b.call(...line.split(' ')))
      out.push(await a.read(), await b.call('LRANGE', 'k', '0', '-1'))
      // Emptied again before the end: nobody is served.
      a.send(cmd('BLPOP j 0.3'))
      await settle()
      for (const line of ['MULTI', 'RPUSH j a', 'DEL j', 'EXEC']) out.push(await b.call(...line.split(' ')))
      out.push(await a.read())
      return out
    })
  })

  test('CLIENT UNBLOCK with TIMEOUT and ERROR', async () => {
    await same(async (open) => {
      const a = await open()
      const b = await open()
      const id = (await a.call('CLIENT', 'ID')).slice(1, -2)
      const out: string[] = []
      for (const reason of ['TIMEOUT', 'ERROR']) {
        a.send(Buffer.concat([cmd('BLPOP k 0'), cmd('PING')]))
        await settle()
        out.push(await b.call('CLIENT', 'UNBLOCK', id, reason), await a.read(), await a.read())
      }
      a.send(cmd('BLMOVE k d LEFT LEFT 0'))
      await settle()
      out.push(await b.call('CLIENT', 'UNBLOCK', id), await a.read(), await b.call('CLIENT', 'UNBLOCK', id))
      return out
    })
  })

  test('timeouts beyond Node\'s 2^31 ms timer limit still wait (BLPOP 35 days, CLIENT PAUSE 35 days)', async () => {
    await same(async (open) => {
      const a = await open()
      const b = await open()
      a.send(cmd('BLPOP k 3000000'))
      await sleep(150)
      const still = String(await b.call('CLIENT', 'LIST', 'TYPE', 'normal')).includes('cmd=blpop')
      const pushed = await b.call('RPUSH', 'k', 'x')
      return [String(still), pushed, await a.read()]
    })
    await same(async (open) => {
      const a = await open()
      const b = await open()
      await b.call('CLIENT', 'PAUSE', '3000000000', 'WRITE')
      a.send(cmd('SET p 1'))
      await sleep(150)
      const before = await b.call('GET', 'p')
      await b.call('CLIENT', 'UNPAUSE')
      return [before, await a.read(), await b.call('GET', 'p')]
    })
  })

  test('blocking commands inside MULTI do not block', async () => {
    await same(async (open) => {
      const a = await open()
      const out: string[] = []
      for (const line of ['MULTI', 'BLPOP k 0', 'BLMOVE k d LEFT LEFT 0', 'BRPOPLPUSH k d 0', 'BLMPOP 0 1 k LEFT', 'EXEC']) {
        out.push(await a.call(...line.split(' ')))
      }
      return out
    })
  })
})

describe('propagation (ours)', () => {
  test('served blocking pops propagate as their non-blocking forms', async () => {
    const seen: string[] = []
    blockingHooks.propagateServed = (_c, cmds) => {
      for (const c of cmds) seen.push(c.map((x) => x.toString('latin1')).join(' '))
    }
    try {
      const port = pair.ours.port
      const a = await RawConn.open(port)
      const b = await RawConn.open(port)
      await b.call('FLUSHALL')
      a.send(cmd('BLPOP k 0'))
      await settle()
      expect(blockedClients(pair.ours)).toBe(1)
      await b.call('RPUSH', 'k', 'x')
      await a.read()
      expect(blockedClients(pair.ours)).toBe(0)
      a.send(cmd('BLMOVE s d LEFT RIGHT 0'))
      await settle()
      await b.call('RPUSH', 's', 'y')
      await a.read()
      a.send(cmd('BRPOPLPUSH s d 0'))
      await settle()
      await b.call('RPUSH', 's', 'z')
      await a.read()
      a.send(cmd('BLMPOP 0 1 m RIGHT COUNT 5'))
      await settle()
      await b.call('RPUSH', 'm', '1', '2')
      await a.read()
      a.close()
      b.close()
      expect(seen).toEqual(['LPOP k', 'LMOVE s d LEFT RIGHT', 'RPOPLPUSH s d', 'RPOP m 2'])
    } finally {
      blockingHooks.propagateServed = null
    }
  })
})
