/**
 * lab-server (out/main/server-cli.js): the redis-server compatible command line, checked as
 * a real process: arguments, config errors, log lines, pid file, signals, exit codes, and
 * the same outputs from the real redis-server where they must match.
 */
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import net from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort } from '../helpers/ports'
import { REDIS_CLI_BIN, REDIS_SERVER_BIN } from '../helpers/redis-server'

const CLI = resolve(__dirname, '../../out/main/server-cli.js')
const LINE = /^(\d+):([MSCX]) (\d{2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4}) (\d{2}):(\d{2}):(\d{2})\.(\d{3}) ([.\-*#]) (.*)$/
const SIGNAL_LINE = /^(\d+):signal-handler \((\d+)\) (.*)$/

let dir: string

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} missing: run npx electron-vite build first`)
  dir = mkdtempSync(join(tmpdir(), 'lab-server-cli-'))
})

afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})

interface Proc {
  child: ChildProcess
  out: () => string
  exit: Promise<number | null>
}

function start(bin: string, args: string[], input?: string): Proc {
  const child = spawn(bin, args, { stdio: ['pipe', 'pipe', 'pipe'], cwd: dir })
  let out = ''
  child.stdout!.on('data', (d: Buffer) => (out += d.toString('latin1')))
  child.stderr!.on('data', (d: Buffer) => (out += d.toString('latin1')))
  if (input !== undefined) child.stdin!.end(input)
  else child.stdin!.end()
  const exit = new Promise<number | null>((res) => child.once('exit', (code) => res(code)))
  return { child, out: () => out, exit }
}

function lab(args: string[], input?: string): Proc {
  return start(process.execPath, [CLI, ...args], input)
}

/** Runs to completion (config errors, --version...); stdout and stderr kept apart. */
function runSync(bin: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(bin, args, { cwd: dir, encoding: 'latin1', timeout: 15_000, input: '' })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}

function labSync(args: string[]): { status: number | null; stdout: string; stderr: string } {
  return runSync(process.execPath, [CLI, ...args])
}

function cli(port: number, ...args: string[]): string {
  return spawnSync(REDIS_CLI_BIN, ['-p', String(port), ...args], { encoding: 'utf8', timeout: 10_000 }).stdout.trim()
}

async function waitFor(cond: () => boolean, what: string, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 25))
  }
}

function readLog(path: string): string[] {
  return existsSync(path) ? readFileSync(path, 'latin1').split('\n').filter((l) => l !== '') : []
}

describe('lab-server: a running server', () => {
  it('answers PING, logs like redis-server, writes and removes its pid file, exits 0 on SIGTERM', async () => {
    const port = await freePort()
    const logfile = join(dir, 'run.log')
    const pidfile = join(dir, 'run.pid')
    const p = lab(['--port', String(port), '--save', '', '--logfile', logfile, '--pidfile', pidfile])
    await waitFor(() => readLog(logfile).some((l) => l.endsWith('Ready to accept connections')), 'ready')
    expect(cli(port, 'PING')).toBe('PONG')
    expect(cli(port, 'SET', 'k', 'v')).toBe('OK')
    expect(cli(port, 'GET', 'k')).toBe('v')
    const pid = p.child.pid!
    expect(readFileSync(pidfile, 'latin1')).toBe(`${pid}\n`)
    expect(p.out()).toBe('') // everything went to the log file

    p.child.kill('SIGTERM')
    expect(await p.exit).toBe(0)
    expect(existsSync(pidfile)).toBe(false)

    const lines = readLog(logfile)
    const parsed = lines.map((l) => {
      const m = LINE.exec(l)
      if (m) return { pid: Number(m[1]), role: m[2], level: m[10], msg: m[11] }
      const s = SIGNAL_LINE.exec(l)
      if (s) return { pid: Number(s[1]), role: 'signal', level: '', msg: s[3] }
      throw new Error(`log line in no known format: ${JSON.stringify(l)}`)
    })
    for (const e of parsed) expect(e.pid).toBe(pid)
    const summary = parsed.map((e) => `${e.role} ${e.level} ${e.msg}`)
    expect(summary).toEqual([
      'C # oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo',
      `C # Redis version=7.0.15, bits=64, commit=00000000, modified=0, pid=${pid}, just started`,
      'C # Configuration loaded',
      'M * monotonic clock: POSIX clock_gettime',
      `M * Running mode=standalone, port=${port}.`,
      'M # Server initialized',
      'M * Ready to accept connections',
      'signal  Received SIGTERM scheduling shutdown...',
      'M # User requested shutdown...',
      'M * Removing the pid file.',
      'M # Redis is now ready to exit, bye bye...'
    ])
    // the timestamp is the local time of writing
    const m = LINE.exec(lines[0]!)!
    const year = new Date().getFullYear()
    expect(Math.abs(Number(m[5]) - year)).toBeLessThanOrEqual(1)
  })

  it('prints the same log lines as the real redis-server (format, role, level)', async () => {
    const shape = async (bin: string, args: string[], logfile: string): Promise<string[]> => {
      const port = await freePort()
      const p = start(bin, [...args, '--port', String(port), '--save', '', '--logfile', logfile])
      await waitFor(() => readLog(logfile).some((l) => l.endsWith('Ready to accept connections')), 'ready')
      p.child.kill('SIGINT')
      expect(await p.exit).toBe(0)
      return readLog(logfile)
        .map((l) => l.replace(/^\d+:/, 'PID:').replace(/\d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2}\.\d{3}/, 'TIME')
          .replace(/\(\d+\)/, '(T)').replace(/pid=\d+/, 'pid=N').replace(/port=\d+/, 'port=P'))
        .filter((l) => !l.includes('WARNING Memory overcommit')) // a kernel setting check
    }
    const real = await shape(REDIS_SERVER_BIN, [], join(dir, 'real-shape.log'))
    const ours = await shape(process.execPath, [CLI], join(dir, 'ours-shape.log'))
    expect(ours).toEqual(real)
    expect(ours).toContain('PID:signal-handler (T) Received SIGINT scheduling shutdown...')
  })

  it('always-show-logo prints the ASCII banner with Port: and PID: lines', async () => {
    const port = await freePort()
    const logfile = join(dir, 'logo.log')
    const p = lab(['--port', String(port), '--save', '', '--logfile', logfile, '--always-show-logo', 'yes'])
    await waitFor(() => readLog(logfile).some((l) => l.endsWith('Ready to accept connections')), 'ready')
    const text = readFileSync(logfile, 'latin1')
    expect(text).toMatch(new RegExp(`^ \\|.*\\|     Port: ${port}$`, 'm'))
    expect(text).toMatch(new RegExp(`^ \\|.*\\|     PID: ${p.child.pid}$`, 'm'))
    expect(text).toContain('Redis 7.0.15 (00000000/0) 64 bit')
    expect(text).toContain('Running in standalone mode')
    expect(text).not.toContain('Running mode=standalone')
    p.child.kill('SIGTERM')
    expect(await p.exit).toBe(0)
  })

  it('reads a config file, then lets command line options override it; loglevel filters', async () => {
    const port = await freePort()
    const other = await freePort()
    const logfile = join(dir, 'conf.log')
    const conf = join(dir, 'server.conf')
    writeFileSync(conf, `# a comment\n\nport ${other}\n  save ""  \nlogfile "${logfile}"\nloglevel notice\nmaxmemory-policy noeviction\n`)
    const p = lab([conf, '--port', String(port), '--loglevel', 'warning'])
    await waitFor(() => readLog(logfile).some((l) => l.endsWith('# Server initialized')), 'initialized')
    await waitFor(() => cli(port, 'PING') === 'PONG', 'ping')
    const lines = readLog(logfile)
    for (const l of lines) expect(l).toMatch(/ # /) // notice lines filtered out
    expect(lines.some((l) => l.includes('Ready to accept connections'))).toBe(false)
    p.child.kill('SIGTERM')
    expect(await p.exit).toBe(0)
  })

  it('reads the configuration from stdin with -', async () => {
    const port = await freePort()
    const p = lab(['-', '--save', ''], `port ${port}\nloglevel notice\n`)
    await waitFor(() => p.out().includes('Ready to accept connections'), 'ready')
    expect(cli(port, 'PING')).toBe('PONG')
    expect(p.out()).toMatch(/^\d+:C \d{2} \w{3} \d{4} [\d:.]+ # Reading config from stdin$/m)
    p.child.kill('SIGTERM')
    expect(await p.exit).toBe(0)
  })

  it('listens on several bind addresses', async () => {
    const port = await freePort()
    const p = lab(['--port', String(port), '--save', '', '--bind', '127.0.0.1', '127.0.0.2'])
    await waitFor(() => p.out().includes('Ready to accept connections'), 'ready')
    for (const host of ['127.0.0.1', '127.0.0.2']) {
      const r = spawnSync(REDIS_CLI_BIN, ['-h', host, '-p', String(port), 'PING'], { encoding: 'utf8' })
      expect(r.stdout.trim()).toBe('PONG')
    }
    p.child.kill('SIGINT')
    expect(await p.exit).toBe(0)
  })
})

