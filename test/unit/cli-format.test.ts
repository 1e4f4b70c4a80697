import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { connect, createServer, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  cliOutput,
  errorLine,
  formatPrompt,
  formatRawReply,
  formatReply,
  initialPromptState,
  isRawOutputCommand,
  nextPromptState,
  parseRepeat,
  quoteBytes
} from '@shared/cli-format'
import type { Reply } from '@shared/reply'

const bulk = (value: string | null): Reply => ({ type: 'bulk', value })
const arr = (...value: Reply[]): Reply => ({ type: 'array', value })
const int = (value: number | string): Reply => ({ type: 'integer', value })

describe('formatReply (redis-cli TTY format)', () => {
  it('formats scalars', () => {
    expect(formatReply({ type: 'status', value: 'OK' })).toBe('OK')
    expect(formatReply({ type: 'status', value: 'PONG' })).toBe('PONG')
    expect(formatReply({ type: 'error', value: 'ERR value is not an integer or out of range' })).toBe(
      '(error) ERR value is not an integer or out of range'
    )
    expect(formatReply(int(1))).toBe('(integer) 1')
    expect(formatReply(int(-42))).toBe('(integer) -42')
    expect(formatReply(int('9223372036854775807'))).toBe('(integer) 9223372036854775807')
    expect(formatReply(bulk('v'))).toBe('"v"')
    expect(formatReply(bulk(''))).toBe('""')
    expect(formatReply(bulk(null))).toBe('(nil)')
    expect(formatReply({ type: 'array', value: null })).toBe('(nil)')
    expect(formatReply(arr())).toBe('(empty array)')
  })

  it('escapes bulk strings like sdscatrepr', () => {
    expect(formatReply(bulk('a"b\\c'))).toBe('"a\\"b\\\\c"')
    expect(formatReply(bulk('\n\r\t\x07\b'))).toBe('"\\n\\r\\t\\a\\b"')
    expect(formatReply(bulk('\x00\x01\x1f\x7f'))).toBe('"\\x00\\x01\\x1f\\x7f"')
    expect(formatReply(bulk('h\xc3\xa9llo'))).toBe('"h\\xc3\\xa9llo"')
    expect(formatReply(bulk('\xff\x80 ~'))).toBe('"\\xff\\x80 ~"')
    expect(quoteBytes("it's")).toBe('"it\'s"')
  })

  it('numbers array items, right-aligning the index', () => {
    expect(formatReply(arr(bulk('1'), bulk('2'), bulk('3')))).toBe('1) "1"\n2) "2"\n3) "3"')
    const twelve = arr(...Array.from({ length: 12 }, (_, i) => bulk(String.fromCharCode(97 + i))))
    const lines = formatReply(twelve).split('\n')
    expect(lines[0]).toBe(' 1) "a"')
    expect(lines[8]).toBe(' 9) "i"')
    expect(lines[9]).toBe('10) "j"')
    expect(lines[11]).toBe('12) "l"')
    const hundred = formatReply(arr(...Array.from({ length: 100 }, () => int(0)))).split('\n')
    expect(hundred[0]).toBe('  1) (integer) 0')
    expect(hundred[99]).toBe('100) (integer) 0')
  })

  it('indents nested arrays by the parent prefix', () => {
    expect(formatReply(arr(arr(bulk('a'), bulk('b')), bulk('c')))).toBe('1) 1) "a"\n   2) "b"\n2) "c"')
    const xrange = arr(arr(bulk('1-1'), arr(bulk('f'), bulk('v'))), arr(bulk('2-1'), arr(bulk('f'), bulk('v'), bulk('g'), bulk('w'))))
    expect(formatReply(xrange)).toBe(
      ['1) 1) "1-1"', '   2) 1) "f"', '      2) "v"', '2) 1) "2-1"', '   2) 1) "f"', '      2) "v"', '      3) "g"', '      4) "w"'].join('\n')
    )
    expect(formatReply(arr(int(1), arr(), bulk(null), { type: 'array', value: null }, { type: 'error', value: 'ERR x' }))).toBe(
      '1) (integer) 1\n2) (empty array)\n3) (nil)\n4) (nil)\n5) (error) ERR x'
    )
    // The child prefix grows with the parent's index width (10+ items → 2 digits + 2 spaces).
    const wide = arr(...Array.from({ length: 9 }, () => int(1)), arr(bulk('x'), bulk('y')))
    expect(formatReply(wide).split('\n').slice(-2)).toEqual(['10) 1) "x"', '    2) "y"'])
    const deep = arr(arr(arr(bulk('a'), bulk('b')), bulk('c')))
    expect(formatReply(deep)).toBe('1) 1) 1) "a"\n      2) "b"\n   2) "c"')
  })

  it('prints the commands redis-cli always shows raw without quoting', () => {
    expect(isRawOutputCommand(['INFO'])).toBe(true)
    expect(isRawOutputCommand(['info', 'replication'])).toBe(true)
    expect(isRawOutputCommand(['client', 'LIST'])).toBe(true)
    expect(isRawOutputCommand(['client', 'id'])).toBe(false)
    expect(isRawOutputCommand(['cluster', 'info'])).toBe(true)
    expect(isRawOutputCommand(['cluster', 'info', 'x'])).toBe(false)
    expect(isRawOutputCommand(['latency', 'graph'])).toBe(false)
    expect(isRawOutputCommand(['latency', 'graph', 'command'])).toBe(true)
    expect(isRawOutputCommand(['get', 'k'])).toBe(false)
    expect(cliOutput(['info'], bulk('# Replication\r\nrole:master\r\n'))).toBe('# Replication\r\nrole:master\r\n')
    expect(cliOutput(['client', 'list', 'x'], { type: 'error', value: 'ERR syntax error' })).toBe('ERR syntax error\n')
    expect(cliOutput(['get', 'k'], bulk('v'))).toBe('"v"\n')
    expect(formatRawReply(arr(bulk('a'), int(2), bulk(null)))).toBe('a\n2\n')
  })

  it('words local errors as redis-cli does', () => {
    expect(errorLine({ kind: 'invalid-arguments' })).toBe('Invalid argument(s)')
    expect(errorLine({ kind: 'invalid-repeat' })).toBe('Invalid redis-cli repeat command option value.')
    expect(errorLine({ kind: 'failed', message: 'node is stopped' })).toBe('Error: node is stopped')
    const refused = 'Could not connect to Redis at 127.0.0.1:6379: Connection refused'
    expect(errorLine({ kind: 'failed', message: refused })).toBe(refused)
  })

  it('parses the repeat prefix like strtol', () => {
    expect(parseRepeat(['3', 'incr', 'n'])).toEqual({ repeat: 3, args: ['incr', 'n'] })
    expect(parseRepeat(['3'])).toEqual({ repeat: 1, args: ['3'] })
    expect(parseRepeat(['3x', 'ping'])).toEqual({ repeat: 1, args: ['3x', 'ping'] })
    expect(parseRepeat(['0', 'ping'])).toBeNull()
    expect(parseRepeat(['-2', 'ping'])).toBeNull()
    expect(parseRepeat(['', 'ping'])).toBeNull()
    expect(parseRepeat(['99999999999999999999', 'ping'])).toBeNull()
    expect(parseRepeat(['+2', 'ping'])).toEqual({ repeat: 2, args: ['ping'] })
  })

  it('tracks the prompt like redis-cli (SELECT, MULTI/EXEC/DISCARD)', () => {
    const ok: Reply = { type: 'status', value: 'OK' }
    let s = initialPromptState()
    expect(formatPrompt('127.0.0.1', 6379, s)).toBe('127.0.0.1:6379> ')
    s = nextPromptState(s, ['select', '2'], ok)
    expect(formatPrompt('127.0.0.1', 6379, s)).toBe('127.0.0.1:6379[2]> ')
    s = nextPromptState(s, ['select', '99'], { type: 'error', value: 'ERR DB index is out of range' })
    expect(s.db).toBe(2)
    s = nextPromptState(s, ['MULTI'], ok)
    expect(formatPrompt('127.0.0.1', 6379, s)).toBe('127.0.0.1:6379[2](TX)> ')
    s = nextPromptState(s, ['select', '0'], { type: 'status', value: 'QUEUED' })
    s = nextPromptState(s, ['discard'], ok)
    expect(formatPrompt('127.0.0.1', 6379, s)).toBe('127.0.0.1:6379[2]> ')
    s = nextPromptState(s, ['multi'], ok)
    s = nextPromptState(s, ['select', '0'], { type: 'status', value: 'QUEUED' })
    s = nextPromptState(s, ['exec'], arr(ok))
    expect(formatPrompt('127.0.0.1', 6379, s)).toBe('127.0.0.1:6379> ')
    expect(formatPrompt('::1', 6379)).toBe('[::1]:6379> ')
  })
})

