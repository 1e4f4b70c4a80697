/**
 * String and bit commands (t_string.c, bitops.c), differential against a real
 * redis-server 7: every command, its options and error paths byte for byte; plus what
 * the rewritten commands ask to propagate (c.propagate).
 */
import { describe, expect, test } from 'vitest'
import { sharedPair } from '../helpers/differential'
import { propagated as propagatedBy } from '../helpers/propagation'

const { pair, c } = sharedPair({ reset: [['FLUSHALL']] })

async function all(cmds: (string | Buffer)[][]): Promise<void> {
  for (const cmd of cmds) await c.same(...cmd)
}

describe('SET / GET family', () => {
  test('SET options, conflicts and errors', async () => {
    await all([
      ['SET', 'k', 'v'],
      ['GET', 'k'],
      ['SET', 'k', 'v2', 'NX'],
      ['SET', 'k', 'v2', 'XX'],
      ['GET', 'k'],
      ['SET', 'n', 'v', 'XX'],
      ['SET', 'n', 'v', 'nx', 'GET'],
      ['SET', 'n', 'v3', 'NX', 'GET'],
      ['SET', 'n', 'v4', 'xx', 'get'],
      ['SET', 'k', 'v', 'NX', 'XX'],
      ['SET', 'k', 'v', 'XX', 'NX'],
      ['SET', 'k', 'v', 'EX'],
      ['SET', 'k', 'v', 'EX', '10', 'PX', '100'],
      ['SET', 'k', 'v', 'EX', '10', 'KEEPTTL'],
      ['SET', 'k', 'v', 'KEEPTTL', 'EX', '10'],
      ['SET', 'k', 'v', 'PERSIST'],
      ['SET', 'k', 'v', 'EX', 'abc'],
      ['SET', 'k', 'v', 'EX', '0'],
      ['SET', 'k', 'v', 'EX', '-5'],
      ['SET', 'k', 'v', 'PX', '0'],
      ['SET', 'k', 'v', 'EX', '9223372036854775807'],
      ['SET', 'k', 'v', 'PX', '9223372036854775807'],
      ['SET', 'k', 'v', 'EXAT', '9223372036854775'],
      ['SET', 'k', 'v', 'EX', '100', 'EX', '200'],
      ['TTL', 'k'],
      ['SET', 'k', 'v', 'PX', '100000'],
      ['SET', 'k', 'v', 'KEEPTTL'],
      ['SET', 'k', 'v', 'foo'],
      ['SET', 'k'],
      ['SET', 'k', 'v', 'EXAT', '99999999999'],
      ['TTL', 'k'],
      ['SET', 'k', 'v', 'PXAT', '99999999999999'],
      ['SET', 'k', 'v'],
      ['TTL', 'k'],
      ['GET', 'nope'],
      ['GET'],
      ['GET', 'a', 'b'],
      ['HSET', 'h', 'f', 'v'],
      ['GET', 'h'],
      ['SET', 'h', 'v', 'GET'],
      ['SET', 'h', 'v'],
      ['GET', 'h']
    ])
    // KEEPTTL keeps the TTL (checked by TTL being positive on both).
    await c.same('SET', 'k', 'v', 'EX', '1000')
    await c.same('SET', 'k', 'w', 'KEEPTTL')
    await c.same('TTL', 'k')
    await c.same('SET', 'k', 'w', 'GET')
    await c.same('TTL', 'k')
  })

  test('binary keys and values', async () => {
    const bin = Buffer.from([0, 1, 2, 255, 13, 10, 0])
    await c.same('SET', bin, bin)
    await c.same('GET', bin)
    await c.same('STRLEN', bin)
    await c.same('SET', 'e', '')
    await c.same('GET', 'e')
    await c.same('STRLEN', 'e')
    const big = Buffer.alloc(100000, 'x')
    await c.same('SET', 'big', big)
    await c.same('GET', 'big')
  })

  test('SETNX, SETEX, PSETEX', async () => {
    await all([
      ['SETNX', 'k', 'a'],
      ['SETNX', 'k', 'b'],
      ['GET', 'k'],
      ['SETEX', 'k', '100', 'v'],
      ['TTL', 'k'],
      ['SETEX', 'k', '0', 'v'],
      ['SETEX', 'k', '-1', 'v'],
      ['SETEX', 'k', 'x', 'v'],
      ['SETEX', 'k', '10'],
      ['PSETEX', 'k', '100000', 'v'],
      ['PSETEX', 'k', '0', 'v'],
      ['PSETEX', 'k', '1.5', 'v'],
      ['GET', 'k'],
      ['HSET', 'h', 'f', 'v'],
      ['SETNX', 'h', 'x'],
      ['SETEX', 'h', '10', 'x'],
      ['TYPE', 'h']
    ])
  })

  test('GETEX', async () => {
    await all([
      ['GETEX', 'nope'],
      ['GETEX', 'nope', 'EX', 'abc'],
      ['SET', 'k', 'v'],
      ['GETEX', 'k'],
      ['GETEX', 'k', 'EX', '100'],
      ['TTL', 'k'],
      ['GETEX', 'k', 'PERSIST'],
      ['TTL', 'k'],
      ['GETEX', 'k', 'PX', '100000'],
      ['GETEX', 'k', 'EXAT', '99999999999'],
      ['TTL', 'k'],
      ['GETEX', 'k', 'PXAT', '99999999999999'],
      ['GETEX', 'k', 'EX', '0'],
      ['GETEX', 'k', 'EX', 'x'],
      ['GETEX', 'k', 'EX'],
      ['GETEX', 'k', 'EX', '10', 'PERSIST'],
      ['GETEX', 'k', 'PERSIST', 'EX', '10'],
      ['GETEX', 'k', 'KEEPTTL'],
      ['GETEX', 'k', 'NX'],
      ['GETEX', 'k', 'GET'],
      ['GETEX', 'k', 'EXAT', '1'],
      ['EXISTS', 'k'],
      ['HSET', 'h', 'f', 'v'],
      ['GETEX', 'h'],
      ['GETEX', 'h', 'EX', 'bad'],
      ['GETEX']
    ])
  })

  test('GETDEL, GETSET', async () => {
    await all([
      ['GETDEL', 'k'],
      ['SET', 'k', 'v', 'EX', '100'],
      ['GETSET', 'k', 'w'],
      ['TTL', 'k'],
      ['GETDEL', 'k'],
      ['EXISTS', 'k'],
      ['GETSET', 'new', 'x'],
      ['GET', 'new'],
      ['HSET', 'h', 'f', 'v'],
      ['GETDEL', 'h'],
      ['GETSET', 'h', 'v'],
      ['GETDEL', 'a', 'b'],
      ['GETSET', 'a']
    ])
  })

  test('MGET, MSET, MSETNX', async () => {
    await all([
      ['MSET', 'a', '1', 'b', '2'],
      ['MGET', 'a', 'b', 'c'],
      ['MSET', 'a', '1', 'b'],
      ['MSET', 'a'],
      ['MSETNX', 'a', '1', 'b'],
      ['MSETNX', 'c', '3', 'a', '9'],
      ['MGET', 'a', 'c'],
      ['MSETNX', 'c', '3', 'd', '4'],
      ['MSETNX', 'x', '1', 'x', '2'],
      ['MGET', 'c', 'd', 'x'],
      ['HSET', 'h', 'f', 'v'],
      ['MGET', 'h', 'a'],
      ['MSET', 'h', 'str'],
      ['TYPE', 'h'],
      ['MGET']
    ])
  })

  test('APPEND, STRLEN', async () => {
    await all([
      ['APPEND', 'k', 'abc'],
      ['APPEND', 'k', 'def'],
      ['GET', 'k'],
      ['STRLEN', 'k'],
      ['APPEND', 'k', ''],
      ['APPEND', 'e', ''],
      ['EXISTS', 'e'],
      ['STRLEN', 'nope'],
      ['SET', 'n', '12'],
      ['OBJECT', 'ENCODING', 'n'],
      ['APPEND', 'n', '3'],
      ['OBJECT', 'ENCODING', 'n'],
      ['GET', 'n'],
      ['APPEND', 'new', '42'],
      ['OBJECT', 'ENCODING', 'new'],
      ['HSET', 'h', 'f', 'v'],
      ['APPEND', 'h', 'x'],
      ['STRLEN', 'h'],
      ['STRLEN', 'a', 'b']
    ])
    // TTL survives APPEND.
    await c.same('SET', 't', 'v', 'EX', '100')
    await c.same('APPEND', 't', 'w')
    await c.same('TTL', 't')
  })

  test('APPEND many times builds the right string (amortized growth, old values intact)', async () => {
    let expected = ''
    for (let i = 0; i < 300; i++) {
      const piece = `<${i}>`.repeat(5)
      expected += piece
      await c.same('APPEND', 'k', piece)
      if (i === 100) await c.same('COPY', 'k', 'snap')
      if (i % 50 === 0) await c.same('GET', 'k')
    }
    expect(await c.same('GET', 'k')).toBe(`$${expected.length}\r\n${expected}\r\n`)
    await c.same('APPEND', 'snap', 'tail')
    await c.same('GET', 'snap')
    await c.same('GET', 'k')
    await c.same('SETRANGE', 'k', '5000', 'zz')
    await c.same('GET', 'snap')
    await c.same('GET', 'k')
    // Growth past the end by SETRANGE and SETBIT, then overwrites inside, on a copy too.
    for (let i = 0; i < 20; i++) {
      await c.same('SETRANGE', 'g', String(i * 300), `[${i}]`)
      await c.same('SETBIT', 'g', String(i * 2500 + 7), '1')
      if (i === 10) await c.same('COPY', 'g', 'gsnap')
    }
    await c.same('SETRANGE', 'gsnap', '0', 'head')
    await c.same('SETBIT', 'gsnap', '99999', '1')
    await c.same('GET', 'g')
    await c.same('GET', 'gsnap')
    await c.same('BITCOUNT', 'g')
    await c.same('BITPOS', 'g', '1', '100')
  })

  test('APPEND/SETRANGE past proto-max-bulk-len', async () => {
    await all([
      ['SETRANGE', 'k', '536870911', 'ab'],
      ['SETRANGE', 'k', '536870912', 'a'],
      ['EXISTS', 'k'],
      ['SETRANGE', 'k', '-1', 'a'],
      ['SETRANGE', 'k', 'x', 'a'],
      ['SETRANGE', 'k', '9223372036854775807', 'a']
    ])
  })
})

