import { randomBytes } from 'node:crypto'
import { describe, expect, test } from 'vitest'
import { Crc64, crc64 } from '../../src/main/server/rdb/crc64'
import { lzfCompress, lzfDecompress, LzfError } from '../../src/main/server/rdb/lzf'

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex')

describe('CRC-64/Jones as Redis computes it', () => {
  test('the check value and the empty RDB files real Redis accepts', () => {
    expect(crc64(Buffer.from('123456789'))).toBe(0xe9c6d914c4b8d9can)
    const v9 = hex('52 45 44 49 53 30 30 30 39 ff 9a ac 7a bc fb 0f ad 74')
    const v10 = hex('52 45 44 49 53 30 30 31 30 ff a9 fd 37 fe 89 a7 7e eb')
    for (const file of [v9, v10]) {
      expect(new Crc64().update(file.subarray(0, 10)).bytes()).toEqual(file.subarray(10))
    }
  })

  test('incremental updates at any split equal one pass (slicing-by-8 vs byte path)', () => {
    const data = randomBytes(1000)
    const whole = crc64(data)
    for (const cut of [0, 1, 7, 8, 9, 500, 999]) {
      expect(new Crc64().update(data.subarray(0, cut)).update(data.subarray(cut)).digest()).toBe(whole)
    }
  })
})

describe('LZF', () => {
  test("decompresses Redis's own output: 100 x 'a' from a real dump.rdb", () => {
    // C3 09 40 64 | 01 61 61 E0 57 00 01 61 61  (clen 9, ulen 100)
    expect(lzfDecompress(hex('01 61 61 e0 57 00 01 61 61'), 100)).toEqual(Buffer.alloc(100, 'a'))
  })

  test('many inputs in a row round trip: matches never point into an earlier input', () => {
    // The hash table is reused across calls; a stale entry from a previous string must
    // never produce a back-reference.
    let total = 0
    for (let i = 0; i < 3000; i++) {
      const unit = `k${i % 7}:${'ab'.repeat(i % 13)}:`
      const input = Buffer.from(unit.repeat(2 + (i % 9)) + String(i), 'latin1')
      const packed = lzfCompress(input, input.length - 1)
      if (packed === null) continue
      total++
      expect(lzfDecompress(packed, input.length).equals(input)).toBe(true)
    }
    expect(total).toBeGreaterThan(2000)
  })

  test('round trips compressible and random data', () => {
    const samples = [
      Buffer.alloc(5000, 'x'),
      Buffer.from('hello hello hello hello world world world '.repeat(50)),
      Buffer.concat([randomBytes(300), randomBytes(300)]),
      Buffer.from(Array.from({ length: 4000 }, (_, i) => `key:${i % 97},`).join(''))
    ]
    for (const s of samples) {
      const c = lzfCompress(s, s.length)
      if (c === null) continue // incompressible: stored plain
      expect(lzfDecompress(c, s.length)).toEqual(s)
    }
    expect(lzfCompress(Buffer.alloc(5000, 'x'), 5000)!.length).toBeLessThan(100)
    expect(lzfCompress(randomBytes(2000), 1900)).toBeNull()
  })

  test('malformed input is refused, never read out of bounds', () => {
    expect(() => lzfDecompress(hex('05 61'), 6)).toThrow(LzfError)
    expect(() => lzfDecompress(hex('20 05'), 3)).toThrow('back reference before the start of the output')
    expect(() => lzfDecompress(hex('00 61'), 5)).toThrow('decompressed to 1 bytes, expected 5')
    expect(() => lzfDecompress(hex('e0'), 10)).toThrow('truncated back reference')
    for (let i = 0; i < 200; i++) {
      const junk = randomBytes(1 + (i % 40))
      try {
        lzfDecompress(junk, 64)
      } catch (err) {
        expect(err).toBeInstanceOf(LzfError)
      }
    }
  })
})
