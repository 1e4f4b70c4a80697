// `npm run screenshots`: the README's pictures, taken from the real app (web mode) in
// headless Chromium. Runs its own lab in a temporary folder on free ports.
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
  await page.goto(url)
  const cards = page.getByRole('group', { name: /^node 127\.0\.0\.1:\d+$/ })
  await cards.nth(2).waitFor()
  for (const i of [0, 1]) {
    const card = cards.nth(i)
    const address = (await card.getAttribute('aria-label')).replace('node ', '')
    await card.getByRole('button', { name: 'Open console' }).click()
    const input = page.getByRole('textbox', { name: `Command for ${address}` })
    const lines = i === 0 ? ['SET greeting "hello replication"', 'GET greeting', 'DBSIZE'] : ['GET greeting', 'INFO replication']
    for (const line of lines) {
      await input.fill(line)
      await input.press('Enter')
      await page.waitForTimeout(150)
    }
  }
  await page.screenshot({ path: join(outDir, 'screenshot.png') })
  console.log(`wrote ${join(outDir, 'screenshot.png')}`)
} finally {
  await browser.close()
  web.kill('SIGTERM')
}
