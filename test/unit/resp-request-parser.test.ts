import { describe, expect, it } from 'vitest'
import { ProtocolError, RequestParser } from '../../src/main/server/resp/request-parser'
import { splitArgs } from '../../src/main/server/resp/split-args'
import { seededRandom } from '../helpers/seeded-random'

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

describe('arguments', () => {
  it('are Buffers sharing the received bytes, usable with every Buffer API', () => {
    const chunk = mb('SET', 'k\x00ey', 'v')
    const p = new RequestParser()
    p.feed(chunk)
    const argv = p.next()!
    for (const a of argv) {
      expect(Buffer.isBuffer(a)).toBe(true)
      expect(a).toBeInstanceOf(Buffer)
      expect(a.buffer).toBe(chunk.buffer)
    }
    expect(argv[1]!.toString('latin1')).toBe('k\x00ey')
    expect(argv[1]!.equals(Buffer.from('k\x00ey'))).toBe(true)
    expect(Buffer.concat([argv[0]!, argv[2]!]).toString()).toBe('SETv')
    expect(argv[1]!.subarray(1, 2)[0]).toBe(0)
    expect(argv[1]!.readUInt8(0)).toBe(0x6b)
    expect(argv[0]!.length).toBe(3)
    // A view, not a copy: its bytes are the chunk's own.
    chunk[chunk.indexOf('SET')] = 0x73
    expect(argv[0]!.toString()).toBe('sET')
  })
})

