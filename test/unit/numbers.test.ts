import { execFileSync } from 'node:child_process'
import { describe, expect, test } from 'vitest'
import { formatDouble17g, parseDouble, plainDecimal } from '../../src/main/server/numbers'

describe('doubles as Redis 7.0 prints and reads them', () => {
  test('%.17g, checked against C doubles (python3 formats with the C library)', () => {
    const values = [1.00000762939453125, 0.5000000000000001, 1.1, 3, -2.5, 0.1, 1e20, 1e-5, 123456789012345680000, 1 / 3, 2 ** 53, 1e16, 1e17, 0.0001, -0.00001234, 5e-324, 1.7976931348623157e308]
    const script = "import sys; print('\\n'.join('%.17g' % float(a) for a in sys.argv[1:]), end='')"
    const c = execFileSync('python3', ['-c', script, ...values.map(String)], { encoding: 'utf8' }).split('\n')
    expect(values.map(formatDouble17g)).toEqual(c)
    expect(formatDouble17g(Infinity)).toBe('inf')
    expect(formatDouble17g(-Infinity)).toBe('-inf')
    expect(formatDouble17g(0)).toBe('0')
  })

  test('strtod-like parsing', () => {
    expect(parseDouble('1.5')).toBe(1.5)
    expect(parseDouble('-1e3')).toBe(-1000)
    expect(parseDouble('+inf')).toBe(Infinity)
    expect(parseDouble('-inf')).toBe(-Infinity)
    expect(parseDouble('.5')).toBe(0.5)
    expect(parseDouble('5.')).toBe(5)
    expect(parseDouble('0x10')).toBe(16)
    expect(parseDouble(' 1')).toBeNull()
    expect(parseDouble('1 ')).toBeNull()
    expect(parseDouble('nan')).toBeNull()
    expect(parseDouble('abc')).toBeNull()
    expect(parseDouble('')).toBeNull()
    // strtod's ERANGE cases are invalid floats in Redis.
    expect(parseDouble('1e400')).toBeNull()
    expect(parseDouble('1e-400')).toBeNull()
    expect(parseDouble('0e-400')).toBe(0)
  })

  test('the plain-decimal fast path reads what the C library strtod reads (python3 parses with it)', () => {
    // Seeded so a failure names the same inputs every run.
    let seed = 12345
    const rnd = (n: number): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n)
    const digits = (n: number): string => Array.from({ length: n }, () => String(rnd(10))).join('')
    const inputs = ['0', '-0', '+0', '0.0', '007', '1.', '.5', '-.25', '999999999999999', '0.000000000000001', '123456789.012345']
    for (let i = 0; i < 2000; i++) {
      const int = digits(rnd(9))
      const frac = rnd(3) === 0 ? '' : '.' + digits(rnd(15 - int.length) + (int ? 0 : 1))
      inputs.push(['', '-', '+'][rnd(3)]! + int + frac)
    }
    const plain = inputs.filter((s) => /^[+-]?(\d+\.?\d*|\.\d+)$/.test(s) && s.replace(/\D/g, '').length <= 15)
    const script = "import sys; print('\\n'.join('%.17g' % float(a) for a in sys.argv[1:]), end='')"
    const c = execFileSync('python3', ['-c', script, ...plain], { encoding: 'utf8' }).split('\n')
    expect(plain.map((s) => formatDouble17g(plainDecimal(Buffer.from(s))!))).toEqual(c)
    expect(plain.length).toBeGreaterThan(1500)
    expect(Object.is(plainDecimal(Buffer.from('-0')), -0)).toBe(true)
    // Anything else is left to the general parser.
    for (const s of ['', '+', '.', '-.', '1e3', '0x10', 'inf', ' 1', '1 ', '1.2.3', '1234567890123456', '--1'])
      expect(plainDecimal(Buffer.from(s))).toBeUndefined()
  })
})
