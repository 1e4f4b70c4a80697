/**
 * Language, theme, layout memory and the console's keys in the real UI (web mode, headless
 * Chromium): switch to Simplified Chinese and back, dark theme remembered across a reload,
 * panels remembered, Ctrl+L / Ctrl+R / Ctrl+C / Ctrl+` in a console, all under the app's
 * CSP with no violation (vue-i18n must not need eval).
 */
import { join } from 'node:path'
import type { Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { openLabPage, shotsDir, type LabPage } from '../helpers/e2e-lab'

describe('i18n, themes, layout memory and console keys', () => {
  let lab: LabPage
  let page: Page
  let ports: number[]
  /** CSP violations the page reported, and uncaught errors. */
  const problems: string[] = []

  const card = (port: number): Locator => page.getByRole('group', { name: `node 127.0.0.1:${port}` })
  const language = (): Locator => page.getByRole('combobox', { name: /^(Language|语言)$/ })
  const themeToggle = (): Locator => page.getByRole('button', { name: /^(Dark theme|深色主题)$/ })
  const stored = (key: string): Promise<string | null> => page.evaluate((k) => localStorage.getItem(k), key)
  const shot = (name: string): Promise<Buffer> => page.screenshot({ path: join(shotsDir(), `${name}.png`) })

  async function reload(): Promise<void> {
    await page.reload()
    // The cards' names follow the language the page comes back in.
    await page.getByRole('group', { name: /^(node|节点) 127\.0\.0\.1:\d+$/ }).nth(2).waitFor({ timeout: 10_000 })
  }

  beforeAll(async () => {
    lab = await openLabPage({ viewport: { width: 1400, height: 900 }, settle: true })
    ;({ page, ports } = lab)
    page.on('console', (m) => {
      if (/Content Security Policy|unsafe-eval/i.test(m.text())) problems.push(`console: ${m.text()}`)
    })
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`))
    // From the next load on, the page reports every violation itself too, across reloads.
    await page.exposeFunction('reportCspViolation', (text: string) => problems.push(`violation: ${text}`))
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        void (window as unknown as { reportCspViolation(t: string): Promise<void> }).reportCspViolation(`${e.violatedDirective} ${e.blockedURI}`)
      })
    })
    await reload()
  })

  afterAll(async () => {
    await lab?.close()
  })

  test('English by default; Chinese at run time, rendered, remembered; English again', async () => {
    expect(await language().inputValue()).toBe('en')
    expect(await page.getByRole('button', { name: 'Add node' }).count()).toBe(1)
    const [a] = ports as [number]
    await card(a).getByRole('button', { name: 'Open console' }).click()
    await page.getByRole('textbox', { name: `Command for 127.0.0.1:${a}` }).waitFor()

    await language().selectOption('zh-CN')
    await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe('zh-CN')
    await page.getByRole('button', { name: '添加节点' }).waitFor()
    expect(await page.getByRole('heading', { name: '时间线' }).count()).toBe(1)
    expect(await page.getByRole('button', { name: '场景', exact: true }).count()).toBe(1)
    const zhCard = page.getByRole('group', { name: `节点 127.0.0.1:${a}` })
    expect(await zhCard.getByRole('button', { name: '打开控制台' }).count()).toBe(1)
    expect(await zhCard.getByText('主节点', { exact: true }).count()).toBe(1)
    expect(await page.getByRole('toolbar', { name: '拓扑工具' }).getByRole('button', { name: '适应视图' }).count()).toBe(1)
    // aria-labels follow the locale; Redis's words in the console do not.
    const zhInput = page.getByRole('textbox', { name: `127.0.0.1:${a} 的命令` })
    await zhInput.fill('PING')
    await zhInput.press('Enter')
    const zhLog = page.getByRole('log', { name: `127.0.0.1:${a} 的输出` })
    await expect.poll(() => zhLog.locator('.line.reply').last().innerText()).toBe('PONG')
    expect(await page.getByRole('button', { name: '清空', exact: true }).count()).toBeGreaterThan(0)
    // The lesson's explanations in Chinese, its commands as typed.
    await page.getByRole('button', { name: '场景', exact: true }).click()
    await page.getByRole('menuitem', { name: /^引导教程/ }).click()
    const lesson = page.getByRole('complementary', { name: '经典复制课程' })
    await lesson.waitFor()
    // Three running masters: step 1 is already done, step 2 is current.
    await expect.poll(() => lesson.locator('li[data-step="three-masters"]').getAttribute('aria-label')).toBe('第 1 步：三个服务器，三个主节点（已完成）')
    const current = lesson.locator('li[data-state="current"]')
    expect(await current.getAttribute('data-step')).toBe('b-replicates')
    expect(await current.locator('pre').innerText()).toMatch(/^SLAVEOF 127\.0\.0\.1 \d+ {3}（在 127\.0\.0\.1:\d+ 中）$/)
    expect(await current.locator('.text').innerText()).toContain('SLAVEOF host port（自 Redis 5 起也可写作 REPLICAOF）')
    expect(await current.getByRole('button', { name: '执行' }).count()).toBe(1)
    // Whether the glyphs render (not boxes) is looked at in this screenshot.
    await shot('i18n-light-zh')
    await lesson.getByRole('button', { name: '关闭引导教程' }).click()

    await reload()
    expect(await language().inputValue()).toBe('zh-CN')
    expect(await stored('replication-lab.locale')).toBe('zh-CN')
    await page.getByRole('button', { name: '添加节点' }).waitFor()

    await language().selectOption('en')
    await page.getByRole('button', { name: 'Add node' }).waitFor()
    expect(await page.getByRole('heading', { name: 'Timeline' }).count()).toBe(1)
    expect(await stored('replication-lab.locale')).toBe('en')
  })

  test('the dark theme applies to the whole page and is remembered after a reload', async () => {
    const background = (): Promise<string> => page.evaluate(() => getComputedStyle(document.body).backgroundColor)
    const light = await background()
    expect(await themeToggle().getAttribute('aria-pressed')).toBe('false')
    await themeToggle().click()
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark')
    expect(await background()).not.toBe(light)
    expect(await background()).toBe('rgb(11, 17, 32)')
    expect(await stored('replication-lab.theme')).toBe('dark')

    await reload()
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark')
    expect(await themeToggle().getAttribute('aria-pressed')).toBe('true')
    expect(await background()).toBe('rgb(11, 17, 32)')
    // Cards, consoles, dialogs and the inspector's chart in dark, for the docs and a look.
    const [a, b] = ports as [number, number]
    for (const p of [a, b]) await card(p).getByRole('button', { name: 'Open console' }).click()
    const input = page.getByRole('textbox', { name: `Command for 127.0.0.1:${b}` })
    await input.fill('SET greeting hello')
    await input.press('Enter')
    await input.fill('INCR greeting')
    await input.press('Enter')
    await expect.poll(() => page.getByRole('log', { name: `Output of 127.0.0.1:${b}` }).locator('.line.error').count()).toBe(1)
    await card(a).locator('.address').dblclick()
    await page.getByRole('complementary', { name: `Inspector of 127.0.0.1:${a}` }).waitFor()
    await page.getByRole('tab', { name: 'Chart' }).click()
    await page.waitForTimeout(2500)
    // The graph shrank for the consoles and the inspector and is drawn where it is: it pans by
    // transform and never scrolls (a scrolled graph hid its zoom controls, cut a card off).
    const placed = await page.evaluate(() => {
      const flow = document.querySelector('.vue-flow')!.getBoundingClientRect()
      const controls = document.querySelector('.vue-flow__controls')!.getBoundingClientRect()
      return { left: controls.left - flow.left, below: controls.bottom - flow.bottom }
    })
    expect(placed.left).toBeGreaterThanOrEqual(0)
    expect(placed.below).toBeLessThanOrEqual(0)
    // Whatever asks it to (a click scrolling a button into view, scroll anchoring), it stays put.
    expect(
      await page.evaluate(() => {
        const flow = document.querySelector('.vue-flow')!
        flow.scrollLeft = 500
        flow.scrollTop = 500
        return [flow.scrollLeft, flow.scrollTop]
      })
    ).toEqual([0, 0])
    await shot('i18n-dark-en')
    await page.getByRole('button', { name: 'Connect to server…' }).click()
    const dialog = page.getByRole('dialog', { name: 'Connect to a server' })
    await dialog.getByRole('textbox', { name: 'Host' }).fill('10.0.0.9')
    await shot('i18n-dark-dialog')
    await dialog.getByRole('button', { name: 'Cancel' }).click()
    await language().selectOption('zh-CN')
    await page.getByRole('tab', { name: '图表' }).waitFor()
    await shot('i18n-dark-zh')
    await language().selectOption('en')
    await page.getByRole('button', { name: 'Close inspector' }).click()

    await themeToggle().click()
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('light')
    expect(await background()).toBe(light)
  })

  test('layout: a hidden timeline and resized panels come back after a reload', async () => {
    const timeline = page.getByRole('complementary', { name: 'Timeline' })
    const toggle = page.getByRole('button', { name: 'Timeline', exact: true })
    expect(await timeline.count()).toBe(1)
    const separator = page.getByRole('separator', { name: 'Resize the timeline' })
    const before = Number(await separator.getAttribute('aria-valuenow'))
    await separator.focus()
    for (let i = 0; i < 4; i++) await separator.press('ArrowLeft')
    await expect.poll(async () => Math.round((await timeline.boundingBox())!.width)).toBe(before + 64)

    await reload()
    await expect.poll(async () => Math.round((await timeline.boundingBox())!.width)).toBe(before + 64)
    await toggle.click()
    await expect.poll(() => timeline.count()).toBe(0)
    expect(await toggle.getAttribute('aria-pressed')).toBe('false')

    await reload()
    expect(await timeline.count()).toBe(0)
    expect(JSON.parse((await stored('replication-lab.layout'))!)).toMatchObject({ timeline: false, timelineWidth: before + 64 })
    await toggle.click()
    await timeline.waitFor()

    // The consoles' height, kept as a share of the window.
    const [a] = ports as [number]
    await card(a).getByRole('button', { name: 'Open console' }).click()
    const consoles = page.getByRole('region', { name: 'Consoles' })
    const height = async (): Promise<number> => Math.round((await consoles.boundingBox())!.height)
    const was = await height()
    const handle = page.getByRole('separator', { name: 'Resize the consoles' })
    await handle.focus()
    for (let i = 0; i < 5; i++) await handle.press('ArrowUp')
    await expect.poll(height).toBe(was + 80)
    await reload()
    await card(a).getByRole('button', { name: 'Open console' }).click()
    await expect.poll(height).toBe(was + 80)
  })

  test('console keys: Ctrl+L clears, Ctrl+R searches the history, Ctrl+C drops the line, Ctrl+` moves between consoles', async () => {
    const [a, b] = ports as [number, number]
    const input = (p: number): Locator => page.getByRole('textbox', { name: `Command for 127.0.0.1:${p}` })
    const log = (p: number): Locator => page.getByRole('log', { name: `Output of 127.0.0.1:${p}` })
    for (const p of [a, b]) if ((await input(p).count()) === 0) await card(p).getByRole('button', { name: 'Open console' }).click()
    for (const line of ['SET fruit apple', 'GET fruit', 'SET veg leek']) {
      await input(a).fill(line)
      await input(a).press('Enter')
    }
    await expect.poll(() => log(a).locator('.line.reply').count()).toBeGreaterThanOrEqual(3)

    await input(a).press('Control+l')
    await expect.poll(() => log(a).locator('.line').count()).toBe(0)

    await input(a).fill('fruit')
    await input(a).press('Control+r')
    expect(await input(a).inputValue()).toBe('GET fruit')
    await expect.poll(() => page.getByTestId('history-search').innerText()).toContain('fruit')
    await input(a).press('Control+r')
    expect(await input(a).inputValue()).toBe('SET fruit apple')
    await input(a).press('Escape')
    expect(await input(a).inputValue()).toBe('fruit')
    expect(await page.getByTestId('history-search').count()).toBe(0)

    await input(a).press('Control+c')
    expect(await input(a).inputValue()).toBe('')

    // From anywhere on the page to the first console, then to the next.
    await page.getByRole('heading', { name: 'Timeline' }).click()
    await page.keyboard.press('Control+Backquote')
    const focused = (): Promise<string | null> => page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? null)
    const first = await focused()
    expect([`Command for 127.0.0.1:${a}`, `Command for 127.0.0.1:${b}`]).toContain(first)
    await page.keyboard.press('Control+Backquote')
    const second = await focused()
    expect(second).not.toBe(first)
    expect(second).toMatch(/^Command for 127\.0\.0\.1:\d+$/)

    // The "?" lists the keys.
    await page.getByRole('button', { name: 'Keyboard shortcuts' }).click()
    const help = page.getByRole('dialog', { name: 'Console keyboard shortcuts' })
    expect(await help.innerText()).toContain('Ctrl+L')
    expect(await help.innerText()).toContain('Ctrl+R')
    await help.press('Escape')
    await expect.poll(() => help.count()).toBe(0)
  })

  test('no Content Security Policy violation and no uncaught error along the way', async () => {
    // The check itself works: an inline script, which the CSP forbids, is reported.
    const before = problems.length
    await page.evaluate(() => {
      const script = document.createElement('script')
      script.textContent = 'window.inlineRan = true'
      document.head.appendChild(script)
    })
    await expect.poll(() => problems.slice(before).filter((p) => p.startsWith('violation:')).length).toBeGreaterThan(0)
    expect(await page.evaluate(() => (window as unknown as { inlineRan?: boolean }).inlineRan)).toBeUndefined()
    expect(problems.slice(before).join('\n')).toMatch(/script-src/)
    expect(problems.slice(0, before)).toEqual([])
  })
})
