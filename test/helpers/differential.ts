/**
 * Differential testing: the same commands go to a real redis-server 7 and to an embedded
 * RedisServer, one connection to each; tests compare the raw reply bytes. Replies are
 * framed with a RESP scanner, so a command's reply is read exactly, with no waiting for
 * silence.
 */
import { afterAll, beforeAll, beforeEach, expect } from 'vitest'
import { RedisServer } from '../../src/main/server/node'
import { RawConn, respEnd } from './raw-conn'
import { startRedisServer, type RealRedis } from './redis-server'

export { RawConn, respEnd, encodeCommand } from './raw-conn'

export interface DiffPair {
  real: RealRedis
  ours: RedisServer
  /** A connection to each server. */
  connect(): Promise<DiffConn>
  stop(): Promise<void>
}

export interface DiffConn {
  real: RawConn
  ours: RawConn
  /** Sends to both; returns both raw replies. */
  both(...args: (string | Buffer)[]): Promise<{ real: string; ours: string }>
  /** Sends to both and expects byte-identical replies; returns the reply. */
  same(...args: (string | Buffer)[]): Promise<string>
  /** For replies whose element order is unspecified (SMEMBERS, HGETALL, KEYS, …): same multiset of elements. */
  sameUnordered(...args: (string | Buffer)[]): Promise<string>
  close(): void
}

export async function startPair(): Promise<DiffPair> {
  const real = await startRedisServer()
  const ours = new RedisServer({ port: 0 })
  await ours.listen()
  return {
    real,
    ours,
    async connect() {
      const conn: DiffConn = {
        real: await RawConn.open(real.port),
        ours: await RawConn.open(ours.port),
        async both(...args) {
          const [r, o] = await Promise.all([conn.real.call(...args), conn.ours.call(...args)])
          return { real: r, ours: o }
        },
        async same(...args) {
          const { real: r, ours: o } = await conn.both(...args)
          expect(o, `reply to ${show(args)}`).toBe(r)
          return r
        },
        async sameUnordered(...args) {
          const { real: r, ours: o } = await conn.both(...args)
          expect(elements(o), `reply to ${show(args)} (unordered)`).toEqual(elements(r))
          return r
        },
        close() {
          conn.real.close()
          conn.ours.close()
        }
      }
      return conn
    },
    async stop() {
      await ours.close()
      await real.stop()
    }
  }
}

/**
 * One pair for the tests of the enclosing file (or describe block): started before them with
 * one connection, both stopped after them. `reset` commands go to both servers (replies
 * compared) before every test. The returned `pair` and `c` stand in for the live ones the
 * hooks create, so tests use them as plain values.
 */
export function sharedPair(opts: { reset?: string[][] } = {}): { pair: DiffPair; c: DiffConn } {
  let pair: DiffPair | undefined
  let c: DiffConn | undefined
  beforeAll(async () => {
    pair = await startPair()
    c = await pair.connect()
  })
  afterAll(async () => {
    c?.close()
    await pair?.stop()
  })
  const reset = opts.reset ?? []
  if (reset.length > 0) {
    beforeEach(async () => {
      for (const cmd of reset) await c!.same(...cmd)
    })
  }
  return { pair: standIn(() => pair, 'pair'), c: standIn(() => c, 'c') }
}

/** Reads through to what `get` returns once the beforeAll hook has set it. */
function standIn<T extends object>(get: () => T | undefined, name: string): T {
  return new Proxy({} as T, {
    get(_, key) {
      const target = get()
      if (target === undefined) throw new Error(`${name} is used outside a test (the pair is not started)`)
      return Reflect.get(target, key)
    }
  })
}

/** The top-level elements of an aggregate reply, sorted; other replies as they are. */
export function elements(reply: string): string[] {
  const buf = Buffer.from(reply, 'latin1')
  const head = String.fromCharCode(buf[0]!)
  if (!'*~%'.includes(head)) return [reply]
  const nl = buf.indexOf('\r\n')
  const n = Number(buf.toString('latin1', 1, nl)) * (head === '%' ? 2 : 1)
  const out: string[] = []
  let p = nl + 2
  for (let i = 0; i < n; i++) {
    const e = respEnd(buf, p)
    out.push(buf.toString('latin1', p, e))
    p = e
  }
  if (head === '%') {
    const pairs: string[] = []
    for (let i = 0; i < out.length; i += 2) pairs.push(out[i]! + out[i + 1]!)
    return [head + n, ...pairs.sort()]
  }
  return [head + n, ...out.sort()]
}

function show(args: (string | Buffer)[]): string {
  return args.map((a) => (typeof a === 'string' ? a : a.toString('latin1'))).join(' ').slice(0, 200)
}