describe('odd arguments', () => {
  test('options with NUL bytes, NUL-terminated numbers, huge #offsets', async () => {
    const z = (s: string): Buffer => Buffer.concat([Buffer.from(s), Buffer.from([0]), Buffer.from('junk')])
    await all([
      ['SET', 'k', 'v', z('nx')],
      ['SET', 'k', 'v', z('xx'), z('get')],
      ['SET', 'k', 'v', z('keepttl')],
      ['SET', 'k', 'v', z('ex'), '100'],
      ['GETEX', 'k', z('persist')],
      ['SET', 'f', z('1.5')],
      ['INCRBYFLOAT', 'f', '1'],
      ['SET', 'f', Buffer.from([0])],
      ['INCRBYFLOAT', 'f', '1'],
      ['INCRBYFLOAT', 'f', z('2')],
      ['INCR', 'f'],
      ['BITCOUNT', 'f', '0', '-1', z('bit')],
      ['BITFIELD', 'b', 'GET', z('u8'), '0'],
      ['BITFIELD', 'b', 'GET', 'u8', '#9223372036854775807'],
      ['BITFIELD', 'b', 'GET', 'u8', '#536870911'],
      ['BITFIELD', 'b', 'GET', 'u8', '#67108863'],
      ['BITFIELD', 'b', 'GET', 'u8', '#-1'],
      ['SETBIT', 'b', '8388607', '0'],
      ['STRLEN', 'b'],
      ['LCS', 'k', 'f', z('len')]
    ])
  })
})

