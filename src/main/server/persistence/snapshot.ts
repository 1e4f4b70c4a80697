/**
 * Forkless point-in-time RDB snapshots. Redis forks and lets the kernel copy pages on
 * write; here the snapshot is taken at beginSnapshot() (synchronously) and serialised
 * afterwards in small time slices while commands keep running:
 *
 * - The point in time is each database's keys and value references, copied into two
 *   arrays at the start (O(keys), a few milliseconds per million keys: about what Redis's
 *   fork costs in page tables). The serialisation then walks those arrays in order, with
 *   no lookup per key (in a hash-order walk, a cache miss each and most of the cost).
 * - Keys added afterwards are not in the arrays; keys deleted or replaced afterwards still
 *   are, with the value they held. Only a value changed in place (a list pushed to, a hash
 *   field set) needs a copy: before anything changes a key (lookupWrite, set, delete, TTL
 *   changes, expiry deletions: RedisDb.cow), the value it holds then gets a pre-image
 *   (toRdbValue) keyed by the value's identity, and the key's TTL is noted, each once.
 *   Whether the walk already wrote that key does not matter: a pre-image of a value the
 *   walk has passed is never read. Identity, not the key's name, because a name can be
 *   deleted and created again and a value can move to another name (RENAME).
 * - FLUSHDB, FLUSHALL and loads install fresh Maps and SWAPDB exchanges them, so a
 *   database's state is found by the identity of the Map it held at the start.
 *
 * Several snapshots may run at once (a BGSAVE and a replica's full sync): each keeps its own
 * pre-images; a change costs a few Map lookups per running snapshot.
 */
import type { RedisServer } from '../node'
import type { RedisDb } from '../keyspace/db'
import type { RedisValue } from '../keyspace/types'
import type { KeyTable } from '../keyspace/key-table'
import { encodingLimits } from '../keyspace/encoding-limits'
import type { RdbValue } from '../rdb/reader'
import { RdbFileWriter } from '../rdb/writer'
import { plainStringLength, plainStringStart, type RdbSink } from '../rdb/encoding'
import { REDIS_VERSION } from '../info'
import { toRdbValue } from './value-codec'

export interface SnapshotOptions {
  /** AUX fields after the defaults (redis-ver, redis-bits, ctime, used-mem, aof-base); replication passes repl-stream-db, repl-id, repl-offset. */
  aux?: [string, string | number][]
  /** Each piece of the RDB, in order. */
  onChunk(chunk: Buffer): void
  /**
   * onChunk consumes each chunk before returning (SAVE's synchronous file writes): chunks
   * are then views of one reused slab, valid only during the call.
   */
  consumesAtOnce?: boolean
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
/** Keys written between two reads of the clock. */
const KEYS_PER_STEP = 256

interface DbState {
  index: number
  dict: KeyTable<RedisValue>
  expires: Map<string, number>
  /** The point in time: keys and their values (null once written or ended). */
  keys: string[] | null
  /** A number is a plain string still in the loaded image `deferred` (KeyTable.toArrays). */
  values: (RedisValue | number)[] | null
  deferred: Buffer | null
  /** Next position in keys/values. */
  pos: number
  count: number
  volatile: number
  /** Keys changed since the start, with the TTL they had then. */
  touched: Map<string, number | undefined>
  started: boolean
  done: boolean
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
export function rdbWriterFor(server: RedisServer, sink?: RdbSink): RdbFileWriter {
  const cfg = server.config
  const limits = encodingLimits(cfg)
  return new RdbFileWriter({
    version: 10,
    compress: cfg.getBool('rdbcompression'),
    limits: { ...limits, listMaxListpackSize: cfg.getNumber('list-max-listpack-size') },
    ...(sink ? { sink } : {})
  })
}

export class Snapshot implements RdbSnapshot {
  private readonly writer: RdbFileWriter
  private readonly dbs: DbState[] = []
  private readonly byDict = new Map<KeyTable<RedisValue>, DbState>()
  /** Values as they were before an in-place change, by value identity. */
  private readonly preImageOf = new Map<RedisValue, RdbValue>()
  private current = 0
  private headerDone = false
  private paused = false
  private ended = false
  private scheduled = false
  private delivered = 0
  /** Keys whose value changed without passing a cow hook first (a bug if ever non-zero). */
  missedPreImages = 0
  /** Pre-images copied because a value changed in place during the snapshot, and their rough size. */
  preImages = 0
  preImageBytes = 0

