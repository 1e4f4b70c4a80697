import { randomBytes } from 'node:crypto'
import { describe, expect, test } from 'vitest'
import { ReplicationBacklog } from '../../src/main/server/replication/backlog'

describe('the replication backlog ring', () => {
  test("offsets as Redis reports them: first byte = master_repl_offset + 1 after creation", () => {
    const b = new ReplicationBacklog(1024 * 1024, 100)
    expect([b.firstByteOffset, b.histlen, b.masterReplOffset]).toEqual([101, 0, 100])
    expect(b.canServe(101)).toBe(true)
    expect(b.canServe(100)).toBe(false)
    b.append(Buffer.from('*1\r\n$4\r\nping\r\n'))
    expect([b.firstByteOffset, b.histlen, b.masterReplOffset]).toEqual([101, 14, 114])
    expect(Buffer.concat(b.from(101)).toString()).toBe('*1\r\n$4\r\nping\r\n')
    expect(Buffer.concat(b.from(109)).toString()).toBe('ping\r\n')
    expect(b.from(115)).toEqual([])
    expect(() => b.from(116)).toThrow(RangeError)
  })

  test('wraps around and keeps exactly the newest `size` bytes, whatever the write sizes', () => {
    const size = 16 * 1024
    const b = new ReplicationBacklog(size, 0)
    const stream: Buffer[] = []
    let seed = 1
    for (let i = 0; i < 500; i++) {
      seed = (seed * 48271) % 2147483647
      const chunk = randomBytes(1 + (seed % 3000))
      stream.push(chunk)
      b.append(chunk)
    }
    const all = Buffer.concat(stream)
    expect(b.masterReplOffset).toBe(all.length)
    expect(b.histlen).toBe(size)
    expect(b.firstByteOffset).toBe(all.length - size + 1)
    expect(b.canServe(b.firstByteOffset - 1)).toBe(false)
    for (const back of [1, 100, 5000, size]) {
      const off = all.length - back + 1
      expect(Buffer.concat(b.from(off))).toEqual(all.subarray(all.length - back))
    }
    b.append(randomBytes(size * 3))
    expect(b.histlen).toBe(size)
  })

  test('resizing keeps the newest history', () => {
    const b = new ReplicationBacklog(64 * 1024, 0)
    const data = randomBytes(40 * 1024)
    b.append(data)
    b.resize(16 * 1024)
    expect(b.masterReplOffset).toBe(data.length)
    expect(b.histlen).toBe(16 * 1024)
    expect(Buffer.concat(b.from(b.firstByteOffset))).toEqual(data.subarray(data.length - 16 * 1024))
  })
})
