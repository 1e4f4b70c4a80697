import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { splitArgs, splitArgsBytes } from '@shared/cli-args'
import { formatReply } from '@shared/cli-format'

describe('splitArgs (sdssplitargs rules)', () => {
  const cases: Array<[string, string[] | null]> = [
    ['', []],
    ['   \t ', []],
    ['set k v', ['set', 'k', 'v']],
    ['  set   k\tv  ', ['set', 'k', 'v']],
    ['set k "a b"', ['set', 'k', 'a b']],
    ["set k 'a b'", ['set', 'k', 'a b']],
    ['echo ""', ['echo', '']],
    ["echo ''", ['echo', '']],
    ['"\\n\\r\\t\\b\\a\\\\\\""', ['\n\r\t\b\x07\\"']],
    ['"\\x41\\x7a\\xE4\\xff"', ['Az\xe4\xff']],
    ['"\\x4"', ['x4']], // not two hex digits: \x is just "x"
    ['"\\xzz"', ['xzz']],
    ['"\\q\\\'"', ["q'"]],
    ["'a\\'b'", ["a'b"]],
    ["'a\\nb'", ['a\\nb']],
    ["'a\\\\b'", ['a\\\\b']],
    ["'\\x41'", ['\\x41']],
    ['a"b c"', ['ab c']],
    ["a'b c'", ['ab c']],
    ['a"b"c', null],
    ['"a"b', null],
    ["'a'b", null],
    ['"unterminated', null],
    ["'unterminated", null],
    ['"trailing backslash\\', null],
    ['a\\nb', ['a\\nb']],
    ['"a" "b"', ['a', 'b']],
    ['"a"\t"b"', ['a', 'b']],
    ['"a"\v"b"', ['a', 'b']], // \v is a blank after a closing quote …
    ['a\vb', ['a\vb']], // … but does not split an unquoted token
    ['\v\fa', ['a']], // and is skipped before a token
    ['x"\\x00"', ['x\0']],
    ['a\0b c', ['a']] // a C string ends at NUL
  ]
  for (const [line, expected] of cases) {
    it(`${JSON.stringify(line)} → ${JSON.stringify(expected)}`, () => {
      expect(splitArgs(line)).toEqual(expected)
    })
  }

  it('encodes typed text as UTF-8 before splitting (binary-string args)', () => {
    expect(splitArgs('set k é')).toEqual(['set', 'k', '\xc3\xa9'])
    expect(splitArgs('set "日本" "\\xe4"')).toEqual(['set', '\xe6\x97\xa5\xe6\x9c\xac', '\xe4'])
    expect(splitArgs('"€')).toBeNull()
  })

  it('splitArgsBytes works on bytes as given', () => {
    expect(splitArgsBytes('a \xe9')).toEqual(['a', '\xe9'])
    // 0xa0 (NBSP in latin1) is not a C-locale blank
    expect(splitArgsBytes('a\xa0b')).toEqual(['a\xa0b'])
  })
})

// Differential: the same lines typed into real redis-cli (interactive mode reading stdin),
// as the arguments of `eval "return ARGV" 0 …`, so redis-cli prints what it split.
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

describe.skipIf(!haveRedis && !requireRedis)('splitArgs vs real redis-cli', () => {
  let server: ChildProcess | undefined
  let port = 0
  let dir = ''

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cli-args-'))
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

  const lines = [
    'a b c',
    '  a   "b c"  ',
    '"\\x41\\xe4\\xFF\\x4\\xzz" \'\\x41\' "\\n\\r\\t\\b\\a\\"\\\\\\q"',
    "'it\\'s' 'a\\\\b' 'c\\nd'",
    'x"y z" p\'q r\'',
    'x"y z"w',
    '"a"b',
    "'a'b",
    '"open',
    "'open",
    '"a"\t"b"',
    'é "é" "\\xc3\\xa9" 日本',
    '""',
    "'' \"\" x"
  ]

  it('splits every line exactly as redis-cli does', () => {
    const marker = 'echo @@'
    const input = lines.map((l) => `eval "return ARGV" 0 ${l}\n${marker}\n`).join('')
    const run = spawnSync('redis-cli', ['--no-raw', '-p', String(port)], { input: Buffer.from(input, 'utf8') })
    const outputs = run.stdout.toString('latin1').split('"@@"\n')
    expect(outputs.pop()).toBe('')
    expect(outputs).toHaveLength(lines.length)
    lines.forEach((line, i) => {
      const args = splitArgs(line)
      const ours =
        args === null ? 'Invalid argument(s)' : formatReply({ type: 'array', value: args.map((a) => ({ type: 'bulk', value: a })) })
      expect(`${ours}\n`, `line ${JSON.stringify(line)}`).toBe(outputs[i])
    })
  })
})
