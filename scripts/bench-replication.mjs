// Replication benchmark: the embedded server (lab-server, a separate Node process) as a master
// against a real redis-server master in the same run, each serving a fresh real redis-server
// replica (the replica is the same program in both cases, so only the master differs):
//   - full sync: REPLICAOF → link up with everything applied, for DEBUG POPULATE <keys>
//     (default 1M keys of 100-byte values), median of --runs (a new replica each run)
//   - replication lag under a redis-benchmark SET load (4 clients, no pipelining, so both
//     masters see a similar request rate rather than each its own saturation point): every
//     100 ms the master's offset is noted; lag = time until the replica's slave_repl_offset
//     reaches it (p50/p99/max)
// Both masters use repl-diskless-sync yes (7.0's default) with repl-diskless-sync-delay 0, so
// the 5 s wait for more replicas does not hide the transfer itself.
//
//   node scripts/bench-replication.mjs [--keys N] [--runs N] [--lag-requests N] [--no-lag]
//
// Needs a build (`npx electron-vite build`; `npm run bench` does it), redis-server and
// redis-benchmark in PATH. Targets: full sync ≤ 1.2× real Redis's time; lag p99 ≤ 10 ms and
// within 2× of real Redis's.
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const CLI = join(root, 'out', 'main', 'server-cli.js')

function parseArgs(argv) {
  const o = { keys: 1_000_000, runs: 3, lagRequests: 100_000, lag: true }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--keys') o.keys = Number(argv[++i])
    else if (a === '--runs') o.runs = Number(argv[++i])
    else if (a === '--lag-requests') o.lagRequests = Number(argv[++i])
    else if (a === '--no-lag') o.lag = false
    else if (a === '-h' || a === '--help') {
      console.log('usage: node scripts/bench-replication.mjs [--keys N] [--runs N] [--lag-requests N] [--no-lag]')
      process.exit(0)
    } else {
      console.error(`bench-replication: unknown option ${a}`)
      process.exit(2)
    }
  }
  if (!(o.keys > 0 && o.runs > 0 && o.lagRequests > 0)) {
    console.error('bench-replication: --keys, --runs and --lag-requests must be positive numbers')
    process.exit(2)
  }
  return o
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.once('error', reject)
    srv.listen({ port: 0, host: '127.0.0.1', exclusive: true }, () => {
      const { port } = srv.address()
      srv.close(() => resolve(port))
    })
  })
}

/** One connection sending commands one at a time; resolves each with the whole reply. */
class Conn {
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
    let req = `*${args.length}\r\n`
    for (const a of args) req += `$${Buffer.byteLength(String(a))}\r\n${a}\r\n`
    return new Promise((resolve) => {
      this.waiting = resolve
      this.sock.write(req)
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

async function info(conn, section = 'replication') {
  const out = {}
  for (const line of (await conn.call('INFO', section)).split('\r\n')) {
    const i = line.indexOf(':')
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1)
  }
  return out
}

const children = new Set()

async function startServer(name, cmd, args, port) {
  const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'inherit'] })
  children.add(child)
  child.once('exit', () => children.delete(child))
  const deadline = Date.now() + 15_000
  for (;;) {
    try {
      const c = await Conn.open(port)
      const r = await c.call('PING')
      c.close()
      if (r.startsWith('+PONG')) break
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`${name} did not start`)
    await new Promise((r) => setTimeout(r, 50))
  }
  return child
}

async function startReal(dir, extra = []) {
  const port = await freePort()
  const child = await startServer('redis-server', 'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, ...extra], port)
  return { port, child }
}

function stop(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve()
    child.once('exit', () => resolve())
    child.kill('SIGKILL')
  })
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]
}

/** Waits until the replica's link is up and it applied everything the master has. */
async function waitSynced(master, replica, timeoutMs = 600_000) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const [m, r] = await Promise.all([info(master), info(replica)])
    if (r.master_link_status === 'up' && r.slave_repl_offset === m.master_repl_offset) return
    if (Date.now() > deadline) throw new Error('replica did not sync in time')
    await new Promise((res) => setTimeout(res, 5))
  }
}

/** One full sync of a new real replica from the master on `port`: ms from REPLICAOF to synced. */
async function fullSync(port, keys, dir) {
  const rep = await startReal(dir)
  const m = await Conn.open(port)
  const r = await Conn.open(rep.port)
  try {
    const t0 = performance.now()
    const ok = await r.call('REPLICAOF', '127.0.0.1', String(port))
    if (!ok.startsWith('+OK')) throw new Error(`REPLICAOF: ${ok.trim()}`)
    await waitSynced(m, r)
    const ms = performance.now() - t0
    const dbsize = (await r.call('DBSIZE')).trim()
    if (dbsize !== `:${keys}`) throw new Error(`replica DBSIZE ${dbsize}, expected ${keys}`)
    return ms
  } finally {
    m.close()
    r.close()
    await stop(rep.child)
  }
}

