/**
 * Number formatting and parsing exactly as Redis 7.0 does it (util.c), shared by every
 * command family that prints or reads doubles.
 */

/**
 * C's printf("%.17g"): what Redis 7.0 uses for doubles in replies (ZSCORE, ZINCRBY, …)
 * and `inf`/`-inf` for infinities. e.g. 1.1 → "1.1000000000000001", 3 → "3", 1e20 → "1e+20".
 */
export function formatDouble17g(d: number): string {
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
  return Number.isNaN(v) ? null : v
}
