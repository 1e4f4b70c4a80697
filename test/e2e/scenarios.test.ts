/**
 * Scenarios in the real UI (web mode, headless Chromium): each preset builds its topology
 * from the lab's nodes with REPLICAOF, asking before it changes existing nodes' roles; the
 * graph and INFO replication (through a console) show the result. Then the guided lessons:
 * steps tick when the lab's state shows they happened, whether "Do it" or a person typing
 * in a console made them happen.
 */
import type { Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { nodeCard, nodeCards, openLabPage, portsOf } from '../helpers/e2e-lab'

/** A full sync waits repl-diskless-sync-delay (5 s, Redis's default) before it starts. */
const SYNC_TIMEOUT = 30_000

interface Ui {
  page: Page
  card(port: number): Locator
  links(): Promise<{ pair: string; state: string }[]>
  ask(port: number, line: string): Promise<string>
  type(port: number, line: string): Promise<void>
  ports(): Promise<number[]>
  steps(): Locator
  states(): Promise<string[]>
  close(): Promise<void>
}

/** A fresh lab (web mode) in Chromium, and how the tests drive it. */
async function openUi(): Promise<Ui> {
  const lab = await openLabPage({ viewport: { width: 1500, height: 950 } })
  const page = lab.page
  const card = (port: number): Locator => nodeCard(page, port)
  const input = (port: number): Locator => page.getByRole('textbox', { name: `Command for 127.0.0.1:${port}` })
  const log = (port: number): Locator => page.getByRole('log', { name: `Output of 127.0.0.1:${port}` })
  async function type(port: number, line: string): Promise<void> {
    if ((await input(port).count()) === 0) await card(port).getByRole('button', { name: 'Open console' }).click()
    await input(port).fill(line)
    await input(port).press('Enter')
  }
  const steps = (): Locator => page.getByRole('list', { name: 'Walkthrough steps' }).getByRole('listitem')
  return {
    page,
    close: () => lab.close(),
    card,
    type,
    steps,
    states: () => steps().evaluateAll((els) => els.map((e) => e.getAttribute('data-state')!)),
    ports: () => portsOf(nodeCards(page)),
    async links() {
      const items = page.getByRole('list', { name: 'Replication links' }).getByRole('listitem')
      const rows = await items.evaluateAll((els) => els.map((e) => ({ text: (e as HTMLElement).innerText, state: e.getAttribute('data-state')! })))
      return rows
        .map((r) => ({ pair: r.text.split('\n')[0]!.replace(/\s+/g, ' ').trim(), state: r.state }))
        .sort((a, b) => (a.pair < b.pair ? -1 : 1))
    },
    async ask(port: number, line: string): Promise<string> {
      await type(port, line)
      const all = log(port).locator('.line')
      await expect.poll(async () => (await all.allInnerTexts()).at(-2)).toBe(`127.0.0.1:${port}> ${line}`)
      return (await all.allInnerTexts()).at(-1)!
    }
  }
}

const up = (pairs: [number, number][]): { pair: string; state: string }[] =>
  pairs.map(([m, r]) => ({ pair: `127.0.0.1:${m} → 127.0.0.1:${r}`, state: 'up' })).sort((a, b) => (a.pair < b.pair ? -1 : 1))

async function choose(ui: Ui, name: RegExp): Promise<void> {
  await ui.page.getByRole('button', { name: /^Scenarios/ }).click()
  await ui.page.getByRole('menuitem', { name }).click()
}

describe('scenario presets', () => {
  let ui: Ui

  beforeAll(async () => {
    ui = await openUi()
  })

  afterAll(async () => {
    await ui?.close()
  })

  test('One master + two replicas: asks first, runs REPLICAOF on two nodes, links come up', async () => {
    const [a, b, c] = (await ui.ports()) as [number, number, number]
    await choose(ui, /^One master \+ two replicas/)
    const dialog = ui.page.getByRole('alertdialog', { name: 'Build “One master + two replicas”?' })
    expect(await dialog.locator('pre').innerText()).toBe(`$ redis-cli -p ${b} REPLICAOF 127.0.0.1 ${a}\n$ redis-cli -p ${c} REPLICAOF 127.0.0.1 ${a}`)
    await dialog.getByRole('button', { name: 'Build' }).click()
    await expect.poll(() => ui.links(), { timeout: SYNC_TIMEOUT }).toEqual(up([[a, b], [a, c]]))
    const log = await ui.page.getByTestId('command').allInnerTexts()
    expect(log.slice(-2)).toEqual([`$ redis-cli -p ${b} REPLICAOF 127.0.0.1 ${a}\nOK`, `$ redis-cli -p ${c} REPLICAOF 127.0.0.1 ${a}\nOK`])
    expect(await ui.card(b).getByText('replica', { exact: true }).count()).toBe(1)
    expect(await ui.card(a).getByText('master', { exact: true }).count()).toBe(1)
    expect(await ui.ask(a, 'INFO replication')).toContain('connected_slaves:2')
    const info = await ui.ask(c, 'INFO replication')
    expect(info).toContain('role:slave')
    expect(info).toContain(`master_port:${a}`)
    expect(info).toContain('master_link_status:up')
  })

  test('Chain: Cancel changes nothing; Build repoints only the third node', async () => {
    const [a, b, c] = (await ui.ports()) as [number, number, number]
    await choose(ui, /^Chain/)
    const dialog = ui.page.getByRole('alertdialog', { name: 'Build “Chain (A → B → C)”?' })
    expect(await dialog.locator('pre').innerText()).toBe(`$ redis-cli -p ${c} REPLICAOF 127.0.0.1 ${b}`)
    await dialog.getByRole('button', { name: 'Cancel' }).click()
    await new Promise((r) => setTimeout(r, 1500))
    expect(await ui.links()).toEqual(up([[a, b], [a, c]]))

    await choose(ui, /^Chain/)
    await dialog.getByRole('button', { name: 'Build' }).click()
    await expect.poll(() => ui.links(), { timeout: SYNC_TIMEOUT }).toEqual(up([[a, b], [b, c]]))
    expect(await ui.ask(c, 'INFO replication')).toContain(`master_port:${b}`)
    expect(await ui.ask(b, 'INFO replication')).toContain('connected_slaves:1')
  })

  test('Star of five replicas: adds three nodes and points five replicas at the first', async () => {
    const [a, b, c] = (await ui.ports()) as [number, number, number]
    await choose(ui, /^Star of five replicas/)
    const dialog = ui.page.getByRole('alertdialog', { name: 'Build “Star of five replicas”?' })
    expect(await dialog.innerText()).toContain('adds 3 nodes')
    expect(await dialog.locator('pre').innerText()).toBe(`$ redis-cli -p ${c} REPLICAOF 127.0.0.1 ${a}`)
    await dialog.getByRole('button', { name: 'Build' }).click()
    await expect.poll(async () => (await ui.ports()).length, { timeout: SYNC_TIMEOUT }).toBe(6)
    const ports = await ui.ports()
    expect(ports.slice(0, 3)).toEqual([a, b, c])
    await expect.poll(() => ui.links(), { timeout: SYNC_TIMEOUT }).toEqual(up(ports.slice(1).map((r) => [a, r] as [number, number])))
    expect(await ui.ask(a, 'INFO replication')).toContain('connected_slaves:5')
  })

  test('Failover drill: builds master + 2 replicas, then its steps promote one and repoint the other', async () => {
    const ports = await ui.ports()
    const [a, b, c] = ports as [number, number, number]
    await choose(ui, /^Failover drill/)
    const dialog = ui.page.getByRole('alertdialog', { name: 'Build “Failover drill”?' })
    // The three nodes beyond the drill's are detached rather than left hanging off its master.
    expect((await dialog.locator('pre').innerText()).split('\n').sort()).toEqual(ports.slice(3).map((p) => `$ redis-cli -p ${p} REPLICAOF NO ONE`).sort())
    await dialog.getByRole('button', { name: 'Build' }).click()
    await expect.poll(() => ui.links(), { timeout: SYNC_TIMEOUT }).toEqual(up([[a, b], [a, c]]))
    const panel = ui.page.getByRole('complementary', { name: 'Failover drill' })
    await panel.waitFor()
    await expect.poll(() => ui.states(), { timeout: SYNC_TIMEOUT }).toEqual(['done', 'current', 'todo', 'todo', 'todo', 'todo', 'todo'])
    for (let step = 1; step < 7; step++) {
      await panel.getByRole('button', { name: 'Do it' }).click()
      await expect.poll(async () => (await ui.states())[step], { timeout: SYNC_TIMEOUT }).toBe('done')
    }
    await expect.poll(() => ui.links(), { timeout: SYNC_TIMEOUT }).toEqual(up([[b, a], [b, c]]))
    expect(await panel.getByRole('status').innerText()).toBe('All steps done.')
    expect(await ui.ask(c, 'GET order:2')).toBe('"paid"')
    expect(await ui.ask(a, 'GET order:1')).toBe('"paid"')
  }, 180_000)
})

describe('guided walkthrough of the classic lesson', () => {
  let ui: Ui

  beforeAll(async () => {
    ui = await openUi()
  })

  afterAll(async () => {
    await ui?.close()
  })

  test('steps tick as the lab changes, by "Do it" or by typing in a console', async () => {
    const [a, b, c] = (await ui.ports()) as [number, number, number]
    await choose(ui, /^Guided walkthrough/)
    const panel = ui.page.getByRole('complementary', { name: 'The classic lesson' })
    await panel.waitFor()
    const doIt = (): Promise<void> => panel.getByRole('button', { name: 'Do it' }).click()
    const doneUpTo = (n: number): Promise<void> =>
      expect.poll(async () => (await ui.states()).filter((s) => s === 'done').length, { timeout: SYNC_TIMEOUT }).toBe(n)
    // Three standalone masters: the first step is already true.
    await doneUpTo(1)
    expect(await ui.steps().nth(1).getAttribute('aria-label')).toBe(`Step 2: Make 127.0.0.1:${b} a replica of 127.0.0.1:${a} (current)`)
    // Typed by hand, not clicked: the lab's state ticks it all the same.
    await ui.type(b, `SLAVEOF 127.0.0.1 ${a}`)
    await doneUpTo(2)
    // Nothing ticks ahead of its turn: INFO before the SLAVEOF of C does not count for step 4.
    await doIt()
    await doneUpTo(3)
    await doIt() // INFO replication on both sides (waits for the link)
    await doneUpTo(4)
    await doIt() // SET on the master, GET on a replica
    await doneUpTo(5)
    // A write typed on the other replica gets READONLY.
    await ui.type(c, 'SET mine 1')
    await doneUpTo(6)
    await doIt() // the master goes down
    await doneUpTo(7)
    expect(await ui.links()).toEqual([
      { pair: `127.0.0.1:${a} → 127.0.0.1:${b}`, state: 'down' },
      { pair: `127.0.0.1:${a} → 127.0.0.1:${c}`, state: 'down' }
    ])
    await doIt() // it comes back
    await doneUpTo(8)
    await doIt() // restart the replica made by command: a master again
    await doneUpTo(9)
    expect(await ui.card(b).getByText('master', { exact: true }).count()).toBe(1)
    await doIt() // cut and heal C's link: a partial resync
    await doneUpTo(10)
    expect(await panel.getByRole('status').innerText()).toBe('All steps done.')
    expect(await ui.page.getByRole('list', { name: 'Replication events' }).innerText()).toMatch(/partial/i)
  }, 240_000)
})
