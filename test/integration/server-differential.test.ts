/**
 * Differential test: the same raw RESP bytes go to a real redis-server 7 and to the
 * embedded RedisServer; the raw reply bytes must be identical.
 */
import net from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RedisServer } from '../../src/main/server/node'
import { startRedisServer, type RealRedis } from '../helpers/redis-server'

let real: RealRedis
let ours: RedisServer

beforeAll(async () => {
  real = await startRedisServer()
  ours = new RedisServer({ port: 0 })
  await ours.listen()
})

afterAll(async () => {
  await ours?.close()
  await real?.stop()
})

function mb(...args: string[]): string {
  return `*${args.length}\r\n` + args.map((a) => `$${Buffer.byteLength(a, 'latin1')}\r\n${a}\r\n`).join('')
}

/** A connection that sends one step at a time and collects the reply bytes. */
class Conn {
  private chunks: Buffer[] = []
  closed = false
  private constructor(private sock: net.Socket) {
    sock.on('data', (d) => this.chunks.push(d))
    sock.on('close', () => (this.closed = true))
    sock.on('error', () => {})
  }
  static open(port: number): Promise<Conn> {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, '127.0.0.1', () => resolve(new Conn(s)))
      s.once('error', reject)
    })
  }
  /** Sends, then waits until `expectReplies` CRLF-terminated top-level replies... or quiet. */
  async send(data: string): Promise<string> {
    this.chunks = []
    if (!this.closed) this.sock.write(Buffer.from(data, 'latin1'))
    // Wait until the reply stops growing (both servers answer within a few ms locally).
    let last = -1
    for (let i = 0; i < 100; i++) {
      await new Promise((r) => setTimeout(r, i < 2 ? 15 : 25))
      const len = this.chunks.reduce((n, c) => n + c.length, 0)
      if (len > 0 && len === last) break
      if (this.closed) break
      last = len
    }
    return Buffer.concat(this.chunks).toString('latin1')
  }
  close(): void {
    this.sock.destroy()
  }
}

