/** What the e2e tests share: the app in web mode opened in headless Chromium, and its nodes' cards and consoles. */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Locator, Page } from 'playwright-core'
import { expect } from 'vitest'
import { launchChromium } from './chromium'
import { freePort } from './ports'
import { ROOT, startWebMode, type WebMode } from './web-mode'

/** Where the e2e tests put their screenshots (made on first use). */
export const SHOTS = join(ROOT, 'test-results')
export function shotsDir(): string {
  mkdirSync(SHOTS, { recursive: true })
  return SHOTS
}

export interface LabPage {
  web: WebMode
  browser: Browser
  page: Page
  /** The ports of the first launch's three nodes, lowest first. */
  ports: number[]
  close(): Promise<void>
}

/** Every node card on the graph. */
export const nodeCards = (page: Page): Locator => page.getByRole('group', { name: /^node 127\.0\.0\.1:\d+$/ })

export const nodeCard = (page: Page, port: number): Locator => page.getByRole('group', { name: `node 127.0.0.1:${port}` })

/** The ports of the node cards in `list`, lowest first. */
export async function portsOf(list: Locator): Promise<number[]> {
  const names = await list.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')!))
  return names.map((n) => Number(n.split(':')[1])).sort((a, b) => a - b)
}

/**
 * The canvas fits the view once the cards are measured: waits until they stop moving, or a
 * first click can land where a card was a moment ago. `orThrow`: still moving after 9 s fails.
 */
export async function settleCards(page: Page, opts: { orThrow: boolean }): Promise<void> {
  const box = async (): Promise<string> => JSON.stringify(await nodeCards(page).first().boundingBox())
  for (let tries = 0; ; tries++) {
    const before = await box()
    await new Promise((r) => setTimeout(r, 300))
    if (before === (await box())) return
    if (tries === 30) {
      if (opts.orThrow) throw new Error('the cards never stopped moving')
      return
    }
  }
}

/**
 * Starts web mode on free ports, opens it in Chromium at `viewport` and waits for the first
 * launch's three nodes (and, with `settle`, for their cards to stop moving).
 */
export async function openLabPage(opts: { viewport: { width: number; height: number }; settle?: boolean }): Promise<LabPage> {
  const web = await startWebMode({ basePort: await freePort() })
  let browser: Browser | undefined
  const close = async (): Promise<void> => {
    await browser?.close()
    await web.stop()
  }
  try {
    browser = await launchChromium()
    const page = await browser.newPage({ viewport: opts.viewport })
    // Fail an action with Playwright's own message before the test's timeout hides it.
    page.setDefaultTimeout(10_000)
    await page.goto(web.url)
    await nodeCards(page).nth(2).waitFor({ timeout: 10_000 })
    const ports = await portsOf(nodeCards(page))
    if (opts.settle) await settleCards(page, { orThrow: true })
    return { web, browser, page, ports, close }
  } catch (err) {
    await close()
    throw err
  }
}

export interface NodeConsole {
  log: Locator
  /** Runs a line, once the console shows it. */
  run(line: string): Promise<void>
  /** Runs a line and returns its reply, once it is in. */
  ask(line: string): Promise<string>
}

/** Opens a node's console from its card and drives it as a person would. */
export async function openNodeConsole(page: Page, port: number): Promise<NodeConsole> {
  await nodeCard(page, port).getByRole('button', { name: 'Open console' }).click()
  const input = page.getByRole('textbox', { name: `Command for 127.0.0.1:${port}` })
  const log = page.getByRole('log', { name: `Output of 127.0.0.1:${port}` })
  async function run(line: string): Promise<void> {
    const before = await log.locator('.line.command').count()
    await input.fill(line)
    await input.press('Enter')
    await expect.poll(() => log.locator('.line.command').count()).toBe(before + 1)
  }
  async function ask(line: string): Promise<string> {
    const replies = log.locator('.line.reply')
    const before = await replies.count()
    await run(line)
    await expect.poll(() => replies.count()).toBe(before + 1)
    return replies.last().innerText()
  }
  return { log, run, ask }
}
