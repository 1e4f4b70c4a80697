import { open } from 'node:fs/promises'

/** Read from the end in steps of this size, so a long log is never read whole. */
const CHUNK = 64 * 1024
/**
 * Past this many bytes the tail stops looking further back: a pathological file (one
 * endless line) must not be read into memory whole.
 */
const MAX_BYTES = 4 * 1024 * 1024

/**
 * The last `count` lines of a text file, read backwards from its end in chunks (a log
 * only grows, and its start is what matters least). A final line without its newline (a
 * line being written) is included.
 */
export async function tailFile(path: string, count: number): Promise<string[]> {
  const handle = await open(path, 'r')
  try {
    const { size } = await handle.stat()
    const chunks: Buffer[] = []
    let pos = size
    let newlines = 0
    let read = 0
    // count + 1 newlines: the one before the first line wanted closes the line before it.
    while (pos > 0 && newlines <= count && read < MAX_BYTES) {
      const len = Math.min(CHUNK, pos, MAX_BYTES - read)
      pos -= len
      const buf = Buffer.alloc(len)
      const { bytesRead } = await handle.read(buf, 0, len, pos)
      const got = buf.subarray(0, bytesRead)
      chunks.unshift(got)
      read += bytesRead
      for (const b of got) if (b === 0x0a) newlines++
    }
    const text = Buffer.concat(chunks).toString('utf8')
    const lines = text.split('\n')
    if (lines[lines.length - 1] === '') lines.pop()
    // Started mid-file: the first piece is part of a line that began earlier.
    if (pos > 0) lines.shift()
    return lines.slice(-count).map((l) => l.replace(/\r$/, ''))
  } finally {
    await handle.close()
  }
}
