import { describe, expect, test } from 'vitest'
import { allocBytes, allocInput, copyBytes } from '../../src/main/server/byte-arena'
import { decimalDigits, writeDecimal } from '../../src/main/server/resp/decimal'
import { ReplyWriter } from '../../src/main/server/resp/reply-writer'

describe('decimal digits written as bytes', () => {
  test('agree with String(n) across every digit count and the 2^32 switch-over', () => {
    const values = [0, 1, 9, 10, 99, 100, 99999, 100000, 999999, 1000000, 123456789, 2 ** 31 - 1, 2 ** 31,
      2 ** 32 - 1, 2 ** 32, 2 ** 32 + 7, 10 ** 15, Number.MAX_SAFE_INTEGER]
    for (let i = 0; i < 2000; i++) values.push(Math.floor(Math.random() * 10 ** (1 + (i % 16))))
    for (const v of values) {
      const d = decimalDigits(v)
      expect(d, String(v)).toBe(String(v).length)
      const out = Buffer.alloc(d + 1, 0x7e)
      writeDecimal(out, d + 1, v)
      expect(out.toString('latin1'), String(v)).toBe(`~${v}`)
    }
  })
})

describe('the byte arena', () => {
  test.each([
    ['values', allocBytes, 300],
    ['input', allocInput, 20000]
  ])('%s: pieces never overlap, are Buffers, and start 8-byte aligned', (_name, alloc, maxLen) => {
    const pieces: Buffer[] = []
    for (let i = 0; i < 3000; i++) {
      const b = alloc(1 + ((i * 7919) % maxLen))
      expect(Buffer.isBuffer(b)).toBe(true)
      expect(b.byteOffset % 8).toBe(0)
      b.fill(i & 0xff)
      pieces.push(b)
    }
    pieces.forEach((b, i) => expect(b.every((x) => x === (i & 0xff)), `piece ${i}`).toBe(true))
  })

  test('large requests get memory of their own; copies are independent of their source', () => {
    const big = allocBytes(64 * 1024)
    expect(big.length).toBe(64 * 1024)
    const text = 'a value that came from a socket chunk, longer than the short-copy loop'
    for (const len of [text.length, 3, 0]) {
      const s = Buffer.from(text).subarray(0, len)
      const copy = copyBytes(s)
      expect(copy.toString('latin1')).toBe(text.slice(0, len))
      s.fill(0x21)
      expect(copy.toString('latin1')).toBe(text.slice(0, len))
    }
  })
})

describe('the reply writer reuses its slab only once the sink holds nothing', () => {
  test('a sink that still holds written chunks never sees them overwritten', () => {
    const held: Buffer[] = []
    const w = new ReplyWriter({ write: (b: Buffer) => held.push(b), drained: () => false })
    for (let i = 0; i < 500; i++) {
      w.bulk(Buffer.from(`reply-${i}`))
      w.flush()
    }
    expect(held.map((b) => b.toString('latin1')).join('')).toBe(
      Array.from({ length: 500 }, (_, i) => `$${String(`reply-${i}`).length}\r\nreply-${i}\r\n`).join('')
    )
  })

  test('a drained sink gets every reply from the same memory, the bytes still right', () => {
    const seen: string[] = []
    const offsets = new Set<number>()
    const w = new ReplyWriter({
      write: (b: Buffer) => {
        seen.push(b.toString('latin1'))
        offsets.add(b.byteOffset)
      },
      drained: () => true
    })
    for (let i = 0; i < 500; i++) {
      w.integer(1000 + i)
      w.flush()
    }
    expect(seen).toEqual(Array.from({ length: 500 }, (_, i) => `:${1000 + i}\r\n`))
    expect(offsets.size).toBe(1)
  })
})
