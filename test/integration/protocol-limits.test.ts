/**
 * Request limits and malformed request headers, against a real redis-server 7.0 side by
 * side: proto-max-bulk-len, the multibulk/bulk length checks (incl. the unauthenticated
 * ones), client-query-buffer-limit. The offending client gets Redis's exact reply (or none)
 * and is closed; every other client carries on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RawConn, startPair, type DiffPair } from '../helpers/differential'

let pair: DiffPair

beforeAll(async () => {
  pair = await startPair()
})

afterAll(async () => {
  await pair?.stop()
})

/** Every reply until the server closes the connection (throws if it stays open). */
async function repliesUntilClose(conn: RawConn): Promise<string[]> {
  const out: string[] = []
  for (;;) {
    const r = await conn.read(5000)
    if (r === '') return out
    out.push(r)
  }
}

/** Sends the same bytes on a fresh connection to each server; both transcripts up to the close. */
async function sendRaw(data: string | Buffer): Promise<{ real: string[]; ours: string[] }> {
  const real = await RawConn.open(pair.real.port)
  const ours = await RawConn.open(pair.ours.port)
  real.send(data)
  ours.send(data)
  const [r, o] = await Promise.all([repliesUntilClose(real), repliesUntilClose(ours)])
  return { real: r, ours: o }
}

async function configSetBoth(name: string, value: string): Promise<void> {
  const conn = await pair.connect()
  expect(await conn.same('CONFIG', 'SET', name, value)).toBe('+OK\r\n')
  conn.close()
}

/** A watcher connection on each server, proving the others are unaffected. */
async function othersStillServed(): Promise<void> {
  const conn = await pair.connect()
  await conn.same('SET', 'witness', 'alive')
  expect(await conn.same('GET', 'witness')).toBe('$5\r\nalive\r\n')
  conn.close()
}

describe('malformed multibulk headers', () => {
  const cases: [string, string][] = [
    ['non-numeric count', '*abc\r\n'],
    ['count above INT_MAX', '*2147483648\r\n'],
    ['count with a leading zero', '*01\r\n$4\r\nPING\r\n'],
    ['count with a plus sign', '*+1\r\n$4\r\nPING\r\n'],
    ['empty count', '*\r\n'],
    ['count beyond 64 bits', '*99999999999999999999\r\n'],
    ['bulk header without $', '*1\r\n+PING\r\n'],
    ['negative bulk length', '*1\r\n$-1\r\n'],
    ['non-numeric bulk length', '*1\r\n$x\r\n'],
    ['bulk length with a leading zero', '*1\r\n$04\r\nPING\r\n'],
    ['empty bulk length', '*1\r\n$\r\n']
  ]
  for (const [name, bytes] of cases) {
    it(`${name}: same error, then closed`, async () => {
      const { real, ours } = await sendRaw(bytes)
      expect(real.length).toBe(1)
      expect(real[0]).toMatch(/^-ERR Protocol error: /)
      expect(ours).toEqual(real)
    })
  }

  it('commands before the bad header are answered first; others unaffected', async () => {
    const { real, ours } = await sendRaw('*1\r\n$4\r\nPING\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n*1\r\n$y\r\n')
    expect(real).toEqual(['+PONG\r\n', '+OK\r\n', '-ERR Protocol error: invalid bulk length\r\n'])
    expect(ours).toEqual(real)
    await othersStillServed()
  })

  it('*0 and negative counts are empty requests, not errors', async () => {
    const real = await RawConn.open(pair.real.port)
    const ours = await RawConn.open(pair.ours.port)
    for (const c of [real, ours]) c.send('*0\r\n*-1\r\n*-7\r\n*1\r\n$4\r\nPING\r\n')
    expect(await ours.read()).toBe(await real.read())
    real.close()
    ours.close()
  })
})

describe('proto-max-bulk-len', () => {
  beforeAll(async () => {
    await configSetBoth('proto-max-bulk-len', '1mb')
  })
  afterAll(async () => {
    await configSetBoth('proto-max-bulk-len', '512mb')
  })

  it('a bulk one byte over the limit is refused at its header and the client closed', async () => {
    const { real, ours } = await sendRaw('*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$1048577\r\n')
    expect(real).toEqual(['-ERR Protocol error: invalid bulk length\r\n'])
    expect(ours).toEqual(real)
    await othersStillServed()
  })

  it('a bulk exactly at the limit is accepted', async () => {
    const conn = await pair.connect()
    const value = Buffer.alloc(1048576, 0x61)
    expect(await conn.same('SET', 'big', value)).toBe('+OK\r\n')
    expect(await conn.same('STRLEN', 'big')).toBe(':1048576\r\n')
    conn.close()
  })

  it('raising it again accepts bigger bulks', async () => {
    await configSetBoth('proto-max-bulk-len', '2mb')
    const conn = await pair.connect()
    expect(await conn.same('SET', 'big2', Buffer.alloc(1048577, 0x62))).toBe('+OK\r\n')
    conn.close()
    await configSetBoth('proto-max-bulk-len', '1mb')
  })
})

