import { mkdirSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { launchChromium } from '../helpers/chromium'
import { freePort } from '../helpers/ports'
import { ROOT, startWebMode, tempDir, type WebMode } from '../helpers/web-mode'

const SHOTS = join(ROOT, 'test-results')

describe('web mode in Chromium: the first launch and a console', () => {
  let web: WebMode
  let browser: Browser
  let page: Page
  let blocker: Server
  let basePort: number

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true })
    basePort = await freePort()
    // Someone else holds the first tutorial port: the lab must move that node on and say so.
    blocker = createServer()
    await new Promise<void>((r) => blocker.listen(basePort, '127.0.0.1', () => r()))
    web = await startWebMode({ basePort })
    browser = await launchChromium()
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
    await page.goto(web.url)
  })

  afterAll(async () => {
    await browser?.close()
    await web?.stop()
    blocker?.close()
  })

  test('shows three standalone masters, the taken port moved on with a note', async () => {
    const cards = page.getByRole('group', { name: /^node 127\.0\.0\.1:\d+$/ })
    await expect.poll(() => cards.count(), { timeout: 10_000 }).toBe(3)
    const names = await cards.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')))
    const ports = names.map((n) => Number(n!.split(':')[1]))
    expect(ports).not.toContain(basePort)
    expect(new Set(ports).size).toBe(3)
    for (const name of names) {
      await expect.poll(() => page.getByRole('group', { name: name! }).getByText('master', { exact: true }).count()).toBe(1)
    }
    await expect.poll(() => page.getByText(`Port ${basePort} was taken; using`).count()).toBeGreaterThan(0)
  })

  test('SET k v then GET k in a console prints "v", as redis-cli does', async () => {
    const first = page.getByRole('group', { name: /^node 127\.0\.0\.1:\d+$/ }).first()
    const address = (await first.getAttribute('aria-label'))!.replace('node ', '')
    await first.getByRole('button', { name: 'Open console' }).click()
    const input = page.getByRole('textbox', { name: `Command for ${address}` })
    const log = page.getByRole('log', { name: `Output of ${address}` })
    await input.fill('SET k v')
    await input.press('Enter')
    await expect.poll(() => log.innerText()).toContain('OK')
    await input.fill('GET k')
    await input.press('Enter')
    await expect.poll(() => log.innerText()).toContain('"v"')
    await input.fill('GET missing')
    await input.press('Enter')
    await expect.poll(() => log.innerText()).toContain('(nil)')
    await input.fill('FOO bar')
    await input.press('Enter')
    await expect.poll(() => log.innerText()).toContain("(error) ERR unknown command 'FOO', with args beginning with: 'bar'")
    // The key count on the card follows the write.
    await expect.poll(() => first.innerText(), { timeout: 5_000 }).toMatch(/\b1 key\b/)
    // Help, hints and completion come from the node's own COMMAND DOCS, as redis-cli shows them.
    await input.fill('help set')
    await input.press('Enter')
    await expect.poll(() => log.innerText()).toContain('SET key value [NX|XX] [GET]')
    await expect.poll(() => log.innerText()).toContain('summary: Set the string value of a key')
    await input.fill('get ')
    await expect.poll(() => page.getByTestId('hint').first().innerText()).toBe('key')
    await input.fill('dbsi')
    await input.press('Tab')
    await expect.poll(() => input.inputValue()).toBe('DBSIZE')
    await input.fill('FOO bar')
    await input.press('Enter')
    // History: Up recalls the previous command.
    await input.press('ArrowUp')
    await expect.poll(() => input.inputValue()).toBe('FOO bar')
    await page.screenshot({ path: join(SHOTS, 'web-first-launch-console.png') })
  })

  test('Stop and Start a node from its card', async () => {
    const last = page.getByRole('group', { name: /^node 127\.0\.0\.1:\d+$/ }).last()
    // Lifecycle steps get the 10 s the other lifecycle polls have: a loaded CI machine took
    // longer than the 1 s default to report a node running again.
    const LIFECYCLE = { timeout: 10_000 }
    await last.getByRole('button', { name: 'Stop' }).click()
    await expect.poll(() => last.innerText(), LIFECYCLE).toContain('stopped')
    await expect.poll(() => last.getByRole('button', { name: 'Start' }).isEnabled(), LIFECYCLE).toBe(true)
    await last.getByRole('button', { name: 'Start' }).click()
    await expect.poll(() => last.innerText(), LIFECYCLE).toContain('running')
  })

  test('Add node starts a fourth master on the next free port', async () => {
    await page.getByRole('button', { name: 'Add node' }).click()
    const cards = page.getByRole('group', { name: /^node 127\.0\.0\.1:\d+$/ })
    await expect.poll(() => cards.count(), { timeout: 10_000 }).toBe(4)
    await expect.poll(() => cards.last().innerText(), { timeout: 10_000 }).toContain('running')
  })
})

describe('web mode keeps its lab in the data folder', () => {
  test('a second run restores the same nodes on the same ports', async () => {
    const dataDir = tempDir()
    const basePort = await freePort()
    const first = await startWebMode({ dataDir, basePort })
    const browser = await launchChromium()
    try {
      const page = await browser.newPage()
      await page.goto(first.url)
      const cards = page.getByRole('group', { name: /^node 127\.0\.0\.1:\d+$/ })
      await expect.poll(() => cards.count(), { timeout: 10_000 }).toBe(3)
      const before = await cards.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')))
      expect(await first.stop()).toBe(0)

      const second = await startWebMode({ dataDir, basePort })
      try {
        await page.goto(second.url)
        await expect.poll(() => cards.count(), { timeout: 10_000 }).toBe(3)
        const after = await cards.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')))
        expect(after).toEqual(before)
      } finally {
        await second.stop()
      }
    } finally {
      await browser.close()
    }
  })
})