describe('lab-server: SHUTDOWN', () => {
  const normalise = (l: string): string =>
    l.replace(/^\d+:/, 'PID:').replace(/\d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2}\.\d{3}/, 'TIME')
      .replace(/pid=\d+/, 'pid=N').replace(/port=\d+/, 'port=P')

  it('SHUTDOWN ends the process like redis-server: exit 0, pid file removed, the same log lines', async () => {
    const shape = async (bin: string, args: string[], name: string): Promise<string[]> => {
      const port = await freePort()
      const logfile = join(dir, `${name}.log`)
      const pidfile = join(dir, `${name}.pid`)
      const p = start(bin, [...args, '--port', String(port), '--save', '', '--logfile', logfile, '--pidfile', pidfile])
      await waitFor(() => readLog(logfile).some((l) => l.endsWith('Ready to accept connections')), 'ready')
      expect(existsSync(pidfile)).toBe(true)
      const r = await new Promise<string>((res) => {
        execFile(REDIS_CLI_BIN, ['-p', String(port), 'SHUTDOWN'], (_e, stdout) => res(stdout))
      })
      expect(r).toBe('') // the connection closes without a reply
      expect(await p.exit).toBe(0)
      expect(existsSync(pidfile)).toBe(false)
      return readLog(logfile).map(normalise).filter((l) => !l.includes('WARNING Memory overcommit'))
    }
    const real = await shape(REDIS_SERVER_BIN, [], 'real-shutdown')
    const ours = await shape(process.execPath, [CLI], 'ours-shutdown')
    expect(ours).toEqual(real)
    expect(ours.slice(-3)).toEqual([
      'PID:M TIME # User requested shutdown...',
      'PID:M TIME * Removing the pid file.',
      'PID:M TIME # Redis is now ready to exit, bye bye...'
    ])
  })

  it('SIGTERM saves per shutdown-on-sigterm: default saves with save points, nosave does not', async () => {
    for (const [flag, saved] of [['default', true], ['nosave', false], ['save', true]] as const) {
      const data = join(dir, `sigterm-${flag}`)
      mkdirSync(data, { recursive: true })
      const port = await freePort()
      const save = flag === 'save' ? '' : '3600 1' // `save`: even without save points
      const p = lab(['--port', String(port), '--save', save, '--dir', data, '--shutdown-on-sigterm', flag])
      await waitFor(() => p.out().includes('Ready to accept connections'), 'ready')
      expect(cli(port, 'SET', 'k', 'v')).toBe('OK')
      p.child.kill('SIGTERM')
      expect(await p.exit).toBe(0)
      expect(`${flag}: ${existsSync(join(data, 'dump.rdb'))}`).toBe(`${flag}: ${saved}`)
    }
  })

  it('with save points, SHUTDOWN saves dump.rdb in dir and the next start loads it', async () => {
    const data = join(dir, 'shutdown-save')
    mkdirSync(data, { recursive: true })
    const port = await freePort()
    const args = ['--port', String(port), '--save', '3600 1', '--dir', data]
    let p = lab(args)
    await waitFor(() => p.out().includes('Ready to accept connections'), 'ready')
    expect(cli(port, 'SET', 'survivor', 'yes')).toBe('OK')
    expect(cli(port, 'RPUSH', 'list', 'a', 'b')).toBe('2')
    await new Promise<void>((res) => execFile(REDIS_CLI_BIN, ['-p', String(port), 'SHUTDOWN'], () => res()))
    expect(await p.exit).toBe(0)
    expect(existsSync(join(data, 'dump.rdb'))).toBe(true)
    expect(p.out()).toContain('Saving the final RDB snapshot before exiting.')
    expect(p.out()).toContain('DB saved on disk')

    // the real redis-server reads the file we wrote
    const realPort = await freePort()
    const real = start(REDIS_SERVER_BIN, ['--port', String(realPort), '--save', '', '--dir', data])
    await waitFor(() => real.out().includes('Ready to accept connections'), 'real ready')
    expect(cli(realPort, 'GET', 'survivor')).toBe('yes')
    real.child.kill('SIGKILL')
    await real.exit

    p = lab(args)
    await waitFor(() => p.out().includes('Ready to accept connections'), 'ready again')
    expect(cli(port, 'GET', 'survivor')).toBe('yes')
    expect(cli(port, 'LRANGE', 'list', '0', '-1')).toBe('a\nb')
    await new Promise<void>((res) => execFile(REDIS_CLI_BIN, ['-p', String(port), 'SHUTDOWN', 'NOSAVE'], () => res()))
    expect(await p.exit).toBe(0)
  })
})

