/**
 * Servers on another machine, through the real UI in Chromium. Two real redis-servers listen
 * on this machine's eth0 address (not loopback, so the lab treats them as remote): a master
 * and its replica, added with "Connect to server…". Promote, Replicate from… and FLUSHALL
 * typed in a console ask first naming the server, and Cancel sends nothing; on loopback
 * nothing asks. The graph's edge cuts a real replica's link with CLIENT KILL TYPE master, as
 * its card does, and the toolbar disables what the node's engine cannot do, with the reason.
 */
import { execFile } from 'node:child_process'
import { networkInterfaces } from 'node:os'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import type { Browser, Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { launchChromium } from '../helpers/chromium'
import { freePort } from '../helpers/ports'
import { startRedisServer, type RealRedis } from '../helpers/redis-server'
import { ROOT, startWebMode, type WebMode } from '../helpers/web-mode'

const SHOTS = join(ROOT, 'test-results')
const SYNC = { timeout: 30_000, interval: 250 }

/** An IPv4 address of this machine that is not loopback (the servers' "remote" address). */
function outsideAddress(): string {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address
  }
  throw new Error('this test needs a non-loopback IPv4 address on the machine')
}

async function cli(host: string, port: number, ...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)('redis-cli', ['-h', host, '-p', String(port), ...args])
  return stdout.trim()
}

