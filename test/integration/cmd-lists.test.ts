/**
 * List commands (t_list.c), differential against a real redis-server 7: every reply byte
 * for byte, including errors, nil vs empty array rules and the non-blocking behaviour of
 * blocking commands inside MULTI.
 */
import { describe, expect, test } from 'vitest'
import { sharedPair } from '../helpers/differential'
import { RedisList } from '../../src/main/server/keyspace/list'
import { seededRandom } from '../helpers/seeded-random'

const { c } = sharedPair({ reset: [['FLUSHALL']] })

async function all(cmds: (string | Buffer)[][]): Promise<void> {
  for (const cmd of cmds) await c.same(...cmd)
}

const s = (line: string): string[] => line.split(' ')

describe('pushes and basic reads', () => {
  test('LPUSH/RPUSH/LPUSHX/RPUSHX/LLEN/LRANGE', async () => {
    await all([
      s('LPUSH l a b c'), s('RPUSH l d e'), s('LRANGE l 0 -1'), s('LLEN l'), s('LLEN nokey'),
      s('LPUSHX nokey a'), s('RPUSHX nokey a'), s('EXISTS nokey'), s('LPUSHX l x y'), s('RPUSHX l z'),
      s('LRANGE l 0 -1'), s('LRANGE l -3 -1'), s('LRANGE l -100 2'), s('LRANGE l 5 2'), s('LRANGE l 100 200'),
      s('LRANGE l 0 1000'), s('LRANGE l -1 -1'), s('LRANGE nokey 0 -1'), s('LRANGE l a 1'), s('LRANGE l 0 b'),
      s('LRANGE l 0 99999999999999999999'), s('TYPE l'), s('OBJECT ENCODING l'),
      s('LPUSH l'), s('RPUSH'), s('LLEN'), s('LLEN a b')
    ])
  })

  test('WRONGTYPE everywhere', async () => {
    await c.same('SET', 'str', 'v')
    for (const cmd of [
      'LPUSH str a', 'RPUSH str a', 'LPUSHX str a', 'RPUSHX str a', 'LLEN str', 'LRANGE str 0 -1', 'LINDEX str 0',
      'LSET str 0 a', 'LINSERT str BEFORE a b', 'LREM str 0 a', 'LTRIM str 0 1', 'LPOS str a', 'LPOP str', 'RPOP str 2',
      'LMOVE str x LEFT LEFT', 'RPOPLPUSH str x', 'LMPOP 1 str LEFT', 'BLPOP str 0', 'BRPOP nokey str 0',
      'BLMOVE str x LEFT RIGHT 0', 'BRPOPLPUSH str x 0', 'BLMPOP 0 2 nokey str RIGHT COUNT 2'
    ]) {
      await c.same(...s(cmd))
    }
    await all([s('RPUSH l a'), s('LMOVE l str LEFT LEFT'), s('RPOPLPUSH l str'), s('BLMOVE l str LEFT LEFT 0'), s('LRANGE l 0 -1')])
  })

  test('binary elements and big lists', async () => {
    const bin = Buffer.from([0, 1, 2, 13, 10, 255, 0])
    await c.same('RPUSH', 'bin', bin, '', 'x')
    await c.same('LRANGE', 'bin', '0', '-1')
    await c.same('LPOS', 'bin', bin)
    await c.same('LREM', 'bin', '0', '')
    await c.same('LINDEX', 'bin', '0')
    const many = Array.from({ length: 1000 }, (_, i) => String(i % 37))
    await c.same('RPUSH', 'big', ...many)
    await c.same('LPUSH', 'big', ...many)
    await all([
      s('LLEN big'), s('LRANGE big 990 1010'), s('LINDEX big 1500'), s('LINDEX big -1'), s('LPOS big 5 COUNT 0'),
      s('LPOS big 5 RANK -3 COUNT 4'), s('LREM big 10 3'), s('LREM big -10 4'), s('LREM big 0 5'), s('LLEN big'),
      s('LTRIM big 100 -100'), s('LLEN big'), s('LRANGE big 0 10'), s('LRANGE big -10 -1'),
      s('LPOP big 500'), s('RPOP big 100'), s('LLEN big'), s('LRANGE big 0 -1')
    ])
    const big = Buffer.alloc(100_000, 'z')
    await c.same('RPUSH', 'huge', big, big)
    await c.same('LRANGE', 'huge', '0', '-1')
  })
})

