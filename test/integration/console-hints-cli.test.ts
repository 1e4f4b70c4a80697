/**
 * The console's grey hints and Tab completion against real redis-cli 7.0, typed into it
 * through a pseudo-terminal (`script` from util-linux; linenoise only hints and completes
 * on a terminal). The help table comes from the real server's COMMAND DOCS, as the
 * console builds it from its node's.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { completions, hintFor, type CommandHelp } from '../../src/shared/command-help'
import { commandHelpOf } from '../helpers/command-docs'
import { REDIS_CLI_BIN, startRedisServer, type RealRedis } from '../helpers/redis-server'

let real: RealRedis
let help: Map<string, CommandHelp>
let cli: ChildProcessWithoutNullStreams
let screen = ''

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))
const prompt = (): string => `127.0.0.1:${real.port}> `

beforeAll(async () => {
  real = await startRedisServer()
  help = await commandHelpOf(real.port)
  // A wide terminal, so linenoise never runs out of columns for a hint.
  cli = spawn('script', ['-qfc', `stty cols 500 rows 50; ${REDIS_CLI_BIN} -p ${real.port}`, '/dev/null'])
  cli.stdout.on('data', (d: Buffer) => (screen += d.toString('latin1')))
  const end = Date.now() + 10_000
  while (!screen.includes(prompt())) {
    if (Date.now() > end) throw new Error(`redis-cli showed no prompt: ${JSON.stringify(screen)}`)
    await sleep(50)
  }
})

afterAll(async () => {
  cli?.stdin.end('\x04')
  cli?.kill()
  await real?.stop()
})

/** What the terminal's input line shows after the keys: the buffer and the grey hint. */
async function show(keys: string): Promise<{ buffer: string; hint: string }> {
  const from = screen.length
  cli.stdin.write(keys)
  // Each key repaints the line: wait for the first repaint (a busy machine may take a
  // while), then until the repainting stops.
  const deadline = Date.now() + 10_000
  while (screen.length === from && Date.now() < deadline) await sleep(20)
  let seen = -1
  while (seen !== screen.length) {
    seen = screen.length
    await sleep(120)
  }
  const last = screen.slice(from).split('\r\x1b[0K').at(-1)!
  if (!last.startsWith(prompt())) throw new Error(`unexpected screen: ${JSON.stringify(last)}`)
  const line = last.slice(prompt().length).replace(/\r\x1b\[\d+C$/, '')
  const m = /^(.*?)\x1b\[0;90;49m(.*?)\x1b\[0m$/s.exec(line)
  return m ? { buffer: m[1]!, hint: m[2]! } : { buffer: line, hint: '' }
}

async function clearLine(): Promise<void> {
  await show('\x15')
}

test('hints match redis-cli for lines typed at its prompt', async () => {
  const lines = [
    'SET k ', 'set k', 'set k v nx ', 'set k v ex 10 ', 'set "a b" ', 'GET', 'get ', 'CONFIG GET ', 'config set maxmemory ',
    'ZADD z ', 'zadd z nx 1 ', 'GEOADD g ', 'client kill ', 'SLAVEOF', 'replicaof ', 'MIGRATE ', 'sort k by ', 'LPOS l e ',
    'OBJECT ENCODING ', 'CONFIG ', 'CONFIG G', 'nosuch ', 'set "unbalanced ', 'XADD s ', 'BITFIELD k ', 'SUBSCRIBE ', 'PUBLISH ch '
  ]
  const mismatches: string[] = []
  for (const line of lines) {
    const theirs = await show(line)
    expect(theirs.buffer).toBe(line)
    await clearLine()
    const ours = hintFor(line, help) ?? ''
    // A hint of blanks (a container's empty signature) looks like no hint at all.
    if (ours !== (theirs.hint.trim() === '' ? '' : theirs.hint)) mismatches.push(`${JSON.stringify(line)}\n  cli:  ${JSON.stringify(theirs.hint)}\n  ours: ${JSON.stringify(ours)}`)
  }
  expect(mismatches).toEqual([])
}, 60_000)

test('each Tab shows the next completion, then the typed line again, as redis-cli does', async () => {
  for (const typed of ['CONF', 'CONFIG G', 'sl', 'config re', 'help @st']) {
    const expected = [...completions(typed, help), typed]
    await show(typed)
    const seen: string[] = []
    for (let i = 0; i < expected.length; i++) seen.push((await show('\t')).buffer)
    // The last Tab brought the typed line back; clear it for the next one.
    await clearLine()
    expect(seen).toEqual(expected)
  }
}, 60_000)
