/**
 * Ziplist and zipmap blobs: only in RDB files from Redis ≤ 6.2 (types 9, 10, 12, 13, 14),
 * which a 7.0 server still loads. Read-only.
 */
import { RdbError } from './errors'
import type { LpEntry } from './listpack'

export function readZiplist(blob: Buffer): LpEntry[] {
  if (blob.length < 11) throw new RdbError('ziplist too short')
  if (blob.readUInt32LE(0) !== blob.length) throw new RdbError('ziplist header size does not match the blob')
  if (blob[blob.length - 1] !== 0xff) throw new RdbError('ziplist without its terminator')
  const out: LpEntry[] = []
  let p = 10
  const end = blob.length - 1
  const need = (n: number): void => {
    if (p + n > end) throw new RdbError('ziplist entry past the end of the blob')
  }
  while (p < end) {
    need(1)
    p += blob[p] === 0xfe ? 5 : 1 // prevlen
    need(1)
    const b = blob[p]!
    const kind = b >> 6
    if (kind === 0) {
      const len = b & 0x3f
      need(1 + len)
      out.push(Buffer.from(blob.subarray(p + 1, p + 1 + len)))
      p += 1 + len
    } else if (kind === 1) {
      need(2)
      const len = ((b & 0x3f) << 8) | blob[p + 1]!
      need(2 + len)
      out.push(Buffer.from(blob.subarray(p + 2, p + 2 + len)))
      p += 2 + len
    } else if (kind === 2) {
      need(5)
      const len = blob.readUInt32BE(p + 1)
      need(5 + len)
      out.push(Buffer.from(blob.subarray(p + 5, p + 5 + len)))
      p += 5 + len
    } else if (b === 0xc0) {
      need(3)
      out.push(blob.readInt16LE(p + 1))
      p += 3
    } else if (b === 0xd0) {
      need(5)
      out.push(blob.readInt32LE(p + 1))
      p += 5
    } else if (b === 0xe0) {
      need(9)
      const v = blob.readBigInt64LE(p + 1)
      out.push(Number.isSafeInteger(Number(v)) ? Number(v) : v)
      p += 9
    } else if (b === 0xf0) {
      need(4)
      out.push(blob.readIntLE(p + 1, 3))
      p += 4
    } else if (b === 0xfe) {
      need(2)
      out.push(blob.readInt8(p + 1))
      p += 2
    } else if (b >= 0xf1 && b <= 0xfd) {
      out.push((b & 0x0f) - 1)
      p += 1
    } else {
      throw new RdbError(`ziplist entry with encoding byte 0x${b.toString(16)}`)
    }
  }
  if (p !== end) throw new RdbError('ziplist entries overrun the terminator')
  return out
}

/** Zipmap (hashes from Redis ≤ 2.4): field, value pairs. */
export function readZipmap(blob: Buffer): Buffer[] {
  const out: Buffer[] = []
  let p = 1
  const len = (): number => {
    if (p >= blob.length) throw new RdbError('zipmap truncated')
    const b = blob[p]!
    if (b < 254) {
      p += 1
      return b
    }
    if (b === 254) {
      if (p + 5 > blob.length) throw new RdbError('zipmap truncated')
      const v = blob.readUInt32LE(p + 1)
      p += 5
      return v
    }
    throw new RdbError('zipmap length 255')
  }
  for (;;) {
    if (p >= blob.length) throw new RdbError('zipmap without its terminator')
    if (blob[p] === 0xff) break
    const klen = len()
    if (p + klen > blob.length) throw new RdbError('zipmap truncated')
    const key = Buffer.from(blob.subarray(p, p + klen))
    p += klen
    const vlen = len()
    if (p >= blob.length) throw new RdbError('zipmap truncated')
    const free = blob[p++]!
    if (p + vlen + free > blob.length) throw new RdbError('zipmap truncated')
    out.push(key, Buffer.from(blob.subarray(p, p + vlen)))
    p += vlen + free
  }
  return out
}
