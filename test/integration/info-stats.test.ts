/**
 * INFO's clients and stats sections and CLIENT LIST / CLIENT INFO, against a real
 * redis-server: reply types in RESP2 and RESP3, field names and order, the values that are
 * deterministic (pub/sub counts, blocked clients, read/write event counts, CLIENT LIST's
 * flags and subscription counts), and the sampled rates (instantaneous_*) by their meaning.
 */
import { describe, expect, test } from 'vitest'
import { sharedPair } from '../helpers/differential'
import { RawConn } from '../helpers/raw-conn'

const { pair, c } = sharedPair({ reset: [['FLUSHALL']] })

/** The text of a bulk or verbatim reply (verbatim: without its "txt:"). */
function text(reply: string): string {
  const nl = reply.indexOf('\r\n')
  const body = reply.slice(nl + 2, reply.length - 2)
  expect(Buffer.byteLength(body, 'latin1')).toBe(Number(reply.slice(1, nl)))
  return reply[0] === '=' ? body.slice(4) : body
}

/** INFO fields of a reply, in order. */
function fields(reply: string): Map<string, string> {
  const out = new Map<string, string>()
  for (const line of text(reply).split('\r\n')) {
    const i = line.indexOf(':')
    if (line === '' || line.startsWith('#') || i < 0) continue
    out.set(line.slice(0, i), line.slice(i + 1))
  }
  return out
}

/** The fields of one CLIENT LIST line. */
function clientFields(line: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const kv of line.trim().split(' ')) {
    const i = kv.indexOf('=')
    out[kv.slice(0, i)] = kv.slice(i + 1)
  }
  return out
}

/** Opens one connection to each server. */
async function both(): Promise<{ real: RawConn; ours: RawConn; close(): void }> {
  const real = await RawConn.open(pair.real.port)
  const ours = await RawConn.open(pair.ours.port)
  return { real, ours, close: () => (real.close(), ours.close()) }
}

async function waitFor(cond: () => Promise<boolean>, ms = 3000): Promise<void> {
  const end = Date.now() + ms
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 20))
  }
}

describe('reply types', () => {
  test('INFO, CLIENT INFO and CLIENT LIST are bulk strings in RESP2 and verbatim txt in RESP3', async () => {
    const x = await both()
    try {
      for (const cmd of [['INFO', 'server'], ['CLIENT', 'INFO'], ['CLIENT', 'LIST'], ['CLIENT', 'LIST', 'ID', '1']]) {
        const r2 = { real: await x.real.call(...cmd), ours: await x.ours.call(...cmd) }
        expect(r2.ours[0], cmd.join(' ')).toBe('$')
        expect(r2.real[0]).toBe('$')
        text(r2.ours)
      }
      await x.real.call('HELLO', '3')
      await x.ours.call('HELLO', '3')
      for (const cmd of [['INFO', 'server'], ['CLIENT', 'INFO'], ['CLIENT', 'LIST'], ['CLIENT', 'LIST', 'ID', '1']]) {
        const real = await x.real.call(...cmd)
        const ours = await x.ours.call(...cmd)
        expect(real.slice(real.indexOf('\r\n'), real.indexOf('\r\n') + 6)).toBe('\r\ntxt:')
        expect(ours[0], cmd.join(' ')).toBe('=')
        expect(ours.slice(ours.indexOf('\r\n'), ours.indexOf('\r\n') + 6)).toBe('\r\ntxt:')
        text(ours)
      }
    } finally {
      x.close()
    }
  })
})

