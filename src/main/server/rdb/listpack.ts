/**
 * Listpack blobs (inside RDB types 16, 17, 18, 20 and streams): header of total bytes and
 * element count, entries of encoding+data+backlen, terminator 0xFF. Elements come out as
 * Buffers (strings) or numbers/bigints (integer encodings).
 */
import { RdbError } from './errors'
import { canonicalInt } from './string-int'

export type LpEntry = Buffer | number | bigint

export function readListpack(blob: Buffer): LpEntry[] {
  if (blob.length < 7) throw new RdbError('listpack too short')
  const total = blob.readUInt32LE(0)
  if (total !== blob.length) throw new RdbError(`listpack header says ${total} bytes, blob has ${blob.length}`)
  if (blob[blob.length - 1] !== 0xff) throw new RdbError('listpack without its terminator')
  const declared = blob.readUInt16LE(4)
  const out: LpEntry[] = []
  let p = 6
  const end = blob.length - 1
  const need = (n: number): void => {
    if (p + n > end) throw new RdbError('listpack entry past the end of the blob')
  }
  while (p < end) {
    const b = blob[p]!
    let size: number
    if (b < 0x80) {
      out.push(b)
      size = 1
    } else if ((b & 0xc0) === 0x80) {
      const len = b & 0x3f
      need(1 + len)
      out.push(Buffer.from(blob.subarray(p + 1, p + 1 + len)))
      size = 1 + len
    } else if ((b & 0xe0) === 0xc0) {
      need(2)
      let v = ((b & 0x1f) << 8) | blob[p + 1]!
      if (v >= 4096) v -= 8192
      out.push(v)
      size = 2
    } else if ((b & 0xf0) === 0xe0) {
      need(2)
      const len = ((b & 0x0f) << 8) | blob[p + 1]!
      need(2 + len)
      out.push(Buffer.from(blob.subarray(p + 2, p + 2 + len)))
      size = 2 + len
    } else if (b === 0xf0) {
      need(5)
      const len = blob.readUInt32LE(p + 1)
      need(5 + len)
      out.push(Buffer.from(blob.subarray(p + 5, p + 5 + len)))
      size = 5 + len
    } else if (b === 0xf1) {
      need(3)
      out.push(blob.readInt16LE(p + 1))
      size = 3
    } else if (b === 0xf2) {
      need(4)
      out.push(blob.readIntLE(p + 1, 3))
      size = 4
    } else if (b === 0xf3) {
      need(5)
      out.push(blob.readInt32LE(p + 1))
      size = 5
    } else if (b === 0xf4) {
      need(9)
      const v = blob.readBigInt64LE(p + 1)
      out.push(Number.isSafeInteger(Number(v)) ? Number(v) : v)
      size = 9
    } else {
      throw new RdbError(`listpack entry with encoding byte 0x${b.toString(16)}`)
    }
    p += size + backlenSize(size)
  }
  if (p !== end) throw new RdbError('listpack entries overrun the terminator')
  if (declared !== 65535 && declared !== out.length) throw new RdbError(`listpack count ${declared} but ${out.length} entries`)
  return out
}

function backlenSize(n: number): number {
  return n < 128 ? 1 : n < 16384 ? 2 : n < 2097152 ? 3 : n < 268435456 ? 4 : 5
}

function writeBacklen(out: number[], n: number): void {
  // Most significant 7-bit group first; every byte but the first written has 0x80 set.
  const groups: number[] = []
  do {
    groups.unshift(n & 0x7f)
    n = Math.floor(n / 128)
  } while (n > 0)
  for (let i = 0; i < groups.length; i++) out.push(i === 0 ? groups[i]! : groups[i]! | 0x80)
}

/** Encodes elements as Redis would: canonical int64 strings as integers, the rest as strings. */
export function writeListpack(elements: (Buffer | string | number)[]): Buffer {
  const parts: Buffer[] = []
  let bytes = 6
  for (const e of elements) {
    const buf = typeof e === 'number' ? Buffer.from(String(e)) : typeof e === 'string' ? Buffer.from(e, 'latin1') : e
    const int = canonicalInt(buf)
    const head: number[] = []
    let data: Buffer | null = null
    if (int !== null) {
      const v = BigInt(int)
      if (v >= 0n && v <= 127n) head.push(Number(v))
      else if (v >= -4096n && v <= 4095n) {
        const u = Number(v) & 0x1fff
        head.push(0xc0 | (u >> 8), u & 0xff)
      } else if (v >= -32768n && v <= 32767n) {
        const b = Buffer.alloc(2)
        b.writeInt16LE(Number(v))
        head.push(0xf1, ...b)
      } else if (v >= -8388608n && v <= 8388607n) {
        const b = Buffer.alloc(3)
        b.writeIntLE(Number(v), 0, 3)
        head.push(0xf2, ...b)
      } else if (v >= -2147483648n && v <= 2147483647n) {
        const b = Buffer.alloc(4)
        b.writeInt32LE(Number(v))
        head.push(0xf3, ...b)
      } else {
        const b = Buffer.alloc(8)
        b.writeBigInt64LE(v)
        head.push(0xf4, ...b)
      }
    } else if (buf.length < 64) {
      head.push(0x80 | buf.length)
      data = buf
    } else if (buf.length < 4096) {
      head.push(0xe0 | (buf.length >> 8), buf.length & 0xff)
      data = buf
    } else {
      const b = Buffer.alloc(4)
      b.writeUInt32LE(buf.length)
      head.push(0xf0, ...b)
      data = buf
    }
    const size = head.length + (data?.length ?? 0)
    const back: number[] = []
    writeBacklen(back, size)
    parts.push(Buffer.from(head))
    if (data) parts.push(data)
    parts.push(Buffer.from(back))
    bytes += size + back.length
  }
  bytes += 1
  const header = Buffer.alloc(6)
  header.writeUInt32LE(bytes, 0)
  header.writeUInt16LE(elements.length < 65535 ? elements.length : 65535, 4)
  return Buffer.concat([header, ...parts, Buffer.from([0xff])], bytes)
}
