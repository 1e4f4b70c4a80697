/**
 * The console's `help` and hints, built from COMMAND DOCS, against what redis-cli 7.0
 * itself prints for `help <command>`, for every command a real redis-server documents.
 */
import { execFile } from 'node:child_process'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { completions, helpFor, hintFor, type CommandHelp } from '../../src/shared/command-help'
import { commandHelpOf } from '../helpers/command-docs'
import { startRedisServer, type RealRedis } from '../helpers/redis-server'

let real: RealRedis
let help: Map<string, CommandHelp>

beforeAll(async () => {
  real = await startRedisServer()
  help = await commandHelpOf(real.port)
})
afterAll(async () => {
  await real?.stop()
})

/** One redis-cli process answers `help` for every name; ECHO lines separate the answers. */
async function cliHelpAll(names: string[]): Promise<string[]> {
  const SEP = '@@next@@'
  const child = execFile('redis-cli', ['-p', String(real.port)], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
  const done = new Promise<string>((resolve, reject) => {
    let out = ''
    child.stdout!.on('data', (d: string) => (out += d))
    child.on('error', reject)
    child.on('close', () => resolve(out))
  })
  child.stdin!.end(names.map((n) => `help ${n}\necho ${SEP}\n`).join(''))
  const out = await done
  return out
    .replace(/\x1b\[[0-9;]*m/g, '')
    .replace(/\r/g, '')
    .split(`${SEP}\n`)
    .slice(0, names.length)
    .map((block) => block.replace(/^\n+|\n+$/g, '').replace(/\n{2,}/g, '\n\n'))
}

test('help <command> matches redis-cli for every documented command', async () => {
  const names = [...help.keys()].filter((n) => !n.endsWith(' help'))
  expect(names.length).toBeGreaterThan(300)
  names.push('@connection', '@string', '@server', '@sorted-set')
  const outs = await cliHelpAll(names)
  expect(outs[names.indexOf('set')]).toContain('SET key value [NX|XX]')
  const mismatches = names
    .map((n, i) => ({ n, cli: outs[i], ours: helpFor(n, help) }))
    .filter((m) => m.cli !== m.ours)
    .map((m) => `${m.n}\n  cli: ${m.cli}\n  ours: ${m.ours}`)
  expect(mismatches).toEqual([])
})

test('hints shrink as arguments are typed; completion of names and subcommands', () => {
  expect(hintFor('set', help)).toBe(' key value [NX|XX] [GET] [EX seconds|PX milliseconds|EXAT unix-time-seconds|PXAT unix-time-milliseconds|KEEPTTL]')
  expect(hintFor('set ', help)).toBe('key value [NX|XX] [GET] [EX seconds|PX milliseconds|EXAT unix-time-seconds|PXAT unix-time-milliseconds|KEEPTTL]')
  expect(hintFor('set k ', help)).toBe('value [NX|XX] [GET] [EX seconds|PX milliseconds|EXAT unix-time-seconds|PXAT unix-time-milliseconds|KEEPTTL]')
  expect(hintFor('CONFIG GET ', help)).toBe('parameter [parameter ...]')
  expect(hintFor('nosuch ', help)).toBeNull()
  expect(completions('sl', help)).toEqual(['SLAVEOF', 'SLOWLOG', 'SLOWLOG GET', 'SLOWLOG HELP', 'SLOWLOG LEN', 'SLOWLOG RESET'])
  expect(completions('config re', help)).toEqual(['CONFIG RESETSTAT', 'CONFIG REWRITE'])
})