describe('INCR family', () => {
  test('INCR, DECR, INCRBY, DECRBY', async () => {
    await all([
      ['INCR', 'n'],
      ['INCR', 'n'],
      ['DECR', 'n'],
      ['DECR', 'm'],
      ['INCRBY', 'n', '100'],
      ['INCRBY', 'n', '-200'],
      ['DECRBY', 'n', '5'],
      ['DECRBY', 'n', '-5'],
      ['GET', 'n'],
      ['OBJECT', 'ENCODING', 'n'],
      ['INCRBY', 'n', 'x'],
      ['INCRBY', 'n', '1.5'],
      ['INCRBY', 'n', ' 1'],
      ['INCRBY', 'n', '01'],
      ['DECRBY', 'n', '-9223372036854775808'],
      ['SET', 'max', '9223372036854775807'],
      ['INCR', 'max'],
      ['DECR', 'max'],
      ['INCRBY', 'max', '-9223372036854775807'],
      ['SET', 'min', '-9223372036854775808'],
      ['DECR', 'min'],
      ['INCR', 'min'],
      ['INCRBY', 'min', '9223372036854775807'],
      ['SET', 'big', '9007199254740993'],
      ['INCR', 'big'],
      ['INCRBY', 'big', '9007199254740993'],
      ['SET', 'f', '1.5'],
      ['INCR', 'f'],
      ['SET', 's', 'abc'],
      ['DECR', 's'],
      ['SET', 'sp', ' 1'],
      ['INCR', 'sp'],
      ['SET', 'z', '007'],
      ['INCR', 'z'],
      ['SET', 'long', '99999999999999999999'],
      ['INCR', 'long'],
      ['HSET', 'h', 'f', '1'],
      ['INCR', 'h'],
      ['INCRBY', 'h', 'x'],
      ['INCR'],
      ['INCRBY', 'n']
    ])
    await c.same('SET', 't', '5', 'EX', '100')
    await c.same('INCR', 't')
    await c.same('TTL', 't')
  })

  test('INCRBYFLOAT formats like %.17Lf with trailing zeros removed', async () => {
    await all([
      ['INCRBYFLOAT', 'f', '0.1'],
      ['INCRBYFLOAT', 'f', '0.2'],
      ['INCRBYFLOAT', 'f', '-0.3'],
      ['INCRBYFLOAT', 'f', '10.5'],
      ['INCRBYFLOAT', 'f', '5.0e3'],
      ['INCRBYFLOAT', 'f', '-5.0E3'],
      ['INCRBYFLOAT', 'f', '1e-20'],
      ['INCRBYFLOAT', 'g', '3'],
      ['INCRBYFLOAT', 'g', '1.23456789012345678901234'],
      ['INCRBYFLOAT', 'g', '1e30'],
      ['INCRBYFLOAT', 'g', '-1e30'],
      ['INCRBYFLOAT', 'g', 'abc'],
      ['INCRBYFLOAT', 'g', ''],
      ['INCRBYFLOAT', 'g', ' 1'],
      ['INCRBYFLOAT', 'g', '1 '],
      ['INCRBYFLOAT', 'g', 'nan'],
      ['INCRBYFLOAT', 'g', 'inf'],
      ['INCRBYFLOAT', 'g', '-inf'],
      ['INCRBYFLOAT', 'g', '1e5000'],
      ['INCRBYFLOAT', 'g', '0x10'],
      ['SET', 'n', '10'],
      ['INCRBYFLOAT', 'n', '0.5'],
      ['OBJECT', 'ENCODING', 'n'],
      ['SET', 'n', '-0'],
      ['INCRBYFLOAT', 'n', '0'],
      ['SET', 's', 'abc'],
      ['INCRBYFLOAT', 's', '1'],
      ['INCRBYFLOAT', 's', 'x'],
      ['SET', 'i', 'inf'],
      ['INCRBYFLOAT', 'i', '1'],
      ['SET', 'big', '1.7e308'],
      ['INCRBYFLOAT', 'big', '1.7e308'],
      ['HSET', 'h', 'f', '1'],
      ['INCRBYFLOAT', 'h', '1'],
      ['INCRBYFLOAT', 'h', 'x'],
      ['INCRBYFLOAT', 'x']
    ])
    await c.same('SET', 't', '5', 'EX', '100')
    await c.same('INCRBYFLOAT', 't', '1.5')
    await c.same('TTL', 't')
  })
})

