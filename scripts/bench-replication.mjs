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
import os from 'node:os'
import { join } from 'node:path'
import {
  children, CLI, Conn, freePort, machine, median, ms, parseOptions, percentile, printComparison, startServer, stop
} from './bench-lib.mjs'

function parseArgs(argv) {
  const o = parseOptions(argv, {
    name: 'bench-replication',
    usage: 'node scripts/bench-replication.mjs [--keys N] [--runs N] [--lag-requests N] [--no-lag]',
    defaults: { keys: 1_000_000, runs: 3, lagRequests: 100_000, lag: true },
    flags: {
      '--keys': (o, next) => (o.keys = Number(next())),
      '--runs': (o, next) => (o.runs = Number(next())),
      '--lag-requests': (o, next) => (o.lagRequests = Number(next())),
      '--no-lag': (o) => (o.lag = false)
    }
  })
  if (!(o.keys > 0 && o.runs > 0 && o.lagRequests > 0)) {
    console.error('bench-replication: --keys, --runs and --lag-requests must be positive numbers')
    process.exit(2)
  }
  return o
}

async function info(conn, section = 'replication') {
  const out = {}
  for (const line of (await conn.call('INFO', section)).split('\r\n')) {
    const i = line.indexOf(':')
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1)
  }
  return out
}

async function startReal(dir, extra = []) {
  const port = await freePort()
  const child = await startServer('redis-server', 'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, ...extra], port)
  return { port, child }
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
      machine())
    const r = await measure('redis-server', realPort, o, dirs[2])
    const w = await measure('lab-server', oursPort, o, dirs[2])
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
    printComparison(rows)
  } finally {
    await Promise.all([...children].map(stop))
    for (const d of dirs) rmSync(d, { recursive: true, force: true })
  }
}

main().catch((err) => {
  console.error(`bench-replication: ${err.stack ?? err}`)
  process.exit(1)
})
