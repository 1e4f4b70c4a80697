/**
 * Forkless point-in-time RDB snapshots. Redis forks and lets the kernel copy pages on
 * write; here the snapshot is taken at beginSnapshot() (synchronously, O(databases)) and
 * serialised afterwards in small time slices while commands keep running:
 *
 * - Each database that had keys is read from the Map objects it held at the start. FLUSHDB,
 *   FLUSHALL and loads install fresh Maps and SWAPDB exchanges them, so the snapshot keeps
 *   reading the (then detached) old Maps and finds a database's state by Map identity.
 * - Keys are written in the order of the database's ScanIndex (keyspace/scan.ts), whose
 *   cursor is a position in hash space: every key present throughout whose hash is below
 *   the cursor has been written, exactly once, whatever was added, removed or resized
 *   meanwhile. So "already written?" is one hash comparison, with no per-key bookkeeping.
 * - Before a key not yet written changes (lookupWrite, set, delete, TTL changes, expiry
 *   deletions: RedisDb.cow), its pre-image is copied (toRdbValue) into the database's
 *   pending list and the key is marked seen; a key absent at that moment is being created:
 *   marked seen too. The iteration skips seen keys, so each key is written exactly once
 *   (Redis refuses duplicates) and keys created after the point in time never are.
 *
 * Several snapshots may run at once (a BGSAVE and a replica's full sync): each keeps its own
 * seen sets; a change costs one Map lookup per running snapshot.
 */
import type { RedisServer } from '../node'
import type { RedisDb } from '../keyspace/db'
import type { RedisValue } from '../keyspace/types'
import { hashName, type ScanIndex } from '../keyspace/scan'
import { encodingLimits } from '../keyspace/encoding-limits'
import type { RdbValue } from '../rdb/reader'
import { RdbFileWriter } from '../rdb/writer'
import { REDIS_VERSION } from '../info'
import { toRdbValue } from './value-codec'

export interface SnapshotOptions {
  /** AUX fields after the defaults (redis-ver, redis-bits, ctime, used-mem, aof-base); replication passes repl-stream-db, repl-id, repl-offset. */
  aux?: [string, string | number][]
  /** Each piece of the RDB, in order. */
  onChunk(chunk: Buffer): void
  /** Once: null = the complete RDB including its CRC64 trailer was delivered. */
  onEnd(err: Error | null): void
}

export interface RdbSnapshot {
  /** Bytes delivered to onChunk so far. */
  readonly bytes: number
  /** Stops producing chunks (backpressure); the point in time is kept. */
  pause(): void
  resume(): void
  /** Stops for good; onEnd gets an error unless it was already called. */
  abort(): void
}

/** How long one slice may serialise before yielding to the event loop. */
const SLICE_MS = 1
/** Keys per ScanIndex step (the clock is read between steps). */
const KEYS_PER_STEP = 128

interface PendingEntry {
  key: string
  expire: number | undefined
  value: RdbValue
}

interface DbState {
  index: number
  dict: Map<string, RedisValue>
  expires: Map<string, number>
  scanIndex: ScanIndex
  keys: number
  volatile: number
  /** Keys that changed (pre-imaged) or were created since the start. */
  seen: Set<string>
  pending: PendingEntry[]
  started: boolean
  /** ScanIndex cursor: keys hashing below it are written. */
  cursor: number
}

/** Running snapshots per server (the RedisDb.cow dispatcher iterates them). */
const running = new WeakMap<RedisServer, Set<Snapshot>>()

function register(server: RedisServer, s: Snapshot): void {
  let set = running.get(server)
  if (!set) running.set(server, (set = new Set()))
  set.add(s)
  if (set.size === 1) {
    const all = set
    const dispatch = (db: RedisDb, key: string, after: boolean): void => {
      for (const snap of all) snap.beforeChange(db, key, after)
    }
    for (const db of server.keyspace.dbs) db.cow = dispatch
  }
}