/** Steps run in order on one connection to each server. */
const script: [string, string][] = [
  ['flushall', mb('FLUSHALL')],
  ['ping', mb('PING')],
  ['ping msg', mb('PING', 'hello')],
  ['ping arity', mb('PING', 'a', 'b')],
  ['echo', mb('ECHO', 'bin\x00\xff\r\n')],
  ['echo arity', mb('ECHO')],
  ['unknown command', mb('foo', 'a', 'b')],
  ['unknown, no args', mb('nosuchcommand')],
  ['unknown, long args', mb('foo', 'x'.repeat(100), 'y'.repeat(100), 'z')],
  ['unknown, CRLF in args', mb('foo', 'a\r\nb')],
  ['empty command name', mb('')],
  ['get arity', mb('GET')],
  ['get missing', mb('GET', 'k')],
  ['set', mb('SET', 'k', 'v')],
  ['get', mb('GET', 'k')],
  ['set mixed case', mb('sEt', 'k2', 'v2')],
  ['set ex 0', mb('SET', 'k', 'v', 'EX', '0')],
  ['set ex abc', mb('SET', 'k', 'v', 'EX', 'abc')],
  ['set px -5', mb('SET', 'k', 'v', 'PX', '-5')],
  ['set px 01', mb('SET', 'k', 'v', 'PX', '01')],
  ['set ex overflow', mb('SET', 'k', 'v', 'EX', '9223372036854775807')],
  ['set ex mul overflow', mb('SET', 'k', 'v', 'EX', '9223372036854775')],
  ['set px overflow', mb('SET', 'k', 'v', 'PX', '9223372036854775807')],
  ['set exat overflow', mb('SET', 'k', 'v', 'EXAT', '9223372036854775807')],
  ['set too big int', mb('SET', 'k', 'v', 'EX', '99999999999999999999')],
  ['set nx xx', mb('SET', 'k', 'v', 'NX', 'XX')],
  ['set ex px', mb('SET', 'k', 'v', 'EX', '10', 'PX', '10')],
  ['set keepttl ex', mb('SET', 'k', 'v', 'KEEPTTL', 'EX', '5')],
  ['set ex keepttl', mb('SET', 'k', 'v', 'EX', '5', 'KEEPTTL')],
  ['set ex missing', mb('SET', 'k', 'v', 'EX')],
  ['set bad option', mb('SET', 'k', 'v', 'FOO')],
  ['set arity', mb('SET', 'k')],
  ['set nx get (exists)', mb('SET', 'k', 'v', 'NX', 'GET')],
  ['set get', mb('SET', 'k', 'v1', 'GET')],
  ['set xx get', mb('SET', 'k', 'v2', 'XX', 'GET')],
  ['set xx missing', mb('SET', 'nokey', 'v', 'XX')],
  ['set nx nx', mb('SET', 'k', 'v3', 'nx', 'nx')],
  ['set ex twice', mb('SET', 'k', 'v3', 'ex', '100', 'ex', '200')],
  ['set exat past', mb('SET', 'gone', 'v', 'EXAT', '1')],
  ['exists after past exat', mb('EXISTS', 'gone')],
  ['set pxat future', mb('SET', 'fut', 'v', 'PXAT', String(Date.now() + 1e7))],
  ['set keepttl', mb('SET', 'fut', 'w', 'KEEPTTL')],
  ['binary key/value', mb('SET', '\x00\r\n\xff', '\xfe\x00\r\n')],
  ['get binary', mb('GET', '\x00\r\n\xff')],
  ['exists', mb('EXISTS', 'k', 'k', 'nokey', 'fut')],
  ['exists arity', mb('EXISTS')],
  ['dbsize', mb('DBSIZE')],
  ['dbsize arity', mb('DBSIZE', 'x')],
  ['del', mb('DEL', 'k', 'nokey', 'k2')],
  ['del arity', mb('DEL')],
  ['select out of range', mb('SELECT', '16')],
  ['select negative', mb('SELECT', '-1')],
  ['select not int', mb('SELECT', 'x')],
  ['select 1', mb('SELECT', '1')],
  ['dbsize db1', mb('DBSIZE')],
  ['select 0', mb('SELECT', '0')],
  ['flushall bad', mb('FLUSHALL', 'x')],
  ['flushall sync extra', mb('FLUSHALL', 'SYNC', 'x')],
  ['info unknown section', mb('INFO', 'nosuchsection')],
  ['command count arity', mb('COMMAND', 'COUNT', 'x')],
  ['command unknown sub', mb('COMMAND', 'foo')],
  ['command help', mb('COMMAND', 'HELP')],
  ['command info', mb('COMMAND', 'INFO', 'get', 'nope', 'SET', 'del', 'exists', 'ping', 'echo', 'quit', 'select', 'dbsize', 'flushall', 'info', 'command|info', 'command|count', 'COMMAND|DOCS')],
  // (COMMAND's own subcommand list comes out in Redis's dict order, random per process.)
  ['command docs', mb('COMMAND', 'DOCS', 'get', 'nope', 'SET', 'del', 'exists', 'ping', 'echo', 'quit', 'select', 'dbsize', 'flushall', 'info', 'command|getkeys')],
  ['command docs unknown', mb('COMMAND', 'DOCS', 'nope')],
  ['command getkeys', mb('COMMAND', 'GETKEYS', 'del', 'a', 'b')],
  ['command getkeys set', mb('COMMAND', 'GETKEYS', 'set', 'k', 'v')],
  ['command getkeysandflags set', mb('COMMAND', 'GETKEYSANDFLAGS', 'set', 'k', 'v')],
  ['command getkeysandflags set get', mb('COMMAND', 'GETKEYSANDFLAGS', 'set', 'k', 'v', 'GET')],
  ['command getkeys no keys', mb('COMMAND', 'GETKEYS', 'ping', 'x')],
  ['command getkeys arity', mb('COMMAND', 'GETKEYS', 'set', 'k')],
  ['command getkeys unknown', mb('COMMAND', 'GETKEYS', 'nope', 'k')],
  ['command list syntax', mb('COMMAND', 'LIST', 'x')],
  ['command list bad filter', mb('COMMAND', 'LIST', 'FILTERBY', 'foo', 'x')],
  ['command list module', mb('COMMAND', 'LIST', 'FILTERBY', 'MODULE', 'x')],
  ['inline ping', 'PING\r\n'],
  ['inline set/get with \\n', 'set ik "a b\\x41"\nget ik\n'],
  ['inline quotes', "echo 'it\\'s' \"\\t\\n\"\r\n"],
  ['inline blank lines', '\r\n\n   \r\nPING\r\n'],
  ['inline unknown', 'foo bar baz\r\n'],
  ['empty multibulk', '*0\r\n*-1\r\nPING\r\n'],
  ['pipeline', mb('SET', 'p', '1') + mb('GET', 'p') + 'PING\r\n' + mb('DEL', 'p') + mb('GET', 'p')],
  ['split request part 1', '*2\r\n$4\r\nECHO\r\n$5\r\nhel'],
  ['split request part 2', 'lo\r\n'],
  ['quit', mb('QUIT', 'x')]
]

