/**
 * Writes RDB images that Redis 7.0 loads: version 10 by default (what a 7.0 replica
 * expects), the compact encodings 7.0 itself chooses for small values (listpack hashes
 * and zsets, intsets, quicklist-of-listpack lists) and plain ones otherwise, aux fields
 * in Redis's order, and the CRC64 trailer. Output comes in chunks (take()) so a snapshot
 * can be streamed to disk or to a replica while it is being produced, or straight to a
 * synchronous sink (SAVE).
 */
import { Crc64 } from './crc64'
import { RdbWriter, type RdbSink } from './encoding'
import { writeIntset } from './intset'
import { writeListpack } from './listpack'
import { isBufferValue, RDB_OPCODE, RDB_TYPE, type RdbValue } from './reader'
import { formatDouble17g } from '../numbers'
import { canonicalInt } from './string-int'

export interface RdbEncodingLimits {
  hashMaxListpackEntries: number
  hashMaxListpackValue: number
  zsetMaxListpackEntries: number
  zsetMaxListpackValue: number
  setMaxIntsetEntries: number
  /** list-max-listpack-size: negative = bytes per node (-2 → 8 KB), positive = entries per node. */
  listMaxListpackSize: number
}

/** Redis 7.0's defaults. */
export const DEFAULT_LIMITS: RdbEncodingLimits = {
  hashMaxListpackEntries: 512,
  hashMaxListpackValue: 64,
  zsetMaxListpackEntries: 128,
  zsetMaxListpackValue: 64,
  setMaxIntsetEntries: 512,
  listMaxListpackSize: -2
}

const LISTPACK_NODE_BYTES = [4096, 8192, 16384, 32768, 65536]

export class RdbFileWriter {
  private readonly w: RdbWriter
  private readonly crc = new Crc64()
  private readonly limits: RdbEncodingLimits

  private readonly sink: RdbSink | null

  /** With `sink`, output goes to it as it is produced (valid during the call only) and take() returns nothing. */
  constructor(opts: { version?: number; compress?: boolean; limits?: Partial<RdbEncodingLimits>; sink?: RdbSink } = {}) {
    const sink = opts.sink ?? null
    this.sink = sink
    this.w = new RdbWriter(
      opts.compress ?? true,
      sink === null
        ? null
        : (c) => {
            this.crc.update(c)
            sink(c)
          }
    )
    this.limits = { ...DEFAULT_LIMITS, ...opts.limits }
    this.w.raw(Buffer.from(`REDIS${String(opts.version ?? 10).padStart(4, '0')}`, 'latin1'))
  }

  /** Bytes produced so far. */
  get length(): number {
    return this.w.length
  }

  /** AUX fields, e.g. [['redis-ver', '7.0.15'], ['redis-bits', 64], …]; numbers use integer encodings. */
  aux(fields: [string, string | number][]): void {
    for (const [name, value] of fields) {
      this.w.byte(RDB_OPCODE.AUX)
      this.w.string(Buffer.from(name, 'latin1'))
      this.w.string(Buffer.from(String(value), 'latin1'))
    }
  }

  selectDb(db: number, keys: number, expires: number): void {
    this.w.byte(RDB_OPCODE.SELECTDB)
    this.w.len(db)
    this.w.byte(RDB_OPCODE.RESIZEDB)
    this.w.len(keys)
    this.w.len(expires)
  }

  /**
   * One key. The key may be a binary (latin1) string as the keyspace holds it, and a string
   * value the Buffer itself: saving a keyspace then allocates nothing per string key.
   */
  entry(key: Uint8Array | string, expireMs: number | null, value: RdbValue | Buffer): void {
    if (expireMs !== null) {
      this.w.byte(RDB_OPCODE.EXPIRETIME_MS)
      this.w.millis(expireMs)
    }
    if (isBufferValue(value)) {
      this.w.byte(RDB_TYPE.STRING)
      this.key(key)
      this.w.string(value)
      return
    }
    switch (value.type) {
      case 'string':
        this.w.byte(RDB_TYPE.STRING)
        this.key(key)
        this.w.string(value.value)
        return
      case 'list':
        return this.list(key, value.items)
      case 'set':
        return this.set(key, value.members)
      case 'hash':
        return this.hash(key, value.pairs)
      case 'zset':
        return this.zset(key, value.entries)
    }
  }