describe('unauthenticated lengths (requirepass set)', () => {
  beforeAll(async () => {
    await configSetBoth('requirepass', 'secret')
  })
  afterAll(async () => {
    const conn = await pair.connect()
    for (const c of [conn.real, conn.ours]) {
      await c.call('AUTH', 'secret')
      expect(await c.call('CONFIG', 'SET', 'requirepass', '')).toBe('+OK\r\n')
    }
    conn.close()
  })

  it('more than 10 arguments before AUTH: refused and closed', async () => {
    const args = Array.from({ length: 11 }, (_, i) => `a${i}`)
    const bytes = `*11\r\n${args.map((a) => `$${a.length}\r\n${a}\r\n`).join('')}`
    const { real, ours } = await sendRaw(bytes)
    expect(real).toEqual(['-ERR Protocol error: unauthenticated multibulk length\r\n'])
    expect(ours).toEqual(real)
  })

  it('10 arguments before AUTH: the usual NOAUTH', async () => {
    const args = ['MSET', ...Array.from({ length: 9 }, (_, i) => `a${i}`)]
    const conn = await pair.connect()
    expect(await conn.same(...args)).toMatch(/^-NOAUTH/)
    conn.close()
  })

  it('a bulk over 16384 bytes before AUTH: refused and closed', async () => {
    const { real, ours } = await sendRaw('*2\r\n$4\r\nECHO\r\n$16385\r\n')
    expect(real).toEqual(['-ERR Protocol error: unauthenticated bulk length\r\n'])
    expect(ours).toEqual(real)
  })

  it('AUTH earlier in the same packet lifts the limits for what follows', async () => {
    const big = 'x'.repeat(20000)
    const bytes = `*2\r\n$4\r\nAUTH\r\n$6\r\nsecret\r\n*2\r\n$4\r\nECHO\r\n$${big.length}\r\n${big}\r\n`
    const real = await RawConn.open(pair.real.port)
    const ours = await RawConn.open(pair.ours.port)
    for (const c of [real, ours]) c.send(bytes)
    const r = [await real.read(), await real.read()]
    const o = [await ours.read(), await ours.read()]
    expect(r[0]).toBe('+OK\r\n')
    expect(r[1]).toBe(`$${big.length}\r\n${big}\r\n`)
    expect(o).toEqual(r)
    real.close()
    ours.close()
  })
})

describe('client-query-buffer-limit', () => {
  const logs: string[] = []
  const onLog = (_level: string, msg: string): void => {
    logs.push(msg)
  }
  beforeAll(async () => {
    await configSetBoth('client-query-buffer-limit', '1mb')
    pair.ours.on('log', onLog)
  })
  afterAll(async () => {
    pair.ours.off('log', onLog)
    await configSetBoth('client-query-buffer-limit', '1gb')
  })

  /** Sends `bytes` in 64KB pieces, pausing between them so the server reads each one. */
  async function trickle(conn: RawConn, bytes: Buffer): Promise<void> {
    for (let off = 0; off < bytes.length && !conn.closed; off += 65536) {
      conn.send(bytes.subarray(off, off + 65536))
      await new Promise((r) => setTimeout(r, 2))
    }
  }

  it('a client whose unparsed input passes the limit is closed without a reply; others unaffected', async () => {
    // A 3MB bulk announced, 1.5MB of it sent: the partial argument sits in the query buffer.
    const head = Buffer.from('*3\r\n$3\r\nSET\r\n$1\r\nq\r\n$3000000\r\n', 'latin1')
    const bytes = Buffer.concat([head, Buffer.alloc(1_500_000, 0x7a)])
    const real = await RawConn.open(pair.real.port)
    const ours = await RawConn.open(pair.ours.port)
    await Promise.all([trickle(real, bytes), trickle(ours, bytes)])
    const [r, o] = await Promise.all([repliesUntilClose(real), repliesUntilClose(ours)])
    expect(r).toEqual([])
    expect(o).toEqual([])
    expect(logs.some((l) => /^Closing client that reached max query buffer length: id=\d+ addr=.* \(qbuf initial bytes: "z+"\)$/.test(l))).toBe(true)
    await othersStillServed()
    const conn = await pair.connect()
    expect(await conn.same('EXISTS', 'q')).toBe(':0\r\n')
    conn.close()
  })

  it('input under the limit is served normally', async () => {
    const conn = await pair.connect()
    expect(await conn.same('SET', 'q', Buffer.alloc(900_000, 0x79))).toBe('+OK\r\n')
    expect(await conn.same('STRLEN', 'q')).toBe(':900000\r\n')
    conn.close()
  })
})