describe('web mode in Chromium: remote servers ask first', () => {
  const host = outsideAddress()
  let web: WebMode
  let browser: Browser
  let page: Page
  let m: RealRedis
  let r: RealRedis

  const card = (h: string, port: number): Locator => page.getByRole('group', { name: `node ${h}:${port}` })
  const confirmDialog = (): Locator => page.getByRole('alertdialog')
  const lastCommand = (): Locator => page.getByTestId('command').last()

  async function consoleOf(h: string, port: number): Promise<{ type(line: string): Promise<void>; last(): Promise<string>; count(): Promise<number> }> {
    await card(h, port).getByRole('button', { name: 'Open console' }).click()
    const input = page.getByRole('textbox', { name: `Command for ${h}:${port}` })
    const replies = page.getByRole('log', { name: `Output of ${h}:${port}` }).locator('.line.reply')
    return {
      async type(line) {
        await input.fill(line)
        await input.press('Enter')
      },
      last: () => replies.last().innerText(),
      count: () => replies.count()
    }
  }

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true })
    const bind = ['--bind', '127.0.0.1', host, '--protected-mode', 'no']
    ;[m, r] = await Promise.all([startRedisServer(bind), startRedisServer(bind)])
    await cli(host, r.port, 'REPLICAOF', host, String(m.port))
    web = await startWebMode({ basePort: await freePort() })
    browser = await launchChromium()
    page = await browser.newPage({ viewport: { width: 1500, height: 950 } })
    page.setDefaultTimeout(10_000)
    await page.goto(web.url)
    await page.getByRole('group', { name: /^node 127\.0\.0\.1:\d+$/ }).nth(2).waitFor()

  }, 90_000)

  afterAll(async () => {
    await browser?.close()
    await web?.stop()
    await Promise.all([m?.stop(), r?.stop()])
  })

  test('a replica on a non-loopback address, connected with Connect to server…, is labelled remote; its master is discovered', async () => {
    await page.getByRole('button', { name: 'Connect to server…' }).click()
    const dialog = page.getByRole('dialog', { name: 'Connect to a server' })
    await dialog.getByRole('textbox', { name: 'Host' }).fill(host)
    await dialog.getByRole('textbox', { name: 'Port' }).fill(String(r.port))
    await dialog.getByRole('button', { name: 'Connect' }).click()
    await expect.poll(() => dialog.count()).toBe(0)
    // Discovery adds its master by the address the replica names.
    for (const p of [m.port, r.port]) await expect.poll(() => card(host, p).count(), SYNC).toBe(1)
    await expect.poll(() => card(host, r.port).innerText(), SYNC).toMatch(new RegExp(`replica of\\s+${host.replace(/\./g, '\\.')}:${m.port}\\s+link up`))
    expect(await card(host, r.port).getByTestId('remote').innerText()).toContain('Not on loopback')
  })

  test('Promote on a remote replica asks naming the server; Cancel sends nothing, confirm runs REPLICAOF NO ONE', async () => {
    const commandsBefore = await page.getByTestId('command').count()
    await card(host, r.port).getByRole('button', { name: 'Promote to master' }).click()
    const ask = page.getByRole('alertdialog', { name: `Run REPLICAOF on ${host}:${r.port}?` })
    await expect.poll(() => ask.count()).toBe(1)
    expect(await ask.innerText()).toContain(`${host}:${r.port} is not on loopback (maybe another machine): REPLICAOF makes ${host}:${r.port} a master`)
    expect(await ask.locator('pre').innerText()).toBe(`$ redis-cli -h ${host} -p ${r.port} REPLICAOF NO ONE`)
    await ask.getByRole('button', { name: 'Cancel' }).click()
    await expect.poll(() => ask.count()).toBe(0)
    await new Promise((res) => setTimeout(res, 500))
    expect(await cli(host, r.port, 'ROLE')).toMatch(/^slave/)
    expect(await page.getByTestId('command').count()).toBe(commandsBefore)

    await card(host, r.port).getByRole('button', { name: 'Promote to master' }).click()
    await ask.getByRole('button', { name: 'Run REPLICAOF' }).click()
    await expect.poll(() => lastCommand().innerText()).toBe(`$ redis-cli -h ${host} -p ${r.port} REPLICAOF NO ONE\nOK`)
    expect(await cli(host, r.port, 'ROLE')).toMatch(/^master/)
  })

  test('Replicate from… on a remote server warns in the dialog and asks again naming it before SLAVEOF', async () => {
    await card(host, r.port).getByRole('button', { name: 'Replicate from…' }).click()
    const dialog = page.getByRole('dialog', { name: `Replicate ${host}:${r.port} from…` })
    await dialog.getByRole('radio', { name: `${host}:${m.port}` }).check()
    expect(await dialog.getByTestId('remote-warning').innerText()).toContain(
      `${host}:${r.port} is not on loopback (maybe another machine): SLAVEOF makes ${host}:${r.port} a replica of ${host}:${m.port}`
    )
    await dialog.getByRole('button', { name: 'Run SLAVEOF' }).click()
    const ask = page.getByRole('alertdialog', { name: `Run SLAVEOF on ${host}:${r.port}?` })
    await expect.poll(() => ask.count()).toBe(1)
    expect(await ask.locator('pre').innerText()).toBe(`$ redis-cli -h ${host} -p ${r.port} SLAVEOF ${host} ${m.port}`)
    await ask.getByRole('button', { name: 'Cancel' }).click()
    await new Promise((res) => setTimeout(res, 500))
    expect(await cli(host, r.port, 'ROLE')).toMatch(/^master/)

    await card(host, r.port).getByRole('button', { name: 'Replicate from…' }).click()
    await dialog.getByRole('radio', { name: `${host}:${m.port}` }).check()
    await dialog.getByRole('button', { name: 'Run SLAVEOF' }).click()
    await ask.getByRole('button', { name: 'Run SLAVEOF' }).click()
    await expect.poll(() => lastCommand().innerText()).toBe(`$ redis-cli -h ${host} -p ${r.port} SLAVEOF ${host} ${m.port}\nOK`)
    await expect.poll(() => cli(host, r.port, 'ROLE'), SYNC).toMatch(/^slave/)
    await expect.poll(() => card(host, r.port).innerText(), SYNC).toMatch(/link up/)
  })

  test('FLUSHALL typed at a remote server asks first; on loopback it runs at once', async () => {
    await cli(host, m.port, 'SET', 'precious', 'data')
    const c = await consoleOf(host, m.port)
    let before = await c.count()
    await c.type('FLUSHALL')
    const ask = page.getByRole('alertdialog', { name: `Run FLUSHALL on ${host}:${m.port}?` })
    await expect.poll(() => ask.count()).toBe(1)
    expect(await ask.innerText()).toContain(`FLUSHALL deletes every key in every database of ${host}:${m.port}`)
    await page.screenshot({ path: join(SHOTS, 'remote-flushall-confirm.png') })
    await ask.getByRole('button', { name: 'Cancel' }).click()
    await expect.poll(() => c.count()).toBe(before + 1)
    expect(await c.last()).toBe(`(cancelled: not sent to ${host}:${m.port})`)
    expect(await cli(host, m.port, 'GET', 'precious')).toBe('data')

    before = await c.count()
    await c.type('flushall')
    await ask.getByRole('button', { name: 'Run FLUSHALL' }).click()
    await expect.poll(() => c.count()).toBe(before + 1)
    expect(await c.last()).toBe('OK')
    expect(await cli(host, m.port, 'DBSIZE')).toBe('0')

    // A harmless command on the same remote server does not ask.
    before = await c.count()
    await c.type('SET k v')
    await expect.poll(() => c.count()).toBe(before + 1)
    expect(await c.last()).toBe('OK')
    expect(await confirmDialog().count()).toBe(0)

    // On loopback the lab is a sandbox: FLUSHALL runs at once.
    const local = await page.getByRole('group', { name: /^node 127\.0\.0\.1:\d+$/ }).first().getAttribute('aria-label')
    const localPort = Number(local!.split(':')[1])
    await cli('127.0.0.1', localPort, 'SET', 'x', '1')
    const lc = await consoleOf('127.0.0.1', localPort)
    before = await lc.count()
    await lc.type('FLUSHALL')
    await expect.poll(() => lc.count()).toBe(before + 1)
    expect(await lc.last()).toBe('OK')
    expect(await confirmDialog().count()).toBe(0)
    expect(await cli('127.0.0.1', localPort, 'DBSIZE')).toBe('0')
  })

  test("the edge's Cut link on a real replica is CLIENT KILL TYPE master, shown as that command", async () => {
    const edge = page.getByRole('group', { name: `link ${host}:${m.port} → ${host}:${r.port}` })
    const cut = edge.getByRole('button', { name: 'Cut link' })
    expect(await cut.getAttribute('title')).toBe(
      `$ redis-cli -h ${host} -p ${r.port} CLIENT KILL TYPE master: a transient cut, not a partition (the replica reconnects by itself, usually with a partial resync)`
    )
    const syncsBefore = Number(/sync_partial_ok:(\d+)/.exec(await cli(host, m.port, 'INFO', 'stats'))![1])
    await cut.click()
    await expect.poll(() => lastCommand().innerText()).toBe(
      `$ redis-cli -h ${host} -p ${r.port} CLIENT KILL TYPE master\nlink killed: a transient cut, the replica reconnects by itself`
    )
    // The replica really lost its link and came back with a partial resync from its master.
    await expect.poll(async () => Number(/sync_partial_ok:(\d+)/.exec(await cli(host, m.port, 'INFO', 'stats'))![1]), SYNC).toBe(syncsBefore + 1)
    await expect
      .poll(() => page.getByRole('list', { name: 'Notices' }).getByText(new RegExp(`Cut ${host.replace(/\./g, '\\.')}:${r.port}'s link with CLIENT KILL TYPE master`)).count())
      .toBeGreaterThan(0)
    // Not the lab's network fault: no "network fault made by the lab" line was recorded.
    expect(await page.getByTestId('command').allInnerTexts()).not.toContainEqual(expect.stringContaining('network fault made by the lab'))
  })

  test("the toolbar disables what the selected node's engine cannot do, with the reason as tooltip", async () => {
    await card(host, m.port).locator('header').click()
    const toolbar = page.getByRole('toolbar', { name: 'Topology tools' })
    await expect.poll(() => toolbar.innerText()).toContain(`${host}:${m.port}`)
    for (const name of ['Start', 'Stop', 'Restart', 'Crash']) {
      const button = toolbar.getByRole('button', { name, exact: true })
      expect(await button.isDisabled(), name).toBe(true)
      expect(await button.getAttribute('title'), name).toMatch(/^not started by this lab/)
    }
    expect(await toolbar.getByRole('button', { name: 'Disconnect' }).isEnabled()).toBe(true)
    // An embedded node: the same buttons follow its status only.
    await page.getByRole('group', { name: /^node 127\.0\.0\.1:\d+$/ }).first().locator('header').click()
    await expect.poll(() => toolbar.getByRole('button', { name: 'Stop', exact: true }).isEnabled()).toBe(true)
    expect(await toolbar.getByRole('button', { name: 'Stop', exact: true }).getAttribute('title')).toBeNull()
    expect(await toolbar.getByRole('button', { name: 'Remove' }).isEnabled()).toBe(true)
    await page.screenshot({ path: join(SHOTS, 'remote-toolbar.png') })
  })

  test('the Scenarios menu says which engine the nodes a preset adds will run', async () => {
    await page.getByRole('button', { name: /Scenarios/ }).click()
    expect(await page.getByTestId('preset-engine').innerText()).toBe("Nodes a preset adds: embedded (the header's Engine)")
    await page.screenshot({ path: join(SHOTS, 'scenario-menu-engine.png') })
    await page.keyboard.press('Escape')
  })
})