// ---------------------------------------------------------------------------------------
// Differential: the same commands answered by a real redis-server, printed by real
// redis-cli (--no-raw = its interactive TTY format) and by formatReply/cliOutput on the
// reply read by a minimal RESP client.

const haveRedis =
  spawnSync('redis-server', ['--version']).status === 0 && spawnSync('redis-cli', ['--version']).status === 0
const requireRedis = process.env.REQUIRE_REDIS === '1'

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number }
      srv.close(() => resolve(port))
    })
  })
}

/** Parses one RESP2 reply from buf at offset; null when incomplete. */
function parseReply(buf: Buffer, offset: number): [Reply, number] | null {
  const eol = buf.indexOf('\r\n', offset)
  if (eol === -1) return null
  const head = buf.toString('latin1', offset + 1, eol)
  const next = eol + 2
  switch (String.fromCharCode(buf[offset]!)) {
    case '+':
      return [{ type: 'status', value: head }, next]
    case '-':
      return [{ type: 'error', value: head }, next]
    case ':': {
      const n = Number(head)
      return [{ type: 'integer', value: Number.isSafeInteger(n) ? n : head }, next]
    }
    case '$': {
      const len = Number(head)
      if (len < 0) return [{ type: 'bulk', value: null }, next]
      if (buf.length < next + len + 2) return null
      return [{ type: 'bulk', value: buf.toString('latin1', next, next + len) }, next + len + 2]
    }
    case '*': {
      const count = Number(head)
      if (count < 0) return [{ type: 'array', value: null }, next]
      const items: Reply[] = []
      let at = next
      for (let i = 0; i < count; i++) {
        const r = parseReply(buf, at)
        if (!r) return null
        items.push(r[0])
        at = r[1]
      }
      return [{ type: 'array', value: items }, at]
    }
    default:
      throw new Error(`unexpected reply type ${buf[offset]}`)
  }
}

