import { createHash, randomBytes } from 'node:crypto'
import { expect, test } from 'vitest'
import { sha1Into } from '../../src/main/server/sha1'

test('sha1Into equals node:crypto for every length around the block boundaries, bytes and binary strings', () => {
  const out = Buffer.alloc(20)
  for (const len of [0, 1, 3, 20, 55, 56, 57, 63, 64, 65, 119, 120, 128, 1000, 4095, 4096, 10_000]) {
    const data = randomBytes(len)
    const want = createHash('sha1').update(data).digest('hex')
    sha1Into(data, out)
    expect(out.toString('hex'), `bytes, length ${len}`).toBe(want)
    sha1Into(data.toString('latin1'), out)
    expect(out.toString('hex'), `string, length ${len}`).toBe(want)
  }
  // In place, as mixDigest uses it.
  const d = randomBytes(20)
  const want = createHash('sha1').update(d).digest('hex')
  sha1Into(d, d)
  expect(d.toString('hex')).toBe(want)
})
