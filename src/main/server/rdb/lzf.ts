/**
 * LZF as Redis uses it for RDB strings (lzf_c.c / lzf_d.c formats). Decompression is
 * strict: a malformed stream throws instead of reading out of bounds.
 */

export class LzfError extends Error {
  override name = 'LzfError'
}

/** Decompresses `input` into exactly `outLen` bytes. */
export function lzfDecompress(input: Uint8Array, outLen: number): Buffer {
  const out = Buffer.allocUnsafe(outLen)
  let ip = 0
  let op = 0
  const inLen = input.length
  while (ip < inLen) {
    const ctrl = input[ip++]!
    if (ctrl < 32) {
      const len = ctrl + 1
      if (op + len > outLen) throw new LzfError('literal run overflows the output')
      if (ip + len > inLen) throw new LzfError('literal run past the end of the input')
      for (let i = 0; i < len; i++) out[op++] = input[ip++]!
    } else {
      let len = ctrl >> 5
      if (len === 7) {
        if (ip >= inLen) throw new LzfError('truncated back reference')
        len += input[ip++]!
      }
      if (ip >= inLen) throw new LzfError('truncated back reference')
      const ref = op - ((ctrl & 0x1f) << 8) - input[ip++]! - 1
      len += 2
      if (ref < 0) throw new LzfError('back reference before the start of the output')
      if (op + len > outLen) throw new LzfError('back reference overflows the output')
      // Byte by byte: the source may overlap what is being written (runs).
      for (let i = 0; i < len; i++) out[op++] = out[ref + i]!
    }
  }
  if (op !== outLen) throw new LzfError(`decompressed to ${op} bytes, expected ${outLen}`)
  return out
}

const HLOG = 14
const HSIZE = 1 << HLOG
const MAX_LIT = 1 << 5
const MAX_OFF = 1 << 13
const MAX_REF = (1 << 8) + (1 << 3)

let table: Int32Array | null = null
/** Offset added to positions stored in `table` by the current call (see lzfCompress). */
let tableBase = 0

/**
 * Compresses `input`; returns null when the result would not fit in `maxOut` bytes (the
 * caller then stores the string plain, as Redis does when compression saves too little).
 */
export function lzfCompress(input: Uint8Array, maxOut: number): Buffer | null {
  if (input.length < 4) return null
  const out = Buffer.allocUnsafe(maxOut + MAX_LIT + 2)
  const n = lzfCompressInto(input, maxOut, out, 0)
  return n < 0 ? null : out.subarray(0, n)
}

/**
 * lzfCompress into `out` at `outStart` (which needs maxOut + 34 bytes of room there):
 * the compressed length, or -1 when it would exceed `maxOut`. Saves the writer a Buffer
 * per compressed string.
 */
export function lzfCompressInto(input: Uint8Array, maxOut: number, out: Uint8Array, outStart: number): number {
  const inLen = input.length
  if (inLen < 4) return -1
  const htab = (table ??= new Int32Array(HSIZE).fill(-1))
  // Positions are stored shifted by a base that grows with every call, so entries left by
  // earlier inputs read as absent without clearing the 64 KB table for each string (that
  // clearing dominated the cost of saving many short values).
  if (tableBase + inLen + 1 > 0x7fffffff) {
    htab.fill(-1)
    tableBase = 0
  }
  const base = tableBase
  tableBase += inLen + 1
  const limit = outStart + maxOut
  let ip = 0
  let op = outStart + 1 // room for the first literal-run length byte
  let lit = 0
  let litStart = outStart
  while (ip < inLen - 2) {
    const h = (Math.imul((input[ip]! << 16) | (input[ip + 1]! << 8) | input[ip + 2]!, 0x9e3779b1) >>> (32 - HLOG)) & (HSIZE - 1)
    const stored = htab[h]!
    htab[h] = base + ip
    const ref = stored >= base ? stored - base : -1
    const off = ip - ref - 1
    if (
      ref >= 0 &&
      off < MAX_OFF &&
      input[ref] === input[ip] &&
      input[ref + 1] === input[ip + 1] &&
      input[ref + 2] === input[ip + 2]
    ) {
      let len = 3
      const maxLen = Math.min(MAX_REF, inLen - ip)
      // Four bytes a step first: measuring the match is most of the work on padded values.
      const lim4 = maxLen - 4
      while (
        len <= lim4 &&
        input[ref + len] === input[ip + len] &&
        input[ref + len + 1] === input[ip + len + 1] &&
        input[ref + len + 2] === input[ip + len + 2] &&
        input[ref + len + 3] === input[ip + len + 3]
      ) {
        len += 4
      }
      while (len < maxLen && input[ref + len] === input[ip + len]) len++
      // close the pending literal run
      if (lit > 0) {
        out[litStart] = lit - 1
      } else {
        op-- // no literal: reuse its length byte slot
      }
      const l = len - 2
      if (op + 3 > limit) return -1
      if (l < 7) {
        out[op++] = (off >> 8) + (l << 5)
      } else {
        out[op++] = (off >> 8) + (7 << 5)
        out[op++] = l - 7
      }
      out[op++] = off & 0xff
      // start a new literal run
      litStart = op++
      lit = 0
      // Only the match's last two positions enter the table, as lzf_c.c's VERY_FAST (what
      // Redis builds) does: hashing every position of a long match tripled the cost of
      // compressing typical padded values.
      for (let i = Math.max(1, len - 2); i < len && ip + i < inLen - 2; i++) {
        const p = ip + i
        htab[(Math.imul((input[p]! << 16) | (input[p + 1]! << 8) | input[p + 2]!, 0x9e3779b1) >>> (32 - HLOG)) & (HSIZE - 1)] = base + p
      }
      ip += len
      continue
    }
    if (op >= limit) return -1
    out[op++] = input[ip++]!
    if (++lit === MAX_LIT) {
      out[litStart] = MAX_LIT - 1
      lit = 0
      litStart = op++
    }
  }
  while (ip < inLen) {
    if (op >= limit) return -1
    out[op++] = input[ip++]!
    if (++lit === MAX_LIT) {
      out[litStart] = MAX_LIT - 1
      lit = 0
      litStart = op++
    }
  }
  if (lit > 0) out[litStart] = lit - 1
  else op--
  if (op > limit) return -1
  return op - outStart
}
