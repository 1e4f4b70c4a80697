import { join } from 'node:path'
import type { Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { SHOTS, openLabPage, openNodeConsole, shotsDir, type LabPage, type NodeConsole } from '../helpers/e2e-lab'
/** A full sync waits repl-diskless-sync-delay (5 s, Redis's default) before it starts. */
const SYNC_TIMEOUT = 30_000

describe('the inspector in Chromium (web mode): a node looked at closely, from the real lab', () => {
  let lab: LabPage
  let page: Page
  let ports: number[]
  const consoles = new Map<number, NodeConsole>()

  const card = (port: number): Locator => page.getByRole('group', { name: `node 127.0.0.1:${port}` })
  const inspector = (port: number): Locator => page.getByRole('complementary', { name: `Inspector of 127.0.0.1:${port}` })
  const tab = (name: string): Locator => page.getByRole('tablist', { name: 'Inspector views' }).getByRole('tab', { name })

  /** A node's console, opened once (a second click on its card's button would close it). */
  async function consoleOf(port: number): Promise<NodeConsole> {
    const open = consoles.get(port)
    if (open) return open
    const c = await openNodeConsole(page, port)
    consoles.set(port, c)
    return c
  }

  /** Selects the node on the graph and opens the inspector with the toolbar's Inspect. */
  async function inspect(port: number): Promise<Locator> {
    await card(port).locator('.address').click()
    await page.getByRole('toolbar', { name: 'Topology tools' }).getByRole('button', { name: 'Inspect' }).click()
    await inspector(port).waitFor()
    return inspector(port)
  }

  const infoValue = (port: number, field: string): Promise<string> =>
    page.getByRole('table', { name: `INFO replication of 127.0.0.1:${port}` }).locator(`tr[data-field="${field}"] td`).innerText()

  beforeAll(async () => {
    shotsDir()
    lab = await openLabPage({ viewport: { width: 1440, height: 900 }, settle: true })
    ;({ page, ports } = lab)
  }, 60_000)

  afterAll(async () => {
    await lab?.close()
  })

  test('one master, two replicas, made as a person would: SLAVEOF in each replica\'s console', async () => {
    const [m, r1, r2] = ports as [number, number, number]
    for (const r of [r1, r2]) expect(await (await consoleOf(r)).ask(`SLAVEOF 127.0.0.1 ${m}`)).toBe('OK')
    const links = page.getByRole('list', { name: 'Replication links' }).getByRole('listitem')
    await expect
      .poll(() => links.evaluateAll((els) => els.map((e) => e.getAttribute('data-state'))), { timeout: SYNC_TIMEOUT })
      .toEqual(['up', 'up'])
  })

  test('INFO replication of the master, live: role, connected_slaves, and a changed value lights up after a write', async () => {
    const [m, r1, r2] = ports as [number, number, number]
    await inspect(m)
    expect(await tab('Replication').getAttribute('aria-selected')).toBe('true')
    await expect.poll(() => infoValue(m, 'role')).toBe('master')
    await expect.poll(() => infoValue(m, 'connected_slaves')).toBe('2')
    const slaves = [await infoValue(m, 'slave0'), await infoValue(m, 'slave1')].join(' ')
    expect(slaves).toContain(`port=${r1},state=online`)
    expect(slaves).toContain(`port=${r2},state=online`)
    const offsetRow = page.locator('tr[data-field="master_repl_offset"]')
    const before = Number(await infoValue(m, 'master_repl_offset'))
    // Nothing changes while nothing is written (pings aside, which move the offset only every 10 s).
    await (await consoleOf(m)).ask('SET inspector:write "seen live"')
    await page.locator('tr.changed[data-field="master_repl_offset"]').waitFor({ timeout: 5000 })
    expect(Number(await infoValue(m, 'master_repl_offset'))).toBeGreaterThan(before)
    expect(await offsetRow.locator('td').evaluate((e) => getComputedStyle(e).backgroundColor)).toBe('rgb(254, 240, 138)')
    await page.screenshot({ path: join(SHOTS, 'inspector-replication.png') })
    // Briefly: without further writes the highlight goes at a following refresh.
    await page.locator('tr.changed[data-field="master_repl_offset"]').waitFor({ state: 'detached', timeout: 5000 })

    // A replica's own view, after picking it in the inspector.
    await page.getByRole('combobox', { name: 'Inspected node' }).selectOption({ label: `127.0.0.1:${r1}` })
    await inspector(r1).waitFor()
    await expect.poll(() => infoValue(r1, 'role')).toBe('slave')
    expect(await infoValue(r1, 'master_port')).toBe(String(m))
    await expect.poll(() => infoValue(r1, 'master_link_status')).toBe('up')

    // While open, the inspector follows the node picked on the graph; closed, a double click opens it.
    await card(r2).locator('.address').click()
    await inspector(r2).waitFor()
    await expect.poll(() => infoValue(r2, 'master_port')).toBe(String(m))
    await page.getByRole('button', { name: 'Close inspector' }).click()
    await expect.poll(() => page.getByRole('complementary', { name: /^Inspector of/ }).count()).toBe(0)
    await card(r1).locator('.address').click()
    expect(await page.getByRole('complementary', { name: /^Inspector of/ }).count()).toBe(0)
    await card(m).locator('.address').dblclick()
    await inspector(m).waitFor()
  })

  test('the chart draws master_repl_offset and one series per replica from the pushed offsets', async () => {
    const [m, r1, r2] = ports as [number, number, number]
    await inspect(m)
    await tab('Chart').click()
    const figure = page.getByRole('figure', { name: `Offset chart of 127.0.0.1:${m}` })
    await expect.poll(() => figure.getAttribute('data-series'), { timeout: 10_000 }).toBe('3')
    const labels = await figure.locator('.u-legend .u-series .u-label').evaluateAll((els) => els.map((e) => e.textContent))
    expect(labels).toEqual([`master_repl_offset 127.0.0.1:${m}`, `127.0.0.1:${r1}`, `127.0.0.1:${r2}`])
    // A write moves the master's line, and both replicas' follow it to the same offset.
    const now = page.getByRole('table', { name: 'Offsets now' })
    const offsetOf = async (row: Locator): Promise<number> => Number(await row.locator('td').first().innerText())
    const masterRow = now.locator('tbody tr').first()
    const before = await offsetOf(masterRow)
    await (await consoleOf(m)).ask('INCR inspector:counter')
    await expect.poll(async () => {
      const mo = await offsetOf(masterRow)
      const ro = await Promise.all([r1, r2].map((r) => offsetOf(now.locator(`tr[data-replica="127.0.0.1:${r}"]`))))
      return mo > before && ro.every((o) => o === mo)
    }, { timeout: 10_000 }).toBe(true)
    expect(await now.locator(`tr[data-replica="127.0.0.1:${r1}"] td`).last().innerText()).toBe('0 B')
    // The lines are drawn: the canvas holds pixels of the master's colour.
    const drawn = await figure.locator('canvas').evaluate((c: HTMLCanvasElement) => {
      const ctx = c.getContext('2d')!
      const px = ctx.getImageData(0, 0, c.width, c.height).data
      let master = 0
      for (let i = 0; i < px.length; i += 4) if (px[i] === 0x4f && px[i + 1] === 0x46 && px[i + 2] === 0xe5) master++
      return master
    })
    expect(drawn).toBeGreaterThan(20)
    await page.screenshot({ path: join(SHOTS, 'inspector-chart.png') })
    // A replica is charted with its master: the same picture.
    await page.getByRole('combobox', { name: 'Inspected node' }).selectOption({ label: `127.0.0.1:${r2}` })
    await expect.poll(() => page.getByRole('figure', { name: `Offset chart of 127.0.0.1:${m}` }).getAttribute('data-series')).toBe('3')
  })

  test('the config tab lists CONFIG GET * sorted, with the node\'s port, and filters', async () => {
    const [m] = ports as [number, number, number]
    await inspect(m)
    await tab('Config').click()
    const table = page.getByRole('table', { name: `Config of 127.0.0.1:${m}` })
    await expect.poll(() => table.locator('tr[data-name="port"] td').innerText()).toBe(String(m))
    const names = await table.locator('tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-name')!))
    expect(names.length).toBeGreaterThan(50)
    expect(names).toEqual([...names].sort())
    await page.getByRole('searchbox', { name: 'Filter config' }).fill('repl-diskless')
    await expect.poll(() => table.locator('tr').count()).toBeLessThan(names.length)
    const filtered = await table.locator('tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-name')!))
    expect(filtered).toContain('repl-diskless-sync-delay')
    for (const n of filtered) expect(n).toContain('repl-diskless')
    await page.screenshot({ path: join(SHOTS, 'inspector-config.png') })
  })

  test('the log tab shows the end of the node\'s redis.log, start-up and replication lines', async () => {
    const [m, r1] = ports as [number, number, number]
    await inspect(m)
    await tab('Log').click()
    const log = page.getByRole('log', { name: `Log of 127.0.0.1:${m}` })
    await expect.poll(() => log.innerText()).toContain('Ready to accept connections')
    const text = await log.innerText()
    expect(text).toMatch(new RegExp(`Replica 127\\.0\\.0\\.1:${r1} asks for synchronization`))
    await page.screenshot({ path: join(SHOTS, 'inspector-log.png') })
  })

  test('the key browser: SCAN by pattern and type, per database; a hash\'s fields; edit a string, a TTL; delete after asking', async () => {
    const [m, r1] = ports as [number, number, number]
    const master = await consoleOf(m)
    expect(await master.ask('SET user:1:name alice')).toBe('OK')
    expect(await master.ask('HSET user:1 name alice age 42')).toBe('(integer) 2')
    expect(await master.ask('RPUSH queue a b c')).toBe('(integer) 3')
    expect(await master.ask('SET doomed x')).toBe('OK')
    expect(await master.ask('SELECT 2')).toBe('OK')
    expect(await master.ask('SET in-db-2 yes')).toBe('OK')
    expect(await master.ask('SELECT 0')).toBe('OK')

    await inspect(m)
    await tab('Keys').click()
    const keys = page.getByRole('table', { name: 'Keys found' })
    const listed = (): Promise<string[]> => keys.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-key')!).sort())
    await expect.poll(listed).toEqual(expect.arrayContaining(['doomed', 'queue', 'user:1', 'user:1:name']))
    expect(await listed()).not.toContain('in-db-2')

    const pattern = page.getByRole('textbox', { name: 'Key pattern' })
    const scan = page.getByRole('search', { name: 'Find keys' }).getByRole('button', { name: 'Scan' })
    await pattern.fill('user:*')
    await scan.click()
    await expect.poll(listed).toEqual(['user:1', 'user:1:name'])
    const commands = page.getByTestId('key-command')
    await expect.poll(() => commands.last().innerText()).toContain(`$ redis-cli -p ${m} SCAN 0 MATCH 'user:*' COUNT 100`)
    await page.getByRole('combobox', { name: 'Key type' }).selectOption('hash')
    await scan.click()
    await expect.poll(listed).toEqual(['user:1'])
    expect(await keys.locator('tr[data-key="user:1"] .type').innerText()).toBe('hash')
    await expect.poll(() => commands.last().innerText()).toContain(`SCAN 0 MATCH 'user:*' COUNT 100 TYPE hash`)

    // A hash's fields.
    await keys.getByRole('button', { name: 'user:1', exact: true }).click()
    const fields = page.getByRole('table', { name: 'Hash fields' })
    await expect.poll(() => fields.locator('tbody tr').allInnerTexts()).toEqual(['name\talice', 'age\t42'])
    await expect.poll(() => commands.last().innerText()).toContain(`$ redis-cli -p ${m} HGETALL user:1`)

    // Another database, through the inspector's own connection.
    await page.getByRole('combobox', { name: 'Database' }).selectOption('2')
    await page.getByRole('combobox', { name: 'Key type' }).selectOption('')
    await pattern.fill('*')
    await scan.click()
    await expect.poll(listed).toEqual(['in-db-2'])
    await expect.poll(() => commands.last().innerText()).toContain(`$ redis-cli -p ${m} -n 2 SCAN 0 MATCH '*' COUNT 100`)
    await page.getByRole('combobox', { name: 'Database' }).selectOption('0')
    await expect.poll(listed).toEqual(expect.arrayContaining(['doomed', 'queue', 'user:1', 'user:1:name']))

    // Edit a string: SET … KEEPTTL, seen from the master's console (still on db 0) and a replica's.
    await keys.getByRole('button', { name: 'user:1:name', exact: true }).click()
    const value = page.getByRole('textbox', { name: 'String value' })
    await expect.poll(() => value.inputValue()).toBe('alice')
    await value.fill('bob the builder')
    await page.getByRole('region', { name: 'Key user:1:name' }).getByRole('button', { name: 'Save' }).click()
    await expect.poll(() => commands.allInnerTexts()).toContain(`$ redis-cli -p ${m} SET user:1:name 'bob the builder' KEEPTTL\nOK`)
    expect(await master.ask('GET user:1:name')).toBe('"bob the builder"')
    const replica = await consoleOf(r1)
    await expect.poll(() => replica.ask('GET user:1:name'), { timeout: 10_000 }).toBe('"bob the builder"')

    // A TTL, then back to none.
    const detail = page.getByRole('region', { name: 'Key user:1:name' })
    await detail.getByRole('spinbutton', { name: 'TTL in seconds' }).fill('500')
    await detail.getByRole('button', { name: 'Set TTL' }).click()
    await expect.poll(() => detail.getByTestId('key-ttl').innerText()).toMatch(/^(499|500) s$/)
    expect(Number(await master.ask('TTL user:1:name').then((t) => t.replace('(integer) ', '')))).toBeGreaterThan(490)
    await page.screenshot({ path: join(SHOTS, 'inspector-keys.png') })
    await detail.getByRole('button', { name: 'Persist' }).click()
    await expect.poll(() => detail.getByTestId('key-ttl').innerText()).toBe('no expiry')
    expect(await master.ask('TTL user:1:name')).toBe('(integer) -1')

    // Delete asks first; Cancel keeps the key, Delete removes it.
    await keys.getByRole('button', { name: 'doomed', exact: true }).click()
    const doomed = page.getByRole('region', { name: 'Key doomed' })
    await doomed.getByRole('button', { name: 'Delete' }).click()
    const ask = page.getByRole('alertdialog', { name: 'Delete doomed?' })
    expect(await ask.locator('.command').innerText()).toBe(`$ redis-cli -p ${m} DEL doomed`)
    await ask.getByRole('button', { name: 'Cancel' }).click()
    expect(await master.ask('EXISTS doomed')).toBe('(integer) 1')
    await doomed.getByRole('button', { name: 'Delete' }).click()
    await ask.getByRole('button', { name: 'Delete' }).click()
    await expect.poll(listed).not.toContain('doomed')
    expect(await master.ask('EXISTS doomed')).toBe('(integer) 0')

    // A big collection is shown bounded, and says so.
    const elements = Array.from({ length: 300 }, (_, i) => `e${i}`)
    expect(await master.ask(`RPUSH big ${elements.join(' ')}`)).toBe('(integer) 300')
    await pattern.fill('big')
    await scan.click()
    await expect.poll(listed).toEqual(['big'])
    await keys.getByRole('button', { name: 'big', exact: true }).click()
    const big = page.getByRole('region', { name: 'Key big' })
    await expect.poll(() => big.getByRole('note').innerText()).toBe('Showing the first 200 of 300 elements.')
    const items = big.getByRole('list', { name: 'List elements' }).getByRole('listitem')
    expect(await items.count()).toBe(200)
    expect(await items.last().innerText()).toBe('e199')
    expect(await commands.last().innerText()).toContain(`$ redis-cli -p ${m} LRANGE big 0 199`)
  })
})
