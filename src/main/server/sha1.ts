/**
 * SHA-1 of small inputs without allocating: DEBUG DIGEST hashes every key, type and element
 * several times, and crypto.createHash costs an object and a native call per hash (about
 * 15x this for 20-byte inputs). Large inputs still go to the native implementation.
 */
import { createHash } from 'node:crypto'

const NATIVE_FROM = 4096
const W = new Int32Array(80)
let scratch = Buffer.allocUnsafe(256)

function rotl(x: number, n: number): number {
  return (x << n) | (x >>> (32 - n))
}

/** SHA-1 of `data` (bytes, or a binary string: one char per byte) written to out[0..20). */
export function sha1Into(data: Uint8Array | string, out: Uint8Array): void {
  let bytes: Uint8Array
  let len: number
  if (typeof data === 'string') {
    len = data.length
    if (len >= NATIVE_FROM) return nativeInto(Buffer.from(data, 'latin1'), out)
    // Room for the padding too.
    if (scratch.length < len + 72) scratch = Buffer.allocUnsafe((len + 72) * 2)
    scratch.write(data, 0, 'latin1')
    bytes = scratch
  } else {
    len = data.length
    if (len >= NATIVE_FROM) return nativeInto(data, out)
    if (scratch.length < len + 72) scratch = Buffer.allocUnsafe((len + 72) * 2)
    scratch.set(data, 0)
    bytes = scratch
  }
  // Padding: 0x80, zeros to 56 mod 64, then the bit length (big endian, 64 bits).
  const total = ((len + 8) >>> 6) * 64 + 64
  bytes[len] = 0x80
  bytes.fill(0, len + 1, total - 8)
  const bits = len * 8
  bytes[total - 8] = 0
  bytes[total - 7] = 0
  bytes[total - 6] = 0
  bytes[total - 5] = (bits / 0x100000000) & 0xff
  bytes[total - 4] = (bits >>> 24) & 0xff
  bytes[total - 3] = (bits >>> 16) & 0xff
  bytes[total - 2] = (bits >>> 8) & 0xff
  bytes[total - 1] = bits & 0xff

  let h0 = 0x67452301
  let h1 = 0xefcdab89 | 0
  let h2 = 0x98badcfe | 0
  let h3 = 0x10325476
  let h4 = 0xc3d2e1f0 | 0
  for (let off = 0; off < total; off += 64) {
    for (let i = 0; i < 16; i++) {
      const p = off + i * 4
      W[i] = (bytes[p]! << 24) | (bytes[p + 1]! << 16) | (bytes[p + 2]! << 8) | bytes[p + 3]!
    }
    for (let i = 16; i < 80; i++) W[i] = rotl(W[i - 3]! ^ W[i - 8]! ^ W[i - 14]! ^ W[i - 16]!, 1)
    let a = h0
    let b = h1
    let c = h2
    let d = h3
    let e = h4
    for (let i = 0; i < 80; i++) {
      let f: number
      let k: number
      if (i < 20) {
        f = (b & c) | (~b & d)
        k = 0x5a827999
      } else if (i < 40) {
        f = b ^ c ^ d
        k = 0x6ed9eba1
      } else if (i < 60) {
        f = (b & c) | (b & d) | (c & d)
        k = 0x8f1bbcdc | 0
      } else {
        f = b ^ c ^ d
        k = 0xca62c1d6 | 0
      }
      const t = (rotl(a, 5) + f + e + k + W[i]!) | 0
      e = d
      d = c
      c = rotl(b, 30)
      b = a
      a = t
    }
    h0 = (h0 + a) | 0
    h1 = (h1 + b) | 0
    h2 = (h2 + c) | 0
    h3 = (h3 + d) | 0
    h4 = (h4 + e) | 0
  }
  writeWord(out, 0, h0)
  writeWord(out, 4, h1)
  writeWord(out, 8, h2)
  writeWord(out, 12, h3)
  writeWord(out, 16, h4)
}

function writeWord(out: Uint8Array, at: number, v: number): void {
  out[at] = v >>> 24
  out[at + 1] = (v >>> 16) & 0xff
  out[at + 2] = (v >>> 8) & 0xff
  out[at + 3] = v & 0xff
}

function nativeInto(data: Uint8Array, out: Uint8Array): void {
  out.set(createHash('sha1').update(data).digest())
}