describe('lab-server: failures', () => {
  it('exits 1 with redis-server log lines when the port is taken', async () => {
    const port = await freePort()
    const blocker = net.createServer()
    await new Promise<void>((r) => blocker.listen(port, '127.0.0.1', () => r()))
    try {
      const logfile = join(dir, 'taken.log')
      const r = labSync(['--port', String(port), '--save', '', '--logfile', logfile])
      expect(r.status).toBe(1)
      const lines = readLog(logfile).map((l) => l.replace(LINE, '$2 $10 $11'))
      expect(lines.slice(-2)).toEqual([
        `M # Warning: Could not create server TCP listening socket 127.0.0.1:${port}: bind: Address already in use`,
        `M # Failed listening on port ${port} (TCP), aborting.`
      ])
      // same lines from the real server
      const real = runSync(REDIS_SERVER_BIN, ['--port', String(port), '--bind', '127.0.0.1', '--save', ''])
      expect(real.status).toBe(1)
      const realLines = real.stdout.split('\n').filter(Boolean).map((l) => l.replace(LINE, '$2 $10 $11'))
      expect(realLines.slice(-2)).toEqual(lines.slice(-2))
    } finally {
      blocker.close()
    }
  })

  const fatalCases: [string, string[], (d: string) => void][] = [
    ['unknown directive in a config file', ['bad.conf'], (d) => writeFileSync(join(d, 'bad.conf'), 'port 6390\nfoo bar\n')],
    ['unknown --option', ['--port', '6390', '--foo', 'bar'], () => {}],
    ['bad integer', ['--port', 'abc'], () => {}],
    ['port out of range', ['--port', '99999'], () => {}],
    ['wrong argument count', ['--port', '1', '2'], () => {}],
    ['bad loglevel', ['--loglevel', 'loud'], () => {}],
    ['bad bool', ['--daemonize', 'maybe'], () => {}],
    ['bad enum', ['--maxmemory-policy', 'foo'], () => {}],
    ['bad save', ['--save', '1'], () => {}],
    ['missing dir', ['--dir', '/nonexistent-lab-dir'], () => {}],
    ['unbalanced quotes', ['quotes.conf'], (d) => writeFileSync(join(d, 'quotes.conf'), 'port "6390\n')],
    ['binary value', ['--foo', 'a\x01b'], () => {}],
    ['log file that cannot be opened', ['--logfile', '/nonexistent-lab-dir/x.log'], () => {}]
  ]
  for (const [name, args, setup] of fatalCases) {
    it(`FATAL CONFIG FILE ERROR like redis-server: ${name}`, () => {
      setup(dir)
      const ours = labSync(args)
      const real = runSync(REDIS_SERVER_BIN, args)
      expect(real.status).toBe(1)
      expect(ours.status).toBe(1)
      expect(ours.stderr).toBe(real.stderr)
      expect(ours.stderr).toMatch(/^\n\*\*\* FATAL CONFIG FILE ERROR \(Redis 7\.0\.15\) \*\*\*\n/)
    })
  }

  it('the exact block for a bad directive', () => {
    writeFileSync(join(dir, 'bad2.conf'), 'port 6390\nfoo bar\n')
    expect(labSync(['bad2.conf']).stderr).toBe(
      "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 2\n>>> 'foo bar'\nBad directive or wrong number of arguments\n"
    )
    expect(labSync(['--port', '6390', '--foo', 'bar']).stderr).toContain(
      "Reading the configuration file, at line 3\n>>> 'foo \"bar\"'\nBad directive or wrong number of arguments\n"
    )
  })

  it('a config file that does not exist: logged, exit 1', () => {
    const r = labSync(['missing.conf'])
    expect(r.status).toBe(1)
    expect(r.stdout).toMatch(new RegExp(`^\\d+:C .* # Fatal error, can't open config file '${join(dir, 'missing.conf')}': No such file or directory\\n$`))
  })

  it('refuses daemonize yes and appendonly yes (not supported)', () => {
    for (const args of [['--daemonize', 'yes'], ['--appendonly', 'yes']]) {
      const r = labSync(args)
      expect(r.status).toBe(1)
      expect(r.stderr).toContain('*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***')
    }
  })
})

describe('lab-server: --version and --help', () => {
  it('--version and -v print a redis-server style version line, exit 0', () => {
    for (const flag of ['--version', '-v']) {
      const r = labSync([flag])
      expect(r.status).toBe(0)
      expect(r.stdout).toMatch(/^Redis server v=7\.0\.15 sha=00000000:0 malloc=libc bits=64 build=[0-9a-f]{16}\n$/)
    }
    expect(runSync(REDIS_SERVER_BIN, ['--version']).stdout).toMatch(/^Redis server v=7\.0\.15 sha=00000000:0 malloc=\S+ bits=64 build=[0-9a-f]+\n$/)
  })

  it('--help and -h print the usage to stderr, exit 1 (like redis-server)', () => {
    for (const flag of ['--help', '-h']) {
      const r = labSync([flag])
      expect(r.status).toBe(1)
      expect(r.stderr).toMatch(/^Usage: lab-server \[\/path\/to\/redis\.conf\] \[options\] \[-\]\n/)
    }
  })
})