describe('INFO clients and stats', () => {
  test('same field names in the same order as redis-server', async () => {
    for (const s of ['clients', 'stats']) {
      const { real, ours } = await c.both('INFO', s)
      expect([...fields(ours).keys()], s).toEqual([...fields(real).keys()])
    }
  })

  test('pub/sub counts', async () => {
    const x = await both()
    const y = await both()
    try {
      for (const conn of [x.real, x.ours]) {
        expect(await conn.call('SUBSCRIBE', 'a', 'b')).toMatch(/^\*3/)
        await conn.read()
        await conn.call('PSUBSCRIBE', 'p*')
      }
      for (const conn of [y.real, y.ours]) {
        await conn.call('SUBSCRIBE', 'b', 'c')
        await conn.read()
        await conn.call('SSUBSCRIBE', 's1')
      }
      const { real, ours } = await c.both('INFO', 'stats')
      for (const f of ['pubsub_channels', 'pubsub_patterns', 'pubsubshard_channels']) {
        expect(fields(ours).get(f), f).toBe(fields(real).get(f))
      }
      expect(fields(ours).get('pubsub_channels')).toBe('3')
      expect(fields(ours).get('pubsubshard_channels')).toBe('1')
      // CLIENT LIST shows the subscriptions and the P flag like Redis.
      const lr = await c.both('CLIENT', 'LIST')
      const pick = (reply: string): string[] =>
        text(reply).split('\n').filter((l) => l !== '').map(clientFields)
          .map((f) => `flags=${f.flags} sub=${f.sub} psub=${f.psub} ssub=${f.ssub} multi=${f.multi} cmd=${f.cmd}`).sort()
      expect(pick(lr.ours)).toEqual(pick(lr.real))
      // TYPE filters by the same classes.
      for (const type of ['pubsub', 'normal']) {
        const t = await c.both('CLIENT', 'LIST', 'TYPE', type)
        expect(pick(t.ours), type).toEqual(pick(t.real))
      }
      expect(pick((await c.both('CLIENT', 'LIST', 'TYPE', 'pubsub')).ours)).toHaveLength(2)
    } finally {
      x.close()
      y.close()
    }
    await waitFor(async () => fields(await c.ours.call('INFO', 'stats')).get('pubsub_channels') === '0')
  })

  test('blocked_clients and clients_in_timeout_table', async () => {
    const forever = await both()
    const timed = await both()
    try {
      for (const conn of [forever.real, forever.ours]) conn.send('*3\r\n$5\r\nBLPOP\r\n$1\r\nq\r\n$1\r\n0\r\n')
      for (const conn of [timed.real, timed.ours]) conn.send('*3\r\n$5\r\nBLPOP\r\n$1\r\nq\r\n$2\r\n30\r\n')
      const blocked = async (): Promise<boolean> => {
        const { real, ours } = await c.both('INFO', 'clients')
        return fields(real).get('blocked_clients') === '2' && fields(ours).get('blocked_clients') === '2'
      }
      await waitFor(blocked)
      const { real, ours } = await c.both('INFO', 'clients')
      for (const f of ['blocked_clients', 'clients_in_timeout_table', 'tracking_clients', 'connected_clients']) {
        expect(fields(ours).get(f), f).toBe(fields(real).get(f))
      }
      expect(fields(ours).get('clients_in_timeout_table')).toBe('1')
      // The b flag and the blocking command in CLIENT LIST.
      const lr = await c.both('CLIENT', 'LIST')
      const pick = (reply: string): string[] =>
        text(reply).split('\n').filter((l) => l !== '').map(clientFields).map((f) => `${f.flags} ${f.cmd}`).sort()
      expect(pick(lr.ours)).toEqual(pick(lr.real))
      await c.same('RPUSH', 'q', '1', '2')
      await waitFor(async () => {
        const r = await c.both('INFO', 'clients')
        return fields(r.ours).get('blocked_clients') === '0' && fields(r.real).get('blocked_clients') === '0'
      })
      expect(fields(await c.ours.call('INFO', 'clients')).get('clients_in_timeout_table')).toBe('0')
    } finally {
      forever.close()
      timed.close()
    }
  })

  test('total_reads_processed / total_writes_processed count read and write events', async () => {
    const x = await both()
    try {
      const before = { real: fields(await x.real.call('INFO', 'stats')), ours: fields(await x.ours.call('INFO', 'stats')) }
      for (let i = 0; i < 5; i++) {
        expect(await x.real.call('PING')).toBe('+PONG\r\n')
        expect(await x.ours.call('PING')).toBe('+PONG\r\n')
      }
      // Five commands sent together arrive in one read and get one write.
      const pipeline = '*1\r\n$4\r\nPING\r\n'.repeat(5)
      for (const conn of [x.real, x.ours]) {
        conn.send(pipeline)
        for (let i = 0; i < 5; i++) expect(await conn.read()).toBe('+PONG\r\n')
      }
      const after = { real: fields(await x.real.call('INFO', 'stats')), ours: fields(await x.ours.call('INFO', 'stats')) }
      const delta = (side: 'real' | 'ours', f: string): number => Number(after[side].get(f)) - Number(before[side].get(f))
      for (const f of ['total_reads_processed', 'total_writes_processed']) expect(delta('ours', f), f).toBe(delta('real', f))
      // 5 PINGs + the pipeline + the second INFO read; the first INFO's reply + 5 + 1 written.
      expect(delta('ours', 'total_reads_processed')).toBe(7)
      expect(delta('ours', 'total_writes_processed')).toBe(7)
    } finally {
      x.close()
    }
  })

  test('instantaneous_ops_per_sec and _kbps follow the load, sampled over 1.6 s', async () => {
    const x = await both()
    try {
      // ~2000 commands per second of 100-byte values, for 2 seconds, on both servers.
      const value = 'v'.repeat(100)
      const batch = `*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$100\r\n${value}\r\n`.repeat(200)
      const t0 = Date.now()
      let sent = 0
      while (Date.now() - t0 < 2000) {
        for (const conn of [x.real, x.ours]) conn.send(batch)
        sent += 200
        for (const conn of [x.real, x.ours]) for (let i = 0; i < 200; i++) await conn.read()
        await new Promise((r) => setTimeout(r, 100 - ((Date.now() - t0) % 100)))
      }
      const rate = (sent * 1000) / (Date.now() - t0)
      const inKbps = (rate * batch.length) / 200 / 1024
      const outKbps = (rate * 5) / 1024
      for (const conn of [x.real, x.ours]) {
        const f = fields(await conn.call('INFO', 'stats'))
        const ops = Number(f.get('instantaneous_ops_per_sec'))
        expect(ops).toBeGreaterThan(rate * 0.6)
        expect(ops).toBeLessThan(rate * 1.4)
        expect(Number(f.get('instantaneous_input_kbps'))).toBeGreaterThan(inKbps * 0.6)
        expect(Number(f.get('instantaneous_input_kbps'))).toBeLessThan(inKbps * 1.4)
        expect(Number(f.get('instantaneous_output_kbps'))).toBeGreaterThan(outKbps * 0.6)
        expect(Number(f.get('instantaneous_output_kbps'))).toBeLessThan(outKbps * 1.4)
        expect(f.get('instantaneous_input_kbps')).toMatch(/^\d+\.\d\d$/)
      }
      // 16 samples of 100 ms: idle for 2 s, the rates are back to 0 (the INFO itself aside).
      await new Promise((r) => setTimeout(r, 2000))
      for (const conn of [x.real, x.ours]) {
        const f = fields(await conn.call('INFO', 'stats'))
        expect(Number(f.get('instantaneous_ops_per_sec'))).toBeLessThan(10)
      }
    } finally {
      x.close()
    }
  })
})

