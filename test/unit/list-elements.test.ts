import { describe, expect, test } from 'vitest'
import { RedisList } from '../../src/main/server/keyspace/list'
import { ReplyWriter } from '../../src/main/server/resp/reply-writer'
import { seededRandom } from '../helpers/seeded-random'

const values = [
  Buffer.from('a'),
  Buffer.alloc(0),
  Buffer.from([0, 255, 13, 10, 0x80]),
  Buffer.alloc(33, 0x41), // past the byte loops' 32
  Buffer.alloc(9000, 0x42), // larger than a node: a node of its own
  Buffer.alloc(20000, 0x43)
]

const bulk = (v: Buffer): Buffer => Buffer.concat([Buffer.from(`$${v.length}\r\n`), v, Buffer.from('\r\n')])

/** What `fill` writes into a ReplyWriter, as one Buffer. */
function replied(fill: (w: ReplyWriter) => void): Buffer {
  const parts: Buffer[] = []
  const w = new ReplyWriter({ write: (b: Buffer) => parts.push(Buffer.from(b)) })
  fill(w)
  w.flush()
  return Buffer.concat(parts)
}

describe('list elements packed in nodes', () => {
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

  test('a value read out is a copy, and so is a clone: changing one leaves the other alone', () => {
    const l = RedisList.from([Buffer.from('short')])
    l.get(0)!.fill(0x21)
    expect(l.get(0)!.toString()).toBe('short')
    const c = l.clone()
    c.set(0, Buffer.from('changed'))
    c.pushHead(Buffer.from('new'))
    expect(l.toArray().map(String)).toEqual(['short'])
  })

  test('replies are the RESP bulk strings of the values, forwards, backwards, by index and popped', () => {
    const l = RedisList.from(values)
    const all = Buffer.concat(values.map(bulk))
    expect(replied((w) => l.replyRange(w, 0, values.length - 1, false)).equals(all)).toBe(true)
    expect(replied((w) => l.replyRange(w, 0, values.length - 1, true)).equals(Buffer.concat([...values].reverse().map(bulk)))).toBe(true)
    expect(replied((w) => l.replyRange(w, 2, 4, false)).equals(Buffer.concat(values.slice(2, 5).map(bulk)))).toBe(true)
    values.forEach((v, i) => expect(replied((w) => l.replyAt(w, i)).equals(bulk(v))).toBe(true))
    expect(l.replyAt(new ReplyWriter({ write: () => true }), values.length)).toBe(false)
    expect(replied((w) => l.replyPop(w, false)).equals(bulk(values[5]!))).toBe(true)
    expect(replied((w) => l.replyPop(w, true)).equals(bulk(values[0]!))).toBe(true)
    expect(l.length).toBe(values.length - 2)
  })

  test('many elements span many nodes; every operation agrees with a plain array', () => {
    const l = new RedisList()
    const ref: Buffer[] = []
    const rnd = seededRandom(11)
    // Mostly short values, now and then one near or above a node's 8 KB.
    const value = (): Buffer => {
      const r = rnd(100)
      const len = r < 90 ? rnd(12) : r < 98 ? 100 + rnd(2000) : 7000 + rnd(3000)
      return Buffer.alloc(len, 97 + rnd(4))
    }
    const same = (): void => {
      expect(l.length).toBe(ref.length)
      expect(Buffer.concat(l.toArray().map(bulk)).equals(Buffer.concat(ref.map(bulk)))).toBe(true)
    }
    for (let step = 0; step < 12000; step++) {
      const op = rnd(20)
      if (op < 5) {
        const v = value()
        l.pushHead(v)
        ref.unshift(v)
      } else if (op < 10) {
        const v = value()
        l.pushTail(v)
        ref.push(v)
      } else if (op < 12) expect(l.popHead()?.toString()).toBe(ref.shift()?.toString())
      else if (op < 14) expect(l.popTail()?.toString()).toBe(ref.pop()?.toString())
      else if (op === 14) {
        const i = rnd(ref.length + 1)
        const v = value()
        l.insertAt(i, v)
        ref.splice(i, 0, v)
      } else if (op === 15 && ref.length > 0) {
        const i = rnd(ref.length)
        const v = value()
        l.set(i, v)
        ref[i] = v
      } else if (op === 16 && ref.length > 0) {
        const i = rnd(ref.length)
        expect(l.get(i)!.equals(ref[i]!)).toBe(true)
        const a = rnd(ref.length)
        const b = a + rnd(ref.length - a)
        const rev = rnd(2) === 1
        const want = ref.slice(a, b + 1)
        if (rev) want.reverse()
        expect(replied((w) => l.replyRange(w, a, b, rev)).equals(Buffer.concat(want.map(bulk)))).toBe(true)
      } else if (op === 17 && step % 10 === 0) {
        const v = value()
        const lim = rnd(3)
        const tail = rnd(2) === 1
        let removed = 0
        if (!tail) {
          for (let i = 0; i < ref.length; i++) if (ref[i]!.equals(v) && (lim === 0 || removed < lim)) (ref.splice(i--, 1), removed++)
        } else {
          for (let i = ref.length - 1; i >= 0; i--) if (ref[i]!.equals(v) && (lim === 0 || removed < lim)) (ref.splice(i, 1), removed++)
        }
        expect(l.remove(v, lim, tail)).toBe(removed)
      } else if (op === 18 && step % 25 === 0 && ref.length > 2) {
        const a = rnd(3)
        const b = ref.length - 1 - rnd(3)
        l.trim(a, b)
        ref.splice(b + 1)
        ref.splice(0, a)
      }
      if (step % 1000 === 0) same()
    }
    same()
    // The elements really are spread over nodes of about 8 KB.
    const { nodes, bytes } = l.nodeStats()
    expect(nodes).toBeGreaterThan(3)
    expect(bytes).toBe(ref.reduce((n, v) => n + bulk(v).length, 0))
    expect(l.clone().toArray().map(String)).toEqual(ref.map(String))
  })

  test('LPOS scans: matches from either end, maxlen bounds the scan, the callback can stop it', () => {
    const l = RedisList.from(['x', 'y', 'x', 'z', 'x'].map((s) => Buffer.from(s)))
    const scan = (fromTail: boolean, maxlen: number, stopAfter = Infinity): number[] => {
      const out: number[] = []
      l.scanEqual(Buffer.from('x'), fromTail, maxlen, (i) => out.push(i) < stopAfter)
      return out
    }
    expect(scan(false, 0)).toEqual([0, 2, 4])
    expect(scan(true, 0)).toEqual([4, 2, 0])
    expect(scan(false, 3)).toEqual([0, 2])
    expect(scan(true, 2)).toEqual([4])
    expect(scan(false, 0, 2)).toEqual([0, 2])
    expect(l.indexOf(Buffer.from('z'))).toBe(3)
    expect(l.indexOf(Buffer.from('nope'))).toBe(-1)
  })
})
