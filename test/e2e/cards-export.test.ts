import { readFile } from 'node:fs/promises'
import type { Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { openLabPage, openNodeConsole, type LabPage } from '../helpers/e2e-lab'
import { redisCli } from '../helpers/lab'

/** A full sync waits repl-diskless-sync-delay (5 s) before it starts. */
const SYNC_TIMEOUT = 30_000

/** INFO's human bytes (874.56K) back to bytes. */
function fromHuman(text: string): number {
  const m = /^(\d+(?:\.\d+)?)([BKMGTP])$/.exec(text)
  if (!m) throw new Error(`not a used_memory_human figure: ${JSON.stringify(text)}`)
  return Number(m[1]) * 1024 ** 'BKMGTP'.indexOf(m[2]!)
}

describe('node cards (memory, statuses, names), edge pulse and Export image, in Chromium', () => {
  let lab: LabPage
  let page: Page
  let ports: number[]
  const card = (port: number): Locator => page.getByRole('group', { name: `node 127.0.0.1:${port}` })
  const status = (port: number): Promise<string> => card(port).locator('dd.status').innerText()

  beforeAll(async () => {
    lab = await openLabPage({ viewport: { width: 1400, height: 900 }, settle: true })
    ;({ page, ports } = lab)
  })

  afterAll(async () => {
    await lab?.close()
  })

  test('a card is a group named by its address, with role badge, status, memory as INFO reports it, and named buttons', async () => {
    const [m] = ports as [number]
    await expect.poll(() => card(m).locator('.role').innerText()).toBe('master')
    await expect.poll(() => status(m)).toBe('running')
    // The lab samples INFO memory every second: the card shows used_memory_human's form.
    await expect.poll(() => card(m).getByTestId('memory').innerText(), { timeout: 5000 }).toMatch(/^\d+(\.\d{2}[KMGTP])?B?$/)
    const shown = fromHuman(await card(m).getByTestId('memory').innerText())
    const info = Number(/used_memory:(\d+)/.exec(await redisCli(m, 'INFO', 'memory'))![1])
    // The embedded figure is the app's heap, which moves between samples: same order of size.
    expect(shown).toBeGreaterThan(info / 2)
    expect(shown).toBeLessThan(info * 2)
    for (const name of ['Replicate from…', 'Promote to master', 'Stop', 'Start', 'Open console']) {
      expect(await card(m).getByRole('button', { name, exact: true }).count(), name).toBe(1)
    }
    await card(m).getByRole('button', { name: `More actions for 127.0.0.1:${m}` }).click()
    for (const name of ['Restart', 'Crash']) {
      expect(await card(m).getByRole('menuitem', { name, exact: true }).count(), name).toBe(1)
    }
    await card(m).getByRole('button', { name: `More actions for 127.0.0.1:${m}` }).click()
    expect(await page.getByRole('button', { name: 'Add node', exact: true }).count()).toBeGreaterThanOrEqual(1)
  })

  test('a replica in full sync shows syncing, then running; its badge reads replica; Cut link and Heal link are named', async () => {
    const [m, r1] = ports as [number, number]
    await card(r1).getByRole('button', { name: 'Replicate from…' }).click()
    const dialog = page.getByRole('dialog', { name: `Replicate 127.0.0.1:${r1} from…` })
    await dialog.getByRole('radio', { name: `127.0.0.1:${m}` }).check()
    await dialog.getByRole('button', { name: 'Run SLAVEOF' }).click()
    // The master waits 5 s (repl-diskless-sync-delay) before the transfer: the replica is in sync meanwhile.
    await expect.poll(() => status(r1), { timeout: SYNC_TIMEOUT, interval: 100 }).toBe('syncing')
    await expect.poll(() => status(r1), { timeout: SYNC_TIMEOUT }).toBe('running')
    await expect.poll(() => card(r1).locator('.role').innerText()).toBe('replica')

    await card(r1).getByRole('button', { name: `More actions for 127.0.0.1:${r1}` }).click()
    await card(r1).getByRole('button', { name: 'Cut link', exact: true }).click()
    await expect.poll(() => card(r1).getByRole('button', { name: 'Heal link', exact: true }).count()).toBe(1)
    await card(r1).getByRole('button', { name: 'Heal link', exact: true }).click()
    await expect.poll(() => card(r1).getByRole('button', { name: 'Cut link', exact: true }).count()).toBe(1)
    await card(r1).getByRole('button', { name: `More actions for 127.0.0.1:${r1}` }).click()
    await expect.poll(() => page.locator('.vue-flow__edge.link-up').count(), { timeout: SYNC_TIMEOUT }).toBe(1)
  }, 90_000)

  test('a console is a textbox "Command for" and a log "Output of"; a replica refuses writes with READONLY', async () => {
    const [, r1] = ports as [number, number]
    const c = await openNodeConsole(page, r1)
    expect(await page.getByRole('textbox', { name: `Command for 127.0.0.1:${r1}` }).count()).toBe(1)
    expect(await page.getByRole('log', { name: `Output of 127.0.0.1:${r1}` }).count()).toBe(1)
    expect(await c.ask('SET k v')).toMatch(/READONLY/)
  })

  test('the edge pulses while writes flow, and not with reduced motion', async () => {
    const [m] = ports as [number]
    const pulse = page.getByTestId('edge-pulse')
    let writing = true
    const writer = (async () => {
      for (let i = 0; writing; i++) {
        await redisCli(m, 'SET', `pulse:${i % 10}`, String(i))
        await new Promise((r) => setTimeout(r, 100))
      }
    })()
    try {
      await expect.poll(() => pulse.count(), { timeout: 10_000 }).toBe(1)
      expect(await page.getByRole('group', { name: /^link 127\.0\.0\.1:\d+ → / }).getAttribute('data-flowing')).toBe('true')
      const style = (): Promise<{ animation: string; display: string }> =>
        pulse.evaluate((el) => ({ animation: getComputedStyle(el).animationName, display: getComputedStyle(el).display }))
      // Scoped styles suffix the keyframes' name.
      expect((await style()).animation).toMatch(/^replication-pulse/)
      expect((await style()).display).not.toBe('none')
      await page.emulateMedia({ reducedMotion: 'reduce' })
      await expect.poll(async () => (await style()).animation).toBe('none')
      expect((await style()).display).toBe('none')
    } finally {
      writing = false
      await writer
      await page.emulateMedia({ reducedMotion: 'no-preference' })
    }
  })

  test('a node loading a big dump.rdb at start shows loading, then running', async () => {
    const [, , r2] = ports as [number, number, number]
    // Enough keys that reading them back takes a visible while.
    await redisCli(r2, 'DEBUG', 'POPULATE', '1500000', 'big', '64')
    expect(await redisCli(r2, 'SAVE')).toBe('OK')
    await card(r2).getByRole('button', { name: `More actions for 127.0.0.1:${r2}` }).click()
    await card(r2).getByRole('menuitem', { name: 'Restart', exact: true }).click()
    await expect.poll(() => status(r2), { timeout: 20_000, interval: 20 }).toBe('loading')
    await expect.poll(() => status(r2), { timeout: 60_000 }).toBe('running')
    await expect.poll(() => card(r2).innerText(), { timeout: 10_000 }).toContain('1500000 keys')
    await redisCli(r2, 'FLUSHALL')
  }, 120_000)

  test('Export image saves the whole topology as a PNG and as an SVG', async () => {
    const exportButton = page.getByRole('toolbar', { name: 'Topology tools' }).getByRole('button', { name: 'Export image' })

    await exportButton.click()
    const [png] = await Promise.all([page.waitForEvent('download'), page.getByRole('menuitem', { name: 'Export as PNG' }).click()])
    expect(png.suggestedFilename()).toMatch(/^replication-lab-topology-[\d-]+T[\d-]+\.png$/)
    const bytes = await readFile((await png.path())!)
    expect(bytes.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a')
    expect(bytes.subarray(12, 16).toString('latin1')).toBe('IHDR')
    const width = bytes.readUInt32BE(16)
    const height = bytes.readUInt32BE(20)
    // The picture is the cards' extent at zoom 1 plus a 32 px margin each side, whatever the view's zoom.
    const extent = await page.evaluate(() => {
      const zoom = Number(/scale\(([\d.]+)\)/.exec(document.querySelector<HTMLElement>('.vue-flow__transformationpane')!.style.transform)![1])
      const rects = Array.from(document.querySelectorAll('.vue-flow__node'), (n) => n.getBoundingClientRect())
      const w = Math.max(...rects.map((r) => r.right)) - Math.min(...rects.map((r) => r.left))
      const h = Math.max(...rects.map((r) => r.bottom)) - Math.min(...rects.map((r) => r.top))
      return { width: w / zoom, height: h / zoom }
    })
    expect(Math.abs(width - (extent.width + 64))).toBeLessThanOrEqual(3)
    expect(Math.abs(height - (extent.height + 64))).toBeLessThanOrEqual(3)
    // Chromium decodes it to the size its header says, and the cards sit in it with the margin
    // all round (not where the current pan put them): the first and last drawn columns and rows.
    const decoded = await page.evaluate(async (b64) => {
      const img = new Image()
      img.src = `data:image/png;base64,${b64}`
      await img.decode()
      const canvas = document.createElement('canvas')
      canvas.width = img.naturalWidth
      canvas.height = img.naturalHeight
      const ctx = canvas.getContext('2d')!
      ctx.drawImage(img, 0, 0)
      const { data, width: w, height: h } = ctx.getImageData(0, 0, canvas.width, canvas.height)
      const bg = data.slice(0, 4).join()
      let left = w, right = -1, top = h, bottom = -1
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          const i = (y * w + x) * 4
          if (data.slice(i, i + 4).join() === bg) continue
          left = Math.min(left, x)
          right = Math.max(right, x)
          top = Math.min(top, y)
          bottom = Math.max(bottom, y)
        }
      }
      return { size: [w, h], left, right: w - 1 - right, top, bottom: h - 1 - bottom }
    }, bytes.toString('base64'))
    expect(decoded.size).toEqual([width, height])
    for (const side of ['left', 'right', 'top', 'bottom'] as const) {
      // 32 px, less a few for shadows and outlines drawn outside the cards' boxes.
      expect(decoded[side], side).toBeGreaterThanOrEqual(20)
      expect(decoded[side], side).toBeLessThanOrEqual(36)
    }

    await exportButton.click()
    const [svg] = await Promise.all([page.waitForEvent('download'), page.getByRole('menuitem', { name: 'Export as SVG' }).click()])
    expect(svg.suggestedFilename()).toMatch(/\.svg$/)
    const text = await readFile((await svg.path())!, 'utf8')
    const root = await page.evaluate((t) => {
      const doc = new DOMParser().parseFromString(t, 'image/svg+xml')
      return { name: doc.documentElement.localName, ns: doc.documentElement.namespaceURI, error: doc.querySelector('parsererror') !== null }
    }, text)
    expect(root).toEqual({ name: 'svg', ns: 'http://www.w3.org/2000/svg', error: false })
    for (const port of ports) expect(text).toContain(`127.0.0.1:${port}`)
  })
})