describe('RequestParser: framing', () => {
  it('parses a pipeline in one chunk', () => {
    expect(run([pipeline])).toEqual({ cmds: expected, error: null })
  })

  it('parses the same pipeline fed byte by byte', () => {
    expect(run(splitEvery(pipeline, () => 1))).toEqual({ cmds: expected, error: null })
  })

  it('parses the same pipeline in random chunkings', () => {
    const rnd = seededRandom(42)
    for (let round = 0; round < 60; round++) {
      const max = [2, 3, 7, 64, 1000, 70000][round % 6]!
      expect(run(splitEvery(pipeline, () => rnd() % max))).toEqual({ cmds: expected, error: null })
    }
  })

  it('fills argv by position across chunks, below and above the 1024 arguments allocated up front', () => {
    const rnd = seededRandom(7)
    for (const argc of [1, 2, 1023, 1024, 1025, 3000]) {
      const args = Array.from({ length: argc }, (_, i) => `a${i}`)
      const req = Buffer.concat([mb(...args), mb('PING')])
      for (const max of [3, 50, 100000]) {
        const { cmds, error } = run(splitEvery(req, () => 1 + (rnd() % max)))
        expect(error).toBeNull()
        expect(cmds).toEqual([args, ['PING']])
      }
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

describe('RequestParser: raw command bytes (keepRaw)', () => {
  /** Feeds the chunks with keepRaw; returns [argv, raw bytes, inline] per command. */
  function runRaw(chunks: Buffer[]): { argv: string[]; raw: string; inline: boolean }[] {
    const p = new RequestParser({ keepRaw: true })
    const out: { argv: string[]; raw: string; inline: boolean }[] = []
    for (const chunk of chunks) {
      p.feed(chunk)
      for (let argv = p.next(); argv; argv = p.next()) {
        out.push({ argv: argv.map((a) => a.toString('latin1')), raw: p.rawCommand().toString('latin1'), inline: p.lastWasInline })
      }
    }
    return out
  }

  const big = Buffer.alloc(100_000, 0x78)
  const parts = [mb('SET', 'k', binary), mb('PING'), Buffer.from('\r\n\n'), mb('SET', 'big', big, 'EX', '10'), Buffer.from('PING inline\r\n'), Buffer.from('*0\r\n'), mb('GET', 'k')]
  const stream = Buffer.concat(parts)
  const expected = [
    { raw: parts[0]!, inline: false },
    { raw: parts[1]!, inline: false },
    // Empty requests skipped before a command belong to its bytes (a replica counts them).
    { raw: Buffer.concat([parts[2]!, parts[3]!]), inline: false },
    { raw: parts[4]!, inline: true },
    { raw: Buffer.concat([parts[5]!, parts[6]!]), inline: false }
  ]

  function check(chunks: Buffer[]): void {
    const got = runRaw(chunks)
    expect(got.map((g) => g.raw.length)).toEqual(expected.map((e) => e.raw.length))
    got.forEach((g, i) => {
      expect(g.raw === expected[i]!.raw.toString('latin1'), `raw bytes of command ${i}`).toBe(true)
      expect(g.inline).toBe(expected[i]!.inline)
    })
    expect(got[2]!.argv[2]!.length).toBe(big.length)
  }

  it('gives each command its exact bytes in one chunk', () => {
    check([stream])
  })

  it('gives the same bytes in random chunkings (partial commands stay contiguous)', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const next = seededRandom(seed)
      const rnd = (): number => 1 + next(3000)
      check(splitEvery(stream, rnd))
    }
  })

  it('gives the same bytes fed byte by byte around the small commands', () => {
    const small = Buffer.concat([parts[0]!, parts[1]!, parts[2]!])
    const got = runRaw(splitEvery(small, () => 1))
    expect(got.map((g) => g.raw)).toEqual([parts[0]!.toString('latin1'), parts[1]!.toString('latin1')])
  })

  it('earlier raw views stay valid while more data arrives', () => {
    const p = new RequestParser({ keepRaw: true })
    p.feed(Buffer.concat([mb('SET', 'a', '1'), mb('SET', 'b').subarray(0, 5)]))
    expect(p.next()).not.toBeNull()
    const first = p.rawCommand()
    expect(p.next()).toBeNull()
    p.feed(Buffer.concat([mb('SET', 'b').subarray(5), Buffer.alloc(50_000, 1)]))
    expect(first.toString('latin1')).toBe(mb('SET', 'a', '1').toString('latin1'))
  })

  it('is only available when asked for', () => {
    const p = new RequestParser()
    p.feed(mb('PING'))
    expect(p.next()).not.toBeNull()
    expect(() => p.rawCommand()).toThrow(/keepRaw/)
  })
})

describe('RequestParser: limits', () => {
  it('maxBulkLen can be changed between commands', () => {
    const p = new RequestParser({ maxBulkLen: 5 })
    p.feed(mb('ECHO', '12345'))
    expect(p.next()?.[1]?.toString()).toBe('12345')
    p.maxBulkLen = 3
    p.feed(mb('ECHO', '1234'))
    expect(() => p.next()).toThrow('Protocol error: invalid bulk length')
  })

  it('authRequired refuses more than 10 arguments and bulks over 16384 bytes', () => {
    const many = new RequestParser()
    many.authRequired = true
    many.feed(mb('MSET', ...Array.from({ length: 9 }, () => 'x')))
    expect(many.next()?.length).toBe(10)
    many.feed(mb('MSET', ...Array.from({ length: 10 }, () => 'x')))
    expect(() => many.next()).toThrow('Protocol error: unauthenticated multibulk length')
    const bulk = new RequestParser()
    bulk.authRequired = true
    bulk.feed(mb('ECHO', Buffer.alloc(16384)))
    expect(bulk.next()?.[1]?.length).toBe(16384)
    bulk.feed(mb('ECHO', Buffer.alloc(16385)))
    expect(() => bulk.next()).toThrow('Protocol error: unauthenticated bulk length')
  })

  it('header numbers in every form take the same path as before (leading zeros, signs, 10+ digits)', () => {
    expect(run([Buffer.from('*1\r\n$0004\r\nPING\r\n')]).error).toBe('Protocol error: invalid bulk length')
    expect(run([Buffer.from('*001\r\n$4\r\nPING\r\n')]).error).toBe('Protocol error: invalid multibulk length')
    expect(run([Buffer.from('*1\r\n$0\r\n\r\n')]).cmds).toEqual([['']])
    expect(run([Buffer.from('*1\r\n$+4\r\nPING\r\n')]).error).toBe('Protocol error: invalid bulk length')
    expect(run([Buffer.from('*1\r\n$536870912\r\n')])).toEqual({ cmds: [], error: null })
    expect(run([Buffer.from('*1\r\n$536870913\r\n')]).error).toBe('Protocol error: invalid bulk length')
  })
})
