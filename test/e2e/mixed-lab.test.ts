/**
 * A mixed lab built through the UI in Chromium: a real redis-server master (engine chosen in
 * the header) with two embedded replicas, writes, DEBUG DIGEST equal on all three; then a
 * server the lab did not start, connected with "Connect to server…" and its tree discovered.
 */
import { join } from 'node:path'
import type { Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { SHOTS, nodeCards, openLabPage, openNodeConsole, portsOf, settleCards, shotsDir, type LabPage, type NodeConsole } from '../helpers/e2e-lab'
import { freePort } from '../helpers/ports'
import { startRedisServer, type RealRedis } from '../helpers/redis-server'
const SYNC = { timeout: 30_000, interval: 250 }

describe('web mode in Chromium: real and embedded nodes side by side', () => {
  let lab: LabPage
  let page: Page
  let embedded: number[]
  const servers: RealRedis[] = []

  const card = (port: number): Locator => page.getByRole('group', { name: `node 127.0.0.1:${port}` })
  const cards = (): Locator => nodeCards(page)
  const lastCommand = (): Locator => page.getByTestId('command').last()

  const consoleOf = (port: number): Promise<NodeConsole> => openNodeConsole(page, port)
  const settle = (): Promise<void> => settleCards(page, { orThrow: false })

  beforeAll(async () => {
    shotsDir()
    lab = await openLabPage({ viewport: { width: 1500, height: 950 } })
    ;({ page, ports: embedded } = lab)
    await settle()
  }, 60_000)

  afterAll(async () => {
    await lab?.close()
    await Promise.all(servers.map((s) => s.stop()))
  })

  test('Add node with engine "real redis-server" starts a real process, badged "real"', async () => {
    const engine = page.getByRole('combobox', { name: 'Engine for new nodes' })
    const options = await engine.locator('option').allInnerTexts()
    expect(options[0]).toBe('embedded')
    expect(options[1]).toMatch(/^real redis-server \d+\.\d+\.\d+$/)
    await engine.selectOption('redis-server')
    await page.getByRole('button', { name: 'Add node' }).click()
    await expect.poll(() => cards().count(), SYNC).toBe(4)
    const [real] = (await portsOf(cards())).filter((p) => !embedded.includes(p))
    await expect.poll(() => card(real!).getByTestId('engine').innerText()).toBe('REAL')
    await expect.poll(() => card(real!).locator('.status').innerText(), SYNC).toContain('running')
    for (const p of embedded) expect(await card(p).getByTestId('engine').count()).toBe(0)
    // Its console answers as the real server: INFO server names the binary.
    const c = await consoleOf(real!)
    expect(await c.ask('INFO server')).toMatch(/executable:\/usr\/bin\/redis-server/)
    await engine.selectOption('embedded')
  })

  test('two embedded replicas of the real master; writes; DEBUG DIGEST equal on all three', async () => {
    const [real] = (await portsOf(cards())).filter((p) => !embedded.includes(p)) as [number]
    const [r1, r2] = embedded as [number, number, number]
    await settle()
    const master = await consoleOf(real)
    // The lesson need not wait Redis's 5 s diskless-sync delay.
    expect(await master.ask('CONFIG SET repl-diskless-sync-delay 0')).toBe('OK')
    for (const r of [r1, r2]) {
      await card(r).getByRole('button', { name: 'Replicate from…' }).click()
      const dialog = page.getByRole('dialog', { name: `Replicate 127.0.0.1:${r} from…` })
      await dialog.getByRole('radio', { name: `127.0.0.1:${real}` }).check()
      await dialog.getByRole('button', { name: 'Run SLAVEOF' }).click()
      await expect.poll(() => lastCommand().innerText()).toBe(`$ redis-cli -p ${r} SLAVEOF 127.0.0.1 ${real}\nOK`)
    }
    for (let i = 0; i < 20; i++) expect(await master.ask(`SET key:${i} "value ${i}"`)).toBe('OK')
    expect(await master.ask('RPUSH list a b c')).toBe('(integer) 3')
    expect(await master.ask('HSET hash f1 v1 f2 v2')).toBe('(integer) 2')
    for (const r of [r1, r2]) await expect.poll(() => card(r).innerText(), SYNC).toMatch(/replica of\s+127\.0\.0\.1:\d+\s+link up/)
    // The real master's card lists what it reports: keys and its two replicas' links drawn as edges.
    await expect.poll(() => card(real).innerText(), SYNC).toContain('22 keys')
    await expect.poll(() => page.locator('.vue-flow__edge.link-up').count(), SYNC).toBe(2)

    const digest = (await master.ask('DEBUG DIGEST')).replace(/"/g, '')
    expect(digest).toMatch(/^[0-9a-f]{40}$/)
    expect(digest).not.toBe('0'.repeat(40))
    for (const r of [r1, r2]) {
      const replica = await consoleOf(r)
      await expect.poll(async () => (await replica.ask('DEBUG DIGEST')).replace(/"/g, ''), SYNC).toBe(digest)
    }
    await page.screenshot({ path: join(SHOTS, 'mixed-lab-real-master.png') })
  })

  test('Connect to server… adds a server the lab did not start and discovers its replica; start and crash are disabled with the reason', async () => {
    const [m, r] = await Promise.all([startRedisServer(), startRedisServer()])
    servers.push(m, r)
    const { execFile } = await import('node:child_process')
    const { promisify } = await import('node:util')
    await promisify(execFile)('redis-cli', ['-p', String(r.port), 'REPLICAOF', '127.0.0.1', String(m.port)])

    await page.getByRole('button', { name: 'Connect to server…' }).click()
    const dialog = page.getByRole('dialog', { name: 'Connect to a server' })
    await dialog.getByRole('textbox', { name: 'Port' }).fill('99999')
    await dialog.getByRole('button', { name: 'Connect' }).click()
    await expect.poll(() => dialog.getByRole('alert').innerText()).toBe('Port must be a whole number from 1 to 65535.')
    // A server that refuses: the reason, and the dialog stays.
    const closed = await freePort()
    await dialog.getByRole('textbox', { name: 'Port' }).fill(String(closed))
    await dialog.getByRole('button', { name: 'Connect' }).click()
    await expect.poll(() => dialog.getByRole('alert').innerText()).toBe(`Could not connect to Redis at 127.0.0.1:${closed}: Connection refused`)

    await dialog.getByRole('textbox', { name: 'Port' }).fill(String(m.port))
    await dialog.getByRole('button', { name: 'Connect' }).click()
    await expect.poll(() => dialog.count()).toBe(0)
    // Discovery follows the master's slave0 line to its replica: both are on the graph.
    for (const p of [m.port, r.port]) {
      await expect.poll(() => card(p).count(), SYNC).toBe(1)
      await expect.poll(() => card(p).getByTestId('engine').innerText()).toBe('EXTERNAL')
    }
    await expect.poll(() => card(r.port).innerText(), SYNC).toMatch(new RegExp(`replica of\\s+127\\.0\\.0\\.1:${m.port}\\s+link up`))
    const start = card(m.port).getByRole('button', { name: 'Start' })
    expect(await start.isDisabled()).toBe(true)
    expect(await start.getAttribute('title')).toMatch(/^not started by this lab/)
    expect(await card(m.port).getByRole('button', { name: 'Stop' }).isDisabled()).toBe(true)
    await card(m.port).getByRole('button', { name: `More actions for 127.0.0.1:${m.port}` }).click()
    const menu = card(m.port).getByRole('menu', { name: `Actions for 127.0.0.1:${m.port}` })
    expect(await menu.getByRole('menuitem', { name: 'Crash' }).isDisabled()).toBe(true)
    expect(await menu.getByRole('menuitem', { name: 'Crash' }).getAttribute('title')).toMatch(/^not started by this lab/)
    expect(await card(m.port).innerText()).toContain('Start, stop, restart, crash disabled: not started by this lab')
    await page.screenshot({ path: join(SHOTS, 'mixed-lab-external.png') })

    // Cut link on the external replica: CLIENT KILL TYPE master, announced as a transient cut.
    await card(r.port).getByRole('button', { name: `More actions for 127.0.0.1:${r.port}` }).click()
    const faults = card(r.port).getByRole('group', { name: `Link faults for 127.0.0.1:${r.port}` })
    expect(await faults.getByRole('spinbutton', { name: `Link latency in ms for 127.0.0.1:${r.port}` }).isDisabled()).toBe(true)
    await faults.getByRole('button', { name: 'Cut link' }).click()
    // In the notices (and the timeline, which records notices too).
    await expect.poll(() => page.getByRole('list', { name: 'Notices' }).getByText(/Cut 127\.0\.0\.1:\d+'s link with CLIENT KILL TYPE master: a transient cut, not a partition/).count()).toBe(1)
    await card(r.port).getByRole('button', { name: `More actions for 127.0.0.1:${r.port}` }).click()

    // Disconnect: the lab lets go, the server keeps running.
    await menu.getByRole('menuitem', { name: 'Disconnect' }).click()
    await page.getByRole('alertdialog', { name: `Disconnect 127.0.0.1:${m.port}?` }).getByRole('button', { name: 'Disconnect' }).click()
    await expect.poll(() => card(m.port).count()).toBe(0)
    const { stdout } = await promisify(execFile)('redis-cli', ['-p', String(m.port), 'PING'])
    expect(stdout.trim()).toBe('PONG')
  })
})