  constructor(
    private readonly server: RedisServer,
    private readonly opts: SnapshotOptions
  ) {
    this.writer = opts.consumesAtOnce
      ? rdbWriterFor(server, (c) => {
          this.delivered += c.length
          opts.onChunk(c)
        })
      : rdbWriterFor(server)
    for (const db of server.keyspace.dbs) {
      if (db.dict.size === 0) continue
      // SAVE too: copying the references and walking arrays beats iterating the table.
      const { keys, values, deferred } = db.dict.toArrays()
      const st: DbState = {
        index: db.id,
        dict: db.dict,
        expires: db.expires,
        keys,
        values,
        deferred,
        pos: 0,
        count: db.dict.size,
        volatile: db.expires.size,
        touched: new Map(),
        started: false,
        done: false
      }
      this.dbs.push(st)
      this.byDict.set(st.dict, st)
    }
    register(server, this)
  }

  get bytes(): number {
    return this.delivered
  }

  /** RedisDb.cow: keeps what a key held at the point in time before it changes. */
  beforeChange(db: RedisDb, key: string, after: boolean): void {
    const st = this.byDict.get(db.dict)
    if (st === undefined || st.done) return
    const touched = st.touched
    if (after) {
      // Changed without a hook before: the value written may be the changed one.
      if (!touched.has(key) && st.dict.has(key)) this.missedPreImages++
      return
    }
    if (touched.has(key)) return
    touched.set(key, st.expires.get(key))
    const v = st.dict.get(key)
    if (v === undefined || this.preImageOf.has(v)) return // being created, or kept already
    const value = toRdbValue(v)
    this.preImageOf.set(v, value)
    this.preImages++
    this.preImageBytes += key.length + roughSize(value)
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
        w.selectDb(st.index, st.count, st.volatile)
      }
      if (!this.writeSome(st, deadline)) {
        this.deliver(w.take())
        return false
      }
      st.done = true
      this.byDict.delete(st.dict)
      this.current++
      this.deliver(w.take())
      if (performance.now() >= deadline) break
    }
    if (this.current < this.dbs.length) return false
    this.deliver(w.end(this.server.config.getBool('rdbchecksum')))
    this.finish(null)
    return true
  }

  /** Writes the point-in-time arrays from st.pos until the deadline; true when at their end. */
  private writeSome(st: DbState, deadline: number): boolean {
    const keys = st.keys!
    const values = st.values!
    const { expires, touched } = st
    const preImageOf = this.preImageOf
    const w = this.writer
    const n = keys.length
    let pos = st.pos
    while (pos < n) {
      const stop = Math.min(n, pos + KEYS_PER_STEP)
      for (; pos < stop; pos++) {
        const key = keys[pos]!
        const v = values[pos]!
        let expire: number | null = null
        if (touched.size !== 0 && touched.has(key)) expire = touched.get(key) ?? null
        else if (expires.size !== 0) expire = expires.get(key) ?? null
        if (typeof v === 'number') {
          // Still in the loaded image, whose bytes never change: the point-in-time value.
          w.entry(key, expire, plainStringView(st.deferred!, v))
          continue
        }
        const pre = preImageOf.size !== 0 ? preImageOf.get(v) : undefined
        w.entry(key, expire, pre ?? (v instanceof Buffer ? v : toRdbValue(v)))
      }
      if (performance.now() >= deadline) break
    }
    st.pos = pos
    if (pos < n) return false
    st.keys = st.values = null
    return true
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
    // An aborted snapshot may live on in a caller's hands: let go of the point in time.
    this.preImageOf.clear()
    for (const st of this.dbs) st.keys = st.values = null
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

/** The whole RDB at once in one Buffer (tests): blocks like Redis's rdbSave. */
export function serializeRdb(server: RedisServer, aux?: [string, string | number][]): Buffer {
  const chunks: Buffer[] = []
  writeRdbTo(server, (c) => chunks.push(Buffer.from(c)), aux)
  return Buffer.concat(chunks)
}

/**
 * The whole RDB at once into `sink`, which must consume each chunk before returning (the
 * chunks share one slab): SAVE writes the file as it is produced, like rdbSave's rio.
 */
export function writeRdbTo(server: RedisServer, sink: RdbSink, aux?: [string, string | number][]): void {
  let failure: Error | null = null
  const s = new Snapshot(server, { aux, onChunk: sink, consumesAtOnce: true, onEnd: (e) => (failure = e) })
  try {
    s.runSlice(Infinity)
  } catch (err) {
    s.abort()
    throw err
  }
  if (failure) throw failure
}

/** The bytes of a plain string left in a loaded image (see KeyTable's deferred values). */
function plainStringView(image: Buffer, at: number): Buffer {
  const start = plainStringStart(image, at)
  return image.subarray(start, start + plainStringLength(image, at))
}