/** Each entry opens a fresh connection: the request ends with a protocol error. */
const protocolErrors: [string, string][] = [
  ['invalid multibulk length', '*abc\r\n'],
  ['multibulk length with space', '*1 \r\n$4\r\nPING\r\n'],
  ['multibulk length leading zero', '*01\r\n$4\r\nPING\r\n'],
  ['invalid bulk length', '*1\r\n$x\r\n'],
  ['negative bulk length', '*1\r\n$-1\r\n'],
  ['bulk length too big', '*1\r\n$536870913\r\n'],
  ['expected $', '*1\r\nfoo\r\n'],
  ['expected $ after LF', '*1\r\n\n$4\r\n'],
  ['unbalanced double quotes', 'PING\r\n"unbalanced\r\n'],
  ['unbalanced single quotes', "set 'x\r\n"],
  ['quote not followed by space', 'echo "a"b\r\n'],
  ['commands before the error run', mb('SET', 'before', 'error') + mb('GET', 'before') + '*x\r\n' + mb('PING')],
  ['too big inline request', 'A'.repeat(70 * 1024)],
  ['too big mbulk count string', '*' + '1'.repeat(70 * 1024)],
  ['too big bulk count string', '*1\r\n$' + '1'.repeat(70 * 1024)]
]

describe('differential: raw replies equal real redis-server', () => {
  it('scripted session', async () => {
    const a = await Conn.open(real.port)
    const b = await Conn.open(ours.port)
    try {
      for (const [name, data] of script) {
        const [ra, rb] = await Promise.all([a.send(data), b.send(data)])
        expect({ step: name, reply: rb }).toEqual({ step: name, reply: ra })
      }
      expect(b.closed).toBe(a.closed)
    } finally {
      a.close()
      b.close()
    }
  }, 60_000)

  for (const [name, data] of protocolErrors) {
    it(`protocol error: ${name}`, async () => {
      const a = await Conn.open(real.port)
      const b = await Conn.open(ours.port)
      try {
        const [ra, rb] = await Promise.all([a.send(data), b.send(data)])
        expect(rb).toEqual(ra)
        expect(ra).toContain('-ERR Protocol error')
        await new Promise((r) => setTimeout(r, 50))
        expect(b.closed).toBe(true)
        expect(a.closed).toBe(true)
      } finally {
        a.close()
        b.close()
      }
    })
  }

  async function info(port: number, section?: string): Promise<string> {
    const c = await Conn.open(port)
    try {
      const raw = await c.send(section ? mb('INFO', section) : mb('INFO'))
      const m = /^\$(\d+)\r\n/.exec(raw)
      expect(m).not.toBeNull()
      return raw.slice(m![0].length, m![0].length + Number(m![1]))
    } finally {
      c.close()
    }
  }

  /** Section headers and field names, in order. */
  function shape(text: string): string[] {
    return text.split('\r\n').filter((l) => l !== '').map((l) => (l.startsWith('#') ? l : l.split(':')[0]!))
  }

  it('INFO replication and keyspace have the same shape', async () => {
    for (const port of [real.port, ours.port]) {
      const c = await Conn.open(port)
      await c.send(mb('FLUSHALL') + mb('SET', 'a', '1') + mb('SET', 'b', '2', 'EX', '1000') + mb('SELECT', '3') + mb('SET', 'c', '1'))
      c.close()
    }
    expect(shape(await info(ours.port, 'replication'))).toEqual(shape(await info(real.port, 'replication')))
    const ksReal = await info(real.port, 'keyspace')
    const ksOurs = await info(ours.port, 'keyspace')
    expect(shape(ksOurs)).toEqual(shape(ksReal))
    expect(ksOurs).toMatch(/^# Keyspace\r\ndb0:keys=2,expires=1,avg_ttl=\d+\r\ndb3:keys=1,expires=0,avg_ttl=0\r\n$/)
  })

  it('default INFO has the same sections in the same order; server/clients have the key fields', async () => {
    const headers = (t: string): string[] => t.split('\r\n').filter((l) => l.startsWith('# '))
    const full = await info(ours.port)
    expect(headers(full)).toEqual(headers(await info(real.port)))
    for (const section of ['server', 'clients', 'replication', 'stats', 'persistence', 'memory', 'cpu']) {
      const ours_ = shape(await info(ours.port, section))
      const real_ = shape(await info(real.port, section))
      // Same field names in the same order.
      expect({ section, fields: ours_ }).toEqual({ section, fields: real_ })
    }
    const server = await info(ours.port, 'server')
    expect(server).toMatch(/\r\nredis_version:7\.0\.15\r\n/)
    expect(server).toMatch(/\r\nredis_mode:standalone\r\n/)
    expect(server).toContain(`\r\ntcp_port:${ours.port}\r\n`)
    expect(server).toContain(`\r\nprocess_id:${process.pid}\r\n`)
    expect(await info(ours.port, 'clients')).toMatch(/\r\nconnected_clients:\d+\r\n/)
  })
})