/** Lag of a replica behind the master under a redis-benchmark SET load. */
async function lagUnderLoad(port, requests, dir) {
  const rep = await startReal(dir)
  const m = await Conn.open(port)
  const r = await Conn.open(rep.port)
  try {
    await r.call('REPLICAOF', '127.0.0.1', String(port))
    await waitSynced(m, r)
    const bench = spawn('redis-benchmark', ['-p', String(port), '-t', 'set', '-n', String(requests), '-r', '100000',
      '-d', '100', '-c', '4', '-q'], { stdio: 'ignore' })
    children.add(bench)
    const finished = new Promise((resolve) => bench.once('exit', () => {
      children.delete(bench)
      resolve()
    }))
    let running = true
    finished.then(() => (running = false))
    const targets = [] // { t, offset } noted every 100 ms, resolved when the replica reaches it
    const lags = []
    const sampler = (async () => {
      while (running) {
        const start = performance.now()
        const off = Number((await info(m)).master_repl_offset)
        // The master had this offset at the latest when its reply arrived: lag counts from there.
        targets.push({ t: performance.now(), off })
        await new Promise((res) => setTimeout(res, Math.max(0, 100 - (performance.now() - start))))
      }
    })()
    const follower = (async () => {
      while (running || targets.length > 0) {
        const off = Number((await info(r)).slave_repl_offset)
        const now = performance.now()
        while (targets.length > 0 && targets[0].off <= off) lags.push(now - targets.shift().t)
        if (!running && targets.length > 0 && now - targets[0].t > 30_000) throw new Error('replica stopped following')
      }
    })()
    await finished
    await sampler
    await follower
    lags.sort((a, b) => a - b)
    return { n: lags.length, p50: percentile(lags, 50), p99: percentile(lags, 99), max: lags[lags.length - 1] }
  } finally {
    m.close()
    r.close()
    await stop(rep.child)
  }
}

async function measure(name, port, o, dir) {
  const c = await Conn.open(port)
  const pop = await c.call('DEBUG', 'POPULATE', String(o.keys), 'key', '100')
  if (!pop.startsWith('+OK')) throw new Error(`${name}: DEBUG POPULATE: ${pop.trim()}`)
  c.close()
  const syncs = []
  for (let i = 0; i < o.runs; i++) syncs.push(await fullSync(port, o.keys, dir))
  const lag = o.lag ? await lagUnderLoad(port, o.lagRequests, dir) : null
  return { sync: median(syncs), syncs, lag }
}

async function main() {
  const o = parseArgs(process.argv.slice(2))
  if (!existsSync(CLI)) {
    console.error(`bench-replication: ${CLI} not found: run \`npx electron-vite build\` first`)
    process.exit(2)
  }
  const dirs = [mkdtempSync(join(os.tmpdir(), 'bench-r-real-')), mkdtempSync(join(os.tmpdir(), 'bench-r-ours-')),
    mkdtempSync(join(os.tmpdir(), 'bench-r-replica-'))]
  const realPort = await freePort()
  const oursPort = await freePort()
  const common = (dir) => ['--save', '', '--dir', dir, '--enable-debug-command', 'yes', '--repl-diskless-sync', 'yes',
    '--repl-diskless-sync-delay', '0']
  try {
    const real = await startServer('redis-server', 'redis-server',
      ['--port', String(realPort), '--bind', '127.0.0.1', '--appendonly', 'no', ...common(dirs[0])], realPort)
    const ours = await startServer('lab-server', process.execPath,
      [CLI, '--port', String(oursPort), '--bind', '127.0.0.1', ...common(dirs[1])], oursPort)
    void real
    void ours
    console.log(`replication bench: full sync of ${o.keys} keys (100-byte values) to a new real replica, median of ${o.runs}; ` +
      `${os.cpus().length} CPUs, load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`)
    const r = await measure('redis-server', realPort, o, dirs[2])
    const w = await measure('lab-server', oursPort, o, dirs[2])
    const ms = (x) => `${x.toFixed(1)} ms`
    const rows = [
      ['full sync (median)', ms(r.sync), ms(w.sync), `${(w.sync / r.sync).toFixed(2)}x`, '≤ 1.20x'],
      ['full sync (runs)', r.syncs.map((x) => x.toFixed(0)).join('/'), w.syncs.map((x) => x.toFixed(0)).join('/'), '', '']
    ]
    if (r.lag && w.lag) {
      rows.push(
        ['lag p50 under SET load', ms(r.lag.p50), ms(w.lag.p50), '', ''],
        ['lag p99 under SET load', ms(r.lag.p99), ms(w.lag.p99), `${(w.lag.p99 / r.lag.p99).toFixed(2)}x`, '≤ 10 ms, ≤ 2.00x'],
        ['lag max under SET load', ms(r.lag.max), ms(w.lag.max), '', ''],
        ['lag samples (every 100 ms)', String(r.lag.n), String(w.lag.n), '', '']
      )
    }
    const head = ['', 'redis-server', 'lab-server', 'ratio', 'target']
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)))
    const line = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')
    console.log(line(head))
    for (const row of rows) console.log(line(row))
  } finally {
    await Promise.all([...children].map(stop))
    for (const d of dirs) rmSync(d, { recursive: true, force: true })
  }
}

main().catch((err) => {
  console.error(`bench-replication: ${err.stack ?? err}`)
  process.exit(1)
})
