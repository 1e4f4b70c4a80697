/**
 * Small Buffers carved out of shared slabs, for the values a command stores or builds
 * (copies of arguments, INCR's digits, list elements) and for socket reads.
 *
 * Buffer.allocUnsafe does the same pooling (8 KB pools, sizes below 4 KB), but reaching it
 * costs an argument validation, the pool bookkeeping and Node's FastBuffer constructor:
 * about as much as the rest of an INCR. Here a slab is a plain ArrayBuffer and each piece is
 * a view made by viewOf (resp/arg-view.ts). A slab stays alive while any piece of it does, as Node's
 * pool does; pieces are 8-byte aligned like Node's, so a Uint32Array over one stays legal.
 */
import { viewOf } from './resp/arg-view'

/** Node's own pool size: the retention cost of a long-lived small value stays the same. */
const SLAB_SIZE = 8 * 1024
/** Larger requests get memory of their own (Node's pool stops at half its size too). */
const SMALL_MAX = SLAB_SIZE >>> 1

let slab = new ArrayBuffer(SLAB_SIZE)
let used = 0

/** n bytes for the caller to fill (contents unspecified); a slab piece when small. */
export function allocBytes(n: number): Buffer {
  if (n > SMALL_MAX) return Buffer.allocUnsafe(n)
  if (used + n > SLAB_SIZE) {
    slab = new ArrayBuffer(SLAB_SIZE)
    used = 0
  }
  const out = viewOf(slab, used, n)
  used = (used + n + 7) & ~7
  return out
}

/**
 * A copy of `src` in memory of its own (a stored value must not pin the socket chunk its
 * argument was a view of).
 */
export function copyBytes(src: Uint8Array): Buffer {
  const n = src.length
  const out = allocBytes(n)
  // A short value is copied faster by a loop than by a call into TypedArray#set.
  if (n <= 32) for (let i = 0; i < n; i++) out[i] = src[i]!
  else out.set(src)
  return out
}
