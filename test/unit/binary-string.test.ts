import { describe, expect, test } from 'vitest'
import { binaryString } from '../../src/main/server/util'

// Keys, fields and members are held as binary strings: whichever way binaryString builds
// one (in JS up to 24 bytes, natively beyond), it must be toString('latin1') exactly.
describe('binaryString', () => {
  const all = Buffer.from(Array.from({ length: 256 }, (_, i) => (i * 167 + 13) & 0xff))

  test('equals toString("latin1") for every length around the short-string limit, any bytes', () => {
    for (let n = 0; n <= 40; n++) {
      for (let start = 0; start + n <= all.length; start += 29) {
        expect(binaryString(all, start, start + n)).toBe(all.toString('latin1', start, start + n))
      }
    }
    for (let b = 0; b < 256; b++) expect(binaryString(Buffer.from([b, 255 - b, 0]))).toBe(String.fromCharCode(b, 255 - b, 0))
  })

  test('whole buffers and views into larger memory; bounds outside the buffer are refused', () => {
    const view = all.subarray(100, 120)
    expect(binaryString(view)).toBe(view.toString('latin1'))
    expect(binaryString(view, 5)).toBe(view.toString('latin1', 5))
    expect(binaryString(view, 8, 3)).toBe('')
    expect(binaryString(Buffer.alloc(0))).toBe('')
    // Never bytes from beyond the view (the memory around it belongs to others).
    expect(() => binaryString(view, 10, 30)).toThrow(RangeError)
  })
})
