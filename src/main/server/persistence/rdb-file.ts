/**
 * Writing dump files the crash-safe way Redis does: into a temp file in the same directory,
 * fsynced, renamed over the target, then the directory fsynced, so a crash leaves either the
 * old dump or the new one, never a torn file.
 */
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs'
import { open, rename, unlink } from 'node:fs/promises'
import { dirname } from 'node:path'

/** Best-effort directory fsync (makes the rename durable; not supported everywhere). */
function fsyncDirSync(dir: string): void {
  try {
    const fd = openSync(dir, 'r')
    try {
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
  } catch {
    /* e.g. Windows: directories cannot be opened */
  }
}

/** fsyncDirSync off the main thread (BGSAVE must not stall commands). */
async function fsyncDir(dir: string): Promise<void> {
  try {
    const fh = await open(dir, 'r')
    try {
      await fh.sync()
    } finally {
      await fh.close()
    }
  } catch {
    /* e.g. Windows: directories cannot be opened */
  }
}

/**
 * Writes what `produce` hands its writer to `path` via `tmp`, synchronously (SAVE,
 * SHUTDOWN): each chunk is in the file when write() returns, so chunks may be reused.
 */
export function writeFileAtomicSync(path: string, tmp: string, produce: (write: (chunk: Buffer) => void) => void): void {
  let fd: number | null = null
  try {
    const out = openSync(tmp, 'w')
    fd = out
    produce((chunk) => {
      for (let at = 0; at < chunk.length; ) at += writeSync(out, chunk, at, chunk.length - at)
    })
    fsyncSync(fd)
    closeSync(fd)
    fd = null
    renameSync(tmp, path)
  } catch (err) {
    if (fd !== null) closeSync(fd)
    try {
      unlinkSync(tmp)
    } catch {
      /* not created */
    }
    throw err
  }
  fsyncDirSync(dirname(path))
}

/** Bytes queued before the producer is asked to pause. */
const HIGH_WATER = 8 * 1024 * 1024

/**
 * An append-only temp file fed chunk by chunk (BGSAVE): write() queues, pause/resume tell
 * the producer when the queue is long; commit() fsyncs and renames, discard() removes it.
 */
export class AtomicFileWriter {
  private fh: Awaited<ReturnType<typeof open>> | null = null
  private opening: Promise<void>
  private queue: Buffer[] = []
  private queued = 0
  private writing: Promise<void> | null = null
  private failed: Error | null = null

  constructor(
    readonly path: string,
    readonly tmp: string,
    private readonly backpressure: { pause(): void; resume(): void }
  ) {
    this.opening = open(tmp, 'w').then(
      (fh) => {
        this.fh = fh
        this.kick()
      },
      (err: Error) => {
        this.failed = err
      }
    )
  }

  write(chunk: Buffer): void {
    if (this.failed) return
    this.queue.push(chunk)
    this.queued += chunk.length
    if (this.queued > HIGH_WATER) this.backpressure.pause()
    this.kick()
  }

  private kick(): void {
    if (this.writing || !this.fh || this.queue.length === 0 || this.failed) return
    const batch = this.queue
    this.queue = []
    const fh = this.fh
    this.writing = (async () => {
      let bufs = batch
      while (bufs.length > 0) {
        const { bytesWritten } = await fh.writev(bufs)
        this.queued -= bytesWritten
        bufs = dropWritten(bufs, bytesWritten)
      }
    })().then(
      () => {
        this.writing = null
        if (this.queued <= HIGH_WATER / 2) this.backpressure.resume()
        this.kick()
      },
      (err: Error) => {
        this.writing = null
        this.failed = err
      }
    )
  }

  /** Waits for everything queued, fsyncs, renames onto `path`. */
  async commit(): Promise<void> {
    await this.opening
    while (!this.failed && (this.writing || this.queue.length > 0)) {
      this.kick()
      await this.writing
    }
    if (this.failed) {
      await this.discard()
      throw this.failed
    }
    const fh = this.fh!
    this.fh = null
    try {
      await fh.sync()
    } finally {
      await fh.close()
    }
    await rename(this.tmp, this.path)
    await fsyncDir(dirname(this.path))
  }

  /** Abandons the temp file. */
  async discard(): Promise<void> {
    this.failed ??= new Error('discarded')
    await this.opening
    await this.writing
    const fh = this.fh
    this.fh = null
    if (fh) await fh.close().catch(() => {})
    await unlink(this.tmp).catch(() => {})
  }
}

function dropWritten(bufs: Buffer[], n: number): Buffer[] {
  let i = 0
  while (i < bufs.length && n >= bufs[i]!.length) n -= bufs[i++]!.length
  const rest = bufs.slice(i)
  if (n > 0 && rest.length > 0) rest[0] = rest[0]!.subarray(n)
  return rest
}
