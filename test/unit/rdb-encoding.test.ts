import { describe, expect, test } from 'vitest'
import { RdbReader, RdbWriter } from '../../src/main/server/rdb/encoding'
import { RdbError } from '../../src/main/server/rdb/errors'

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex')

describe('RDB lengths and strings', () => {
  test('the encodings Redis 7.0 writes (reference §8.4–8.5)', () => {
    const cases: [string, string][] = [
      ['100', 'c0 64'],
      ['-5', 'c0 fb'],
      ['1000', 'c1 e8 03'],
      ['100000', 'c2 a0 86 01 00'],
      ['007', '03 30 30 37'],
      ['12345678901', '0b 31 32 33 34 35 36 37 38 39 30 31']
    ]
    for (const [s, bytes] of cases) {
      const w = new RdbWriter()
      w.string(Buffer.from(s))
      expect(w.toBuffer().toString('hex'), s.slice(0, 12)).toBe(hex(bytes).toString('hex'))
      expect(new RdbReader(hex(bytes)).string().toString()).toBe(s)
    }
  })

  test("LZF strings: Redis's bytes decode; ours use the same C3 encoding and decode back", () => {
    // Redis's liblzf reads an uninitialised hash table, so its exact compressed bytes are
    // not reproducible; any valid LZF stream loads, which is what matters.
    const s = 'a'.repeat(100)
    expect(new RdbReader(hex('c3 09 40 64 01 61 61 e0 57 00 01 61 61')).string().toString()).toBe(s)
    const w = new RdbWriter()
    w.string(Buffer.from(s))
    const ours = w.toBuffer()
    expect(ours[0]).toBe(0xc3)
    expect(ours.length).toBeLessThan(16)
    expect(new RdbReader(ours).string().toString()).toBe(s)
  })

  test('lengths: shortest big-endian form, read back', () => {
    for (const n of [0, 63, 64, 16383, 16384, 0xffffffff, 2 ** 40]) {
      const w = new RdbWriter()
      w.len(n)
      const buf = w.toBuffer()
      expect(buf.length).toBe(n < 64 ? 1 : n < 16384 ? 2 : n <= 0xffffffff ? 5 : 9)
      expect(new RdbReader(buf).len()).toBe(n)
    }
  })

  test('plain strings when compression is off or does not pay', () => {
    const w = new RdbWriter(false)
    w.string(Buffer.from('a'.repeat(100)))
    expect(w.toBuffer().subarray(0, 2)).toEqual(hex('40 64'))
  })

  test('truncation and garbage are RdbErrors that say where', () => {
    expect(() => new RdbReader(hex('05 61 62')).string()).toThrow(/truncated: a string needs 5 bytes \(at byte 1\)/)
    expect(() => new RdbReader(hex('c3 09 40 64 01 61')).string()).toThrow(RdbError)
    expect(() => new RdbReader(hex('c5')).string()).toThrow('unknown string encoding 5 (at byte 0)')
    expect(() => new RdbReader(hex('c0')).len()).toThrow('expected a length, found a string encoding')
  })
})