describe('LINDEX, LSET, LINSERT', () => {
  test('LINDEX', async () => {
    await all([
      s('RPUSH l a b c'), s('LINDEX l 0'), s('LINDEX l 2'), s('LINDEX l 3'), s('LINDEX l -1'), s('LINDEX l -3'),
      s('LINDEX l -4'), s('LINDEX l x'), s('LINDEX nokey x'), s('LINDEX nokey 0'), s('LINDEX l 9223372036854775808')
    ])
  })
  test('LSET', async () => {
    await all([
      s('LSET nokey 0 a'), s('LSET nokey x a'), s('RPUSH l a b c'), s('LSET l 0 A'), s('LSET l -1 C'), s('LSET l 3 x'),
      s('LSET l -4 x'), s('LSET l x y'), s('LRANGE l 0 -1')
    ])
  })
  test('LINSERT', async () => {
    await all([
      s('LINSERT nokey BEFORE a b'), s('LINSERT nokey MIDDLE a b'), s('RPUSH l a b c'), s('LINSERT l BEFORE a x'),
      s('LINSERT l after c y'), s('LINSERT l AFTER b z'), s('LINSERT l before b w'), s('LINSERT l BEFORE nope q'),
      s('LINSERT l SIDEWAYS a b'), s('LRANGE l 0 -1'), s('LINSERT l BEFORE a'),
      ...Array.from({ length: 40 }, (_, i) => ['LINSERT', 'l', i % 2 ? 'BEFORE' : 'AFTER', 'b', `n${i}`]),
      s('LRANGE l 0 -1')
    ])
  })
})

describe('pops', () => {
  test('LPOP/RPOP with and without count (RESP2 nil rules)', async () => {
    await all([
      s('LPOP nokey'), s('RPOP nokey'), s('LPOP nokey 0'), s('LPOP nokey 3'), s('RPOP nokey 1'), s('LPOP nokey -1'),
      s('LPOP nokey x'), s('RPUSH l a b c d e'), s('LPOP l 0'), s('RPOP l 0'), s('LPOP l'), s('RPOP l'), s('LPOP l 2'),
      s('RPUSH l f g h'), s('RPOP l 2'), s('LPOP l -1'), s('LPOP l 1.5'), s('LPOP l 10'), s('EXISTS l'), s('LPOP l'),
      s('LPOP l 1 2'), s('RPOP'), s('RPUSH l a'), s('RPOP l 9223372036854775807'), s('EXISTS l')
    ])
  })
  test('LMPOP', async () => {
    await all([
      s('LMPOP 1 nokey LEFT'), s('LMPOP 0 l LEFT'), s('LMPOP -1 l LEFT'), s('LMPOP x l LEFT'), s('LMPOP 2 l LEFT'),
      s('LMPOP 1 l MIDDLE'), s('LMPOP 1 l LEFT COUNT 0'), s('LMPOP 1 l LEFT COUNT -1'), s('LMPOP 1 l LEFT COUNT x'),
      s('LMPOP 1 l LEFT COUNT 1 COUNT 2'), s('LMPOP 1 l LEFT COUNT'), s('LMPOP 1 l LEFT FOO'),
      s('LMPOP 99999999999 l LEFT'),
      s('RPUSH l2 a b c d'), s('LMPOP 2 l l2 LEFT'), s('LMPOP 2 l l2 right COUNT 2'), s('LMPOP 2 l l2 LEFT COUNT 10'),
      s('EXISTS l2'), s('LMPOP 1')
    ])
  })
})

describe('LRANGE-family edits', () => {
  test('LTRIM', async () => {
    await all([
      s('LTRIM nokey 0 1'), s('LTRIM nokey a 1'), s('RPUSH l a b c d e f'), s('LTRIM l 1 -2'), s('LRANGE l 0 -1'),
      s('LTRIM l -100 100'), s('LRANGE l 0 -1'), s('LTRIM l 2 1'), s('EXISTS l'), s('RPUSH l a b c'), s('LTRIM l 5 10'),
      s('EXISTS l'), s('RPUSH l a b c'), s('LTRIM l x 1'), s('LTRIM l 0 y'), s('LTRIM l -1 -1'), s('LRANGE l 0 -1')
    ])
  })
  test('LREM', async () => {
    await all([
      s('LREM nokey 0 a'), s('LREM nokey x a'), s('RPUSH l a b a c a b a'), s('LREM l 2 a'), s('LRANGE l 0 -1'),
      s('LREM l -1 b'), s('LRANGE l 0 -1'), s('LREM l 0 a'), s('LRANGE l 0 -1'), s('LREM l 0 zz'), s('LREM l x a'),
      s('LREM l -9223372036854775808 c'), s('LRANGE l 0 -1'), s('LREM l 0 b'), s('EXISTS l')
    ])
  })
  test('LPOS', async () => {
    await all([
      s('LPOS nokey a'), s('LPOS nokey a COUNT 0'), s('RPUSH l a b c 1 2 3 c c'), s('LPOS l c'), s('LPOS l c RANK 2'),
      s('LPOS l c RANK -1'), s('LPOS l c RANK -2'), s('LPOS l c COUNT 2'), s('LPOS l c COUNT 0'), s('LPOS l c RANK -1 COUNT 0'),
      s('LPOS l c RANK 2 COUNT 0'), s('LPOS l c MAXLEN 2'), s('LPOS l c MAXLEN 3'), s('LPOS l c COUNT 0 MAXLEN 7'),
      s('LPOS l zz'), s('LPOS l zz COUNT 1'), s('LPOS l c RANK 0'), s('LPOS l c RANK x'), s('LPOS l c COUNT -1'),
      s('LPOS l c COUNT x'), s('LPOS l c MAXLEN -1'), s('LPOS l c MAXLEN x'), s('LPOS l c FOO'), s('LPOS l c RANK'),
      s('LPOS l c RANK 5'), s('LPOS l c RANK -9223372036854775808'), s('LPOS l c RANK 9223372036854775807'),
      s('LPOS l c RANK -9223372036854775808 COUNT 0'), s('LPOS l c rank -1 maxlen 1 count 5')
    ])
  })
})

