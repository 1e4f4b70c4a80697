/**
 * The console in the real UI (web mode, headless Chromium): Tab completion and grey hints
 * as redis-cli 7.0 shows them, `help`, and MONITOR / SUBSCRIBE streaming until stopped,
 * with the other side played by a real redis-cli.
 */
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import type { Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { openLabPage, type LabPage } from '../helpers/e2e-lab'

async function redisCli(port: number, ...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)('redis-cli', ['-p', String(port), ...args], { encoding: 'utf8' })
  return stdout
}

/** What redis-cli prints for a line typed at its prompt (stdin, no colours). */
function redisCliTyped(port: number, line: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile('redis-cli', ['-p', String(port)], { encoding: 'utf8' }, (err, stdout) => (err ? reject(err) : resolve(stdout)))
    child.stdin!.end(line + '\n')
  })
}

describe('console: completion, hints, help and streaming', () => {
  let lab: LabPage
  let page: Page
  let ports: number[]

  const card = (port: number): Locator => page.getByRole('group', { name: `node 127.0.0.1:${port}` })
  const input = (port: number): Locator => page.getByRole('textbox', { name: `Command for 127.0.0.1:${port}` })
  const log = (port: number): Locator => page.getByRole('log', { name: `Output of 127.0.0.1:${port}` })
  const lines = (port: number): Promise<string[]> => log(port).locator('.line').allInnerTexts()

  async function openConsole(port: number): Promise<void> {
    if ((await input(port).count()) === 0) await card(port).getByRole('button', { name: 'Open console' }).click()
    await input(port).waitFor()
  }

  async function type(port: number, line: string): Promise<void> {
    await input(port).fill(line)
    await input(port).press('Enter')
  }

  beforeAll(async () => {
    lab = await openLabPage({ viewport: { width: 1400, height: 900 } })
    ;({ page, ports } = lab)
  })

  afterAll(async () => {
    await lab?.close()
  })

  test('Tab completes commands and subcommands as redis-cli does', async () => {
    const [a] = ports as [number]
    await openConsole(a)
    const box = input(a)
    await box.fill('CONF')
    // Completion needs the node's COMMAND DOCS: retry the first Tab until they are in.
    await expect.poll(async () => {
      await box.fill('CONF')
      await box.press('Tab')
      return box.inputValue()
    }).toBe('CONFIG')
    // redis-cli 7.0 (linenoise): each Tab shows the next match, after the last the typed text.
    await box.press('Tab')
    expect(await box.inputValue()).toBe('CONFIG GET')
    await box.press('Tab')
    expect(await box.inputValue()).toBe('CONFIG HELP')
    await box.fill('CONFIG G')
    await box.press('Tab')
    expect(await box.inputValue()).toBe('CONFIG GET')
    await box.press('Tab')
    expect(await box.inputValue()).toBe('CONFIG G')
    await box.fill('config re')
    await box.press('Tab')
    expect(await box.inputValue()).toBe('CONFIG RESETSTAT')
    await box.press('Tab')
    expect(await box.inputValue()).toBe('CONFIG REWRITE')
    await box.fill('')
  })

  test('a grey hint follows the typed text, as redis-cli shows it', async () => {
    const [a] = ports as [number]
    await openConsole(a)
    const hint = log(a).locator('xpath=ancestor::section[contains(@class, "node-console")]').getByTestId('hint')
    await input(a).fill('SET k ')
    await expect.poll(() => hint.innerText()).toBe('value [NX|XX] [GET] [EX seconds|PX milliseconds|EXAT unix-time-seconds|PXAT unix-time-milliseconds|KEEPTTL]')
    await input(a).fill('set k v nx ')
    await expect.poll(() => hint.innerText()).toBe('[NX|XX] [GET] [EX seconds|PX milliseconds|EXAT unix-time-seconds|PXAT unix-time-milliseconds|KEEPTTL]')
    await input(a).fill('SLAVEOF')
    await expect.poll(() => hint.innerText()).toBe(' host port|NO ONE')
    await input(a).fill('')
    await expect.poll(() => hint.innerText()).toBe('')
  })

  test('help SET prints what redis-cli prints', async () => {
    const [a] = ports as [number]
    await openConsole(a)
    await type(a, 'help SET')
    // Without its colours and the terminal's carriage returns.
    const expected = (await redisCliTyped(a, 'help SET'))
      .replace(/\x1b\[[0-9;]*m/g, '')
      .replace(/\r/g, '')
      .replace(/^\n+|\n+$/g, '')
    expect(expected).toContain('summary: Set the string value of a key')
    await expect.poll(async () => (await lines(a)).slice(-2)).toEqual([`127.0.0.1:${a}> help SET`, expected])
    await type(a, 'clear')
    await expect.poll(() => lines(a)).toEqual([])
  })

  test('SUBSCRIBE streams messages published elsewhere until Stop; then the console works again', async () => {
    const [, b] = ports as [number, number]
    await openConsole(b)
    await type(b, 'SUBSCRIBE news sport')
    await expect.poll(() => lines(b)).toEqual([
      `127.0.0.1:${b}> SUBSCRIBE news sport`,
      'Reading messages... (press Ctrl-C to quit)',
      '1) "subscribe"\n2) "news"\n3) (integer) 1',
      '1) "subscribe"\n2) "sport"\n3) (integer) 2'
    ])
    expect(await redisCli(b, 'PUBLISH', 'news', 'hello world')).toBe('1\n')
    await expect.poll(async () => (await lines(b)).at(-1)).toBe('1) "message"\n2) "news"\n3) "hello world"')
    // While it streams, typed lines are not sent (as redis-cli reads messages only).
    expect(await input(b).getAttribute('readonly')).not.toBeNull()
    await page.getByRole('button', { name: `Stop streaming on 127.0.0.1:${b}` }).click()
    await expect.poll(async () => (await lines(b)).at(-1)).toMatch(/^\^C(\(\d+\.\d\ds\))?$/)
    expect(await page.getByRole('button', { name: `Stop streaming on 127.0.0.1:${b}` }).count()).toBe(0)
    // The server saw the connection go: nobody listens on the channel any more.
    await expect.poll(() => redisCli(b, 'PUBLISH', 'news', 'again')).toBe('0\n')
    await type(b, 'PING')
    await expect.poll(async () => (await lines(b)).slice(-2)).toEqual([`127.0.0.1:${b}> PING`, 'PONG'])
  })

  test('MONITOR shows a command run elsewhere; Ctrl+C ends it', async () => {
    const [, , c] = ports as [number, number, number]
    await openConsole(c)
    await type(c, 'MONITOR')
    await expect.poll(async () => (await lines(c)).slice(-2)).toEqual([`127.0.0.1:${c}> MONITOR`, 'OK'])
    await redisCli(c, 'SET', 'from-elsewhere', 'a b')
    await expect
      .poll(async () => (await lines(c)).at(-1))
      .toMatch(/^\d+\.\d{6} \[0 127\.0\.0\.1:\d+\] "SET" "from-elsewhere" "a b"$/)
    await input(c).press('Control+c')
    await expect.poll(async () => (await lines(c)).at(-1)).toMatch(/^\^C(\(\d+\.\d\ds\))?$/)
    await type(c, 'GET from-elsewhere')
    await expect.poll(async () => (await lines(c)).slice(-2)).toEqual([`127.0.0.1:${c}> GET from-elsewhere`, '"a b"'])
    // Nothing else was printed after the stop: the MONITOR connection is gone.
    await redisCli(c, 'PING')
    await new Promise((r) => setTimeout(r, 300))
    expect((await lines(c)).at(-1)).toBe('"a b"')
  })

  test('errors are printed in red', async () => {
    const [a] = ports as [number]
    await openConsole(a)
    await type(a, 'NOSUCHCMD x')
    const last = log(a).locator('.line').last()
    await expect.poll(() => last.innerText()).toBe("(error) ERR unknown command 'NOSUCHCMD', with args beginning with: 'x' ")
    expect(await last.evaluate((el) => getComputedStyle(el).color)).toMatch(/^rgb\((1[5-9]\d|2\d\d), \d{1,2}, \d{1,2}\)$/)
  })
})