describe('GETRANGE / SETRANGE / LCS', () => {
  test('GETRANGE and SUBSTR', async () => {
    await c.same('SET', 's', 'Hello World')
    const ranges = [
      ['0', '4'], ['0', '-1'], ['-5', '-1'], ['-1', '-5'], ['5', '3'], ['-100', '100'], ['100', '200'],
      ['0', '0'], ['-1', '-1'], ['10', '10'], ['11', '11'], ['-3', '-100'], ['-100', '-3'],
      ['9223372036854775807', '-9223372036854775808'], ['-9223372036854775808', '9223372036854775807']
    ]
    for (const [a, b] of ranges) {
      await c.same('GETRANGE', 's', a!, b!)
      await c.same('SUBSTR', 's', a!, b!)
    }
    await all([
      ['GETRANGE', 'nope', '0', '-1'],
      ['GETRANGE', 's', 'x', '1'],
      ['GETRANGE', 'nope', '0', 'x'],
      ['SET', 'e', ''],
      ['GETRANGE', 'e', '0', '-1'],
      ['GETRANGE', 'e', '-1', '0'],
      ['SET', 'n', '12345'],
      ['GETRANGE', 'n', '1', '2'],
      ['HSET', 'h', 'f', 'v'],
      ['GETRANGE', 'h', '0', '1'],
      ['GETRANGE', 's', '0']
    ])
  })

  test('SETRANGE', async () => {
    await all([
      ['SETRANGE', 'k', '5', 'abc'],
      ['GET', 'k'],
      ['SETRANGE', 'k', '0', 'XY'],
      ['GET', 'k'],
      ['SETRANGE', 'k', '6', 'ZZZZZZ'],
      ['GET', 'k'],
      ['SETRANGE', 'k', '3', ''],
      ['SETRANGE', 'k', '100', ''],
      ['STRLEN', 'k'],
      ['SETRANGE', 'new', '3', ''],
      ['EXISTS', 'new'],
      ['SETRANGE', 'new', '0', ''],
      ['SET', 'n', '123'],
      ['SETRANGE', 'n', '1', '9'],
      ['GET', 'n'],
      ['OBJECT', 'ENCODING', 'n'],
      ['HSET', 'h', 'f', 'v'],
      ['SETRANGE', 'h', '0', 'x'],
      ['SETRANGE', 'h', '0', ''],
      ['SETRANGE', 'k', '0']
    ])
    await c.same('SET', 't', 'abc', 'EX', '100')
    await c.same('SETRANGE', 't', '1', 'X')
    await c.same('TTL', 't')
    await c.same('SETRANGE', 'bin', '2', Buffer.from([0, 255, 10]))
    await c.same('GET', 'bin')
  })

  test('LCS', async () => {
    await c.same('MSET', 'a', 'ohmytext', 'b', 'mynewtext')
    await all([
      ['LCS', 'a', 'b'],
      ['LCS', 'a', 'b', 'LEN'],
      ['LCS', 'a', 'b', 'IDX'],
      ['LCS', 'a', 'b', 'IDX', 'MINMATCHLEN', '4'],
      ['LCS', 'a', 'b', 'IDX', 'MINMATCHLEN', '4', 'WITHMATCHLEN'],
      ['LCS', 'a', 'b', 'idx', 'withmatchlen'],
      ['LCS', 'a', 'b', 'IDX', 'MINMATCHLEN', '-4'],
      ['LCS', 'a', 'b', 'IDX', 'MINMATCHLEN', 'x'],
      ['LCS', 'a', 'b', 'IDX', 'MINMATCHLEN'],
      ['LCS', 'a', 'b', 'LEN', 'IDX'],
      ['LCS', 'a', 'b', 'FOO'],
      ['LCS', 'a', 'nope'],
      ['LCS', 'nope', 'nope2', 'IDX'],
      ['LCS', 'a', 'a', 'IDX', 'WITHMATCHLEN'],
      ['HSET', 'h', 'f', 'v'],
      ['LCS', 'a', 'h'],
      ['LCS', 'h', 'a', 'FOO'],
      ['LCS', 'a']
    ])
    await c.same('MSET', 'x', 'GTAACCTGATTACAGGTCA', 'y', 'TTGACCTGAATACTAGTCAGGA')
    await c.same('LCS', 'x', 'y')
    await c.same('LCS', 'x', 'y', 'IDX', 'WITHMATCHLEN')
    await c.same('LCS', 'y', 'x', 'IDX', 'MINMATCHLEN', '2')
  })
})

