/**
 * A server's RDB persistence (rdb.c's rdbSave/rdbSaveBackground/rdbLoad plus the save
 * points of serverCron and the save at shutdown): state INFO persistence reports, SAVE,
 * BGSAVE (a forkless snapshot written to a temp file, fsynced, renamed), loading at start.
 */
import { existsSync } from 'node:fs'
import { isAbsolute, join } from 'node:path'
import type { RedisServer } from '../node'
import { RdbError } from '../rdb/errors'
import { AtomicFileWriter, writeFileAtomicSync } from './rdb-file'
import { loadRdb, readRdbFile } from './rdb-load'
import { beginSnapshot, writeRdbTo, type RdbSnapshot, type Snapshot } from './snapshot'

/** CONFIG_BGSAVE_RETRY_DELAY: after a failed BGSAVE, save points wait this long (s). */
const BGSAVE_RETRY_DELAY = 5

let tempSerial = 0

export class Persistence {
  /** rdb_changes_since_last_save is server.stats.dirty; this is its value when BGSAVE began. */
  private dirtyAtBgsave = 0
  /** The running BGSAVE, or null. */
  private bgsave: { snapshot: RdbSnapshot; start: number; done: Promise<void> } | null = null
  /** BGSAVE SCHEDULE: start one as soon as nothing else runs. */
  bgsaveScheduled = false
  lastBgsaveOk = true
  /** Seconds the last BGSAVE took (-1: none yet). */
  lastBgsaveTimeSec = -1
  /** Unix seconds of the last BGSAVE attempt (save points retry after a failure). */
  lastBgsaveTry = 0
  /** Successful saves (rdb_saves). */
  saves = 0
  /** Bytes of pre-images the last BGSAVE copied (our rdb_last_cow_size). */
  lastCowSize = 0
  /** Pre-images the last BGSAVE copied, and changes that bypassed the hooks (must stay 0). */
  lastPreImages = 0
  lastMissedPreImages = 0
  loading = false
  lastLoadKeysLoaded = 0
  lastLoadKeysExpired = 0
  /** AUX fields of the dump loaded at start (repl-id, repl-offset… for a PSYNC after restart). */
  lastLoadAux: Map<string, Buffer> | null = null

  /**
   * rdbPopulateSaveInfo: AUX fields SAVE/BGSAVE/SHUTDOWN add to the dump (repl-stream-db,
   * repl-id, repl-offset, so a restarted node can PSYNC). Set by replication; none by default.
   */
  saveInfo: (() => [string, string | number][]) | null = null

  constructor(private readonly server: RedisServer) {}

  /** dir/dbfilename. */
  get path(): string {
    const cfg = this.server.config
    const dir = cfg.get('dir') || process.cwd()
    const file = cfg.get('dbfilename')
    return isAbsolute(file) ? file : join(dir, file)
  }

  private tempPath(): string {
    const dir = this.server.config.get('dir') || process.cwd()
    return join(dir, `temp-${process.pid}-${++tempSerial}.rdb`)
  }

  get bgsaveInProgress(): boolean {
    return this.bgsave !== null
  }

  /** Start time (ms) of the running BGSAVE, or null. */
  get bgsaveStart(): number | null {
    return this.bgsave?.start ?? null
  }

  private log(level: 'notice' | 'warning', msg: string): void {
    this.server.emit('log', level, msg)
  }

  /** rdbSave: a blocking save; throws on I/O errors (SAVE replies with an error). */
  save(): void {
    const t0 = Date.now()
    try {
      writeFileAtomicSync(this.path, this.tempPath(), (write) => writeRdbTo(this.server, write, this.saveInfo?.()))
    } catch (err) {
      this.log('warning', `Failed opening the temp RDB file ${this.path} (in server root dir ${process.cwd()}) for saving: ${(err as Error).message}`)
      throw err
    }
    this.log('notice', 'DB saved on disk')
    this.server.stats.dirty = 0
    this.server.lastSaveTime = Math.floor(t0 / 1000)
    this.lastBgsaveOk = true
    this.saves++
  }

  /** rdbSaveBackground: false if one is already running. Resolves `done` when it ends. */
  startBgsave(): boolean {
    if (this.bgsave) return false
    const server = this.server
    const start = Date.now()
    this.lastBgsaveTry = Math.floor(start / 1000)
    this.dirtyAtBgsave = server.stats.dirty
    let file: AtomicFileWriter | null = null
    let resolveDone!: () => void
    const done = new Promise<void>((r) => (resolveDone = r))
    const snapshot = beginSnapshot(server, {
      aux: this.saveInfo?.(),
      onChunk: (c) => file!.write(c),
      onEnd: (err) => {
        const f = file!
        const finished = err ? f.discard().then(() => Promise.reject(err)) : f.commit()
        finished.then(
          () => this.bgsaveEnded(start, null),
          (e: Error) => this.bgsaveEnded(start, e)
        ).finally(resolveDone)
      }
    })
    file = new AtomicFileWriter(this.path, this.tempPath(), snapshot)
    this.bgsave = { snapshot, start, done }
    this.log('notice', 'Background saving started')
    return true
  }