class RespClient {
  private buf = Buffer.alloc(0)
  private waiting: Array<(r: Reply) => void> = []
  private constructor(private socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buf = Buffer.concat([this.buf, chunk])
      for (;;) {
        const r = this.buf.length ? parseReply(this.buf, 0) : null
        if (!r) break
        this.buf = this.buf.subarray(r[1])
        this.waiting.shift()?.(r[0])
      }
    })
  }
  static open(port: number): Promise<RespClient> {
    return new Promise((resolve, reject) => {
      const s = connect(port, '127.0.0.1', () => resolve(new RespClient(s)))
      s.once('error', reject)
    })
  }
  command(args: string[]): Promise<Reply> {
    const parts = [`*${args.length}\r\n`, ...args.map((a) => `$${Buffer.byteLength(a, 'latin1')}\r\n${a}\r\n`)]
    return new Promise((resolve) => {
      this.waiting.push(resolve)
      this.socket.write(Buffer.from(parts.join(''), 'latin1'))
    })
  }
  close(): void {
    this.socket.destroy()
  }
}

/** One argument as a redis-cli line token: double-quoted, every byte escaped as \xHH. */
function cliToken(arg: string): string {
  let out = '"'
  for (const ch of arg) out += '\\x' + ch.charCodeAt(0).toString(16).padStart(2, '0')
  return out + '"'
}

