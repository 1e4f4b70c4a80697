import { existsSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { loadConfigText, reprString, type LoadedConfig } from '../server/config-file'

/**
 * Each node owns a directory holding a redis.conf an operator would recognise, its
 * dump.rdb, pid file and log. The file is the node's configuration: the node reads it at
 * every start, and CONFIG REWRITE updates it the way Redis does (so a `replicaof` line it
 * writes survives restarts).
 */
export const CONFIG_FILE = 'redis.conf'

export function nodeConfigPath(nodeDir: string): string {
  return join(nodeDir, CONFIG_FILE)
}

/** Writes the node's first redis.conf; an existing one (the node's own) is left alone. */
export async function ensureNodeConfig(nodeDir: string, id: string, host: string, port: number, extra: Record<string, string> = {}): Promise<string> {
  await mkdir(nodeDir, { recursive: true })
  const path = nodeConfigPath(nodeDir)
  if (existsSync(path)) return path
  const text = [
    `# redis.conf of the lab node ${id}, written by Replication Lab.`,
    '# The node reads this file at every start; CONFIG REWRITE updates it as Redis does.',
    `bind ${host}`,
    `port ${port}`,
    `dir ${reprString(nodeDir)}`,
    'dbfilename dump.rdb',
    `pidfile ${reprString(join(nodeDir, 'redis.pid'))}`,
    `logfile ${reprString(join(nodeDir, 'redis.log'))}`,
    ...Object.entries(extra).map(([k, v]) => `${k} ${/^[\w.-]+$/.test(v) ? v : reprString(v)}`),
    ''
  ].join('\n')
  await writeFile(path, text)
  return path
}

/** Reads a node's redis.conf as redis-server would (throws ConfigFileError / IncludeOpenError). */
export async function readNodeConfig(path: string): Promise<LoadedConfig> {
  return loadConfigText(await readFile(path, 'latin1'))
}

/**
 * The lab moved the node to another port (the one in the file was taken): the `port`
 * lines say so from now on.
 */
export async function setNodeConfigPort(path: string, port: number): Promise<void> {
  const text = await readFile(path, 'latin1')
  let found = false
  const lines = text.split('\n').map((l) => {
    if (!/^\s*port\s+\S+\s*$/i.test(l)) return l
    found = true
    return `port ${port}`
  })
  if (!found) lines.splice(lines.length && lines[lines.length - 1] === '' ? lines.length - 1 : lines.length, 0, `port ${port}`)
  await writeFile(path, lines.join('\n'))
}
