/**
 * redis.conf as lab-server reads it, next to the real redis-server reading the same files:
 * the FATAL CONFIG FILE ERROR block for bad lines (also inside an include), and for good
 * files the same CONFIG GET values (quoting, units, yes/no, aliases, multi-argument
 * options, include, options the embedded server accepts without acting on them).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort } from '../helpers/ports'
import { RawConn } from '../helpers/raw-conn'
import { REDIS_SERVER_BIN } from '../helpers/redis-server'

const CLI = resolve(__dirname, '../../out/main/server-cli.js')
let dir: string

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} missing: run npx electron-vite build first`)
  dir = mkdtempSync(join(tmpdir(), 'config-file-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

interface Run {
  child: ChildProcess
  out: () => string
  err: () => string
  exit: Promise<number | null>
}

function run(bin: string, args: string[]): Run {
  const child = spawn(bin, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  let err = ''
  child.stdout!.on('data', (d: Buffer) => (out += d.toString('latin1')))
  child.stderr!.on('data', (d: Buffer) => (err += d.toString('latin1')))
  const exit = new Promise<number | null>((res) => child.once('exit', (code) => res(code)))
  return { child, out: () => out, err: () => err, exit }
}

const lab = (args: string[]): Run => run(process.execPath, [CLI, ...args])
const real = (args: string[]): Run => run(REDIS_SERVER_BIN, args)

async function finished(p: Run): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const timer = setTimeout(() => p.child.kill('SIGKILL'), 10_000)
  const status = await p.exit
  clearTimeout(timer)
  return { status, stdout: p.out(), stderr: p.err() }
}

function write(name: string, text: string): string {
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}

describe('a bad config file is refused with the FATAL CONFIG FILE ERROR block', () => {
  const bad: [string, string][] = [
    ['unknown directive', 'port 6390\nfoo-bar 1\n'],
    ['one-argument option with two', 'maxmemory 1 2\n'],
    ['memory option with a bad unit', 'maxmemory 1tb\n'],
    ['memory option with a fraction', 'repl-backlog-size 1.5mb\n'],
    ['yes/no option with something else', 'replica-read-only maybe\n'],
    ['enum with an unknown value', 'repl-diskless-load sometimes\n'],
    ['save with an odd number of arguments', 'save 900\n'],
    ['save with zero seconds', 'save 0 1\n'],
    ['save with a word', 'save "900 x"\n'],
    ['replicaof with one argument', 'replicaof 127.0.0.1\n'],
    ['replicaof with a bad port', 'slaveof 127.0.0.1 port\n'],
    ['replicaof with a port out of range', 'replicaof 127.0.0.1 70000\n'],
    ['too many bind addresses', `bind ${Array.from({ length: 17 }, (_, i) => `127.0.0.${i + 1}`).join(' ')}\n`],
    ['unbalanced quotes', 'requirepass "abc\n'],
    ['dbfilename with a path', 'dbfilename a/dump.rdb\n'],
    ['a dir that does not exist', 'dir /nonexistent-config-file-dir\n'],
    ['integer out of range', 'repl-timeout 0\n'],
    ['integer with garbage', 'replica-priority 10x\n'],
    ['octal option with a non-octal digit', 'unixsocketperm 789\n'],
    ['a module option without value', 'mymodule.opt\n'],
    ['sentinel directive', 'sentinel monitor m 127.0.0.1 6379 2\n'],
    ['error after a comment, blank lines and a deprecated directive', '# hi\n\n  list-max-ziplist-entries 5\nrepl-ping-replica-period 0\n'],
    ['immutable options are fine in a file, but not bad ones', 'databases 0\n']
  ]
  for (const [name, text] of bad) {
    it(name, async () => {
      const path = write('bad.conf', text)
      const [ours, theirs] = await Promise.all([finished(lab([path])), finished(real([path]))])
      expect(theirs.status).toBe(1)
      expect(ours.status).toBe(1)
      expect(ours.stderr).toBe(theirs.stderr)
      expect(ours.stderr).toMatch(/^\n\*\*\* FATAL CONFIG FILE ERROR \(Redis 7\.0\.15\) \*\*\*\nReading the configuration file, at line \d+\n>>> '.*'\n.+\n$/)
    })
  }

  it('a bad line inside an include: the line number is the included file\'s', async () => {
    const inc = write('inc-bad.conf', '# included\nhz 10\nmaxmemory lots\n')
    const path = write('main.conf', `port 6390\ninclude ${inc}\nhz 20\n`)
    const [ours, theirs] = await Promise.all([finished(lab([path])), finished(real([path]))])
    expect(ours.status).toBe(1)
    expect(ours.stderr).toBe(theirs.stderr)
    expect(ours.stderr).toContain("at line 3\n>>> 'maxmemory lots'\nargument must be a memory value\n")
  })

  it('an include that does not exist: logged, exit 1, like redis-server', async () => {
    const path = write('main2.conf', `include ${join(dir, 'nope.conf')}\n`)
    const [ours, theirs] = await Promise.all([finished(lab([path])), finished(real([path]))])
    expect(ours.status).toBe(1)
    expect(theirs.status).toBe(1)
    const msg = (s: string): string => s.replace(/^\d+:C .* # /, '')
    expect(msg(ours.stdout)).toBe(msg(theirs.stdout))
    expect(ours.stdout).toContain(`Fatal error, can't open config file '${join(dir, 'nope.conf')}': No such file or directory`)
  })

  it('appendonly yes is refused with a clear message (AOF is out of scope)', async () => {
    const path = write('aof.conf', 'port 6390\nappendonly yes\n')
    const ours = await finished(lab([path]))
    expect(ours.status).toBe(1)
    expect(ours.stderr).toBe(
      "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 2\n>>> 'appendonly yes'\n" +
        'lab-server does not support the append only file (appendonly must be no)\n'
    )
  })
})

async function rawConfigGet(port: number): Promise<string> {
  const conn = await RawConn.open(port)
  const reply = await conn.call('CONFIG', 'GET', '*')
  conn.close()
  return reply
}

async function waitReady(p: Run, what: string): Promise<void> {
  const deadline = Date.now() + 10_000
  while (!p.out().includes('Ready to accept connections')) {
    if (Date.now() > deadline || p.child.exitCode !== null) throw new Error(`${what} did not start:\n${p.out()}${p.err()}`)
    await new Promise((r) => setTimeout(r, 25))
  }
}

describe('a good config file gives the same configuration as on redis-server', () => {
  it('include with a pattern reads every match in order; a pattern matching nothing is skipped', async () => {
    const incDir = join(dir, 'conf.d')
    mkdirSync(incDir, { recursive: true })
    writeFileSync(join(incDir, '10-hz.conf'), 'hz 33\nmaxmemory 1mb\n')
    writeFileSync(join(incDir, '20-hz.conf'), 'hz 34\n')
    writeFileSync(join(incDir, '.hidden.conf'), 'hz 99\n')
    writeFileSync(join(incDir, 'notes.txt'), 'garbage line\n')
    const path = write('glob.conf', `include ${incDir}/*.conf\ninclude ${join(dir, 'no-such-dir')}/*.conf\n`)
    const [p1, p2] = [await freePort(), await freePort()]
    const ours = lab([path, '--port', String(p1)])
    const theirs = real([path, '--port', String(p2)])
    try {
      await Promise.all([waitReady(ours, 'lab-server'), waitReady(theirs, 'redis-server')])
      const [o, r] = [parseMap(await rawConfigGet(p1)), parseMap(await rawConfigGet(p2))]
      for (const k of ['hz', 'maxmemory']) expect(`${k}=${o.get(k)}`).toBe(`${k}=${r.get(k)}`)
      expect(o.get('hz')).toBe('34')
    } finally {
      ours.child.kill('SIGTERM')
      theirs.child.kill('SIGTERM')
      await Promise.all([ours.exit, theirs.exit])
    }
  })

  it('save lines after an include replace each other (Redis 7.0 does so), before it they add up', async () => {
    const inc = write('inc-save.conf', 'hz 11\n')
    const path = write('saves.conf', `save 900 1\nsave 300 10\ninclude ${inc}\nsave 60 100\nsave 30 1000\n`)
    const [p1, p2] = [await freePort(), await freePort()]
    const ours = lab([path, '--port', String(p1)])
    const theirs = real([path, '--port', String(p2)])
    try {
      await Promise.all([waitReady(ours, 'lab-server'), waitReady(theirs, 'redis-server')])
      const [o, r] = await Promise.all([parseMap(await rawConfigGet(p1)), parseMap(await rawConfigGet(p2))])
      expect(o.get('save')).toBe(r.get('save'))
      expect(o.get('save')).toBe('30 1000')
      expect(o.get('hz')).toBe('11')
    } finally {
      ours.child.kill('SIGTERM')
      theirs.child.kill('SIGTERM')
      await Promise.all([ours.exit, theirs.exit])
    }
  })

  it('quoting, units, yes/no, aliases, multi-argument options, include, unimplemented options', async () => {
    const inc = write('inc.conf', 'hz 25\nsave 60 5\n')
    const text = [
      '# a redis.conf an operator might write',
      'bind 127.0.0.1',
      '   protected-mode   no   ',
      'requirepass "p w\\"d"',
      "masterauth 'single quoted'",
      'masteruser "user\\x41"',
      'dbfilename "my dump.rdb"',
      'loglevel VERBOSE',
      'save 900 1',
      'save "300 10"',
      `include ${inc}`,
      'rdbcompression NO',
      'repl-backlog-size 2MB',
      'client-query-buffer-limit 1Gb',
      'maxmemory 100kb',
      'proto-max-bulk-len 10m',
      'repl-backlog-ttl 100',
      'repl-timeout 30',
      'repl-ping-slave-period 3',
      'repl-diskless-sync no',
      'repl-diskless-sync-delay 1',
      'repl-diskless-load swapdb',
      'min-slaves-to-write 0',
      'min-replicas-max-lag 5',
      'slave-priority 42',
      'replica-announce-ip 10.1.2.3',
      'slave-announce-port 7777',
      'slave-read-only no',
      'replica-serve-stale-data no',
      'notify-keyspace-events KEA',
      'activerehashing no',
      'latency-monitor-threshold 100',
      'list-max-ziplist-entries 512',
      'client-output-buffer-limit replica 512mb 128mb 30',
      'unixsocketperm 750',
      ''
    ].join('\n')
    const path = write('good.conf', text)
    const [p1, p2] = [await freePort(), await freePort()]
    const ours = lab([path, '--port', String(p1)])
    const theirs = real([path, '--port', String(p2)])
    try {
      await Promise.all([waitReady(ours, 'lab-server'), waitReady(theirs, 'redis-server')])
      // requirepass is set: both refuse CONFIG GET without AUTH, the same way
      const [o, r] = await Promise.all([rawConfigGet(p1), rawConfigGet(p2)])
      expect(o).toBe(r)
      expect(o).toBe('-NOAUTH Authentication required.\r\n')
      const get = async (port: number): Promise<Map<string, string>> => {
        const conn = await RawConn.open(port)
        expect(await conn.call('AUTH', 'p w"d')).toBe('+OK\r\n')
        const reply = await conn.call('CONFIG', 'GET', '*')
        conn.close()
        return parseMap(reply)
      }
      const [om, rm] = await Promise.all([get(p1), get(p2)])
      expect([...om.keys()].sort()).toEqual([...rm.keys()].sort())
      // dir is each process's cwd (the same directory); port differs by construction
      for (const [k, v] of rm) {
        if (k === 'port') continue
        expect(`${k}=${om.get(k)}`).toBe(`${k}=${v}`)
      }
      expect(om.get('save')).toBe('900 1 300 10 60 5')
      expect(om.get('requirepass')).toBe('p w"d')
      expect(om.get('masteruser')).toBe('userA')
      expect(om.get('maxmemory')).toBe('102400')
    } finally {
      ours.child.kill('SIGTERM')
      theirs.child.kill('SIGTERM')
      await Promise.all([ours.exit, theirs.exit])
    }
    // the options accepted without effect are logged once each
    const lines = ours.out().split('\n')
    for (const name of ['notify-keyspace-events', 'activerehashing', 'latency-monitor-threshold', 'maxmemory']) {
      expect(lines.filter((l) => l.includes(`Option '${name}' is accepted but not in effect in lab-server`))).toHaveLength(1)
    }
    expect(ours.out()).not.toContain("Option 'repl-timeout'")
  })
})

function parseMap(reply: string): Map<string, string> {
  const buf = Buffer.from(reply, 'latin1')
  let p = buf.indexOf('\r\n') + 2
  const items: string[] = []
  while (p < buf.length) {
    const nl = buf.indexOf('\r\n', p)
    const len = Number(buf.toString('latin1', p + 1, nl))
    items.push(buf.toString('latin1', nl + 2, nl + 2 + len))
    p = nl + 2 + len + 2
  }
  const m = new Map<string, string>()
  for (let i = 0; i < items.length; i += 2) m.set(items[i]!, items[i + 1]!)
  return m
}