  private key(key: Uint8Array | string): void {
    if (typeof key === 'string') this.w.latin1String(key)
    else this.w.string(key)
  }

  /** Output so far (feeds the checksum); the writer goes on. */
  take(): Buffer[] {
    const chunks = this.w.take()
    for (const c of chunks) this.crc.update(c)
    return chunks
  }

  /**
   * EOF opcode and checksum; returns the last chunks. Without `checksum` (rdbchecksum no)
   * the trailer is eight zero bytes, as Redis writes it and loaders skip.
   */
  end(checksum = true): Buffer[] {
    this.w.byte(RDB_OPCODE.EOF)
    const chunks = this.take()
    const trailer = checksum ? this.crc.bytes() : Buffer.alloc(8)
    if (this.sink !== null) this.sink(trailer)
    else chunks.push(trailer)
    return chunks
  }

  private list(key: Uint8Array | string, items: Buffer[]): void {
    this.w.byte(RDB_TYPE.LIST_QUICKLIST_2)
    this.key(key)
    const fill = this.limits.listMaxListpackSize
    const maxBytes = fill < 0 ? LISTPACK_NODE_BYTES[Math.min(4, -fill - 1)]! : Infinity
    const maxEntries = fill > 0 ? fill : Infinity
    const nodes: Buffer[][] = []
    let node: Buffer[] = []
    let bytes = 0
    for (const item of items) {
      const size = item.length + 11 // an entry's worst-case overhead
      if (node.length && (node.length >= maxEntries || bytes + size > maxBytes)) {
        nodes.push(node)
        node = []
        bytes = 0
      }
      node.push(item)
      bytes += size
    }
    if (node.length) nodes.push(node)
    this.w.len(nodes.length)
    for (const n of nodes) {
      this.w.len(2) // PACKED container: a listpack
      this.w.string(writeListpack(n))
    }
  }

  private set(key: Uint8Array | string, members: Buffer[]): void {
    const ints: (number | bigint)[] = []
    if (members.length <= this.limits.setMaxIntsetEntries) {
      for (const m of members) {
        const v = canonicalInt(m)
        if (v === null) break
        ints.push(v)
      }
    }
    if (members.length > 0 && ints.length === members.length) {
      this.w.byte(RDB_TYPE.SET_INTSET)
      this.key(key)
      this.w.string(writeIntset(ints))
      return
    }
    this.w.byte(RDB_TYPE.SET)
    this.key(key)
    this.w.len(members.length)
    for (const m of members) this.w.string(m)
  }

  private hash(key: Uint8Array | string, pairs: Buffer[]): void {
    const n = pairs.length / 2
    if (n <= this.limits.hashMaxListpackEntries && pairs.every((b) => b.length <= this.limits.hashMaxListpackValue)) {
      this.w.byte(RDB_TYPE.HASH_LISTPACK)
      this.key(key)
      this.w.string(writeListpack(pairs))
      return
    }
    this.w.byte(RDB_TYPE.HASH)
    this.key(key)
    this.w.len(n)
    for (const b of pairs) this.w.string(b)
  }

  private zset(key: Uint8Array | string, entries: { member: Buffer; score: number }[]): void {
    const sorted = [...entries].sort((a, b) => a.score - b.score || Buffer.compare(a.member, b.member))
    if (sorted.length <= this.limits.zsetMaxListpackEntries && sorted.every((e) => e.member.length <= this.limits.zsetMaxListpackValue)) {
      const flat: Buffer[] = []
      for (const e of sorted) flat.push(e.member, Buffer.from(listpackScore(e.score)))
      this.w.byte(RDB_TYPE.ZSET_LISTPACK)
      this.key(key)
      this.w.string(writeListpack(flat))
      return
    }
    this.w.byte(RDB_TYPE.ZSET_2)
    this.key(key)
    this.w.len(sorted.length)
    // Redis writes the skiplist from its tail: highest score first.
    for (let i = sorted.length - 1; i >= 0; i--) {
      this.w.string(sorted[i]!.member)
      this.w.binaryDouble(sorted[i]!.score)
    }
  }
}

/** How a zset listpack stores a score (zzlInsertAt): Redis 7.0 formats it with %.17g. */
function listpackScore(d: number): string {
  return formatDouble17g(d)
}