describe('recent client buffer peaks', () => {
  test('client_recent_max_input_buffer shows a half-received big argument', async () => {
    const x = await both()
    try {
      const partial = '*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$200000\r\n' + 'x'.repeat(100_000)
      for (const conn of [x.real, x.ours]) conn.send(partial)
      await waitFor(async () => {
        const { real, ours } = await c.both('INFO', 'clients')
        return Number(fields(real).get('client_recent_max_input_buffer')) >= 100_000 &&
          Number(fields(ours).get('client_recent_max_input_buffer')) >= 100_000
      })
      // The rest arrives: the command runs.
      for (const conn of [x.real, x.ours]) {
        conn.send('x'.repeat(100_000) + '\r\n')
        expect(await conn.read()).toBe('+OK\r\n')
      }
    } finally {
      x.close()
    }
  })
})

describe('CLIENT LIST / CLIENT INFO fields', () => {
  test('name, db, flags, multi, cmd and resp as redis-server shows them', async () => {
    const x = await both()
    try {
      for (const conn of [x.real, x.ours]) {
        expect(await conn.call('CLIENT', 'SETNAME', 'worker-1')).toBe('+OK\r\n')
        expect(await conn.call('SELECT', '3')).toBe('+OK\r\n')
        expect(await conn.call('WATCH', 'k')).toBe('+OK\r\n')
        expect(await conn.call('MULTI')).toBe('+OK\r\n')
        expect(await conn.call('SET', 'k', 'v')).toBe('+QUEUED\r\n')
        expect(await conn.call('INCR', 'n')).toBe('+QUEUED\r\n')
      }
      // Touching the WATCHed key makes the transaction dirty (flag d).
      await c.same('SELECT', '3')
      await c.same('SET', 'k', 'other')
      await c.same('SELECT', '0')
      const pick = (line: string): string => {
        const f = clientFields(line)
        return `name=${f.name} db=${f.db} flags=${f.flags} multi=${f.multi} cmd=${f.cmd} resp=${f.resp} sub=${f.sub}`
      }
      const lists = await c.both('CLIENT', 'LIST')
      const line = (reply: string): string => text(reply).split('\n').find((l) => l.includes(' name=worker-1 '))!
      expect(pick(line(lists.ours))).toBe(pick(line(lists.real)))
      expect(pick(line(lists.ours))).toBe('name=worker-1 db=3 flags=xd multi=2 cmd=incr resp=2 sub=0')
      // CLIENT INFO of a RESP3 connection, about itself.
      const y = await both()
      try {
        for (const conn of [y.real, y.ours]) await conn.call('HELLO', '3')
        const real = await y.real.call('CLIENT', 'INFO')
        const ours = await y.ours.call('CLIENT', 'INFO')
        expect(pick(text(ours))).toBe(pick(text(real)))
        expect(text(ours).endsWith('\n')).toBe(true)
      } finally {
        y.close()
      }
    } finally {
      x.close()
    }
  })
})
