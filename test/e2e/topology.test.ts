import { join } from 'node:path'
import type { Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { SHOTS, openLabPage, openNodeConsole, settleCards, shotsDir, type LabPage, type NodeConsole } from '../helpers/e2e-lab'
/** A full sync waits repl-diskless-sync-delay (5 s, Redis's default) before it starts. */
const SYNC_TIMEOUT = 30_000

describe('web mode in Chromium: one master, two replicas built with the GUI only', () => {
  let lab: LabPage
  let page: Page
  let ports: number[]

  const card = (port: number): Locator => page.getByRole('group', { name: `node 127.0.0.1:${port}` })
  const links = (): Locator => page.getByRole('list', { name: 'Replication links' }).getByRole('listitem')
  const lastCommand = (): Locator => page.getByTestId('command').last()

  const consoleOf = (port: number): Promise<NodeConsole> => openNodeConsole(page, port)

  beforeAll(async () => {
    shotsDir()
    lab = await openLabPage({ viewport: { width: 1400, height: 900 }, settle: true })
    ;({ page, ports } = lab)
  })

  afterAll(async () => {
    await lab?.close()
  })

  test('Replicate from… shows and runs exactly SLAVEOF; impossible choices are refused with the reason', async () => {
    const [m, r1] = ports as [number, number, number]
    await card(r1).getByRole('button', { name: 'Replicate from…' }).click()
    const dialog = page.getByRole('dialog', { name: `Replicate 127.0.0.1:${r1} from…` })
    // Itself: refused.
    await dialog.getByRole('radio', { name: `127.0.0.1:${r1}` }).check()
    await expect.poll(() => dialog.getByRole('alert').innerText()).toBe(`127.0.0.1:${r1} cannot replicate from itself.`)
    expect(await dialog.getByRole('button', { name: 'Run SLAVEOF' }).isDisabled()).toBe(true)
    await dialog.getByRole('radio', { name: `127.0.0.1:${m}` }).check()
    await expect.poll(() => dialog.getByTestId('command-preview').innerText()).toBe(`$ redis-cli -p ${r1} SLAVEOF 127.0.0.1 ${m}`)
    await dialog.getByRole('button', { name: 'Run SLAVEOF' }).click()
    await expect.poll(() => dialog.count()).toBe(0)
    await expect.poll(() => lastCommand().innerText()).toBe(`$ redis-cli -p ${r1} SLAVEOF 127.0.0.1 ${m}\nOK`)
    await expect.poll(() => card(r1).getByText('replica', { exact: true }).count()).toBe(1)

    // The master from its own replica: a loop, refused before anything is sent.
    await card(m).getByRole('button', { name: 'Replicate from…' }).click()
    const back = page.getByRole('dialog', { name: `Replicate 127.0.0.1:${m} from…` })
    await back.getByRole('radio', { name: `127.0.0.1:${r1}` }).check()
    await expect.poll(() => back.getByRole('alert').innerText()).toContain('would make a loop')
    expect(await back.getByRole('button', { name: 'Run SLAVEOF' }).isDisabled()).toBe(true)
    await back.getByRole('button', { name: 'Cancel' }).click()
    await expect.poll(() => lastCommand().innerText()).toBe(`$ redis-cli -p ${r1} SLAVEOF 127.0.0.1 ${m}\nOK`)
  })

  test('dragging a node onto another makes it replicate from it (after showing the command)', async () => {
    const [m, , r2] = ports as [number, number, number]
    const from = (await card(r2).locator('.address').boundingBox())!
    const to = (await card(m).boundingBox())!
    await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2)
    await page.mouse.down()
    await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 12 })
    await page.mouse.up()
    const dialog = page.getByRole('dialog', { name: `Replicate 127.0.0.1:${r2} from…` })
    await expect.poll(() => dialog.getByTestId('command-preview').innerText()).toBe(`$ redis-cli -p ${r2} SLAVEOF 127.0.0.1 ${m}`)
    await dialog.getByRole('button', { name: 'Run SLAVEOF' }).click()
    await expect.poll(() => lastCommand().innerText()).toBe(`$ redis-cli -p ${r2} SLAVEOF 127.0.0.1 ${m}\nOK`)
  })

  test('both links come up on the graph', async () => {
    const [m, r1, r2] = ports as [number, number, number]
    await expect.poll(() => links().count(), { timeout: SYNC_TIMEOUT }).toBe(2)
    await expect
      .poll(() => links().evaluateAll((els) => els.map((e) => e.getAttribute('data-state'))), { timeout: SYNC_TIMEOUT })
      .toEqual(['up', 'up'])
    const text = await links().allInnerTexts()
    expect(text.map((t) => t.split('\n')[0]!.replace(/\s+/g, ' ').trim()).sort()).toEqual(
      [`127.0.0.1:${m} → 127.0.0.1:${r1}`, `127.0.0.1:${m} → 127.0.0.1:${r2}`].sort()
    )
    // The graph draws them too: one edge per link, labelled with its state.
    await expect.poll(() => page.locator('.vue-flow__edge.link-up').count()).toBe(2)
    for (const r of [r1, r2]) await expect.poll(() => card(r).innerText()).toMatch(/replica of\s+127\.0\.0\.1:\d+\s+link up/)
    // A card's box is sized from its content (use-layout-boundary): grown by the replica line,
    // the graph's node is as tall as the card, so its edges meet the card's edge.
    for (const p of [m, r1, r2]) {
      await expect
        .poll(() =>
          page
            .locator('.vue-flow__node')
            .filter({ has: page.locator('.address', { hasText: `127.0.0.1:${p}` }) })
            .evaluate((n) => Math.abs(n.getBoundingClientRect().height - n.querySelector('.node-card')!.getBoundingClientRect().height))
        )
        .toBeLessThan(1)
    }
  })

  test('a write on the master is read on a replica; a write on a replica is refused with READONLY in red', async () => {
    const [m, r1] = ports as [number, number, number]
    const master = await consoleOf(m)
    const replica = await consoleOf(r1)
    await master.run('SET lesson "hello replication"')
    await expect.poll(() => master.log.innerText()).toContain('OK')
    await expect
      .poll(async () => {
        await replica.run('GET lesson')
        return replica.log.locator('.line.reply').last().innerText()
      }, { timeout: 10_000 })
      .toBe('"hello replication"')
    await replica.run('SET lesson overwritten')
    const error = replica.log.locator('.line.reply.error').last()
    await expect.poll(() => error.innerText()).toBe("(error) READONLY You can't write against a read only replica.")
    expect(await error.evaluate((e) => getComputedStyle(e).color)).toBe('rgb(220, 38, 38)')
    // Offsets converge: the write moved the master's offset and the replica's card catches up to it.
    const offsets = async (): Promise<[number, number]> => [
      Number(await card(m).getByTestId('offset').innerText()),
      Number(await card(r1).getByTestId('offset').innerText())
    ]
    await expect.poll(async () => { const [mo, ro] = await offsets(); return mo > 0 && mo === ro }, { timeout: 10_000 }).toBe(true)
    await expect.poll(() => links().first().innerText()).toContain('lag 0 B')
    await page.screenshot({ path: join(SHOTS, 'topology-one-master-two-replicas.png') })
  })

  test('the timeline shows the handshake as Redis logs it and the full sync with its size', async () => {
    const [, r1] = ports as [number, number, number]
    const timeline = page.getByRole('complementary', { name: 'Timeline' })
    await timeline.getByRole('combobox', { name: 'Show events of' }).selectOption({ label: `127.0.0.1:${r1}` })
    const events = timeline.getByRole('list', { name: 'Replication events' }).getByRole('listitem')
    const texts = async (): Promise<string[]> => events.locator('.text').allInnerTexts()
    await expect.poll(texts).toContain(`became a replica of 127.0.0.1:${ports[0]}`)
    const all = await texts()
    // Newest first: the handshake's steps read bottom-up in the order Redis logs them.
    const order = ['Master replied to PING, replication can continue...', 'link up'].map((t) => all.indexOf(t))
    expect(order.every((i) => i >= 0)).toBe(true)
    expect(order[0]!).toBeGreaterThan(order[1]!)
    expect(all.some((t) => /^Full resync from master: [0-9a-f]{40}:\d+$/.test(t))).toBe(true)
    expect(all.find((t) => t.startsWith('full sync:'))).toMatch(/^full sync: \d+(\.\d)? (B|kB|MB) RDB, \d+ keys?, \d/)
    // Every event of this view is the replica's.
    expect(new Set(await events.evaluateAll((els) => els.map((e) => e.getAttribute('data-node'))))).toEqual(new Set([`127.0.0.1:${r1}`]))
    await timeline.getByRole('combobox', { name: 'Show events of' }).selectOption({ label: 'All nodes' })
  })

  test('the graph is fed by the lab: nothing runs on a console\'s connection (a MULTI there stays untouched)', async () => {
    const [m] = ports as [number, number, number]
    const master = await consoleOf(m)
    const infoCalls = async (): Promise<number> => {
      const text = await master.ask('INFO commandstats')
      return Number(/cmdstat_info:calls=(\d+)/.exec(text)?.[1] ?? 0)
    }
    const before = await infoCalls()
    await master.run('MULTI')
    // Several of the lab's samples pass while the transaction is open.
    await new Promise((r) => setTimeout(r, 2500))
    await master.run('INCR counter')
    await master.run('EXEC')
    await expect.poll(() => master.log.locator('.line.reply').last().innerText()).toBe('1) (integer) 1')
    // Only the INFO typed here ran on this connection: the graph asked nothing.
    expect((await infoCalls()) - before).toBe(1)
  })

  test('Cut link drops the replica\'s link (a lab network fault): writes stop arriving; Heal link brings them with a partial resync', async () => {
    const [m, r1] = ports as [number, number, number]
    const master = await consoleOf(m)
    const replica = await consoleOf(r1)
    const linkItem = links().filter({ hasText: `→ 127.0.0.1:${r1}` })
    await card(r1).getByRole('button', { name: `More actions for 127.0.0.1:${r1}` }).click()
    await card(r1).getByRole('group', { name: `Link faults for 127.0.0.1:${r1}` }).getByRole('button', { name: 'Cut link' }).click()
    await expect
      .poll(() => lastCommand().innerText())
      .toBe(`network fault made by the lab: the replica's connection to 127.0.0.1:${m} is dropped (and new ones refused)\nOK`)
    await expect.poll(() => linkItem.getAttribute('data-state'), { timeout: 10_000 }).toBe('down')
    expect(await linkItem.getAttribute('data-cut')).toBe('true')
    await expect.poll(() => card(r1).innerText()).toMatch(/link down\s+cut/)
    // Drawn apart from a link that is merely down, and labelled so.
    const edge = page.getByRole('group', { name: `link 127.0.0.1:${m} → 127.0.0.1:${r1}` })
    await expect.poll(() => edge.innerText()).toMatch(/^cut · down/)
    expect(await page.locator('.vue-flow__edge.link-cut path.vue-flow__edge-path').evaluate((e) => getComputedStyle(e).strokeDasharray)).toBe('12px, 6px')

    expect(await master.ask('SET during-cut "written while cut"')).toBe('OK')
    // Two of the replica's reconnect attempts go by: the write cannot reach it.
    await new Promise((r) => setTimeout(r, 2500))
    expect(await replica.ask('GET during-cut')).toBe('(nil)')
    expect(await linkItem.getAttribute('data-state')).toBe('down')
    await page.screenshot({ path: join(SHOTS, 'topology-link-cut.png') })

    // Heal from the edge itself.
    await edge.getByRole('button', { name: 'Heal link' }).click()
    await expect.poll(() => lastCommand().innerText()).toBe(`network fault healed by the lab: the replica may connect to 127.0.0.1:${m} again\nOK`)
    await expect.poll(() => linkItem.getAttribute('data-state'), { timeout: 10_000 }).toBe('up')
    expect(await linkItem.getAttribute('data-cut')).toBe('false')
    await expect
      .poll(() => replica.ask('GET during-cut'), { timeout: 10_000 })
      .toBe('"written while cut"')

    // The timeline tells the story: the link went down, came back, and resumed without a full sync.
    const timeline = page.getByRole('complementary', { name: 'Timeline' })
    const events = timeline.getByRole('list', { name: 'Replication events' }).getByRole('listitem')
    const ofReplica = events.filter({ has: page.getByRole('button', { name: `127.0.0.1:${r1}` }) })
    await expect.poll(async () => (await ofReplica.locator('.text').allInnerTexts()).some((t) => t.startsWith('partial sync:'))).toBe(true)
    const texts = await ofReplica.locator('.text').allInnerTexts()
    expect(texts).toContain('Successful partial resynchronization with master.')
    const partial = texts.findIndex((t) => t.startsWith('partial sync:'))
    const cutAt = texts.indexOf('link cut by the lab (network fault)')
    const healAt = texts.indexOf('link healed by the lab')
    const fullSyncs = texts.filter((t) => t.startsWith('full sync:')).length
    expect(partial).toBeGreaterThanOrEqual(0)
    // Newest first, so read upwards: cut, the link goes down, healed, partial resync.
    expect(healAt).toBeGreaterThan(partial)
    expect(cutAt).toBeGreaterThan(healAt)
    const dropped = texts.indexOf('link down: link cut by the lab')
    expect(dropped).toBeGreaterThan(healAt)
    expect(cutAt).toBeGreaterThan(dropped)
    expect(fullSyncs).toBe(1) // only the first one, after SLAVEOF
    await page.screenshot({ path: join(SHOTS, 'timeline-partial-resync.png') })

    // An event's node address selects that node on the graph.
    await ofReplica.first().getByRole('button', { name: `127.0.0.1:${r1}` }).click()
    await expect.poll(() => page.getByRole('toolbar', { name: 'Topology tools' }).innerText()).toContain(`127.0.0.1:${r1}`)
  }, 60_000)

  test('link latency is set from the card (ms) and shown on the link; 0 removes it', async () => {
    const [m, r1] = ports as [number, number, number]
    const linkItem = links().filter({ hasText: `→ 127.0.0.1:${r1}` })
    const menu = card(r1).getByRole('group', { name: `Link faults for 127.0.0.1:${r1}` })
    if (!(await menu.count())) await card(r1).getByRole('button', { name: `More actions for 127.0.0.1:${r1}` }).click()
    const input = menu.getByRole('spinbutton', { name: `Link latency in ms for 127.0.0.1:${r1}` })
    await input.fill('300')
    await input.press('Tab')
    await expect
      .poll(() => lastCommand().innerText())
      .toBe(`network delay made by the lab: each byte between 127.0.0.1:${r1} and 127.0.0.1:${m} waits 300 ms each way\nOK`)
    await expect.poll(() => linkItem.innerText()).toContain('+300 ms')
    // Through the delaying proxy, the link comes back up.
    await expect.poll(() => linkItem.getAttribute('data-state'), { timeout: 15_000 }).toBe('up')
    await input.fill('0')
    await input.press('Tab')
    await expect.poll(() => linkItem.innerText()).not.toContain('ms')
    await expect.poll(() => linkItem.getAttribute('data-state'), { timeout: 15_000 }).toBe('up')
    await card(r1).getByRole('button', { name: `More actions for 127.0.0.1:${r1}` }).click()
  }, 45_000)

  test('Promote to master runs REPLICAOF NO ONE and the graph changes', async () => {
    const [m, r1, r2] = ports as [number, number, number]
    await card(r1).getByRole('button', { name: 'Promote to master' }).click()
    await expect.poll(() => lastCommand().innerText()).toBe(`$ redis-cli -p ${r1} REPLICAOF NO ONE\nOK`)
    await expect.poll(() => card(r1).getByText('master', { exact: true }).count()).toBe(1)
    await expect.poll(() => links().count(), { timeout: 10_000 }).toBe(1)
    expect((await links().first().innerText()).replace(/\s+/g, ' ')).toContain(`127.0.0.1:${m} → 127.0.0.1:${r2}`)
    await expect.poll(() => page.locator('.vue-flow__edge').count()).toBe(1)
    expect(await card(r1).getByRole('button', { name: 'Promote to master' }).isDisabled()).toBe(true)
  })

  test('stopping the master takes its link down; starting it brings the link back up', async () => {
    const [m, , r2] = ports as [number, number, number]
    await card(m).getByRole('button', { name: 'Stop' }).click()
    await expect.poll(() => lastCommand().innerText()).toBe(`$ redis-cli -p ${m} SHUTDOWN\nstopped`)
    await expect.poll(() => links().first().getAttribute('data-state'), { timeout: 10_000 }).toBe('down')
    await expect.poll(() => card(r2).innerText(), { timeout: 10_000 }).toMatch(/link down/)
    await card(m).getByRole('button', { name: 'Start' }).click()
    await expect.poll(() => links().first().getAttribute('data-state'), { timeout: SYNC_TIMEOUT }).toBe('up')
  }, 60_000)

  test('Crash asks first (from the toolbar, for the selected node); Cancel runs nothing', async () => {
    const [, r1] = ports as [number, number, number]
    await card(r1).locator('.address').click()
    const toolbar = page.getByRole('toolbar', { name: 'Topology tools' })
    await expect.poll(() => toolbar.innerText()).toContain(`127.0.0.1:${r1}`)
    const before = await page.getByTestId('command').count()
    await toolbar.getByRole('button', { name: 'Crash' }).click()
    const ask = page.getByRole('alertdialog', { name: `Crash 127.0.0.1:${r1}?` })
    await expect.poll(() => ask.innerText()).toContain(`$ kill -9 <pid of 127.0.0.1:${r1}>`)
    await ask.getByRole('button', { name: 'Cancel' }).click()
    await expect.poll(() => ask.count()).toBe(0)
    expect(await card(r1).innerText()).toContain('running')
    expect(await page.getByTestId('command').count()).toBe(before)
    await toolbar.getByRole('button', { name: 'Crash' }).click()
    await ask.getByRole('button', { name: 'Crash' }).click()
    await expect.poll(() => card(r1).innerText()).not.toContain('running')
    await expect.poll(() => lastCommand().innerText()).toMatch(new RegExp(`^\\$ kill -9 <pid of 127\\.0\\.0\\.1:${r1}>\\n`))
  })

  test('a replica made by SLAVEOF comes back from a restart as a master', async () => {
    const [, , r2] = ports as [number, number, number]
    await card(r2).getByRole('button', { name: `More actions for 127.0.0.1:${r2}` }).click()
    await card(r2).getByRole('menuitem', { name: 'Restart' }).click()
    // The line shows once the node runs again: a stop (saving) and a start, which a loaded CI machine can take over a second for.
    await expect.poll(() => lastCommand().innerText(), { timeout: 10_000 }).toBe(`$ redis-cli -p ${r2} SHUTDOWN && redis-server ./redis.conf\nrunning`)
    await expect.poll(() => card(r2).getByText('master', { exact: true }).count(), { timeout: 10_000 }).toBe(1)
    await expect.poll(() => page.locator('.vue-flow__edge').count(), { timeout: 10_000 }).toBe(0)
  })

  test('Remove asks first, then the node leaves the graph', async () => {
    const [, r1] = ports as [number, number, number]
    await card(r1).getByRole('button', { name: `More actions for 127.0.0.1:${r1}` }).click()
    await card(r1).getByRole('menuitem', { name: 'Remove' }).click()
    const ask = page.getByRole('alertdialog', { name: `Remove 127.0.0.1:${r1}?` })
    await expect.poll(() => ask.innerText()).toContain(`$ redis-cli -p ${r1} SHUTDOWN NOSAVE && rm -r <folder of 127.0.0.1:${r1}>`)
    await ask.getByRole('button', { name: 'Remove' }).click()
    await expect.poll(() => card(r1).count(), { timeout: 10_000 }).toBe(0)
    await expect.poll(() => page.getByRole('group', { name: /^node 127\.0\.0\.1:\d+$/ }).count()).toBe(2)
  })

  test("a console's history survives a reload of the app", async () => {
    const [m] = ports as [number, number, number]
    await page.reload()
    // A reloaded canvas lays its cards out again: a click aimed while they move can land beside the button.
    await settleCards(page, { orThrow: true })
    await card(m).getByRole('button', { name: 'Open console' }).click()
    const input = page.getByRole('textbox', { name: `Command for 127.0.0.1:${m}` })
    const typed = ['SET during-cut "written while cut"', 'INFO commandstats', 'EXEC', 'INCR counter', 'MULTI', 'INFO commandstats', 'SET lesson "hello replication"']
    for (const previous of typed) {
      await input.press('ArrowUp')
      await expect.poll(() => input.inputValue()).toBe(previous)
    }
  })
})
