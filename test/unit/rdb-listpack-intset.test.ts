import { randomBytes } from 'node:crypto'
import { describe, expect, test } from 'vitest'
import { readIntset, writeIntset } from '../../src/main/server/rdb/intset'
import { readListpack, writeListpack } from '../../src/main/server/rdb/listpack'
import { RdbError } from '../../src/main/server/rdb/errors'
import { canonicalInt } from '../../src/main/server/rdb/string-int'

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex')

describe('listpack', () => {
  const golden = hex('1c 00 00 00 07 00 81 61 02 81 62 02 81 63 02 01 01 02 01 c1 2c 02 f2 90 ee fe 04 ff')

  test("writes Redis 7.0's exact bytes for a b c 1 2 300 -70000", () => {
    expect(writeListpack(['a', 'b', 'c', '1', '2', '300', '-70000'])).toEqual(golden)
  })

  test('reads them back, integers as numbers', () => {
    expect(readListpack(golden)).toEqual([Buffer.from('a'), Buffer.from('b'), Buffer.from('c'), 1, 2, 300, -70000])
  })

  test('round trips every encoding size', () => {
    const elements = ['', 'x'.repeat(63), 'y'.repeat(64), 'z'.repeat(4095), 'w'.repeat(5000), '127', '128', '-4096', '4095', '-32768', '32767', '8388607', '-8388608', '2147483647', '-2147483648', '9223372036854775807', '-9223372036854775808', '9223372036854775808', '007', '-0', '+1']
    const back = readListpack(writeListpack(elements)).map((e) => (Buffer.isBuffer(e) ? e.toString('latin1') : String(e)))
    expect(back).toEqual(elements)
  })

  test('corrupt blobs are refused with a reason', () => {
    expect(() => readListpack(golden.subarray(0, golden.length - 1))).toThrow(RdbError)
    const badCount = Buffer.from(golden)
    badCount[4] = 9
    expect(() => readListpack(badCount)).toThrow('listpack count 9 but 7 entries')
    for (let i = 0; i < 300; i++) {
      const junk = Buffer.from(golden)
      junk[6 + (i % 20)] = randomBytes(1)[0]!
      try {
        readListpack(junk)
      } catch (err) {
        expect(err).toBeInstanceOf(RdbError)
      }
    }
  })
})

describe('intset and the integer rule', () => {
  test('{3,1,2} as Redis writes it', () => {
    expect(writeIntset([3, 1, 2])).toEqual(hex('02 00 00 00 03 00 00 00 01 00 02 00 03 00'))
    expect(readIntset(hex('02 00 00 00 03 00 00 00 01 00 02 00 03 00'))).toEqual(['1', '2', '3'])
    expect(readIntset(writeIntset([1n, -9223372036854775808n, 70000]))).toEqual(['-9223372036854775808', '1', '70000'])
  })

  test('canonical integers only', () => {
    expect(canonicalInt(Buffer.from('100'))).toBe(100)
    expect(canonicalInt(Buffer.from('-5'))).toBe(-5)
    expect(canonicalInt(Buffer.from('0'))).toBe(0)
    for (const s of ['007', '-0', '+1', '', '-', '1a', ' 1', '9223372036854775808']) expect(canonicalInt(Buffer.from(s)), s).toBeNull()
    expect(canonicalInt(Buffer.from('9223372036854775807'))).toBe(9223372036854775807n)
  })
})
