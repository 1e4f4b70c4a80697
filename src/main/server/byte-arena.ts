/**
 * Small Buffers carved out of shared slabs, for the values a command stores or builds
 * (copies of arguments, INCR's digits, list elements) and for socket reads.
 *
 * Buffer.allocUnsafe does the same pooling (8 KB pools, sizes below 4 KB), but reaching it
 * costs an argument validation, the pool bookkeeping and Node's FastBuffer constructor:
 * about as much as the rest of an INCR. Here a slab is a plain ArrayBuffer and each piece is
 * a view made by viewOf (resp/arg-view.ts). A slab stays alive while any piece of it does, as Node's
 * pool does; pieces are 8-byte aligned like Node's, so a Uint32Array over one stays legal.
 *
 * Making a slab costs a few microseconds whatever its size (the backing store's allocation,
 * registration and later sweep, measured 2-5 µs here for 8 KB and 64 KB alike), so input,
 * which is short-lived and arrives at tens of MB/s, gets slabs of its own, 8 times larger;
 * stored values keep Node's 8 KB, which bounds what one long-lived value can pin.
 */
import { viewOf } from './resp/arg-view'

class SlabArena {
  private slab: ArrayBuffer
  private used = 0
  /** Larger requests get memory of their own (Node's pool stops at half its size too). */
  private readonly pieceMax: number

  constructor(private readonly slabSize: number) {
    this.pieceMax = slabSize >>> 1
    this.slab = newSlab(slabSize)
  }

  alloc(n: number): Buffer {
    if (n > this.pieceMax) return Buffer.allocUnsafe(n)
    let used = this.used
    if (used + n > this.slabSize) {
      this.slab = newSlab(this.slabSize)
      used = 0
    }
    const out = viewOf(this.slab, used, n)
    this.used = (used + n + 7) & ~7
    return out
  }
}

/** An ArrayBuffer without the zero fill (its pieces are always written before they are read). */
function newSlab(size: number): ArrayBuffer {
  return Buffer.allocUnsafeSlow(size).buffer as ArrayBuffer
}

/** Node's own pool size: the retention cost of a long-lived small value stays the same. */
const values = new SlabArena(8 * 1024)
const input = new SlabArena(64 * 1024)

/** n bytes for the caller to fill (contents unspecified); a slab piece when small. */
export function allocBytes(n: number): Buffer {
  return values.alloc(n)
}

/** n bytes for a socket read's copy (short-lived: a request's arguments are views of it). */
export function allocInput(n: number): Buffer {
  return input.alloc(n)
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
