import { describe, expect, it } from 'vitest'
import { ProtocolError, RequestParser } from '../../src/main/server/resp/request-parser'
import { splitArgs } from '../../src/main/server/resp/split-args'

function mb(...args: (string | Buffer)[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)]
  for (const a of args) {
    const b = typeof a === 'string' ? Buffer.from(a) : a
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'))
  }
  return Buffer.concat(parts)
}

/** Feeds the chunks; returns the commands (as latin1 strings) and the error message if any. */
function run(chunks: Buffer[]): { cmds: string[][]; error: string | null } {
  const p = new RequestParser()
  const cmds: string[][] = []
  try {
    for (const chunk of chunks) {
      p.feed(chunk)
      for (let argv = p.next(); argv; argv = p.next()) cmds.push(argv.map((a) => a.toString('latin1')))
    }
  } catch (err) {
    if (!(err instanceof ProtocolError)) throw err
    return { cmds, error: err.message }
  }
  return { cmds, error: null }
}

function splitEvery(buf: Buffer, sizes: () => number): Buffer[] {
  const out: Buffer[] = []
  for (let i = 0; i < buf.length; ) {
    const n = Math.max(1, sizes())
    out.push(buf.subarray(i, i + n))
    i += n
  }
  return out
}

const binary = Buffer.from([0, 13, 10, 255, 36, 42, 13, 10, 13])
const pipeline = Buffer.concat([
  mb('SET', 'key', 'value'),
  mb('GET', 'key'),
  mb('SET', 'bin', binary),
  Buffer.from('PING\r\n'),
  mb('ECHO', ''),
  Buffer.from('set "a b" \'c d\'\n'),
  Buffer.from('\r\n\n'),
  mb('DEL', 'x'.repeat(40000), 'y'),
  Buffer.from('*0\r\n*-1\r\n'),
  mb('PING')
])
const expected = [
  ['SET', 'key', 'value'],
  ['GET', 'key'],
  ['SET', 'bin', binary.toString('latin1')],
  ['PING'],
  ['ECHO', ''],
  ['set', 'a b', 'c d'],
  ['DEL', 'x'.repeat(40000), 'y'],
  ['PING']
]

describe('RequestParser: framing', () => {
  it('parses a pipeline in one chunk', () => {
    expect(run([pipeline])).toEqual({ cmds: expected, error: null })
  })

  it('parses the same pipeline fed byte by byte', () => {
    expect(run(splitEvery(pipeline, () => 1))).toEqual({ cmds: expected, error: null })
  })

  it('parses the same pipeline in random chunkings', () => {
    let seed = 42
    const rnd = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff
      return seed
    }
    for (let round = 0; round < 60; round++) {
      const max = [2, 3, 7, 64, 1000, 70000][round % 6]!
      expect(run(splitEvery(pipeline, () => rnd() % max))).toEqual({ cmds: expected, error: null })
    }
  })

  it('splits at every possible boundary of a request', () => {
    const req = Buffer.concat([mb('SET', 'k', binary), mb('GET', 'k')])
    for (let i = 1; i < req.length; i++) {
      expect(run([req.subarray(0, i), req.subarray(i)]).cmds).toEqual([
        ['SET', 'k', binary.toString('latin1')],
        ['GET', 'k']
      ])
    }
  })

  it('returns null until a command is complete, and keeps arguments valid after more data', () => {
    const p = new RequestParser()
    p.feed(Buffer.from('*2\r\n$3\r\nGET\r\n$5\r\nhel'))
    expect(p.next()).toBeNull()
    p.feed(Buffer.from('lo\r\n*1\r\n$4\r\nPI'))
    const first = p.next()!
    expect(first.map(String)).toEqual(['GET', 'hello'])
    expect(p.next()).toBeNull()
    p.feed(Buffer.from('NG\r\n'))
    expect(p.next()!.map(String)).toEqual(['PING'])
    // Arguments handed out earlier were not overwritten by later data.
    expect(first.map(String)).toEqual(['GET', 'hello'])
  })

  it('handles a big bulk arriving in many chunks', () => {
    const big = Buffer.alloc(3 * 1024 * 1024, 'z')
    const req = mb('SET', 'k', big)
    const { cmds } = run(splitEvery(req, () => 65536))
    expect(cmds).toHaveLength(1)
    expect(cmds[0]![2]!.length).toBe(big.length)
  })

  it('like Redis, ignores what the two bytes after a bulk payload are', () => {
    expect(run([Buffer.from('*1\r\n$4\r\nPINGxx*1\r\n$4\r\nPING\r\n')]).cmds).toEqual([['PING'], ['PING']])
  })
})

