/**
 * The rule Redis uses to store a string as an integer (string2ll round trip): the
 * canonical decimal form — no '+', no leading zeros, no '-0' — of a 64-bit integer.
 */
const MAX = 9223372036854775807n
const MIN = -9223372036854775808n

/** The integer a string canonically spells, or null. Returns a bigint outside ±2^53. */
export function canonicalInt(b: Uint8Array): number | bigint | null {
  const n = b.length
  if (n === 0 || n > 20) return null
  let i = 0
  if (b[0] === 0x2d) {
    if (n === 1) return null
    i = 1
  }
  if (b[i] === 0x30) return n === 1 ? 0 : null // "0" only; "-0" and "01" are not canonical
  for (let j = i; j < n; j++) if (b[j]! < 0x30 || b[j]! > 0x39) return null
  if (n - i <= 15) {
    let v = 0
    for (let j = i; j < n; j++) v = v * 10 + (b[j]! - 0x30)
    return i ? -v : v
  }
  const big = BigInt(Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1'))
  if (big > MAX || big < MIN) return null
  return Number.isSafeInteger(Number(big)) ? Number(big) : big
}
