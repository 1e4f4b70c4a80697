/**
 * Number formatting and parsing exactly as Redis 7.0 does it (util.c), shared by every
 * command family that prints or reads doubles.
 */

/**
 * C's printf("%.17g"): what Redis 7.0 uses for doubles in replies (ZSCORE, ZINCRBY, …)
 * and `inf`/`-inf` for infinities. e.g. 1.1 → "1.1000000000000001", 3 → "3", 1e20 → "1e+20".
 */
function toExponential17g(d: number): string {
  if (d === Infinity) return 'inf'
  if (d === -Infinity) return '-inf'
  if (Number.isNaN(d)) return 'nan'
  if (d === 0) return Object.is(d, -0) ? '-0' : '0'
  // %g uses scientific notation when the exponent is < -4 or >= the precision (17).
  let s = d.toExponential(16) // 17 significant digits
  let [mant, e] = s.split('e') as [string, string]
  const expN = Number(e)
  if (expN < -4 || expN >= 17) {
    if (mant.includes('.')) mant = mant.replace(/0+$/, '').replace(/\.$/, '')
    return `${mant}e${expN < 0 ? '-' : '+'}${String(Math.abs(expN)).padStart(2, '0')}`
  }
  s = d.toFixed(Math.max(0, 16 - expN))
  if (s.includes('.')) s = s.replace(/0+$/, '').replace(/\.$/, '')
  return s
}

/**
 * string2d / getDoubleFromObject: strtod over the whole argument; no leading space, no
 * NaN. Accepts what strtod accepts ("1e3", "0x1p3", " inf" is rejected for the space,
 * "inf"/"-inf"/"+inf", "infinity"). Returns null when Redis would say "not a valid float".
 */
export function parseDouble(arg: Uint8Array | string): number | null {
  if (typeof arg !== 'string') {
    const quick = plainDecimal(arg)
    if (quick !== undefined) return quick
  }
  const s = typeof arg === 'string' ? arg : Buffer.from(arg.buffer, arg.byteOffset, arg.byteLength).toString('latin1')
  if (s.length === 0 || s.length > 5120) return null
  const c0 = s.charCodeAt(0)
  if (c0 === 32 || (c0 >= 9 && c0 <= 13)) return null
  const lower = s.toLowerCase()
  const body = lower[0] === '+' || lower[0] === '-' ? lower.slice(1) : lower
  const sign = lower[0] === '-' ? -1 : 1
  if (body === 'inf' || body === 'infinity') return sign * Infinity
  if (/^0x[0-9a-f]*\.?[0-9a-f]*(p[+-]?\d+)?$/.test(body) && /[0-9a-f]/.test(body.slice(2, 3) || body.slice(3))) {
    const m = /^0x([0-9a-f]*)\.?([0-9a-f]*)(?:p([+-]?\d+))?$/.exec(body)!
    const int = m[1] ? parseInt(m[1], 16) : 0
    const frac = m[2] ? parseInt(m[2], 16) / 16 ** m[2].length : 0
    return sign * (int + frac) * 2 ** Number(m[3] ?? 0)
  }
  if (!/^(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(body)) return null
  const v = sign * Number(body)
  // strtod's ERANGE: overflow to inf, or underflow of a non-zero number to 0, is refused.
  if (!Number.isFinite(v)) return null
  if (v === 0 && /[1-9]/.test(body.split('e')[0]!)) return null
  return Number.isNaN(v) ? null : v
}

/** 10^0 … 10^22: every one an exact double (Clinger's fast path needs exactly these). */
const EXACT_POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i)

/**
 * The value of `[+-]digits[.digits]` with at most 15 significant digits (scores such as
 * "0", "12", "-3.25"), exactly as strtod reads it, or undefined for anything else (the
 * caller takes the general path). Both the digits as an integer (below 2^53) and the
 * power of ten are exact doubles, so one IEEE division is strtod's correctly rounded
 * result; such a number can neither overflow nor underflow.
 */
