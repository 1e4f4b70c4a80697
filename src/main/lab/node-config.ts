import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

/**
 * Each node owns a directory holding a redis.conf an operator would recognise. The
 * persistence work grows this into the full config with CONFIG REWRITE; for now it
 * records where the node listens.
 */
export async function writeNodeConfig(nodeDir: string, host: string, port: number, extra: Record<string, string> = {}): Promise<string> {
  await mkdir(nodeDir, { recursive: true })
  const path = join(nodeDir, 'redis.conf')
  const text = [
    '# Written by Replication Lab for an embedded node.',
    `bind ${host}`,
    `port ${port}`,
    `dir ${quoteIfNeeded(nodeDir)}`,
    ...Object.entries(extra).map(([k, v]) => `${k} ${quoteIfNeeded(v)}`),
    ''
  ].join('\n')
  await writeFile(path, text)
  return path
}

function quoteIfNeeded(s: string): string {
  return /[\s"'\\]/.test(s) ? JSON.stringify(s) : s
}
