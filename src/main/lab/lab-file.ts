import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

/**
 * One node as lab.json keeps it. `engine` absent = embedded (files of earlier versions).
 * An external node's password is never written: `passwordNeeded` only says one was used,
 * so the next run can say why it cannot reconnect by itself.
 */
export interface LabFileNode {
  id: string
  port: number
  engine?: 'embedded' | 'redis-server' | 'external'
  /** External nodes: the address the lab connects to. */
  host?: string
  username?: string
  name?: string
  pollMs?: number
  passwordNeeded?: boolean
  /** Spawned nodes: the binary that ran it (the next run looks again if it is gone). */
  binary?: string
  /** External nodes over TLS: the public part (CA, client certificate); the client key is never written. */
  tls?: { ca?: string; cert?: string; servername?: string }
  tlsKeyNeeded?: boolean
  /** Sealed by the lab's SecretBox (the OS keychain), never plain text; absent without one. */
  passwordSealed?: string
  tlsKeySealed?: string
}

/** What the lab remembers between runs: its nodes, in the order they were added. */
export interface LabFile {
  version: 1
  nodes: LabFileNode[]
}

const ENGINES = ['embedded', 'redis-server', 'external']
const OPTIONAL_STRINGS = ['host', 'username', 'name', 'binary', 'passwordSealed', 'tlsKeySealed'] as const

const FILE_NAME = 'lab.json'

/** Reads the lab file; null on first launch. A damaged file is an error, never silently replaced. */
export async function readLabFile(dataDir: string): Promise<LabFile | null> {
  let text: string
  try {
    text = await readFile(join(dataDir, FILE_NAME), 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw err
  }
  const parsed: unknown = JSON.parse(text)
  if (!isLabFile(parsed)) throw new Error(`${join(dataDir, FILE_NAME)} is not a Replication Lab file`)
  return parsed
}

/** Written to a temp name and renamed, so a crash never leaves half a file. */
export async function writeLabFile(dataDir: string, lab: LabFile): Promise<void> {
  await mkdir(dataDir, { recursive: true })
  const path = join(dataDir, FILE_NAME)
  const tmp = `${path}.${process.pid}.tmp`
  await writeFile(tmp, JSON.stringify(lab, null, 2) + '\n')
  await rename(tmp, path)
}

function isLabFile(v: unknown): v is LabFile {
  if (typeof v !== 'object' || v === null) return false
  const o = v as Record<string, unknown>
  return (
    o.version === 1 &&
    Array.isArray(o.nodes) &&
    o.nodes.every(
      (n: unknown) =>
        typeof n === 'object' &&
        n !== null &&
        typeof (n as Record<string, unknown>).id === 'string' &&
        Number.isInteger((n as Record<string, unknown>).port) &&
        isNodeExtras(n as Record<string, unknown>)
    )
  )
}

function isNodeExtras(n: Record<string, unknown>): boolean {
  if (n.engine !== undefined && !ENGINES.includes(n.engine as string)) return false
  if (n.engine === 'external' && typeof n.host !== 'string') return false
  if (OPTIONAL_STRINGS.some((k) => n[k] !== undefined && typeof n[k] !== 'string')) return false
  if (n.pollMs !== undefined && !Number.isInteger(n.pollMs)) return false
  if (n.tls !== undefined) {
    if (typeof n.tls !== 'object' || n.tls === null) return false
    const t = n.tls as Record<string, unknown>
    if (['ca', 'cert', 'servername'].some((k) => t[k] !== undefined && typeof t[k] !== 'string')) return false
  }
  if (n.tlsKeyNeeded !== undefined && typeof n.tlsKeyNeeded !== 'boolean') return false
  return n.passwordNeeded === undefined || typeof n.passwordNeeded === 'boolean'
}
