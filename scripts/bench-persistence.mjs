// Persistence benchmark: the embedded server (lab-server, a separate Node process) against a
// real redis-server in the same run, both holding DEBUG POPULATE <keys> (default 1M):
//   - SAVE time (blocking save of dump.rdb), median of --runs
//   - load time: DEBUG RELOAD NOSAVE (reads dump.rdb back into memory), median of --runs
//   - latency seen by another client (PING/GET one at a time) while a BGSAVE runs: p50/p99/max
//     (Redis forks; we serialise in time slices — a blocking save would show its whole time)
//
//   node scripts/bench-persistence.mjs [--keys N] [--runs N]
//
// Needs a build (`npx electron-vite build`; `npm run bench` does it) and redis-server in PATH.
// Targets: SAVE and load ≤ 1.5× real Redis's time; p99 during BGSAVE ≤ 10 ms.
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { CLI, Conn, freePort, machine, median, ms, parseOptions, percentile, printComparison, startServer } from './bench-lib.mjs'

function parseArgs(argv) {
  return parseOptions(argv, {
    name: 'bench-persistence',
    usage: 'node scripts/bench-persistence.mjs [--keys N] [--runs N]',
    defaults: { keys: 1_000_000, runs: 3 },
    flags: {
      '--keys': (o, next) => (o.keys = Number(next())),
      '--runs': (o, next) => (o.runs = Number(next()))
    }
  })
}

async function timed(conn, ...args) {
  const t0 = performance.now()
  const r = await conn.call(...args)
  if (!r.startsWith('+')) throw new Error(`${args.join(' ')}: ${r.trim()}`)
  return performance.now() - t0
}

/** Latency of one-at-a-time PING/GET from another connection while a BGSAVE runs. */
async function latencyDuringBgsave(port) {
  const admin = await Conn.open(port)
  const probe = await Conn.open(port)
  const samples = []
  const r = await admin.call('BGSAVE')
  if (!r.startsWith('+Background saving started')) throw new Error(`BGSAVE: ${r.trim()}`)
  const t0 = performance.now()
  let running = true
  const watcher = (async () => {
    while (running) {
      await new Promise((res) => setTimeout(res, 20))
      const info = await admin.call('INFO', 'persistence')
      if (!info.includes('rdb_bgsave_in_progress:1')) running = false
    }
  })()
  let i = 0
  while (running) {
    const t = performance.now()
    if (i++ & 1) await probe.call('GET', `key:${i % 1000}`)
    else await probe.call('PING')
    samples.push(performance.now() - t)
  }
  await watcher
  const duration = performance.now() - t0
  const info = await admin.call('INFO', 'persistence')
  admin.close()
  probe.close()
  samples.sort((a, b) => a - b)
  return {
    duration,
    ok: info.includes('rdb_last_bgsave_status:ok'),
    n: samples.length,
    p50: percentile(samples, 50),
    p99: percentile(samples, 99),
    max: samples[samples.length - 1]
  }
}

async function measure(name, port, o) {
  const c = await Conn.open(port)
  const pop = await c.call('DEBUG', 'POPULATE', String(o.keys))
  if (!pop.startsWith('+OK')) throw new Error(`${name}: DEBUG POPULATE: ${pop.trim()}`)
  const saves = []
  const loads = []
  for (let i = 0; i < o.runs; i++) {
    saves.push(await timed(c, 'SAVE'))
    loads.push(await timed(c, 'DEBUG', 'RELOAD', 'NOSAVE'))
  }
  const dbsize = await c.call('DBSIZE')
  if (dbsize.trim() !== `:${o.keys}`) throw new Error(`${name}: DBSIZE after reload ${dbsize.trim()}`)
  c.close()
  const lat = await latencyDuringBgsave(port)
  return { save: median(saves), load: median(loads), lat }
}

async function main() {
  const o = parseArgs(process.argv.slice(2))
  if (!existsSync(CLI)) {
    console.error(`bench-persistence: ${CLI} not found: run \`npx electron-vite build\` first`)
    process.exit(2)
  }
  const dirs = [mkdtempSync(join(os.tmpdir(), 'bench-p-real-')), mkdtempSync(join(os.tmpdir(), 'bench-p-ours-'))]
  const realPort = await freePort()
  const oursPort = await freePort()
  const common = (dir) => ['--save', '', '--dir', dir, '--enable-debug-command', 'yes']
  const real = await startServer('redis-server', 'redis-server',
    ['--port', String(realPort), '--bind', '127.0.0.1', '--appendonly', 'no', ...common(dirs[0])], realPort)
  const ours = await startServer('lab-server', process.execPath,
    [CLI, '--port', String(oursPort), '--bind', '127.0.0.1', ...common(dirs[1])], oursPort).catch((err) => {
    real.kill('SIGKILL')
    throw err
  })
  // Interrupted: do not leave two servers holding 1M keys behind.
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.once(sig, () => {
      real.kill('SIGKILL')
      ours.kill('SIGKILL')
      process.exit(130)
    })
  }
  try {
    console.log(`persistence bench: ${o.keys} keys (DEBUG POPULATE), median of ${o.runs} runs; ` +
      machine())
    const r = await measure('redis-server', realPort, o)
    const w = await measure('lab-server', oursPort, o)
    const rows = [
      ['SAVE', ms(r.save), ms(w.save), `${(w.save / r.save).toFixed(2)}x`, '≤ 1.50x'],
      ['load (DEBUG RELOAD NOSAVE)', ms(r.load), ms(w.load), `${(w.load / r.load).toFixed(2)}x`, '≤ 1.50x'],
      ['BGSAVE duration', ms(r.lat.duration), ms(w.lat.duration), `${(w.lat.duration / r.lat.duration).toFixed(2)}x`, ''],
      ['other client p50 during BGSAVE', ms(r.lat.p50), ms(w.lat.p50), '', ''],
      ['other client p99 during BGSAVE', ms(r.lat.p99), ms(w.lat.p99), '', '≤ 10 ms'],
      ['other client max during BGSAVE', ms(r.lat.max), ms(w.lat.max), '', ''],
      ['requests during BGSAVE', String(r.lat.n), String(w.lat.n), '', ''],
      ['BGSAVE status', r.lat.ok ? 'ok' : 'err', w.lat.ok ? 'ok' : 'err', '', '']
    ]
    printComparison(rows)
  } finally {
    real.kill('SIGKILL')
    ours.kill('SIGKILL')
    for (const d of dirs) rmSync(d, { recursive: true, force: true })
  }
}

main().catch((err) => {
  console.error(`bench-persistence: ${err.stack ?? err}`)
  process.exit(1)
})
