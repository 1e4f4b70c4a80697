/**
 * Presets follow the header's engine choice: the renderer's stores, attached in-process to a
 * real Lab (no transport in between), build "one master + two replicas" from an empty lab;
 * with engine redis-server chosen, the three nodes it adds are real redis-server processes
 * that replicate; with embedded (the default), embedded ones.
 */
import { afterEach, expect, test } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import type { LabClient, LabEvent } from '../../src/shared/api'
import type { Lab } from '../../src/main/lab/lab'
import { useLabStore } from '../../src/renderer/src/stores/lab'
import { useScenariosStore } from '../../src/renderer/src/stores/scenarios'
import { emptyLab, redisCli, runCleanups } from '../helpers/lab'

const pids = new Set<number>()
afterEach(async () => {
  await runCleanups()
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL')
    } catch {
      // gone already
    }
  }
  pids.clear()
})

function client(lab: Lab): LabClient {
  return {
    call: (method, params) => lab.call(method, params),
    onEvent: (listener: (e: LabEvent) => void) => {
      lab.events.on('event', listener)
      return () => lab.events.off('event', listener)
    }
  }
}

async function until(what: string, check: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const end = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

async function buildWith(engine: 'embedded' | 'redis-server'): Promise<{ lab: Lab; engines: string[]; ports: number[] }> {
  const { lab } = await emptyLab()
  setActivePinia(createPinia())
  const store = useLabStore()
  store.attach(client(lab))
  await until('lab info loaded', async () => store.info !== null)
  const scenarios = useScenariosStore()
  scenarios.engine = engine
  expect(await scenarios.build('one-master-two-replicas')).toBe(true)
  const nodes = await lab.call('listNodes', {})
  for (const n of nodes) {
    if (n.engine !== 'redis-server') continue
    const info = await redisCli(n.port, 'INFO', 'server')
    pids.add(Number(/process_id:(\d+)/.exec(info)![1]))
  }
  return { lab, engines: nodes.map((n) => n.engine ?? 'embedded'), ports: nodes.map((n) => n.port).sort((a, b) => a - b) }
}

test('with engine redis-server chosen, a preset adds real redis-server nodes that replicate', async () => {
  const { engines, ports } = await buildWith('redis-server')
  expect(engines).toEqual(['redis-server', 'redis-server', 'redis-server'])
  const [master, ...replicas] = ports
  // The servers themselves say what they are and whom they follow.
  for (const p of ports) expect(await redisCli(p, 'INFO', 'server')).toMatch(/^executable:.*redis-server/m)
  for (const p of replicas) {
    await until(`replica ${p} linked`, async () => /master_link_status:up/.test(await redisCli(p, 'INFO', 'replication')))
    expect(await redisCli(p, 'INFO', 'replication')).toContain(`master_port:${master}`)
  }
}, 90_000)

test('with the default engine a preset adds embedded nodes, as before', async () => {
  const { engines } = await buildWith('embedded')
  expect(engines).toEqual(['embedded', 'embedded', 'embedded'])
}, 60_000)