  private bgsaveEnded(start: number, err: Error | null): void {
    const snap = this.bgsave?.snapshot as Snapshot | undefined
    this.bgsave = null
    this.lastBgsaveTimeSec = Math.round((Date.now() - start) / 1000)
    this.lastCowSize = snap?.preImageBytes ?? 0
    this.lastPreImages = snap?.preImages ?? 0
    this.lastMissedPreImages = snap?.missedPreImages ?? 0
    if (this.lastMissedPreImages > 0) {
      this.log('warning', `BGSAVE: ${this.lastMissedPreImages} keys changed without a copy-on-write hook; the dump may not be point-in-time`)
    }
    if (err) {
      this.lastBgsaveOk = false
      this.log('warning', `Background saving error: ${err.message}`)
    } else {
      this.lastBgsaveOk = true
      this.log('notice', 'Background saving terminated with success')
      // Changes made while saving are still unsaved.
      this.server.stats.dirty -= this.dirtyAtBgsave
      this.server.lastSaveTime = Math.floor(start / 1000)
      this.saves++
    }
  }

  /** Waits for the running BGSAVE (if any) to end. */
  async waitBgsave(): Promise<void> {
    await this.bgsave?.done
  }

  /** killRDBChild: stops a running BGSAVE (its temp file is removed). */
  async killBgsave(): Promise<void> {
    const b = this.bgsave
    if (!b) return
    b.snapshot.abort()
    await b.done
  }

  /** The `save` config as [seconds, changes] pairs. */
  savePoints(): [number, number][] {
    const parts = this.server.config.get('save').split(/\s+/).filter(Boolean).map(Number)
    const out: [number, number][] = []
    for (let i = 0; i + 1 < parts.length; i += 2) out.push([parts[i]!, parts[i + 1]!])
    return out
  }

  /** serverCron's part: scheduled BGSAVE, then save points. */
  cron(): void {
    if (this.bgsave) return
    if (this.bgsaveScheduled) {
      this.bgsaveScheduled = false
      this.startBgsave()
      return
    }
    const now = Math.floor(Date.now() / 1000)
    const dirty = this.server.stats.dirty
    for (const [seconds, changes] of this.savePoints()) {
      if (dirty >= changes && now - this.server.lastSaveTime > seconds &&
        (now - this.lastBgsaveTry > BGSAVE_RETRY_DELAY || this.lastBgsaveOk)) {
        this.log('notice', `${changes} changes in ${seconds} seconds. Saving...`)
        this.startBgsave()
        return
      }
    }
  }

  /**
   * prepareForShutdown's saving part: stops a running BGSAVE, then saves when `save` is true
   * or (undefined) when save points are configured. False if the save failed (the caller
   * refuses to shut down unless forced).
   */
  prepareForShutdown(save: boolean | undefined, force = false): boolean {
    if (this.bgsave) {
      this.log('warning', 'There is a child saving an .rdb. Killing it!')
      this.bgsave.snapshot.abort()
    }
    if (save === false || (save === undefined && this.savePoints().length === 0)) return true
    this.log('notice', 'Saving the final RDB snapshot before exiting.')
    try {
      this.save()
    } catch {
      if (force) {
        this.log('warning', 'Error trying to save the DB. Exit anyway.')
        return true
      }
      this.log('warning', "Error trying to save the DB, can't exit.")
      return false
    }
    return true
  }

  /**
   * Loads dir/dbfilename if it exists (at start; `replica`: the node starts as a replica). Throws an RdbError saying where the file
   * broke; the data is then untouched.
   */
  async loadAtStart(opts: { replica?: boolean } = {}): Promise<{ keys: number; expired: number } | null> {
    const path = this.path
    if (!existsSync(path)) return null
    const t0 = Date.now()
    this.loading = true
    try {
      const data = await readRdbFile(path)
      // A node configured as a replica keeps expired keys (its master's DELs remove them).
      const r = loadRdb(this.server, data, opts.replica ? { keepExpired: true } : {})
      this.lastLoadAux = r.aux
      this.lastLoadKeysLoaded = r.keys
      this.lastLoadKeysExpired = r.expired
      this.log('notice', `Done loading RDB, keys loaded: ${r.keys}, keys expired: ${r.expired}.`)
      this.log('notice', `DB loaded from disk: ${((Date.now() - t0) / 1000).toFixed(3)} seconds`)
      return r
    } catch (err) {
      if (err instanceof RdbError) throw new RdbError(`Bad RDB file ${path}: ${err.message}`)
      throw err
    } finally {
      this.loading = false
    }
  }
}
