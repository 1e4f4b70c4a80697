/**
 * The Load panel in Chromium (web mode), against the real lab: a write load started from the
 * UI shows its achieved rate, stops, and the consistency check then says "in sync"; pointed
 * at a replica, the READONLY error is shown and the load stops.
 */
import { join } from 'node:path'
import type { Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { SHOTS, openLabPage, shotsDir, type LabPage } from '../helpers/e2e-lab'
import { redisCli } from '../helpers/lab'

const SYNC_TIMEOUT = 30_000

describe('the Load panel in Chromium (web mode)', () => {
  let lab: LabPage
  let page: Page
  let ports: number[]

  const card = (port: number): Locator => page.getByRole('group', { name: `node 127.0.0.1:${port}` })
  const panel = (port: number): Locator => page.getByRole('complementary', { name: `Load on 127.0.0.1:${port}` })

  async function openLoad(port: number): Promise<Locator> {
    await card(port).locator('.address').click()
    await page.getByRole('toolbar', { name: 'Topology tools' }).getByRole('button', { name: 'Load…' }).click()
    await panel(port).waitFor()
    return panel(port)
  }

  beforeAll(async () => {
    shotsDir()
    lab = await openLabPage({ viewport: { width: 1440, height: 900 }, settle: true })
    ;({ page, ports } = lab)
  }, 60_000)

  afterAll(async () => {
    await lab?.close()
  })

  test('one master, two replicas (SLAVEOF with redis-cli)', async () => {
    const [m, r1, r2] = ports as [number, number, number]
    for (const r of [r1, r2]) expect(await redisCli(r, 'SLAVEOF', '127.0.0.1', String(m))).toBe('OK')
    const links = page.getByRole('list', { name: 'Replication links' }).getByRole('listitem')
    await expect
      .poll(() => links.evaluateAll((els) => els.map((e) => e.getAttribute('data-state'))), { timeout: SYNC_TIMEOUT })
      .toEqual(['up', 'up'])
  }, 60_000)

  test('start a load on the master, see the achieved rate, stop it, check consistency: in sync', async () => {
    const [m, r1, r2] = ports as [number, number, number]
    const p = await openLoad(m)
    await p.getByLabel('Rate (ops/s)').fill('800')
    await p.getByLabel('Keys').fill('200')
    await p.getByLabel('Key prefix').fill('ui:')
    await p.getByRole('checkbox', { name: 'Sorted set (ZADD)' }).uncheck()
    await p.getByRole('button', { name: 'Start load' }).click()
    const rate = p.getByTestId('achieved-rate')
    // The first report can be a partial second; later ones show the rate (generous margins: 2 shared cores).
    await expect.poll(async () => Number((await rate.innerText()).replace(/,/g, '')), { timeout: 10_000 }).toBeGreaterThan(600)
    expect(Number((await rate.innerText()).replace(/,/g, ''))).toBeLessThan(1000)
    expect(await p.getByRole('status', { name: 'Load status' }).innerText()).toMatch(/of 800 · running/)
    expect(await p.getByLabel('Rate (ops/s)').isDisabled()).toBe(true)
    await page.screenshot({ path: join(SHOTS, 'load-running.png') })

    await p.getByRole('button', { name: 'Stop load' }).click()
    await expect.poll(() => p.getByRole('status', { name: 'Load status' }).innerText()).toMatch(/stopped/)
    // What the UI said was written is in the master, and only the chosen types.
    expect(Number(await redisCli(m, 'DBSIZE'))).toBe(200)
    expect(await redisCli(m, 'TYPE', 'ui:hash:3')).toBe('hash')
    expect(await redisCli(m, 'EXISTS', 'ui:zset:5')).toBe('0')

    await p.getByRole('button', { name: 'Check consistency' }).click()
    const report = p.getByRole('region', { name: 'Consistency report' })
    await expect.poll(() => report.getByRole('status').innerText(), { timeout: 20_000 }).toBe('in sync')
    const text = await report.innerText()
    expect(text).toContain(`master 127.0.0.1:${m}`)
    for (const r of [r1, r2]) expect(text).toMatch(new RegExp(`127\\.0\\.0\\.1:${r}\\s+in sync`))
    await page.screenshot({ path: join(SHOTS, 'load-consistency-in-sync.png') })
  }, 60_000)

  test('a replica written to directly shows "diverged by N keys" with the keys', async () => {
    const [m, r1] = ports as [number, number, number]
    expect(await redisCli(r1, 'CONFIG', 'SET', 'replica-read-only', 'no')).toBe('OK')
    expect(await redisCli(r1, 'SET', 'stray:1', 'x')).toBe('OK')
    expect(await redisCli(r1, 'SET', 'stray:2', 'x')).toBe('OK')
    const p = panel(m)
    await p.getByRole('button', { name: 'Check consistency' }).click()
    const report = p.getByRole('region', { name: 'Consistency report' })
    await expect.poll(() => report.getByRole('status').innerText(), { timeout: 20_000 }).toBe('diverged by 2 keys')
    const item = report.getByRole('listitem').filter({ hasText: `127.0.0.1:${r1}` })
    expect(await item.innerText()).toMatch(/only on replica: 2 \((stray:1, stray:2|stray:2, stray:1)\)/)
    expect(await redisCli(r1, 'DEL', 'stray:1', 'stray:2')).toBe('2')
    expect(await redisCli(r1, 'CONFIG', 'SET', 'replica-read-only', 'yes')).toBe('OK')
  }, 60_000)

  test('pointed at a replica, the load stops with the READONLY error', async () => {
    const [, , r2] = ports as [number, number, number]
    const p = await openLoad(r2)
    expect(await p.innerText()).toContain('This node is a replica')
    await p.getByRole('button', { name: 'Start load' }).click()
    await expect.poll(() => p.getByRole('status', { name: 'Load status' }).innerText(), { timeout: 10_000 }).toMatch(
      new RegExp(`Stopped: 127\\.0\\.0\\.1:${r2} answered: READONLY You can't write against a read only replica`)
    )
    expect(await p.getByRole('button', { name: 'Start load' }).isEnabled()).toBe(true)
    expect(await p.getByRole('button', { name: 'Check consistency' }).isDisabled()).toBe(true)
  }, 60_000)
})
