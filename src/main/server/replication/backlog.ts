/**
 * The replication backlog: a ring buffer holding the last `size` bytes of the replication
 * stream, addressed by stream offsets, so a replica that reconnects with PSYNC can be
 * sent what it missed (+CONTINUE) instead of a full sync.
 *
 * Offsets follow Redis: `masterReplOffset` is the offset of the last byte written to the
 * stream; the first byte held is `firstByteOffset` (master_repl_offset + 1 right after
 * creation, repl_backlog_first_byte_offset in INFO).
 */
export class ReplicationBacklog {
  private buf: Buffer
  /** Where the next byte goes in `buf`. */
  private idx = 0
  /** Bytes of history held (≤ buf.length). */
  histlen = 0
  /** Offset of the first byte held. */
  firstByteOffset: number
  /** Offset of the last byte written (master_repl_offset). */
  masterReplOffset: number

  constructor(size: number, masterReplOffset: number) {
    this.buf = Buffer.alloc(Math.max(16 * 1024, size))
    this.masterReplOffset = masterReplOffset
    this.firstByteOffset = masterReplOffset + 1
  }

  /** Configured capacity (repl_backlog_size). */
  get size(): number {
    return this.buf.length
  }

  /** feedReplicationBacklog: appends stream bytes, dropping the oldest when full. */
  append(data: Uint8Array): void {
    this.masterReplOffset += data.length
    const cap = this.buf.length
    let src = data
    if (src.length >= cap) src = src.subarray(src.length - cap) // only the newest bytes survive
    const first = Math.min(src.length, cap - this.idx)
    this.buf.set(src.subarray(0, first), this.idx)
    if (first < src.length) this.buf.set(src.subarray(first), 0)
    this.idx = (this.idx + src.length) % cap
    this.histlen = Math.min(cap, this.histlen + data.length)
    this.firstByteOffset = this.masterReplOffset - this.histlen + 1
  }

  /** Whether a replica asking for `offset` (the next byte it wants) can continue from here. */
  canServe(offset: number): boolean {
    return this.histlen > 0 ? offset >= this.firstByteOffset && offset <= this.masterReplOffset + 1 : offset === this.masterReplOffset + 1
  }

  /** The bytes from `offset` (inclusive) to the end of the stream, as one or two slices (copies). */
  from(offset: number): Buffer[] {
    if (!this.canServe(offset)) throw new RangeError(`offset ${offset} is not in the backlog`)
    const len = this.masterReplOffset + 1 - offset
    if (len === 0) return []
    const cap = this.buf.length
    const start = (this.idx - len + cap) % cap
    if (start + len <= cap) return [Buffer.from(this.buf.subarray(start, start + len))]
    return [Buffer.from(this.buf.subarray(start)), Buffer.from(this.buf.subarray(0, (start + len) % cap || cap))]
  }

  /** CONFIG SET repl-backlog-size: Redis keeps the history only if it fits; we keep the newest bytes. */
  resize(size: number): void {
    const keep = this.histlen > 0 ? Buffer.concat(this.from(this.firstByteOffset)) : Buffer.alloc(0)
    const offset = this.masterReplOffset - keep.length
    this.buf = Buffer.alloc(Math.max(16 * 1024, size))
    this.idx = 0
    this.histlen = 0
    this.masterReplOffset = offset
    this.append(keep)
  }
}
