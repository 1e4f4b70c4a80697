// `npm run screenshots`: the README's pictures, taken from the real app (web mode) in
// headless Chromium: "one master, two replicas" built through the GUI, a write on the
// master read on a replica, and the replica's READONLY error. Runs its own lab in a temporary folder on free ports.
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const outDir = join(root, 'docs')
mkdirSync(outDir, { recursive: true })

/** A base port with the tutorial's three ports free after it, so the shots show 6379-like neighbours. */
async function freeBase() {
  for (let port = 6379; port < 6379 + 200; port += 3) {
    if ((await isFree(port)) && (await isFree(port + 1)) && (await isFree(port + 2))) return port
  }
  throw new Error('no three free ports from 6379')
}
function isFree(port) {
  return new Promise((resolve) => {
    const s = createServer()
    s.once('error', () => resolve(false))
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)))
  })
}

const dataDir = mkdtempSync(join(tmpdir(), 'replication-lab-shots-'))
const web = spawn(process.execPath, [join(root, 'out/main/web.js'), '--port', '0', '--data-dir', dataDir, '--base-port', String(await freeBase())], {
  stdio: ['ignore', 'pipe', 'inherit']
})
const url = await new Promise((resolve, reject) => {
  let out = ''
  web.stdout.on('data', (d) => {
    out += d
    const m = /open (http:\/\/\S+)/.exec(out)
    if (m) resolve(m[1])
  })
  web.on('exit', (code) => reject(new Error(`web mode exited with ${code}`)))
})

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
})
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 })
  page.setDefaultTimeout(30_000)
  await page.goto(url)
  const cards = page.getByRole('group', { name: /^node 127\.0\.0\.1:\d+$/ })
  await cards.nth(2).waitFor()
  const ports = (await cards.evaluateAll((els) => els.map((e) => Number(e.getAttribute('aria-label').split(':')[1])))).sort((a, b) => a - b)
  const card = (port) => page.getByRole('group', { name: `node 127.0.0.1:${port}` })
  const [master, ...replicas] = ports

  // "One master, two replicas", built the way a person would: Replicate from… on each replica.
  for (const replica of replicas) {
    await card(replica).getByRole('button', { name: 'Replicate from…' }).click()
    const dialog = page.getByRole('dialog', { name: `Replicate 127.0.0.1:${replica} from…` })
    await dialog.getByRole('radio', { name: `127.0.0.1:${master}` }).check()
    await dialog.getByRole('button', { name: 'Run SLAVEOF' }).click()
  }
  // Both links up (a full sync waits repl-diskless-sync-delay, 5 s).
  await page.waitForFunction(
    (n) => document.querySelectorAll('[aria-labelledby="links-title"] li[data-state="up"]').length === n,
    replicas.length,
    { timeout: 60_000 }
  )

  async function type(port, lines) {
    if (!(await page.getByRole('textbox', { name: `Command for 127.0.0.1:${port}` }).count())) {
      await card(port).getByRole('button', { name: 'Open console' }).click()
    }
    const input = page.getByRole('textbox', { name: `Command for 127.0.0.1:${port}` })
    for (const line of lines) {
      await input.fill(line)
      await input.press('Enter')
      await page.waitForTimeout(300)
    }
  }
  await type(master, ['SET greeting "hello replication"'])
  await page.waitForTimeout(500)
  await type(replicas[0], ['GET greeting', 'SET greeting overwritten'])
  // Let the lab's next sample show the offsets caught up, and the view settle.
  await page.waitForTimeout(1500)
  await page.screenshot({ path: join(outDir, 'screenshot.png') })
  console.log(`wrote ${join(outDir, 'screenshot.png')}`)
} finally {
  await browser.close()
  web.kill('SIGTERM')
}
