import { describe, expect, test } from 'vitest'
import { RedisList, replyElement } from '../../src/main/server/keyspace/list'
import { ReplyWriter } from '../../src/main/server/resp/reply-writer'

const values = [
  Buffer.from('a'),
  Buffer.alloc(0),
  Buffer.from([0, 255, 13, 10, 0x80]),
  Buffer.alloc(64, 0x41), // the longest kept as a string
  Buffer.alloc(65, 0x42), // the shortest kept as an encoded bulk
  Buffer.alloc(20000, 0x43)
]

describe('list elements, short (strings) and long (encoded bulks) alike', () => {
  test('values come back byte for byte through every read path', () => {
    const l = RedisList.from(values)
    expect(l.toArray().map((b) => b.toString('hex'))).toEqual(values.map((b) => b.toString('hex')))
    expect([...l].map((b) => b.toString('hex'))).toEqual(values.map((b) => b.toString('hex')))
    values.forEach((v, i) => {
      expect(l.get(i)!.equals(v)).toBe(true)
      expect(l.equalsAt(i, v)).toBe(true)
      expect(l.equalsAt(i, Buffer.concat([v, Buffer.from('x')]))).toBe(false)
    })
    const c = l.clone()
    expect(c.popTail()!.equals(values[5]!)).toBe(true)
    expect(c.popHead()!.equals(values[0]!)).toBe(true)
    expect(l.length).toBe(values.length)
    expect(l.remove(values[3]!, 0, false)).toBe(1)
    l.set(0, Buffer.alloc(100, 0x44))
    l.insertAt(1, Buffer.from('mid'))
    expect(l.get(0)!.equals(Buffer.alloc(100, 0x44))).toBe(true)
    expect(l.get(1)!.toString()).toBe('mid')
  })

  test('a value read out is a copy: changing it leaves the list alone', () => {
    const l = RedisList.from([Buffer.from('short')])
    l.get(0)!.fill(0x21)
    expect(l.get(0)!.toString()).toBe('short')
  })

  test('replies are the RESP bulk strings of the values', () => {
    const parts: Buffer[] = []
    const w = new ReplyWriter({ write: (b: Buffer) => parts.push(Buffer.from(b)) })
    const l = RedisList.from(values)
    for (let i = 0; i < l.length; i++) replyElement(w, l.getRaw(i)!)
    w.flush()
    const expected = Buffer.concat(values.map((v) => Buffer.concat([Buffer.from(`$${v.length}\r\n`), v, Buffer.from('\r\n')])))
    expect(Buffer.concat(parts).equals(expected)).toBe(true)
  })
})
