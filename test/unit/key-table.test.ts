/**
 * The keyspace's own dictionary (keyspace/key-table.ts): Map semantics, SCAN's guarantee
 * across grows, shrinks and slot compaction, random keys, bulk building.
 */
import { describe, expect, test } from 'vitest'
import { DuplicateKeyError, KeyTable, keyHash } from '../../src/main/server/keyspace/key-table'

function lcg(seed: number): (n: number) => number {
  return (n) => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0
    return seed % n
  }
}

describe('KeyTable', () => {
  test('behaves like a Map under random churn (set, overwrite, delete, get, size, iteration)', () => {
    const rnd = lcg(7)
    const t = new KeyTable<number>()
    const m = new Map<string, number>()
    const wrong: string[] = []
    for (let i = 0; i < 60000; i++) {
      const k = `k${rnd(5000)}`
      const op = rnd(10)
      if (op < 5) {
        if (t.set(k, i) === m.has(k)) wrong.push(`set ${k}`)
        m.set(k, i)
      } else if (op < 8) {
        if (t.delete(k) !== m.delete(k)) wrong.push(`delete ${k}`)
      } else if (t.get(k) !== m.get(k)) wrong.push(`get ${k}`)
      if (t.size !== m.size) wrong.push(`size after op ${i}`)
    }
    expect(wrong).toEqual([])
    expect(new Map(t)).toEqual(m)
    expect(new Set(t.keys())).toEqual(new Set(m.keys()))
    expect([...t.values()].sort()).toEqual([...m.values()].sort())
    const { keys, values } = t.toArrays()
    expect(new Map(keys.map((k, i) => [k, values[i]!]))).toEqual(m)
  })

  test('binary keys (every byte value, empty key) are distinct and found', () => {
    const t = new KeyTable<string>()
    const keys = ['', '\x00', '\x00\x00', ...Array.from({ length: 256 }, (_, b) => `k${String.fromCharCode(b)}`)]
    for (const k of keys) expect(t.set(k, k)).toBe(true)
    for (const k of keys) expect(t.get(k)).toBe(k)
    expect(t.has('k')).toBe(false)
    expect(t.size).toBe(keys.length)
  })

  test('deleting during an iteration visits every remaining key once', () => {
    const t = new KeyTable<number>()
    for (let i = 0; i < 3000; i++) t.set(`k${i}`, i)
    const seen: string[] = []
    for (const k of t.keys()) {
      seen.push(k)
      // Removes keys behind and ahead of the cursor, and shrinks the table on the way.
      if (Number(k.slice(1)) % 3 === 0) t.delete(k)
      t.delete(`k${2999 - Number(k.slice(1))}`)
    }
    expect(new Set(seen).size).toBe(seen.length)
    for (const k of t.keys()) expect(seen).toContain(k)
  })

  test('SCAN: a key present for the whole iteration is returned, through grows, shrinks and compaction', () => {
    const rnd = lcg(12345)
    for (let trial = 0; trial < 6; trial++) {
      const t = new KeyTable<number>()
      const present = new Set<string>()
      const add = (k: string): void => {
        present.add(k)
        t.set(k, 1)
      }
      const del = (k: string): void => {
        if (present.delete(k) && !t.delete(k)) throw new Error(`${k} was not deleted`)
      }
      for (let i = 0, n0 = rnd(4000); i < n0; i++) add(`k${i}`)
      const atStart = new Set(present)
      const removed = new Set<string>()
      const seen = new Set<string>()
      let cursor = 0
      let calls = 0
      do {
        cursor = t.scan(cursor, 1 + rnd(20), (k) => seen.add(k))
        calls++
        const op = rnd(6)
        if (op === 0) for (let i = 0, m = rnd(2000); i < m; i++) add(`n${rnd(20000)}`)
        else if (op === 1 && present.size > 500) {
          for (const k of [...present]) {
            if (rnd(10) < 9) {
              del(k)
              removed.add(k)
            }
          }
        } else for (let i = 0; i < 10; i++) add(`n${rnd(20000)}`)
      } while (cursor !== 0 && calls < 200000)
      expect(cursor).toBe(0)
      for (const k of atStart) if (!removed.has(k)) expect(seen.has(k), k).toBe(true)
      expect(t.size).toBe(present.size)
      expect(new Set(t.keys())).toEqual(present)
    }
  })

  test('SCAN of a quiet table returns each key exactly once, in calls of about COUNT keys', () => {
    const t = new KeyTable<number>()
    for (let i = 0; i < 10000; i++) t.set(`key:${i}`, i)
    const seen: string[] = []
    let cursor = 0
    let calls = 0
    do {
      const before = seen.length
      cursor = t.scan(cursor, 10, (k) => seen.push(k))
      calls++
      expect(seen.length - before).toBeLessThan(40)
    } while (cursor !== 0)
    expect(seen.length).toBe(10000)
    expect(new Set(seen).size).toBe(10000)
    expect(calls).toBeGreaterThan(300)
    // Past the end, and an empty table: the iteration is over.
    expect(t.scan(2 ** 32, 10, () => {})).toBe(0)
    expect(new KeyTable().scan(0, 10, () => {})).toBe(0)
  })

  test('randomKey reaches every key, dense or sparse, and null when empty', () => {
    const t = new KeyTable<number>()
    expect(t.randomKey()).toBeNull()
    for (let i = 0; i < 2000; i++) t.set(`k${i}`, i)
    // Sparse slots: most deleted after the last compaction point.
    for (let i = 0; i < 1990; i++) t.delete(`k${i}`)
    const got = new Set<string>()
    for (let i = 0; i < 2000; i++) got.add(t.randomKey()!)
    expect(got).toEqual(new Set(Array.from({ length: 10 }, (_, i) => `k${1990 + i}`)))
  })

  test('fromArrays builds the same table and refuses a duplicated key', () => {
    const keys = Array.from({ length: 5000 }, (_, i) => `k${i}`)
    const t = KeyTable.fromArrays(keys.slice(), keys.map((_, i) => i))
    expect(t.size).toBe(5000)
    expect(t.get('k4321')).toBe(4321)
    expect(t.set('k4321', 1)).toBe(false)
    expect(t.set('new', 1)).toBe(true)
    expect(t.size).toBe(5001)
    // With the hashes computed by the caller (the RDB loader), in a longer array.
    const hashes = new Uint32Array(6000)
    keys.forEach((k, i) => (hashes[i] = keyHash(k)))
    const h = KeyTable.fromArrays(keys.slice(), keys.map((_, i) => i), hashes)
    expect(h.get('k4321')).toBe(4321)
    expect(new Set(h.keys())).toEqual(new Set(keys))
    const dup = [...keys, 'k17']
    expect(() => KeyTable.fromArrays(dup, dup.map(() => 0))).toThrow(DuplicateKeyError)
    expect(() => KeyTable.fromArrays(dup, dup.map(() => 0))).toThrow('duplicated key "k17"')
  })

  test('deferred values: read from the buffer once, on first access; the buffer goes with the last', () => {
    // Values "v<i>" left in a buffer at offset 10*i, read by a counting reader.
    const n = 100
    const image = Buffer.alloc(10 * n)
    for (let i = 0; i < n; i++) image.write(`v${i}`, 10 * i, 'latin1')
    let reads = 0
    const read = (buf: Buffer, at: number): string => {
      reads++
      return buf.toString('latin1', at, buf.indexOf(0, at))
    }
    const keys = Array.from({ length: n }, (_, i) => `k${i}`)
    const t = KeyTable.fromArrays<string>(keys.slice(), keys.map((_, i) => 10 * i), undefined, { buffer: image, read })
    expect(reads).toBe(0)
    expect(t.toArrays().deferred).toBe(image)
    expect(t.get('k7')).toBe('v7')
    expect(t.get('k7')).toBe('v7')
    expect(reads).toBe(1)
    // A snapshot sees offsets for what was not read, and the value for what was.
    const { values } = t.toArrays()
    expect(values[7]).toBe('v7')
    expect(values[8]).toBe(80)
    // Overwritten and deleted slots never read the buffer.
    for (let i = 0; i < 50; i++) if (i !== 7) t.set(`k${i}`, `new${i}`)
    for (let i = 50; i < 80; i++) t.delete(`k${i}`)
    expect(reads).toBe(1)
    expect(t.toArrays().deferred).toBe(image)
    // Past 7/8 of them settled (k87 deleted: 12 left), the rest are read at once and the
    // buffer is let go.
    for (let i = 80; i < 88; i++) t.delete(`k${i}`)
    expect(t.toArrays().deferred).toBeNull()
    expect(reads).toBe(1 + 12)
    t.delete('k88')
    expect(reads).toBe(13)
    expect(new Map(t)).toEqual(new Map([...Array.from({ length: 50 }, (_, i) => [`k${i}`, i === 7 ? 'v7' : `new${i}`] as [string, string]), ...Array.from({ length: 11 }, (_, i) => [`k${89 + i}`, `v${89 + i}`] as [string, string])]))
  })

  test('deferred values: iteration and compaction read or keep them correctly', () => {
    const image = Buffer.from('abcdefghij'.repeat(300))
    const read = (buf: Buffer, at: number): string => buf.toString('latin1', at, at + 3)
    const keys = Array.from({ length: 3000 }, (_, i) => `k${i}`)
    const t = KeyTable.fromArrays<string>(keys.slice(), keys.map((_, i) => i % 7), undefined, { buffer: image, read })
    // Deleting 3/4 then adding compacts the slots: offsets must survive the move.
    for (let i = 0; i < 2400; i++) t.delete(`k${i}`)
    t.set('late', 'x')
    expect(t.get('k2999')).toBe(read(image, 2999 % 7))
    expect([...t.values()].filter((v) => v !== 'x').every((v) => /^[a-j]{3}$/.test(v))).toBe(true)
    expect(t.size).toBe(601)
  })
})
