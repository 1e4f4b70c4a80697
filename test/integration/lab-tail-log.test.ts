import { appendFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, test } from 'vitest'
import { Lab } from '../../src/main/lab/lab'
import { LabError } from '../../src/shared/api'
import { freePort } from '../helpers/ports'
import { tempDir } from '../helpers/web-mode'

const cleanups: (() => Promise<unknown>)[] = []
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!()
})

async function openLab(): Promise<{ lab: Lab; dataDir: string }> {
  const dataDir = tempDir()
  const lab = new Lab({ dataDir, mode: 'web', version: 'test', basePort: await freePort() })
  cleanups.push(() => lab.close())
  await lab.open()
  return { lab, dataDir }
}

describe('tailLog: the end of a node\'s redis.log through the Lab API', () => {
  test('a started node\'s log ends with Redis\'s start-up lines', async () => {
    const { lab } = await openLab()
    const [node] = await lab.call('listNodes', {})
    const { lines } = await lab.call('tailLog', { id: node!.id })
    expect(lines.length).toBeGreaterThan(3)
    expect(lines[lines.length - 1]).toMatch(/^\d+:M \d\d \w{3} \d{4} [\d:.]+ \* Ready to accept connections$/)
    expect(lines.some((l) => l.endsWith('oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo'))).toBe(true)
  })

  test('returns the last N lines only: default 200, at most 2000, a partial last line included', async () => {
    const { lab, dataDir } = await openLab()
    const [node] = await lab.call('listNodes', {})
    const log = join(dataDir, 'nodes', node!.id, 'redis.log')
    // Far more than any bound, with long lines, so the tail must stop reading well before the start.
    const many = Array.from({ length: 5000 }, (_, i) => `line ${i} ${'x'.repeat(200)}`)
    await appendFile(log, many.join('\n') + '\n')
    const byDefault = (await lab.call('tailLog', { id: node!.id })).lines
    expect(byDefault).toHaveLength(200)
    expect(byDefault[0]).toBe(many[4800])
    expect(byDefault[199]).toBe(many[4999])
    expect((await lab.call('tailLog', { id: node!.id, lines: 3 })).lines).toEqual(many.slice(-3))
    const max = (await lab.call('tailLog', { id: node!.id, lines: 2000 })).lines
    expect(max).toHaveLength(2000)
    expect(max[0]).toBe(many[3000])
    // In-process callers skip the transports' validation: the bound still holds.
    expect((await lab.call('tailLog', { id: node!.id, lines: 1_000_000 })).lines).toHaveLength(2000)
    await appendFile(log, 'being written')
    expect((await lab.call('tailLog', { id: node!.id, lines: 2 })).lines).toEqual([many[4999], 'being written'])
    // A file shorter than asked: all of it, the first line whole.
    await writeFile(log, 'only\r\ntwo lines\n')
    expect((await lab.call('tailLog', { id: node!.id, lines: 50 })).lines).toEqual(['only', 'two lines'])
  })

  test('the log of a stopped node is still readable; it says how it stopped', async () => {
    const { lab } = await openLab()
    const [node] = await lab.call('listNodes', {})
    await lab.call('stopNode', { id: node!.id })
    const { lines } = await lab.call('tailLog', { id: node!.id, lines: 5 })
    expect(lines[lines.length - 1]).toMatch(/Redis is now ready to exit, bye bye\.\.\.$/)
  })

  test('a missing node or log file is a clear error', async () => {
    const { lab, dataDir } = await openLab()
    await expect(lab.call('tailLog', { id: 'node-99' })).rejects.toThrow(new LabError('No node with id node-99'))
    const [gone, other] = await lab.call('listNodes', {})
    await lab.call('removeNode', { id: gone!.id })
    await expect(lab.call('tailLog', { id: gone!.id })).rejects.toThrow(`No node with id ${gone!.id}`)
    // A log file that went away (deleted by hand): the error says where it looked.
    const log = join(dataDir, 'nodes', other!.id, 'redis.log')
    await rm(log)
    await expect(lab.call('tailLog', { id: other!.id })).rejects.toThrow(`Node 127.0.0.1:${other!.port} has no log file at ${log} yet`)
  })
})