function unregister(server: RedisServer, s: Snapshot): void {
  const set = running.get(server)
  if (!set || !set.delete(s)) return
  if (set.size === 0) for (const db of server.keyspace.dbs) db.cow = null
}

/** Snapshots of this server currently running (BGSAVE, full syncs). */
export function runningSnapshots(server: RedisServer): number {
  return running.get(server)?.size ?? 0
}

/** The RDB writer configured as the server's config says (rdbcompression, encoding limits). */
export function rdbWriterFor(server: RedisServer): RdbFileWriter {
  const cfg = server.config
  const limits = encodingLimits(cfg)
  return new RdbFileWriter({
    version: 10,
    compress: cfg.getBool('rdbcompression'),
    limits: { ...limits, listMaxListpackSize: cfg.getNumber('list-max-listpack-size') }
  })
}

export class Snapshot implements RdbSnapshot {
  private readonly writer: RdbFileWriter
  private readonly dbs: DbState[] = []
  private readonly byDict = new Map<Map<string, RedisValue>, DbState>()
  private current = 0
  private headerDone = false
  private paused = false
  private ended = false
  private scheduled = false
  private delivered = 0
  /** Keys whose value changed without passing a cow hook first (a bug if ever non-zero). */
  missedPreImages = 0
  /** Pre-images copied because a key changed before it was written, and their rough size. */
  preImages = 0
  preImageBytes = 0

  constructor(
    private readonly server: RedisServer,
    private readonly opts: SnapshotOptions
  ) {
    this.writer = rdbWriterFor(server)
    for (const db of server.keyspace.dbs) {
      if (db.dict.size === 0) continue
      const st: DbState = {
        index: db.id,
        dict: db.dict,
        expires: db.expires,
        scanIndex: db.scanIndex,
        keys: db.dict.size,
        volatile: db.expires.size,
        seen: new Set(),
        pending: [],
        started: false,
        cursor: 0
      }
      this.dbs.push(st)
      this.byDict.set(st.dict, st)
    }
    register(server, this)
  }

  get bytes(): number {
    return this.delivered
  }

  /** RedisDb.cow: copies the pre-image of a key that is about to change. */
  beforeChange(db: RedisDb, key: string, after: boolean): void {
    const st = this.byDict.get(db.dict)
    if (st === undefined) return
    const seen = st.seen
    if (seen.has(key) || hashName(key) < st.cursor) return
    if (after) {
      if (st.dict.has(key)) this.missedPreImages++
      return
    }
    seen.add(key)
    const v = st.dict.get(key)
    if (v === undefined) return // being created after the point in time
    this.preImages++
    const value = toRdbValue(v)
    this.preImageBytes += key.length + roughSize(value)
    st.pending.push({ key, expire: st.expires.get(key), value })
  }

  start(): void {
    this.schedule()
  }

  pause(): void {
    this.paused = true
  }

  resume(): void {
    if (!this.paused) return
    this.paused = false
    this.schedule()
  }

  abort(): void {
    this.finish(new Error('snapshot aborted'))
  }

  private schedule(): void {
    if (this.scheduled || this.paused || this.ended) return
    this.scheduled = true
    setImmediate(() => {
      this.scheduled = false
      if (this.paused || this.ended) return
      let done: boolean
      try {
        done = this.runSlice(SLICE_MS)
      } catch (err) {
        this.finish(err instanceof Error ? err : new Error(String(err)))
        return
      }
      if (!done) this.schedule()
    })
  }

