/**
 * A bound on the replies of SRANDMEMBER / HRANDFIELD / ZRANDMEMBER with a negative count.
 *
 * A negative count asks for that many elements with repeats, so the reply's size depends on
 * the count alone: Redis 7.0 and 7.2 accept any count in [-LONG_MAX, LONG_MAX] (±LONG_MAX/2
 * with WITHVALUES/WITHSCORES) and then build the reply until the process runs out of memory
 * (7.2 only stops early when the client's output-buffer limit closes it, which the default
 * `normal 0 0 0` never does). Here every node of the lab shares one process and one event
 * loop, so such a command would freeze them all. A count of more than RAND_REPLY_MAX_ELEMENTS,
 * or whose reply would exceed RAND_REPLY_MAX_BYTES, is refused with Redis's own "value is out
 * of range" (as Valkey's later max-rand-count does), before any work. The size estimate
 * samples a few random elements.
 */
import type { Client } from '../client'
import { closeClientOnOutputBufferLimitReached } from '../output-buffer-limits'

/**
 * Most elements a negative count may ask for: building a reply costs ~0.3 µs per element
 * here (measured: 19M one-byte members took 5.8 s before the first byte), so this is about
 * 0.3 s of work at most.
 */
export const RAND_REPLY_MAX_ELEMENTS = 1024 * 1024
/** Largest reply (estimated bytes) a negative count may build. */
export const RAND_REPLY_MAX_BYTES = 64 * 1024 * 1024

/** Elements sampled to estimate an element's reply size. */
const SAMPLES = 16

/** Bytes of a RESP bulk string of `len` bytes. */
export function bulkSize(len: number): number {
  return len + String(len).length + 5
}

/**
 * For a negative count: replies "value is out of range" and returns true when `count` is
 * over the bound or `count` elements, each about as big as `sampleSize()` (the reply bytes of
 * one random element, including its value/score and any per-element header), would be.
 */
export function randCountRefused(c: Client, count: number, sampleSize: () => number): boolean {
  if (count > RAND_REPLY_MAX_ELEMENTS) {
    c.error('value is out of range')
    return true
  }
  // Sampling costs as much as building a reply of SAMPLES elements.
  if (count <= SAMPLES) return false
  let total = 0
  for (let i = 0; i < SAMPLES; i++) total += sampleSize()
  if ((count * total) / SAMPLES <= RAND_REPLY_MAX_BYTES) return false
  c.error('value is out of range')
  return true
}

/** The reply loops look at the client's output every RAND_CHECK_MASK + 1 elements. */
export const RAND_CHECK_MASK = 1023

/**
 * Redis 7.2's early stop of these loops (`if (c->flags & CLIENT_CLOSE_ASAP) break`): once
 * the reply being built reaches the client's output-buffer limit, the client is closed and
 * the rest is not built.
 */
export function randReplyStopped(c: Client): boolean {
  return c.closed || closeClientOnOutputBufferLimitReached(c)
}