describe('bit operations', () => {
  test('SETBIT, GETBIT', async () => {
    await all([
      ['SETBIT', 'b', '7', '1'],
      ['GET', 'b'],
      ['SETBIT', 'b', '7', '1'],
      ['SETBIT', 'b', '7', '0'],
      ['SETBIT', 'b', '100', '1'],
      ['STRLEN', 'b'],
      ['GETBIT', 'b', '100'],
      ['GETBIT', 'b', '101'],
      ['GETBIT', 'b', '100000'],
      ['GETBIT', 'nope', '0'],
      ['SETBIT', 'b', '-1', '1'],
      ['SETBIT', 'b', 'x', '1'],
      ['SETBIT', 'b', '4294967296', '1'],
      ['SETBIT', 'b', '4294967295', '2'],
      ['SETBIT', 'b', '0', '2'],
      ['SETBIT', 'b', '0', '-1'],
      ['SETBIT', 'b', '0', 'x'],
      ['GETBIT', 'b', '4294967296'],
      ['GETBIT', 'b', '-1'],
      ['SETBIT', 'z', '5', '0'],
      ['GET', 'z'],
      ['SET', 'n', '10'],
      ['GETBIT', 'n', '2'],
      ['SETBIT', 'n', '2', '1'],
      ['OBJECT', 'ENCODING', 'n'],
      ['SETBIT', 'n', '1', '1'],
      ['GET', 'n'],
      ['HSET', 'h', 'f', 'v'],
      ['SETBIT', 'h', '0', '1'],
      ['GETBIT', 'h', '0'],
      ['SETBIT', 'b', '0']
    ])
    await c.same('SET', 't', 'abc', 'EX', '100')
    await c.same('SETBIT', 't', '100', '1')
    await c.same('TTL', 't')
  })

  test('BITCOUNT (BYTE|BIT)', async () => {
    await c.same('SET', 's', 'foobar')
    const ranges = [
      [], ['0', '0'], ['1', '1'], ['0', '-1'], ['-2', '-1'], ['-1', '-2'], ['2', '1'], ['-100', '100'],
      ['0', '0', 'BYTE'], ['5', '30', 'BIT'], ['0', '-1', 'bit'], ['-5', '-1', 'BIT'], ['1', '1', 'BIT'],
      ['7', '8', 'BIT'], ['100', '200', 'BIT'], ['0', '0', 'FOO'], ['0'], ['0', '1', 'BIT', 'x'], ['a', 'b'], ['0', 'b']
    ]
    for (const r of ranges) await c.same('BITCOUNT', 's', ...r)
    await all([
      ['BITCOUNT', 'nope'],
      ['BITCOUNT', 'nope', 'a', 'b'],
      ['BITCOUNT', 'nope', '0'],
      ['SET', 'n', '12345'],
      ['BITCOUNT', 'n'],
      ['HSET', 'h', 'f', 'v'],
      ['BITCOUNT', 'h'],
      ['BITCOUNT']
    ])
    const big = Buffer.alloc(10007)
    for (let i = 0; i < big.length; i++) big[i] = (i * 37) & 0xff
    await c.same('SET', 'big', big)
    await c.same('BITCOUNT', 'big')
    await c.same('BITCOUNT', 'big', '3', '-5')
    await c.same('BITCOUNT', 'big', '13', '70003', 'BIT')
  })

  test('BITPOS (BYTE|BIT)', async () => {
    await c.same('SET', 's', Buffer.from([0xff, 0xf0, 0x00, 0x0f, 0xff]))
    for (const bit of ['0', '1']) {
      const ranges = [
        [], ['0'], ['1'], ['2'], ['-1'], ['0', '-1'], ['1', '2'], ['3', '4'], ['4', '4'], ['2', '1'], ['-100', '100'],
        ['0', '-1', 'BIT'], ['5', '12', 'BIT'], ['12', '20', 'bit'], ['28', '39', 'BIT'], ['36', '39', 'BIT'],
        ['0', '7', 'BIT'], ['33', '34', 'BIT'], ['0', '0', 'BYTE'], ['0', '0', 'FOO'], ['x'], ['0', 'x'], ['0', '1', 'BIT', 'z']
      ]
      for (const r of ranges) await c.same('BITPOS', 's', bit, ...r)
    }
    await all([
      ['BITPOS', 'nope', '0'],
      ['BITPOS', 'nope', '1'],
      ['BITPOS', 'nope', '1', 'x', 'y'],
      ['BITPOS', 's', '2'],
      ['BITPOS', 's', 'x'],
      ['SET', 'ones', Buffer.alloc(3, 0xff)],
      ['BITPOS', 'ones', '0'],
      ['BITPOS', 'ones', '0', '1'],
      ['BITPOS', 'ones', '0', '0', '-1'],
      ['BITPOS', 'ones', '1', '1'],
      ['SET', 'zeros', Buffer.alloc(3)],
      ['BITPOS', 'zeros', '1'],
      ['BITPOS', 'zeros', '0', '2'],
      ['SET', 'e', ''],
      ['BITPOS', 'e', '0'],
      ['BITPOS', 'e', '1'],
      ['HSET', 'h', 'f', 'v'],
      ['BITPOS', 'h', '0'],
      ['BITPOS', 'h', '2'],
      ['BITPOS', 's']
    ])
    // Long runs (the word-at-a-time skip), unaligned starts.
    const zeros = Buffer.alloc(1001)
    zeros[777] = 0x10
    const ones = Buffer.alloc(1003, 0xff)
    ones[901] = 0xfe
    await c.same('SET', 'lz', zeros)
    await c.same('SET', 'lo', ones)
    for (const r of [[], ['1'], ['3', '-1'], ['778'], ['13', '6300', 'BIT'], ['6219', '6220', 'BIT'], ['6220', '-1', 'BIT']]) {
      await c.same('BITPOS', 'lz', '1', ...r)
      await c.same('BITPOS', 'lo', '0', ...r)
      await c.same('BITPOS', 'lz', '0', ...r)
    }
  })

  test('BITOP', async () => {
    await c.same('SET', 'a', Buffer.from([0xff, 0x0f, 0x55]))
    await c.same('SET', 'b', Buffer.from([0xf0, 0xf0]))
    await all([
      ['BITOP', 'AND', 'd', 'a', 'b'],
      ['GET', 'd'],
      ['BITOP', 'or', 'd', 'a', 'b'],
      ['GET', 'd'],
      ['BITOP', 'XOR', 'd', 'a', 'b', 'a'],
      ['GET', 'd'],
      ['BITOP', 'NOT', 'd', 'a'],
      ['GET', 'd'],
      ['BITOP', 'AND', 'd', 'nope', 'a'],
      ['GET', 'd'],
      ['BITOP', 'OR', 'd', 'nope', 'a'],
      ['GET', 'd'],
      ['BITOP', 'NOT', 'd', 'a', 'b'],
      ['BITOP', 'NAND', 'd', 'a'],
      ['BITOP', 'AND', 'd', 'nope'],
      ['EXISTS', 'd'],
      ['BITOP', 'NOT', 'd', 'nope'],
      ['OBJECT', 'ENCODING', 'a'],
      ['BITOP', 'AND', 'd', 'a'],
      ['OBJECT', 'ENCODING', 'd'],
      ['HSET', 'h', 'f', 'v'],
      ['BITOP', 'AND', 'd', 'a', 'h'],
      ['BITOP', 'AND', 'h', 'a'],
      ['TYPE', 'h'],
      ['BITOP', 'AND', 'd']
    ])
    await c.same('SET', 't', 'abc', 'EX', '100')
    await c.same('BITOP', 'AND', 't', 'a')
    await c.same('TTL', 't')
  })

  test('BITFIELD and BITFIELD_RO', async () => {
    await all([
      ['BITFIELD', 'bf', 'SET', 'i8', '0', '100', 'GET', 'i8', '0', 'GET', 'u4', '0', 'GET', 'u4', '4'],
      ['BITFIELD', 'bf', 'INCRBY', 'i8', '0', '100'],
      ['BITFIELD', 'bf', 'OVERFLOW', 'SAT', 'INCRBY', 'i8', '0', '100', 'INCRBY', 'i8', '0', '-1000'],
      ['BITFIELD', 'bf', 'OVERFLOW', 'FAIL', 'INCRBY', 'i8', '0', '1000', 'GET', 'i8', '0'],
      ['BITFIELD', 'bf', 'OVERFLOW', 'WRAP', 'INCRBY', 'u8', '0', '300', 'SET', 'u8', '#1', '-1'],
      ['BITFIELD', 'bf', 'OVERFLOW', 'SAT', 'SET', 'u8', '#1', '-1', 'SET', 'u8', '#2', '256', 'SET', 'i4', '#3', '-100'],
      ['BITFIELD', 'bf', 'SET', 'i64', '0', '-9223372036854775808', 'INCRBY', 'i64', '0', '-1', 'GET', 'i64', '0'],
      ['BITFIELD', 'bf', 'OVERFLOW', 'SAT', 'INCRBY', 'i64', '0', '-1', 'INCRBY', 'u63', '64', '9223372036854775807', 'INCRBY', 'u63', '64', '1'],
      ['BITFIELD', 'bf', 'SET', 'u3', '5', '7', 'GET', 'u3', '5', 'GET', 'i3', '5', 'GET', 'u16', '3'],
      ['GET', 'bf'],
      ['BITFIELD', 'bf', 'GET', 'u64', '0'],
      ['BITFIELD', 'bf', 'GET', 'i65', '0'],
      ['BITFIELD', 'bf', 'GET', 'x8', '0'],
      ['BITFIELD', 'bf', 'GET', 'i0', '0'],
      ['BITFIELD', 'bf', 'GET', 'i8', '-1'],
      ['BITFIELD', 'bf', 'GET', 'i8', '#x'],
      ['BITFIELD', 'bf', 'GET', 'i8'],
      ['BITFIELD', 'bf', 'SET', 'i8', '0'],
      ['BITFIELD', 'bf', 'SET', 'i8', '0', 'x'],
      ['BITFIELD', 'bf', 'OVERFLOW', 'FOO'],
      ['BITFIELD', 'bf', 'FOO'],
      ['BITFIELD', 'bf'],
      ['BITFIELD', 'nope', 'GET', 'u8', '100'],
      ['EXISTS', 'nope'],
      ['BITFIELD', 'far', 'SET', 'u8', '#10', '1'],
      ['GET', 'far'],
      ['BITFIELD_RO', 'bf', 'GET', 'i8', '0', 'GET', 'u8', '#1'],
      ['BITFIELD_RO', 'bf', 'SET', 'i8', '0', '1'],
      ['BITFIELD_RO', 'bf', 'GET', 'i8'],
      ['BITFIELD_RO', 'bf'],
      ['HSET', 'h', 'f', 'v'],
      ['BITFIELD', 'h', 'GET', 'i8', '0'],
      ['BITFIELD', 'h', 'SET', 'i8', '0', '1'],
      ['BITFIELD_RO', 'h', 'GET', 'i8', '0'],
      ['BITFIELD']
    ])
  })
})

