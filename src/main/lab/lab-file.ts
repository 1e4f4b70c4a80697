import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

/** What the lab remembers between runs: its nodes, in the order they were added. */
export interface LabFile {
  version: 1
  nodes: { id: string; port: number }[]
}

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
        Number.isInteger((n as Record<string, unknown>).port)
    )
  )
}
