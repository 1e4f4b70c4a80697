/**
 * Finds a real server binary for engine 'redis-server': a configured path first (the lab's
 * option, else $REPLICATION_LAB_REDIS_SERVER), then redis-server and valkey-server on PATH.
 * Asked with `--version`, so a broken or foreign binary is not offered.
 */
import { execFile } from 'node:child_process'
import { constants } from 'node:fs'
import { access } from 'node:fs/promises'
import { basename, delimiter, join } from 'node:path'
import { promisify } from 'node:util'
import type { RealEngine } from '../../shared/api'

const NAMES = ['redis-server', 'valkey-server']
export const REDIS_SERVER_ENV = 'REPLICATION_LAB_REDIS_SERVER'
const EXTRA_DIRS = process.platform === 'win32' ? [] : ['/opt/homebrew/bin', '/usr/local/bin', '/usr/bin']

async function executable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK)
    return true
  } catch {
    return false
  }
}

/** `Redis server v=7.0.15 sha=…` / `Valkey server v=8.0.1 …` → the version, or null. */
export function parseServerVersion(output: string): string | null {
  const m = /\b(?:Redis|Valkey|KeyDB) server v=(\d+\.\d+\.\d+)/i.exec(output)
  return m ? m[1]! : null
}

async function probe(path: string): Promise<RealEngine | null> {
  if (!(await executable(path))) return null
  try {
    const { stdout } = await promisify(execFile)(path, ['--version'], { timeout: 5000, encoding: 'utf8' })
    const version = parseServerVersion(stdout)
    return version ? { engine: 'redis-server', name: basename(path), path, version } : null
  } catch {
    return null
  }
}

/** The binaries found, the configured one first; empty when there is none. */
export async function findRealEngines(configured = process.env[REDIS_SERVER_ENV]): Promise<RealEngine[]> {
  const candidates: string[] = []
  if (configured) candidates.push(configured)
  // A desktop app started from the Dock or a launcher gets a short PATH: add where package managers put servers.
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), ...EXTRA_DIRS]
  for (const name of NAMES) {
    for (const dir of dirs) candidates.push(join(dir, name))
  }
  const found: RealEngine[] = []
  const seen = new Set<string>()
  for (const path of candidates) {
    if (seen.has(path)) continue
    seen.add(path)
    const engine = await probe(path)
    // One per name is enough to offer; the first on PATH wins, as a shell would pick it.
    if (engine && !found.some((f) => f.name === engine.name && path !== configured)) found.push(engine)
  }
  return found
}
