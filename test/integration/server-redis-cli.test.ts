/**
 * Debian's redis-cli against the embedded server: non-interactive commands (compared with
 * the same invocations against a real redis-server) and an interactive session under a
 * pseudo-terminal (script(1)), which must connect without warnings and show hints.
 */
import { execFile, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RedisServer } from '../../src/main/server/node'
import { REDIS_CLI_BIN, startRedisServer, type RealRedis } from '../helpers/redis-server'

const run = promisify(execFile)
let ours: RedisServer
let real: RealRedis

beforeAll(async () => {
  if (!existsSync(REDIS_CLI_BIN)) {
    throw new Error('redis-cli not found: run sudo apt-get install -y redis-server redis-tools')
  }
  real = await startRedisServer()
  ours = new RedisServer({ port: 0 })
  await ours.listen()
})

afterAll(async () => {
  await ours?.close()
  await real?.stop()
})

async function cli(port: number, args: string[]): Promise<string> {
  const { stdout, stderr } = await run(REDIS_CLI_BIN, ['-p', String(port), ...args], { timeout: 10_000 })
  return stdout + stderr
}

describe('redis-cli (non-interactive)', () => {
  it('set/get/exists/del/dbsize/ping/echo', async () => {
    expect(await cli(ours.port, ['flushall'])).toBe('OK\n')
    expect(await cli(ours.port, ['set', 'k', 'hello world'])).toBe('OK\n')
    expect(await cli(ours.port, ['get', 'k'])).toBe('hello world\n')
    expect(await cli(ours.port, ['--no-raw', 'get', 'k'])).toBe('"hello world"\n')
    expect(await cli(ours.port, ['--no-raw', 'get', 'nope'])).toBe('(nil)\n')
    expect(await cli(ours.port, ['--no-raw', 'exists', 'k', 'nope'])).toBe('(integer) 1\n')
    expect(await cli(ours.port, ['--no-raw', 'dbsize'])).toBe('(integer) 1\n')
    expect(await cli(ours.port, ['ping'])).toBe('PONG\n')
    expect(await cli(ours.port, ['--no-raw', 'echo', 'a\tb'])).toBe('"a\\tb"\n')
    expect(await cli(ours.port, ['del', 'k'])).toBe('1\n')
    expect(await cli(ours.port, ['info', 'replication'])).toMatch(/^# Replication\r\nrole:master\r\n/)
  })

  it('prints the same as against a real redis-server', async () => {
    const invocations: string[][] = [
      ['flushall'],
      ['--no-raw', 'set', 'k', 'v', 'GET'],
      ['--no-raw', 'set', 'k', 'v2', 'GET'],
      ['--no-raw', 'set', 'k', 'v', 'EX', '0'],
      ['--no-raw', 'set', 'k', 'v', 'NX', 'XX'],
      ['--no-raw', 'get'],
      ['--no-raw', 'foo', 'bar'],
      ['--no-raw', 'set', 'bin', '\x01\x02é'],
      ['--no-raw', 'get', 'bin'],
      ['--no-raw', 'command', 'count', 'x'],
      ['--no-raw', 'command', 'getkeys', 'set', 'a', 'b'],
      ['--no-raw', 'command', 'info', 'get'],
      ['--no-raw', 'command', 'docs', 'set'],
      ['--no-raw', 'select', '99'],
      ['--no-raw', 'dbsize'],
      ['-n', '5', '--no-raw', 'set', 'in5', 'x'],
      ['-n', '5', '--no-raw', 'dbsize']
    ]
    for (const args of invocations) {
      const [a, b] = await Promise.all([cli(real.port, args), cli(ours.port, args)])
      expect({ args, out: b }).toEqual({ args, out: a })
    }
  })
})

describe('redis-cli (interactive, under a pty)', () => {
  it('connects without warnings, shows hints and runs commands', async () => {
    const child = spawn('script', ['-qec', `${REDIS_CLI_BIN} -p ${ours.port}`, '/dev/null'], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, TERM: 'xterm', HOME: '/tmp', REDISCLI_HISTFILE: '/dev/null' }
    })
    let out = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString('latin1')))
    child.stderr.on('data', (d: Buffer) => (out += d.toString('latin1')))
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
    const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))
    // linenoise measures the terminal before each prompt: it asks for the cursor position
    // (ESC[6n), moves 999 columns right and asks again. Answer like a 200-column terminal.
    let answers = 0
    const answerCursor = (): void => {
      child.stdin.write(answers++ % 2 === 0 ? '\x1b[1;1R' : '\x1b[1;200R')
    }
    const waitFor = async (re: RegExp, ms = 5000): Promise<void> => {
      for (let t = 0; t < ms && !re.test(out); t += 25) await sleep(25)
    }
    try {
      await waitFor(/\x1b\[6n/)
      answerCursor()
      await sleep(100)
      answerCursor()
      await waitFor(new RegExp(`127\\.0\\.0\\.1:${ours.port}> `))
      // Type "set" character by character: the hint comes from COMMAND DOCS.
      for (const ch of 'set a b') {
        child.stdin.write(ch)
        await sleep(30)
      }
      await waitFor(/\[NX\|XX\]/)
      child.stdin.write('\r')
      await waitFor(/OK/)
      await sleep(100)
      answerCursor()
      await sleep(100)
      answerCursor()
      await sleep(100)
      child.stdin.write('exit\r')
      await Promise.race([exited, sleep(3000)])
    } finally {
      if (child.exitCode === null && child.pid) process.kill(child.pid, 'SIGKILL')
      await Promise.race([exited, sleep(2000)])
    }
    expect(out).toContain(`127.0.0.1:${ours.port}> `)
    expect(out).toMatch(/set\x1b\[[0-9;]*m key value \[NX\|XX\] \[GET\]/)
    expect(out).toMatch(/\r\nOK\r\n/)
    expect(out).not.toMatch(/warning|could not connect|error/i)
    expect(await cli(ours.port, ['get', 'a'])).toBe('b\n')
  }, 30_000)
})