  /** Serialises for about `budgetMs` (Infinity: to the end); true when the RDB is complete. */
  runSlice(budgetMs: number): boolean {
    if (this.ended) return true
    const deadline = performance.now() + budgetMs
    const w = this.writer
    if (!this.headerDone) {
      this.headerDone = true
      w.aux([
        ['redis-ver', REDIS_VERSION],
        ['redis-bits', 64],
        ['ctime', Math.floor(Date.now() / 1000)],
        ['used-mem', process.memoryUsage().heapUsed],
        ...(this.opts.aux ?? []),
        ['aof-base', 0]
      ])
    }
    while (this.current < this.dbs.length) {
      const st = this.dbs[this.current]!
      if (!st.started) {
        st.started = true
        w.selectDb(st.index, st.keys, st.volatile)
      }
      this.drainPending(st)
      const { seen, dict, expires } = st
      // Keys as strings and string values as Buffers go to the writer as they are: no
      // per-key garbage for most keys. (seen and expires are often empty: skip the lookups.)
      const emit = (key: string): void => {
        if (seen.size !== 0 && seen.has(key)) return
        const v = dict.get(key)!
        const expire = expires.size !== 0 ? (expires.get(key) ?? null) : null
        w.entry(key, expire, v instanceof Buffer ? v : toRdbValue(v))
      }
      if (budgetMs === Infinity && st.cursor === 0) {
        // All at once (SAVE, DEBUG RELOAD): nothing can change meanwhile, so the hash-order
        // cursor is not needed and the Map is walked in its own order, which spares the
        // lookup per key (a cache miss each, most of the cost of a 1M-key save).
        dict.forEach((v, key) => {
          if (seen.size !== 0 && seen.has(key)) return
          const expire = expires.size !== 0 ? (expires.get(key) ?? null) : null
          w.entry(key, expire, v instanceof Buffer ? v : toRdbValue(v))
        })
      } else {
        do st.cursor = st.scanIndex.scan(st.cursor, KEYS_PER_STEP, emit)
        while (st.cursor !== 0 && performance.now() < deadline)
      }
      if (st.cursor === 0) {
        this.drainPending(st)
        this.byDict.delete(st.dict)
        this.current++
      }
      this.deliver(w.take())
      if (performance.now() >= deadline) break
    }
    if (this.current < this.dbs.length) return false
    const tail = w.end()
    // rdbchecksum no: Redis writes a zero checksum, which loaders skip.
    if (!this.server.config.getBool('rdbchecksum')) tail[tail.length - 1] = Buffer.alloc(8)
    this.deliver(tail)
    this.finish(null)
    return true
  }

  private drainPending(st: DbState): void {
    if (st.pending.length === 0) return
    for (const e of st.pending) this.writer.entry(e.key, e.expire ?? null, e.value)
    st.pending = []
  }

  private deliver(chunks: Buffer[]): void {
    for (const c of chunks) {
      if (this.ended) return
      this.delivered += c.length
      this.opts.onChunk(c)
    }
  }

  private finish(err: Error | null): void {
    if (this.ended) return
    this.ended = true
    unregister(this.server, this)
    this.byDict.clear()
    this.opts.onEnd(err)
  }
}

function roughSize(v: RdbValue): number {
  switch (v.type) {
    case 'string':
      return v.value.length
    case 'list':
      return v.items.length * 16
    case 'set':
      return v.members.length * 16
    case 'hash':
      return v.pairs.length * 16
    case 'zset':
      return v.entries.length * 24
  }
}

/** Point-in-time as of this call (synchronous); serialises incrementally afterwards. */
export function beginSnapshot(server: RedisServer, opts: SnapshotOptions): RdbSnapshot {
  const s = new Snapshot(server, opts)
  s.start()
  return s
}

/** The whole RDB at once (SAVE, DEBUG RELOAD, tests): blocks like Redis's rdbSave. */
export function serializeRdb(server: RedisServer, aux?: [string, string | number][]): Buffer {
  return Buffer.concat(serializeRdbChunks(server, aux))
}

/** serializeRdb as the writer's chunks (no final copy). */
export function serializeRdbChunks(server: RedisServer, aux?: [string, string | number][]): Buffer[] {
  const chunks: Buffer[] = []
  let failure: Error | null = null
  const s = new Snapshot(server, { aux, onChunk: (c) => chunks.push(c), onEnd: (e) => (failure = e) })
  try {
    s.runSlice(Infinity)
  } catch (err) {
    s.abort()
    throw err
  }
  if (failure) throw failure
  return chunks
}
