import { describe, expect, test } from 'vitest'
import { ReplyWriter } from '../../src/main/server/resp/reply-writer'

/** A writer whose flushes are collected into one string. */
function writer(): { w: ReplyWriter; out: () => string } {
  const parts: Buffer[] = []
  const w = new ReplyWriter({ write: (b: Buffer) => parts.push(Buffer.from(b)) })
  return { w, out: () => (w.flush(), Buffer.concat(parts).toString('latin1')) }
}

describe('the reply writer encodes RESP headers and payloads byte for byte', () => {
  test('integers: every digit count, the edges of the byte-written range, negatives, bigints', () => {
    const values = [2, 9, 10, 99, 100, 12345, 999999999, 1000000000, 4294967295, 4294967296, 2 ** 53 - 1, -1, -10, -4294967295, 0, 1]
    const { w, out } = writer()
    for (const n of values) w.integer(n)
    w.integer(123456789012345678901234567890n)
    expect(out()).toBe(values.map((n) => `:${n}\r\n`).join('') + ':123456789012345678901234567890\r\n')
  })

  test('array lengths and bulk strings of every small size, past the copy loop and zero-copy sizes', () => {
    const sizes = [0, 1, 9, 10, 31, 32, 33, 99, 100, 1000, 16 * 1024 - 1, 16 * 1024, 70 * 1024]
    const { w, out } = writer()
    let expected = ''
    for (const n of [1, 9, 10, 11, 100, 65536]) {
      w.arrayLen(n)
      expected += `*${n}\r\n`
    }
    for (const n of sizes) {
      const payload = Buffer.alloc(n, 97 + (n % 26))
      w.bulk(payload)
      expected += `$${n}\r\n${payload.toString('latin1')}\r\n`
    }
    w.arrayLen(0)
    w.arrayLen(-1)
    expect(out()).toBe(expected + '*0\r\n*-1\r\n')
  })

  test('a slab filled across many replies keeps each earlier region intact', () => {
    const { w, out } = writer()
    let expected = ''
    for (let i = 0; i < 5000; i++) {
      const v = Buffer.from(`value-${i}-`.repeat(1 + (i % 7)))
      w.bulk(v)
      w.integer(i * 7919)
      expected += `$${v.length}\r\n${v.toString('latin1')}\r\n:${i * 7919}\r\n`
    }
    expect(out()).toBe(expected)
  })
})
