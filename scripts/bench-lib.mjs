// What the bench scripts share: the built lab-server's path, option parsing, free ports, a
// small RESP client, starting and stopping server processes, statistics and the comparison
// table. Plain Node, no dependencies: the scripts run outside the app and its tests.
import { spawn } from 'node:child_process'
import net from 'node:net'
import os from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
/** The lab-server entry point of a build (`npx electron-vite build`). */
export const CLI = join(root, 'out', 'main', 'server-cli.js')

/**
 * Options from `argv` by a table of flags: `flags[flag](o, next)` sets its option on `o`, with
 * `next()` taking the flag's value. -h/--help prints `usage: <usage>` and exits 0; any other
 * flag is an error (exit 2).
 */
export function parseOptions(argv, { name, usage, defaults, flags }) {
  const o = { ...defaults }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (Object.hasOwn(flags, a)) flags[a](o, () => argv[++i])
    else if (a === '-h' || a === '--help') {
      console.log(`usage: ${usage}`)
      process.exit(0)
    } else {
      console.error(`${name}: unknown option ${a}`)
      process.exit(2)
    }
  }
  return o
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.once('error', reject)
    srv.listen({ port: 0, host: '127.0.0.1', exclusive: true }, () => {
      const { port } = srv.address()
      srv.close(() => resolve(port))
    })
  })
}

/** RESP request for one command. */
function encode(args) {
  let req = `*${args.length}\r\n`
  for (const a of args) req += `$${Buffer.byteLength(String(a))}\r\n${a}\r\n`
  return req
}

/** Sends one command on a new connection, resolves with the first reply line (enough for +OK / -ERR / :n). */
export function command(port, args, timeoutMs = 600_000) {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1')
    let buf = ''
    sock.setTimeout(timeoutMs, () => {
      sock.destroy()
      reject(new Error(`timeout: ${args.join(' ')}`))
    })
    sock.on('error', reject)
    sock.on('connect', () => sock.write(encode(args)))
    sock.on('data', (d) => {
      buf += d.toString('latin1')
      const eol = buf.indexOf('\r\n')
      if (eol !== -1) {
        sock.destroy()
        resolve(buf.slice(0, eol))
      }
    })
  })
}

/** One connection sending commands one at a time; resolves each with the whole reply. */
export class Conn {
  static open(port) {
    return new Promise((resolve, reject) => {
      const sock = net.connect(port, '127.0.0.1', () => resolve(new Conn(sock)))
      sock.setNoDelay(true)
      sock.once('error', reject)
    })
  }

  constructor(sock) {
    this.sock = sock
    this.buf = ''
    this.waiting = null
    sock.on('data', (d) => {
      this.buf += d.toString('latin1')
      this.pump()
    })
  }

  pump() {
    if (!this.waiting) return
    const end = replyEnd(this.buf)
    if (end < 0) return
    const reply = this.buf.slice(0, end)
    this.buf = this.buf.slice(end)
    const w = this.waiting
    this.waiting = null
    w(reply)
  }

  call(...args) {
    return new Promise((resolve) => {
      this.waiting = resolve
      this.sock.write(encode(args))
      this.pump()
    })
  }

  close() {
    this.sock.destroy()
  }
}

/** End of the first complete reply (simple types and bulk strings are enough here). */
function replyEnd(s) {
  const nl = s.indexOf('\r\n')
  if (nl < 0) return -1
  if (s[0] === '$') {
    const len = Number(s.slice(1, nl))
    if (len < 0) return nl + 2
    return s.length >= nl + 2 + len + 2 ? nl + 2 + len + 2 : -1
  }
  return nl + 2
}

/** Child processes started here and still running, for a script's clean-up. */
export const children = new Set()

/** Spawns a server and waits until it answers PING on `port`; resolves with the child process. */
export async function startServer(name, cmd, args, port, timeoutMs = 15_000) {
  const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'inherit'] })
  children.add(child)
  child.once('exit', () => children.delete(child))
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}`)
    try {
      if ((await command(port, ['PING'], 500)) === '+PONG') return child
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error(`${name} did not answer PING on port ${port}`)
}

/** Stops a child: `signal`, then SIGKILL after 5 s if that was gentler; resolves once it exited. */
export function stop(child, signal = 'SIGKILL') {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve()
    child.once('exit', () => resolve())
    child.kill(signal)
    if (signal !== 'SIGKILL') setTimeout(() => child.kill('SIGKILL'), 5000).unref()
  })
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]
}

export function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]
}

export const ms = (x) => `${x.toFixed(1)} ms`

/** CPU count and load average, for a run's header: the numbers depend on both. */
export function machine() {
  return `${os.cpus().length} CPUs, load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`
}

/** Prints rows of [what, redis-server, lab-server, ratio, target] as aligned columns. */
export function printComparison(rows) {
  const head = ['', 'redis-server', 'lab-server', 'ratio', 'target']
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)))
  const line = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')
  console.log(line(head))
  for (const row of rows) console.log(line(row))
}
