/**
 * Small helpers shared by the server: Redis's string2ll and friends, working on raw bytes.
 */

import { randomBytes } from 'node:crypto'

type Latin1Slice = (this: Buffer, start: number, end: number) => string
/** Buffer#latin1Slice, where toString('latin1') ends up; Node-internal, hence the fallback. */
const nativeLatin1Slice = (Buffer.prototype as unknown as { latin1Slice?: Latin1Slice }).latin1Slice
const latin1Slice: (buf: Buffer, start: number, end: number) => string =
  typeof nativeLatin1Slice === 'function'
    ? (buf, start, end) => nativeLatin1Slice.call(buf, start, end)
    : (buf, start, end) => buf.toString('latin1', start, end)

/** Longest string shortLatin1 builds in JS; longer ones go through the native slice. */
const SHORT_MAX = 24

/**
 * shortLatin1(buf, start, n): n (0..SHORT_MAX) bytes as a string by one
 * String.fromCharCode call with n arguments, i.e. a flat one-byte string made without
 * leaving JS. A call into Buffer's native slice costs more than the string itself at key
 * sizes (~60 ns against ~35 ns for 16 bytes here), and a key or field is made per command.
 * The fixed-arity calls are generated: a call with a spread or apply() is slower than the
 * native slice.
 */
const shortLatin1 = new Function(
  'fcc',
  `return function shortLatin1(b, o, n) {
    switch (n) {
      case 0: return ''
${Array.from({ length: SHORT_MAX }, (_, i) => `      case ${i + 1}: return fcc(${Array.from({ length: i + 1 }, (_, j) => `b[o + ${j}]`).join(', ')})`).join('\n')}
    }
  }`
)(String.fromCharCode) as (buf: Uint8Array, start: number, n: number) => string

/**
 * buf[start, end) as a binary string (one char per byte: how keys, fields and members are
 * held), i.e. toString('latin1') without its argument handling and encoding lookup.
 */
export function binaryString(buf: Buffer, start = 0, end = buf.length): string {
  const n = end - start
  // Odd bounds keep the native slice's behaviour (past the end: RangeError; reversed: '').
  return n <= SHORT_MAX && n >= 0 && start >= 0 && end <= buf.length ? shortLatin1(buf, start, n) : latin1Slice(buf, start, end)
}

const LLONG_MAX = 9223372036854775807n
const LLONG_MIN = -9223372036854775808n

/**
 * Redis's string2ll() over buf[start, end): optional '-', no leading zeros, no '+', no
 * spaces, 1..20 bytes. Returns a plain number when the value is a safe integer, a bigint
 * when it is a valid 64-bit integer beyond 2^53, or null when the bytes are not an integer.
 */
export function string2ll(buf: Uint8Array, start = 0, end = buf.length): number | bigint | null {
  const len = end - start
  if (len <= 0 || len >= 21) return null
  let p = start
  if (len === 1 && buf[p] === 48) return 0
  let negative = false
  if (buf[p] === 45) {
    negative = true
    p++
    if (p === end) return null
  }
  let c = buf[p]!
  if (c < 49 || c > 57) return null
  let v = c - 48
  p++
  // Up to 15 digits always fit in a double exactly.
  const fastEnd = Math.min(end, p + 14)
  while (p < fastEnd) {
    c = buf[p]!
    if (c < 48 || c > 57) return null
    v = v * 10 + (c - 48)
    p++
  }
  if (p === end) return negative ? -v : v
  let big = BigInt(v)
  while (p < end) {
    c = buf[p]!
    if (c < 48 || c > 57) return null
    big = big * 10n + BigInt(c - 48)
    p++
  }
  if (negative) big = -big
  if (big > LLONG_MAX || big < LLONG_MIN) return null
  return Number.isSafeInteger(Number(big)) ? Number(big) : big
}

/** string2ll for a Buffer argument, as a bigint (exact 64-bit arithmetic), or null. */
export function string2bigint(buf: Uint8Array): bigint | null {
  const v = string2ll(buf)
  return v === null ? null : BigInt(v)
}

/** Case-insensitive comparison of an argument with an ASCII lowercase word. */
export function argIs(arg: Uint8Array, lowerWord: string): boolean {
  if (arg.length !== lowerWord.length) return false
  for (let i = 0; i < arg.length; i++) {
    let c = arg[i]!
    if (c >= 65 && c <= 90) c += 32
    if (c !== lowerWord.charCodeAt(i)) return false
  }
  return true
}

/** The bytes of a C string: everything before the first NUL (what printf("%s") shows). */
export function cString(bytes: string): string {
  const nul = bytes.indexOf('\0')
  return nul === -1 ? bytes : bytes.slice(0, nul)
}

/** Random hex string of n characters (run ids, replication ids). */
export function randomHex(n: number): string {
  return randomBytes(Math.ceil(n / 2)).toString('hex').slice(0, n)
}

/**
 * Redis's stringmatchlen(): glob-style matching with *, ?, [...] (with ^ and ranges) and
 * backslash escapes, over binary strings. Iterative for * to avoid deep recursion.
 */
export function stringMatch(pattern: string, str: string, nocase = false): boolean {
  const lc = (ch: string): string => (nocase ? ch.toLowerCase() : ch)
  const match = (p: number, s: number): boolean => {
    while (p < pattern.length && s < str.length) {
      const pc = pattern[p]!
      if (pc === '*') {
        while (p + 1 < pattern.length && pattern[p + 1] === '*') p++
        if (p + 1 === pattern.length) return true
        for (let k = s; k < str.length; k++) if (match(p + 1, k)) return true
        return false
      } else if (pc === '?') {
        s++
      } else if (pc === '[') {
        p++
        const not = pattern[p] === '^'
        if (not) p++
        let matched = false
        for (;;) {
          if (p >= pattern.length) {
            p--
            break
          }
          if (pattern[p] === '\\' && p + 1 < pattern.length) {
            p++
            if (lc(pattern[p]!) === lc(str[s]!)) matched = true
          } else if (pattern[p] === ']') {
            break
          } else if (p + 2 < pattern.length && pattern[p + 1] === '-') {
            let start = lc(pattern[p]!).charCodeAt(0)
            let end = lc(pattern[p + 2]!).charCodeAt(0)
            const c = lc(str[s]!).charCodeAt(0)
            if (start > end) [start, end] = [end, start]
            p += 2
            if (c >= start && c <= end) matched = true
          } else if (lc(pattern[p]!) === lc(str[s]!)) {
            matched = true
          }
          p++
        }
        if (not) matched = !matched
        if (!matched) return false
        s++
      } else {
        if (pc === '\\' && p + 1 < pattern.length) p++
        if (lc(pattern[p]!) !== lc(str[s]!)) return false
        s++
      }
      p++
      if (s === str.length) {
        while (p < pattern.length && pattern[p] === '*') p++
        break
      }
    }
    return p === pattern.length && s === str.length
  }
  return match(0, 0)
}

/**
 * islocalClient: a peer on the loopback interface (IPv4 127/8, ::1, or IPv4-mapped 127/8).
 * Protected mode and enable-debug-command/enable-protected-configs "local" rely on it.
 */
export function isLoopbackAddress(ip: string | undefined): boolean {
  if (ip === undefined) return false
  return ip === '::1' || ip.startsWith('127.') || ip.startsWith('::ffff:127.')
}
