/**
 * The slow log (slowlog.c): commands slower than slowlog-log-slower-than microseconds,
 * newest first, at most slowlog-max-len entries.
 */
import type { Client } from './client'

/** Arguments kept per entry, and bytes kept per argument (SLOWLOG_ENTRY_MAX_*). */
const MAX_ARGC = 32
const MAX_STRING = 128

export interface SlowLogEntry {
  id: number
  /** Unix time in seconds. */
  time: number
  /** Microseconds. */
  duration: number
  argv: Buffer[]
  peerid: string
  cname: string
}

export class SlowLog {
  entries: SlowLogEntry[] = []
  nextId = 0

  /** slowlogPushEntryIfNeeded. */
  push(c: Client, argv: Buffer[], duration: number, threshold: number, maxLen: number): void {
    if (threshold < 0 || duration < threshold) return
    const argc = Math.min(argv.length, MAX_ARGC)
    const kept: Buffer[] = []
    for (let j = 0; j < argc; j++) {
      if (argc !== argv.length && j === argc - 1) {
        kept.push(Buffer.from(`... (${argv.length - argc + 1} more arguments)`))
        continue
      }
      const a = argv[j]!
      if (a.length > MAX_STRING) {
        kept.push(Buffer.concat([a.subarray(0, MAX_STRING), Buffer.from(`... (${a.length - MAX_STRING} more bytes)`)]))
      } else {
        kept.push(Buffer.from(a))
      }
    }
    this.entries.unshift({
      id: this.nextId++,
      time: Math.floor(Date.now() / 1000),
      duration: Math.floor(duration),
      argv: kept,
      peerid: c.addr,
      cname: c.name
    })
    if (this.entries.length > maxLen) this.entries.length = maxLen
  }

  reset(): void {
    this.entries = []
  }
}
