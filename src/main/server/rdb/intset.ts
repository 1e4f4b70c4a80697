/**
 * Intset blobs (type 11): 4-byte LE element width (2, 4, 8), 4-byte LE count, sorted
 * little-endian signed integers.
 */
import { RdbError } from './errors'

export function readIntset(blob: Buffer): string[] {
  if (blob.length < 8) throw new RdbError('intset too short')
  const width = blob.readUInt32LE(0)
  const count = blob.readUInt32LE(4)
  if (width !== 2 && width !== 4 && width !== 8) throw new RdbError(`intset with element width ${width}`)
  if (blob.length !== 8 + width * count) throw new RdbError('intset size does not match its count')
  const out: string[] = new Array(count)
  for (let i = 0, p = 8; i < count; i++, p += width) {
    out[i] = width === 2 ? String(blob.readInt16LE(p)) : width === 4 ? String(blob.readInt32LE(p)) : blob.readBigInt64LE(p).toString()
  }
  return out
}

/** Builds an intset of integers (the caller guarantees they are canonical int64 strings). */
export function writeIntset(values: (number | bigint)[]): Buffer {
  const sorted = [...new Set(values.map((v) => BigInt(v)))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  let width = 2
  for (const v of sorted) {
    if (v < -2147483648n || v > 2147483647n) width = 8
    else if ((v < -32768n || v > 32767n) && width < 4) width = 4
  }
  const out = Buffer.alloc(8 + width * sorted.length)
  out.writeUInt32LE(width, 0)
  out.writeUInt32LE(sorted.length, 4)
  let p = 8
  for (const v of sorted) {
    if (width === 2) out.writeInt16LE(Number(v), p)
    else if (width === 4) out.writeInt32LE(Number(v), p)
    else out.writeBigInt64LE(v, p)
    p += width
  }
  return out
}
