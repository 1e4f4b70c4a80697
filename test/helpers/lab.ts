/** What the lab's integration tests share: a lab opened in a temp dir and closed after each test, and redis-cli. */
import { execFile } from 'node:child_process'
import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { expect } from 'vitest'
import type { LabEvent, NodeSnapshot } from '../../src/shared/api'
import type { Reply } from '../../src/shared/reply'
import { Lab } from '../../src/main/lab/lab'
import { freePort } from './ports'
import { waitFor } from './replication'
import { tempDir } from './web-mode'

export interface OpenLab {
  lab: Lab
  events: LabEvent[]
  dataDir: string
}

/** Undone last-first by runCleanups; a test may push its own (or pop one it undid itself). */
export const cleanups: (() => Promise<unknown> | void)[] = []

/** For afterEach, called by each file itself so that it can order its own clean-up after this one. */
export async function runCleanups(): Promise<void> {
  while (cleanups.length) await cleanups.pop()!()
}

/**
 * Async on purpose: embedded nodes live in this process, so a sync child would deadlock them.
 * redis-cli's error output is part of what tests read, so a failing exit still returns text.
 */
export async function redisCli(port: number, ...args: string[]): Promise<string> {
  try {
    const { stdout, stderr } = await promisify(execFile)('redis-cli', ['-p', String(port), ...args], { encoding: 'utf8' })
    return (stdout + stderr).trim()
  } catch (err) {
    const { stdout, stderr } = err as { stdout: string; stderr: string }
    return (stdout + stderr).trim()
  }
}

/** A lab as the app opens one (the tutorial's three nodes on first launch), closed after the test. */
export async function openLab(dataDir = tempDir(), basePort?: number): Promise<OpenLab> {
  const lab = new Lab({ dataDir, mode: 'web', version: 'test', basePort: basePort ?? (await freePort()) })
  const events: LabEvent[] = []
  lab.events.on('event', (e) => events.push(e))
  cleanups.push(() => lab.close())
  await lab.open()
  return { lab, events, dataDir }
}

/** A lab with no nodes yet (lab.json says so, so the tutorial's three are not made); reopens one that has a lab.json. */
export async function emptyLab(dataDir = tempDir()): Promise<OpenLab> {
  if (!existsSync(join(dataDir, 'lab.json'))) writeFileSync(join(dataDir, 'lab.json'), JSON.stringify({ version: 1, nodes: [] }))
  return openLab(dataDir)
}

export function run(lab: Lab, id: string, ...args: string[]): Promise<Reply> {
  return lab.call('execute', { id, args })
}

/** A reply's text (bulk, status or error); anything else fails the test. */
export function text(reply: Reply): string {
  if (reply.type === 'bulk' || reply.type === 'status' || reply.type === 'error') return reply.value ?? ''
  throw new Error(`not a text reply: ${JSON.stringify(reply)}`)
}

/** One field of an INFO reply. */
export function field(info: string, name: string): string | undefined {
  return new RegExp(`^${name}:(.*)\\r?$`, 'm').exec(info)?.[1]?.trim()
}

/** SLAVEOF through the lab's console session, then waits for the link to be up. */
export async function replicate(lab: Lab, replica: NodeSnapshot, master: NodeSnapshot): Promise<void> {
  expect(await run(lab, replica.id, 'SLAVEOF', master.host, String(master.port))).toEqual({ type: 'status', value: 'OK' })
  await waitFor(`${replica.port} to be linked`, async () => field(text(await run(lab, replica.id, 'INFO', 'replication')), 'master_link_status') === 'up', 20_000)
}