describe('propagation', () => {
  const propagated = (...args: string[]): Promise<string[][] | null> => propagatedBy(pair.ours, c.ours, ...args)

  const near = (ms: string, expected: number): void => {
    expect(Math.abs(Number(ms) - expected)).toBeLessThan(2000)
  }

  test('SET with a TTL becomes SET … PXAT <abs ms>; GET is dropped', async () => {
    const t0 = Date.now()
    const p1 = (await propagated('SET', 'k', 'v', 'EX', '100', 'GET', 'NX'))!
    expect(p1).toEqual([['SET', 'k', 'v', 'PXAT', p1[0]![4]!]])
    near(p1[0]![4]!, t0 + 100000)
    const p2 = (await propagated('set', 'k', 'v', 'px', '5000', 'xx'))!
    near(p2[0]![4]!, t0 + 5000)
    expect(await propagated('SET', 'k', 'v', 'EXAT', '99999999999')).toEqual([['SET', 'k', 'v', 'PXAT', '99999999999000']])
    expect(await propagated('SET', 'k', 'v', 'PXAT', '99999999999999')).toEqual([['SET', 'k', 'v', 'PXAT', '99999999999999']])
    expect(await propagated('set', 'k', 'v', 'GET', 'keepttl', 'get')).toEqual([['set', 'k', 'v', 'keepttl']])
    expect(await propagated('SET', 'k', 'v', 'KEEPTTL')).toBeNull()
    expect(await propagated('SET', 'k', 'v')).toBeNull()
    const p3 = (await propagated('SETEX', 'k', '100', 'v'))!
    expect(p3[0]!.slice(0, 4)).toEqual(['SET', 'k', 'v', 'PXAT'])
    near(p3[0]![4]!, t0 + 100000)
    const p4 = (await propagated('PSETEX', 'k', '100', 'v'))!
    near(p4[0]![4]!, t0 + 100)
  })

  test('GETEX, GETDEL, GETSET, INCRBYFLOAT rewrites', async () => {
    await c.ours.call('SET', 'k', 'v')
    const t0 = Date.now()
    const p1 = (await propagated('GETEX', 'k', 'EX', '100'))!
    expect(p1[0]!.slice(0, 2)).toEqual(['PEXPIREAT', 'k'])
    near(p1[0]![2]!, t0 + 100000)
    expect(await propagated('GETEX', 'k', 'PXAT', '99999999999999')).toEqual([['PEXPIREAT', 'k', '99999999999999']])
    expect(await propagated('GETEX', 'k', 'EXAT', '99999999999')).toEqual([['PEXPIREAT', 'k', '99999999999000']])
    expect(await propagated('GETEX', 'k', 'PERSIST')).toEqual([['PERSIST', 'k']])
    expect(await propagated('GETEX', 'k', 'PERSIST')).toBeNull()
    expect(await propagated('GETEX', 'k', 'EXAT', '1')).toEqual([['DEL', 'k']])
    expect(await c.ours.call('EXISTS', 'k')).toBe(':0\r\n')
    await c.ours.call('SET', 'k', 'v')
    expect(await propagated('GETSET', 'k', 'w')).toEqual([['SET', 'k', 'w']])
    expect(await propagated('GETDEL', 'k')).toEqual([['DEL', 'k']])
    expect(await propagated('GETDEL', 'k')).toBeNull()
    expect(await propagated('INCRBYFLOAT', 'f', '0.1')).toEqual([['SET', 'f', '0.1', 'KEEPTTL']])
    expect(await propagated('INCRBYFLOAT', 'f', '0.2')).toEqual([['SET', 'f', '0.3', 'KEEPTTL']])
    expect(await propagated('INCR', 'i')).toBeNull()
  })

  test('dirty counts what Redis counts (no change, no propagation)', async () => {
    const dirty = async (...args: string[]): Promise<number> => {
      const before = pair.ours.stats.dirty
      await c.ours.call(...args)
      return pair.ours.stats.dirty - before
    }
    expect(await dirty('SET', 'k', 'v')).toBe(1)
    expect(await dirty('SET', 'k', 'v', 'NX')).toBe(0)
    expect(await dirty('MSET', 'a', '1', 'b', '2', 'c', '3')).toBe(3)
    expect(await dirty('MSETNX', 'a', '1', 'z', '2')).toBe(0)
    expect(await dirty('SETRANGE', 'k', '0', '')).toBe(0)
    expect(await dirty('APPEND', 'k', '')).toBe(1)
    expect(await dirty('SETBIT', 'k', '0', '0')).toBe(0)
    expect(await dirty('SETBIT', 'k', '1', '0')).toBe(1)
    expect(await dirty('BITOP', 'AND', 'd', 'nope')).toBe(0)
    expect(await dirty('BITFIELD', 'bf', 'SET', 'u8', '0', '1', 'INCRBY', 'u8', '0', '1', 'GET', 'u8', '0')).toBe(2)
    expect(await dirty('GETEX', 'k', 'PERSIST')).toBe(0)
  })
})