describe('LMOVE, RPOPLPUSH', () => {
  test('moves between lists', async () => {
    await all([
      s('LMOVE nokey dst LEFT LEFT'), s('EXISTS dst'), s('RPOPLPUSH nokey dst'), s('RPUSH src a b c'),
      s('LMOVE src dst LEFT RIGHT'), s('LMOVE src dst RIGHT LEFT'), s('LRANGE dst 0 -1'), s('LRANGE src 0 -1'),
      s('RPOPLPUSH src dst'), s('EXISTS src'), s('LRANGE dst 0 -1'), s('LMOVE dst dst LEFT RIGHT'), s('LRANGE dst 0 -1'),
      s('RPOPLPUSH dst dst'), s('LRANGE dst 0 -1'), s('LMOVE dst x UP LEFT'), s('LMOVE dst x LEFT DOWN'),
      s('LMOVE dst x left right'), s('LMOVE dst'), s('RPUSH one x'), s('LMOVE one one LEFT LEFT'), s('LRANGE one 0 -1')
    ])
  })
})

describe('blocking commands that do not block', () => {
  test('served at once, errors, timeouts parsing', async () => {
    await all([
      s('RPUSH l a b c'), s('BLPOP nokey l 0'), s('BRPOP l 0'), s('BLPOP l 1.5'), s('RPUSH l x y z'),
      s('BLMOVE l dst LEFT RIGHT 0'), s('BRPOPLPUSH l dst 0'), s('LRANGE dst 0 -1'), s('BLMPOP 0 2 nokey dst RIGHT COUNT 5'),
      s('BLPOP l -1'), s('BLPOP l abc'), s('BLPOP l nan'), s('BLPOP l inf'), s('BLPOP l -inf'), s('BLPOP l 1e400'),
      s('BLPOP l 1e5000'), s('BLPOP l 9.3e15'), ['BLPOP', 'l', ' 1'], ['BLPOP', 'l', ''], s('BLPOP l -0.5'),
      s('BLMOVE l x LEFT RIGHT -1'), s('BLMOVE l x BAD RIGHT 0'), s('BLMOVE l x LEFT RIGHT nope'), s('BRPOPLPUSH l x -1'),
      s('BLMPOP -1 1 l LEFT'), s('BLMPOP 0 0 l LEFT'), s('BLMPOP x 0 l LEFT'), s('BLMPOP 0 1 l BAD'), s('BLMPOP 0 1 l LEFT COUNT 0'),
      s('BLMPOP 0 3 l LEFT'), s('BLPOP l'), s('BLMPOP 0 1')
    ])
  })

  test('inside MULTI they answer at once', async () => {
    await all([
      s('MULTI'), s('BLPOP nokey 0'), s('BRPOP nokey 0'), s('BLMOVE nokey d LEFT LEFT 0'), s('BRPOPLPUSH nokey d 0'),
      s('BLMPOP 0 1 nokey LEFT'), s('RPUSH l a'), s('BLPOP l 0'), s('EXEC')
    ])
  })
})

describe('RedisList unit', () => {
  test('pushes and pops at both ends, inserts, removes across nodes', () => {
    const l = new RedisList()
    const ref: string[] = []
    const rnd = seededRandom(7)
    for (let step = 0; step < 20000; step++) {
      const op = rnd(10)
      const v = String(rnd(50))
      if (op < 3) {
        l.pushHead(Buffer.from(v))
        ref.unshift(v)
      } else if (op < 6) {
        l.pushTail(Buffer.from(v))
        ref.push(v)
      } else if (op === 6) {
        expect(l.popHead()?.toString()).toBe(ref.shift())
      } else if (op === 7) {
        expect(l.popTail()?.toString()).toBe(ref.pop())
      } else if (op === 8) {
        const i = rnd(ref.length + 1)
        l.insertAt(i, Buffer.from(v))
        ref.splice(i, 0, v)
      } else if (step % 50 === 0) {
        const lim = rnd(3)
        const tail = rnd(2) === 1
        const n = l.remove(Buffer.from(v), lim, tail)
        let removed = 0
        if (!tail) {
          for (let i = 0; i < ref.length; i++) if (ref[i] === v && (lim === 0 || removed < lim)) (ref.splice(i--, 1), removed++)
        } else {
          for (let i = ref.length - 1; i >= 0; i--) if (ref[i] === v && (lim === 0 || removed < lim)) (ref.splice(i, 1), removed++)
        }
        expect(n).toBe(removed)
      }
      if (step % 500 === 0) expect(l.toArray().map(String)).toEqual(ref)
    }
    expect([...l].map(String)).toEqual(ref)
    expect(l.clone().toArray().map(String)).toEqual(ref)
    l.trim(3, 10)
    expect(l.toArray().map(String)).toEqual(ref.slice(3, 11))
  })
})
