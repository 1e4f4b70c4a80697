// `npm run screenshots`: the docs' pictures, taken from the real app (web mode) in headless
// Chromium, every scene made through the GUI as a person would: first launch, one master two
// replicas after a write, the READONLY error in a replica's console, a cut link, a failover,
// and the event timeline. Runs its own lab in a temporary folder on free ports.
//
//   npm run screenshots                              light theme, English → docs/screenshots/<scene>.png
//   npm run screenshots -- --theme dark --locale zh-CN   → docs/screenshots/<scene>.dark.zh-CN.png
//
// The theme and locale are set the way the app remembers them (localStorage keys
// `replication-lab.theme` and `replication-lab.locale`) before the page loads.
import { spawn } from 'node:child_process'
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { chromium } from 'playwright-core'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const { values: opts } = parseArgs({
  options: {
    theme: { type: 'string', default: process.env.SCREENSHOT_THEME ?? 'light' },
    locale: { type: 'string', default: process.env.SCREENSHOT_LOCALE ?? 'en' },
    out: { type: 'string', default: join(root, 'docs', 'screenshots') }
  }
})
if (!['light', 'dark'].includes(opts.theme)) throw new Error(`--theme must be light or dark, not ${opts.theme}`)
if (!/^[a-z]{2}(-[A-Z]{2})?$/.test(opts.locale)) throw new Error(`--locale must look like en or zh-CN, not ${opts.locale}`)
/** The default pictures keep plain names (the README links them); other variants are suffixed. */
const suffix = opts.theme === 'light' && opts.locale === 'en' ? '' : `.${opts.theme}.${opts.locale}`
mkdirSync(opts.out, { recursive: true })

/** A base port with three free ports after it, so the shots show 6379-like neighbours. */
async function freeBase() {
  for (let port = 6379; port < 6379 + 300; port += 3) {
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
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1, colorScheme: opts.theme })
  page.setDefaultTimeout(30_000)
  await page.addInitScript(
    ({ theme, locale }) => {
      localStorage.setItem('replication-lab.theme', theme)
      localStorage.setItem('replication-lab.locale', locale)
    },
    { theme: opts.theme, locale: opts.locale }
  )
  await page.goto(url)
  const cards = page.locator('.vue-flow__node .node-card')
  await cards.nth(2).waitFor()
  const ports = (await page.locator('.vue-flow__node').evaluateAll((els) => els.map((e) => Number(e.querySelector('.address').textContent.split(':')[1])))).sort(
    (a, b) => a - b
  )
  const [master, r1, r2] = ports
  const card = (port) => page.locator('.vue-flow__node').filter({ has: page.locator('.address', { hasText: `127.0.0.1:${port}` }) })
  const linksUp = (n) =>
    page.waitForFunction((k) => document.querySelectorAll('.vue-flow__edge.link-up:not(.link-cut)').length === k, n, { timeout: 60_000 })

  /** Waits until the cards stop moving (the canvas fits the view after each change). */
  async function settle() {
    let before = ''
    for (let i = 0; i < 40; i++) {
      await page.waitForTimeout(250)
      const now = JSON.stringify(await page.locator('.vue-flow__node').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().toJSON())))
      if (now === before) return
      before = now
    }
  }
  async function shot(name) {
    await settle()
    const path = join(opts.out, `${name}${suffix}.png`)
    await page.screenshot({ path })
    console.log(`wrote ${path}`)
    return path
  }
  /** A destructive action asks first: confirm it. */
  async function confirmIfAsked() {
    const dialog = page.getByRole('alertdialog')
    if (await dialog.waitFor({ timeout: 1500 }).then(() => true, () => false)) await dialog.locator('button.danger').click()
  }
  async function replicate(replica, from) {
    // By the card's own button (its first "ops" button), so the script does not depend on the UI's wording.
    await card(replica).locator('.ops button').first().click()
    const dialog = page.getByRole('dialog')
    await dialog.locator(`input[type="radio"][aria-label="127.0.0.1:${from}"]`).check()
    await dialog.locator('button.primary').click()
    await dialog.waitFor({ state: 'detached' })
  }
  /** The node's console input (opened from its card when needed), found by the address its name ends with. */
  async function consoleInput(port) {
    const box = page.locator(`input[aria-label$=" 127.0.0.1:${port}"]`)
    if (!(await box.count())) await card(port).locator('footer .console').click()
    await box.first().waitFor()
    return box.first()
  }
  async function type(port, lines) {
    const input = await consoleInput(port)
    for (const line of lines) {
      await input.fill(line)
      await input.press('Enter')
      await page.waitForTimeout(300)
    }
  }

  // 1. First launch: three standalone masters.
  await shot('first-launch')

  // 2. One master, two replicas, after a write on the master read on a replica.
  await replicate(r1, master)
  await replicate(r2, master)
  await linksUp(2)
  await type(master, ['SET greeting "hello replication"'])
  await type(r1, ['GET greeting'])
  await page.waitForTimeout(1500) // the next sample shows the offsets caught up
  const pair = await shot('master-two-replicas')
  if (!suffix) copyFileSync(pair, join(root, 'docs', 'screenshot.png'))

  // 3. A replica refuses writes.
  await type(r1, ['SET greeting overwritten'])
  await page.waitForFunction(() => [...document.querySelectorAll('[role="log"]')].some((l) => /READONLY/.test(l.textContent ?? '')))
  await shot('readonly-error')

  // 4. A cut link (the lab's network drops the replica's connection).
  await page.locator('.vue-flow__edge-labels .edge-label').first().locator('button').click()
  await page.waitForFunction(() => document.querySelectorAll('.vue-flow__edge.link-cut').length === 1)
  await page.waitForTimeout(1500)
  await shot('link-cut')
  await page.locator('.vue-flow__edge-labels .edge-label.cut button').click()
  await linksUp(2)

  // 5. Failover: the master stops, a replica is promoted, the other follows it.
  await card(master).locator('footer button').nth(1).click() // Stop
  await confirmIfAsked()
  await page.waitForFunction(() => document.querySelectorAll('.vue-flow__edge.link-down').length === 2, null, { timeout: 30_000 })
  await card(r1).locator('.ops button').nth(1).click() // Promote to master
  await confirmIfAsked()
  await replicate(r2, r1)
  await linksUp(1)
  await page.waitForTimeout(1500)
  await shot('failover')

  // The topology alone, as "Export image" saves it (PNG).
  await page.locator('.toolbar .export > button').click()
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('.export-menu button').first().click()])
  const exported = join(opts.out, `export-topology${suffix}.png`)
  await download.saveAs(exported)
  console.log(`wrote ${exported}`)

  // 6. The event timeline of all of it: full and partial syncs, links up and down, role changes
  // (the handshake's log steps hidden, so the story fits).
  const steps = page.locator('aside.timeline input[type="checkbox"]').first()
  if (await steps.isChecked()) await steps.uncheck()
  await shot('timeline')
  const panel = join(opts.out, `timeline-panel${suffix}.png`)
  await page.locator('aside.timeline').screenshot({ path: panel })
  console.log(`wrote ${panel}`)
} finally {
  await browser.close()
  web.kill('SIGTERM')
  await new Promise((r) => web.once('exit', r))
  rmSync(dataDir, { recursive: true, force: true })
}