describe('RequestParser: inline commands', () => {
  it('accepts \\n and \\r\\n line ends, blanks and empty lines', () => {
    expect(run([Buffer.from('PING\r\nset k v\n  ping   a  \r\n\r\n\n   \r\nget k\n')]).cmds).toEqual([
      ['PING'],
      ['set', 'k', 'v'],
      ['ping', 'a'],
      ['get', 'k']
    ])
  })

  it('waits for the \\n (a lone \\r is not a line end)', () => {
    const p = new RequestParser()
    p.feed(Buffer.from('PING\r'))
    expect(p.next()).toBeNull()
    p.feed(Buffer.from('\n'))
    expect(p.next()!.map(String)).toEqual(['PING'])
  })

  it('understands sdssplitargs quoting and escapes', () => {
    const line = Buffer.from('set "a\\x41\\n\\t\\"b\\\\" \'it\\\'s\' "" \'\' x"y z"\n')
    expect(run([line]).cmds).toEqual([['set', 'aA\n\t"b\\', "it's", '', '', 'xy z']])
    expect(splitArgs(Buffer.from('"\\xff\\x00\\xzz" \'\\n\''))!.map((b) => b.toString('latin1'))).toEqual([
      '\xff\x00xzz',
      '\\n'
    ])
  })

  it('stops at a NUL byte like the C string it is', () => {
    expect(splitArgs(Buffer.from('echo a\0b c'))!.map(String)).toEqual(['echo', 'a'])
  })
})

describe('RequestParser: protocol errors (as Redis 7 words them)', () => {
  const cases: [string, string][] = [
    ['*abc\r\n', 'Protocol error: invalid multibulk length'],
    ['*\r\n', 'Protocol error: invalid multibulk length'],
    ['*01\r\n', 'Protocol error: invalid multibulk length'],
    ['*+1\r\n', 'Protocol error: invalid multibulk length'],
    ['*1 \r\n', 'Protocol error: invalid multibulk length'],
    ['*2147483648\r\n', 'Protocol error: invalid multibulk length'],
    ['*-9999999999999999999\r\n', 'Protocol error: invalid multibulk length'],
    ['*1\r\n$x\r\n', 'Protocol error: invalid bulk length'],
    ['*1\r\n$-1\r\n', 'Protocol error: invalid bulk length'],
    ['*1\r\n$\r\n', 'Protocol error: invalid bulk length'],
    ['*1\r\n$536870913\r\n', 'Protocol error: invalid bulk length'],
    ['*1\r\nfoo\r\n', "Protocol error: expected '$', got 'f'"],
    ['"unbalanced\r\n', 'Protocol error: unbalanced quotes in request'],
    ["'x\r\n", 'Protocol error: unbalanced quotes in request'],
    ['echo "a"b\r\n', 'Protocol error: unbalanced quotes in request'],
    ['x'.repeat(70 * 1024), 'Protocol error: too big inline request'],
    ['*' + '1'.repeat(70 * 1024), 'Protocol error: too big mbulk count string'],
    ['*1\r\n$' + '1'.repeat(70 * 1024), 'Protocol error: too big bulk count string']
  ]
  for (const [input, message] of cases) {
    it(`${JSON.stringify(input.slice(0, 24))} -> ${message}`, () => {
      expect(run([Buffer.from(input)])).toEqual({ cmds: [], error: message })
      // Same error when the input arrives byte by byte (small inputs only: it is O(n) per byte).
      if (input.length < 100) expect(run(splitEvery(Buffer.from(input), () => 1)).error).toBe(message)
    })
  }

  it('returns the commands before the bad one, then throws, and keeps throwing', () => {
    const p = new RequestParser()
    p.feed(Buffer.from('PING\r\n*1\r\n$4\r\nPING\r\n*x\r\nPING\r\n'))
    expect(p.next()!.map(String)).toEqual(['PING'])
    expect(p.next()!.map(String)).toEqual(['PING'])
    expect(() => p.next()).toThrow('Protocol error: invalid multibulk length')
    expect(() => p.next()).toThrow(ProtocolError)
  })

  it('accepts the biggest lengths Redis accepts (and waits for the data)', () => {
    const p = new RequestParser()
    p.feed(Buffer.from('*2147483647\r\n$536870912\r\n'))
    expect(p.next()).toBeNull()
  })
})