export function plainDecimal(b: Uint8Array): number | undefined {
  const n = b.length
  if (n === 0 || n > 17) return undefined
  let i = 0
  const c0 = b[0]!
  if (c0 === 45 /* - */ || c0 === 43 /* + */) i = 1
  let m = 0
  let digits = 0
  let frac = -1
  for (; i < n; i++) {
    const c = b[i]!
    if (c >= 48 && c <= 57) {
      m = m * 10 + (c - 48)
      digits++
      if (frac >= 0) frac++
    } else if (c === 46 /* . */ && frac < 0) {
      frac = 0
    } else {
      return undefined
    }
  }
  // "", "+", ".", "-." are not numbers; more than 15 digits may not fit exactly.
  if (digits === 0 || digits > 15) return undefined
  const v = frac > 0 ? m / EXACT_POW10[frac]! : m
  return c0 === 45 ? -v : v
}

/**
 * printf("%.17g") for scores, fast and exact. Node's toPrecision/toExponential round a tie
 * (a double exactly halfway between two 17-digit decimals, e.g. 1 + 2^-17) up, glibc rounds
 * it to even; ties need a double with few fractional bits (d·2^k integral for a small k),
 * which go through exact BigInt arithmetic here.
 */
export function formatDouble17g(d: number): string {
  if (Number.isInteger(d)) {
    // Below 2^53 every integer is exact, so String() prints all its digits.
    if (d !== 0 && d < 9007199254740992 && d > -9007199254740992) return String(d)
    return toExponential17g(d)
  }
  if (d !== d || d === Infinity || d === -Infinity) return toExponential17g(d)
  const a = d < 0 ? -d : d
  if (a >= 1e-4 && a < 1e16) {
    if (Number.isInteger(a * 2097152)) return exact17g(d, 21)
    // Both %.17g and toPrecision(17) use fixed notation here; drop trailing zeros.
    const t = d.toPrecision(17)
    let end = t.length
    while (t.charCodeAt(end - 1) === 48 /* 0 */) end--
    if (t.charCodeAt(end - 1) === 46 /* . */) end--
    return end === t.length ? t : t.slice(0, end)
  }
  if (Number.isInteger(a * 18446744073709551616)) return exact17g(d, 64)
  return toExponential17g(d)
}

const POW5: bigint[] = []

/** %.17g of d (non-zero, d·2^k an integer) with round-half-even, by exact arithmetic. */
function exact17g(d: number, k: number): string {
  const neg = d < 0
  const n = BigInt(neg ? -d * 2 ** k : d * 2 ** k)
  const p5 = POW5[k] ?? (POW5[k] = 5n ** BigInt(k))
  let digits = (n * p5).toString() // value = digits · 10^-k
  let exp10 = digits.length - 1 - k
  if (digits.length > 17) {
    const rest = digits.slice(17)
    let q = BigInt(digits.slice(0, 17))
    const half = '5'.padEnd(rest.length, '0')
    if (rest > half || (rest === half && (q & 1n) === 1n)) q += 1n
    let qs = q.toString()
    if (qs.length > 17) {
      qs = qs.slice(0, 17)
      exp10++
    }
    digits = qs
  }
  let end = digits.length
  while (end > 1 && digits.charCodeAt(end - 1) === 48) end--
  digits = digits.slice(0, end)
  let out: string
  if (exp10 < -4 || exp10 >= 17) {
    const e = Math.abs(exp10)
    out = digits[0]! + (digits.length > 1 ? '.' + digits.slice(1) : '') + (exp10 < 0 ? 'e-' : 'e+') + (e < 10 ? '0' + e : String(e))
  } else if (exp10 >= 0) {
    const int = digits.slice(0, exp10 + 1).padEnd(exp10 + 1, '0')
    const frac = digits.slice(exp10 + 1)
    out = frac.length > 0 ? int + '.' + frac : int
  } else {
    out = '0.' + '0'.repeat(-exp10 - 1) + digits
  }
  return neg ? '-' + out : out
}