const script: string[][] = [
  ['set', 'k', 'v'],
  ['get', 'k'],
  ['get', 'nokey'],
  ['incr', 'n'],
  ['incr', 'k'],
  ['incrby', 'big', '9223372036854775806'],
  ['incr', 'big'],
  ['rpush', 'l', ...'abcdefghijkl'.split('')],
  ['lrange', 'l', '0', '-1'],
  ['rpush', 'many', ...Array.from({ length: 105 }, (_, i) => String(i))],
  ['lrange', 'many', '0', '-1'],
  ['lrange', 'nokey', '0', '-1'],
  ['hset', 'h', 'f', 'v'],
  ['hgetall', 'h'],
  ['zadd', 'z', '1.5', 'a', '2', 'b'],
  ['zrange', 'z', '0', '-1', 'withscores'],
  ['set', 'bin', '\x00\x01\x7f\x80\xff\r\n\t\x07\b"\\ \xc3\xa9 ~'],
  ['get', 'bin'],
  ['set', 'utf8', 'h\xc3\xa9llo \xe6\x97\xa5'],
  ['get', 'utf8'],
  ['mget', 'k', 'nokey', 'n'],
  ['xadd', 's', '1-1', 'f', 'v'],
  ['xadd', 's', '2-1', 'f', 'v', 'g', 'w'],
  ['xrange', 's', '-', '+'],
  ['eval', 'return {1,{},{2,{3,{}}},"x",{},false}', '0'],
  ['eval', 'local t = {} for i=1,11 do t[i] = {i, {"a", "b"}} end return t', '0'],
  ['eval', "return {redis.status_reply('FINE'), redis.error_reply('MY err'), {{{'deep'}}}}", '0'],
  ['eval', "return redis.error_reply('ERR custom')", '0'],
  ['wrongcmd', 'a', 'b'],
  ['ping'],
  ['echo', 'a b'],
  ['type', 'k'],
  ['ttl', 'k'],
  ['object', 'encoding', 'k'],
  ['exists', 'k', 'nokey', 'n'],
  ['multi'],
  ['set', 'a', '1'],
  ['incr', 'a'],
  ['lpush', 'a', 'x'],
  ['exec'],
  ['select', '1'],
  ['select', '0'],
  ['config', 'get', 'maxmemory'],
  ['info', 'keyspace'],
  ['info', 'nosuchsection'],
  ['client', 'list', 'foo'],
  ['client', 'nosuch'],
  ['debug', 'htstats', '0'],
  ['latency', 'doctor'],
  ['latency', 'graph', 'command'],
  ['set', 'k', 'v', 'badopt'],
  ['smembers', 'nokey'],
  ['hget', 'h', 'nofield']
]

describe.skipIf(!haveRedis && !requireRedis)('formatReply vs real redis-cli', () => {
  let server: ChildProcess | undefined
  let port = 0
  let dir = ''

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cli-format-'))
    port = await freePort()
    server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {
      stdio: 'ignore'
    })
    for (let i = 0; i < 100; i++) {
      if (spawnSync('redis-cli', ['-p', String(port), 'ping']).stdout?.toString().trim() === 'PONG') return
      await new Promise((r) => setTimeout(r, 50))
    }
    throw new Error('redis-server did not start')
  })

  afterAll(() => {
    if (server?.pid) process.kill(server.pid, 'SIGTERM')
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('prints every reply byte for byte as redis-cli does', async () => {
    // 1. redis-cli, interactive mode reading the lines from stdin.
    spawnSync('redis-cli', ['-p', String(port), 'flushall'])
    // Between commands, an unbalanced quote: redis-cli prints `Invalid argument(s)` locally
    // (a server command would be queued inside MULTI).
    const input = script.map((args) => `${args.map(cliToken).join(' ')}\n"\n`).join('')
    const run = spawnSync('redis-cli', ['--no-raw', '-p', String(port)], { input: Buffer.from(input, 'latin1') })
    const theirs = run.stdout.toString('latin1').split('Invalid argument(s)\n')
    expect(theirs.pop()).toBe('')
    expect(theirs).toHaveLength(script.length)

    // 2. The same commands through a plain RESP client, formatted by us.
    spawnSync('redis-cli', ['-p', String(port), 'flushall'])
    const client = await RespClient.open(port)
    try {
      for (let i = 0; i < script.length; i++) {
        const args = script[i]!
        const reply = await client.command(args)
        expect(cliOutput(args, reply), `${args.join(' ')}`).toBe(theirs[i])
        if (!isRawOutputCommand(args)) expect(formatReply(reply) + '\n').toBe(theirs[i])
      }
    } finally {
      client.close()
    }
  })
})
