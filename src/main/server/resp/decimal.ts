/**
 * Decimal digits of non-negative integers written straight into bytes (reply headers,
 * list elements, INCR's results): no number-to-string conversion on the hot path.
 * Below 2^32 the division is an integer one (`>>> 0`), which V8 compiles to a few
 * instructions; Math.floor on doubles covers the rest of the safe range.
 */

/** How many decimal digits v (a non-negative safe integer) has. */
export function decimalDigits(v: number): number {
  if (v < 100000) return v < 10 ? 1 : v < 100 ? 2 : v < 1000 ? 3 : v < 10000 ? 4 : 5
  if (v < 1000000000) return v < 1000000 ? 6 : v < 10000000 ? 7 : v < 100000000 ? 8 : 9
  let d = 10
  for (let t = Math.floor(v / 10000000000); t > 0; t = Math.floor(t / 10)) d++
  return d
}

/** Writes v's digits so that the last one lands at out[end - 1] (the caller sized the room). */
export function writeDecimal(out: Uint8Array, end: number, v: number): void {
  let i = end - 1
  while (v > 0xffffffff) {
    const q = Math.floor(v / 10)
    out[i--] = 48 + (v - q * 10)
    v = q
  }
  do {
    const q = (v / 10) >>> 0
    out[i--] = 48 + (v - q * 10)
    v = q
  } while (v > 0)
}
