/**
 * Mass insertion with `redis-cli --pipe` (the documented way to bulk-load Redis): the same
 * RESP file, with a few commands that fail, is piped into an embedded node and into a real
 * redis-server. redis-cli's summary (`errors: N, replies: M`) must be the same, and so must
 * the resulting data set (DEBUG DIGEST).
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { RedisServer } from '../../src/main/server/node'
import { encodeCommand, RawConn } from '../helpers/raw-conn'
import { REDIS_CLI_BIN, startRedisServer, type RealRedis } from '../helpers/redis-server'

let ours: RedisServer
let real: RealRedis
let dir: string

beforeAll(async () => {
  if (!existsSync(REDIS_CLI_BIN)) throw new Error('redis-cli not found: run sudo apt-get install -y redis-tools')
  real = await startRedisServer(['--enable-debug-command', 'yes'])
  ours = new RedisServer({ port: 0, config: { 'enable-debug-command': 'yes' } })
  await ours.listen()
  dir = mkdtempSync(join(tmpdir(), 'cli-pipe-'))
})
afterAll(async () => {
  await ours?.close()
  await real?.stop()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

/** Runs `redis-cli -p port --pipe < file` (asynchronously: the embedded server is in this process). */
function pipe(port: number, file: string, extra: string[] = []): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(REDIS_CLI_BIN, ['-p', String(port), '--pipe', ...extra], { stdio: ['pipe', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString('latin1')))
    child.stderr.on('data', (d: Buffer) => (out += d.toString('latin1')))
    child.on('error', reject)
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, out })
    })
    const input = spawn('cat', [file], { stdio: ['ignore', 'pipe', 'inherit'] })
    input.stdout.pipe(child.stdin)
  })
}

/** The mass-insertion file: every type, big and binary values, and `failing` erroring commands. */
function massInsertion(n: number): { data: Buffer; commands: number; failing: number } {
  const parts: Buffer[] = []
  let commands = 0
  let failing = 0
  const add = (...args: (string | Buffer)[]): void => {
    parts.push(encodeCommand(args))
    commands++
  }
  for (let i = 0; i < n; i++) {
    add('SET', `key:${i}`, `value:${i}`)
    if (i % 10 === 0) add('HSET', `hash:${i % 97}`, `field:${i}`, String(i))
    if (i % 7 === 0) add('SADD', `set:${i % 13}`, String(i), `m${i}`)
    if (i % 5 === 0) add('ZADD', `zset:${i % 11}`, String(i / 3), `member:${i}`)
    if (i % 3 === 0) add('RPUSH', `list:${i % 17}`, `item:${i}`)
    if (i % 1000 === 0) add('INCRBY', 'counter', String(i))
  }
  add('SET', 'big', Buffer.alloc(300_000, 'b'))
  add('SET', 'binary', Buffer.from([0, 1, 2, 13, 10, 255, 128]))
  add('PEXPIREAT', 'key:1', '99999999999999')
  // Errors: wrong type, not an integer, unknown command, wrong arity, syntax error.
  for (const args of [
    ['INCR', 'hash:0'],
    ['INCR', 'key:2'],
    ['NOSUCHCOMMAND', 'x'],
    ['GET'],
    ['SET', 'k', 'v', 'NX', 'XX'],
    ['LPUSH', 'key:3', 'x'],
    ['ZADD', 'zset:0', 'notafloat', 'm']
  ]) {
    add(...args)
    failing++
  }
  add('SET', 'last', 'written after the errors')
  return { data: Buffer.concat(parts), commands, failing }
}

async function digest(port: number): Promise<string> {
  const conn = await RawConn.open(port)
  try {
    return await conn.call('DEBUG', 'DIGEST')
  } finally {
    conn.close()
  }
}

async function flushall(port: number): Promise<void> {
  const conn = await RawConn.open(port)
  try {
    expect(await conn.call('FLUSHALL')).toBe('+OK\r\n')
  } finally {
    conn.close()
  }
}

describe('redis-cli --pipe', () => {
  test('same summary and same data set as a real redis-server', async () => {
    const { data, commands, failing } = massInsertion(20_000)
    const file = join(dir, 'mass.resp')
    writeFileSync(file, data)
    await flushall(ours.port)
    await flushall(real.port)
    const fromReal = await pipe(real.port, file)
    const fromOurs = await pipe(ours.port, file)
    // redis-cli exits with 1 when any reply was an error.
    expect(fromReal.code).toBe(1)
    expect(fromOurs.code).toBe(1)
    const summary = (out: string): string => /errors: \d+, replies: \d+/.exec(out)?.[0] ?? out
    expect(summary(fromReal.out)).toBe(`errors: ${failing}, replies: ${commands}`)
    expect(summary(fromOurs.out)).toBe(summary(fromReal.out))
    // Every error is printed, in order, as redis-cli got it.
    const errors = (out: string): string[] => out.split('\n').filter((l) => l.startsWith('ERR') || l.startsWith('WRONGTYPE'))
    expect(errors(fromOurs.out)).toEqual(errors(fromReal.out))
    expect(errors(fromOurs.out)).toHaveLength(failing)
    const d = await digest(real.port)
    expect(d).toMatch(/^\+[0-9a-f]{40}\r\n$/)
    expect(d).not.toBe('+' + '0'.repeat(40) + '\r\n')
    expect(await digest(ours.port)).toBe(d)
  })

  test('an empty input and an input of errors only', async () => {
    const empty = join(dir, 'empty.resp')
    writeFileSync(empty, '')
    const onlyErrors = join(dir, 'errors.resp')
    writeFileSync(onlyErrors, Buffer.concat([encodeCommand(['GET']), encodeCommand(['FOO'])]))
    for (const file of [empty, onlyErrors]) {
      const r = await pipe(real.port, file)
      const o = await pipe(ours.port, file)
      expect(o.code).toBe(r.code)
      expect(/errors: \d+, replies: \d+/.exec(o.out)?.[0]).toBe(/errors: \d+, replies: \d+/.exec(r.out)?.[0])
    }
  })
})
