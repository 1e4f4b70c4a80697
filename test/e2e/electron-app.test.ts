import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { _electron } from 'playwright-core'
import { describe, expect, test } from 'vitest'
// @ts-expect-error plain .mjs shared with `npm start`
import { findElectron } from '../../scripts/electron-binary.mjs'
import { freePort } from '../helpers/ports'
import { ROOT, tempDir } from '../helpers/web-mode'

const electron = findElectron() as { path: string } | { reason: string }
const binary = 'path' in electron ? electron.path : null
const display = process.platform !== 'linux' || Boolean(process.env.DISPLAY)

if (!binary) {
  console.log(`[electron e2e] SKIPPED: no Electron binary on this machine (${(electron as { reason: string }).reason}). Web mode covers the same UI.`)
} else if (!display) {
  console.log('[electron e2e] SKIPPED: no DISPLAY; run the tests under xvfb-run (as .ci/run does).')
}

describe.skipIf(!binary || !display)('the Electron app (Playwright _electron)', () => {
  test('opens the window, shows three nodes and runs a command in a console', async () => {
    expect(existsSync(join(ROOT, 'out/main/index.js'))).toBe(true)
    const app = await _electron.launch({
      executablePath: binary!,
      args: [ROOT],
      env: { ...process.env, XDG_CONFIG_HOME: tempDir(), REPLICATION_LAB_BASE_PORT: String(await freePort()) }
    })
    try {
      const page = await app.firstWindow()
      const cards = page.getByRole('group', { name: /^node 127\.0\.0\.1:\d+$/ })
      await expect.poll(() => cards.count(), { timeout: 15_000 }).toBe(3)
      // The security defaults are on: no Node in the page, only the preload's bridge.
      expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined')
      expect(await page.evaluate(() => typeof (window as { lab?: { listNodes?: unknown } }).lab?.listNodes)).toBe('function')
      const first = cards.first()
      const address = (await first.getAttribute('aria-label'))!.replace('node ', '')
      await first.getByRole('button', { name: 'Open console' }).click()
      const input = page.getByRole('textbox', { name: `Command for ${address}` })
      await input.fill('SET k v')
      await input.press('Enter')
      await input.fill('GET k')
      await input.press('Enter')
      await expect.poll(() => page.getByRole('log', { name: `Output of ${address}` }).innerText()).toContain('"v"')
      await page.screenshot({ path: join(ROOT, 'test-results/electron-app.png') })
    } finally {
      await app.close()
    }
  })
})
