import { describe, expect, it } from 'vitest'
import { ReplyProtocolError, ReplyReader } from '../../src/main/server/resp/reply-reader'
import type { Reply } from '../../src/shared/reply'

function readAll(chunks: Buffer[]): Reply[] {
  const r = new ReplyReader()
  const out: Reply[] = []
  for (const c of chunks) out.push(...r.push(c))
  return out
}

const bin = Buffer.from([0xff, 0x00, 0x0d, 0x0a, 0x41])
const stream = Buffer.concat([
  Buffer.from('+OK\r\n-ERR unknown command\r\n:42\r\n:-7\r\n:9223372036854775807\r\n'),
  Buffer.from('$5\r\nhello\r\n$0\r\n\r\n$-1\r\n'),
  Buffer.from(`$${bin.length}\r\n`),
  bin,
  Buffer.from('\r\n*-1\r\n*0\r\n'),
  Buffer.from('*3\r\n$1\r\na\r\n*2\r\n:1\r\n*1\r\n$-1\r\n+x\r\n'),
  Buffer.from('*2\r\n*0\r\n*1\r\n*0\r\n')
])
const expected: Reply[] = [
  { type: 'status', value: 'OK' },
  { type: 'error', value: 'ERR unknown command' },
  { type: 'integer', value: 42 },
  { type: 'integer', value: -7 },
  { type: 'integer', value: '9223372036854775807' },
  { type: 'bulk', value: 'hello' },
  { type: 'bulk', value: '' },
  { type: 'bulk', value: null },
  { type: 'bulk', value: bin.toString('latin1') },
  { type: 'array', value: null },
  { type: 'array', value: [] },
  {
    type: 'array',
    value: [
      { type: 'bulk', value: 'a' },
      { type: 'array', value: [{ type: 'integer', value: 1 }, { type: 'array', value: [{ type: 'bulk', value: null }] }] },
      { type: 'status', value: 'x' }
    ]
  },
  { type: 'array', value: [{ type: 'array', value: [] }, { type: 'array', value: [{ type: 'array', value: [] }] }] }
]

describe('ReplyReader', () => {
  it('decodes every RESP2 type, nested arrays and nulls', () => {
    expect(readAll([stream])).toEqual(expected)
  })

  it('gives the same result byte by byte and at every split point', () => {
    expect(readAll([...stream].map((b) => Buffer.from([b])))).toEqual(expected)
    for (let i = 1; i < stream.length; i++) {
      expect(readAll([stream.subarray(0, i), stream.subarray(i)])).toEqual(expected)
    }
  })

  it('returns nothing until a reply is complete', () => {
    const r = new ReplyReader()
    expect(r.push(Buffer.from('*2\r\n$3\r\nfo'))).toEqual([])
    expect(r.push(Buffer.from('o\r\n'))).toEqual([])
    expect(r.push(Buffer.from(':1\r\n+OK'))).toEqual([
      { type: 'array', value: [{ type: 'bulk', value: 'foo' }, { type: 'integer', value: 1 }] }
    ])
    expect(r.pending).toBe(3)
    expect(r.push(Buffer.from('\r\n'))).toEqual([{ type: 'status', value: 'OK' }])
  })

  it('reads a big bulk arriving in many chunks', () => {
    const big = Buffer.alloc(1_000_000, 'q')
    const msg = Buffer.concat([Buffer.from(`$${big.length}\r\n`), big, Buffer.from('\r\n')])
    const chunks: Buffer[] = []
    for (let i = 0; i < msg.length; i += 1000) chunks.push(msg.subarray(i, i + 1000))
    const out = readAll(chunks)
    expect(out).toHaveLength(1)
    expect((out[0] as { value: string }).value.length).toBe(big.length)
  })

  const resp3 = Buffer.concat([
    Buffer.from('_\r\n,1.5\r\n,inf\r\n,-inf\r\n,nan\r\n,1e+20\r\n,-0.10000000000000001\r\n#t\r\n#f\r\n'),
    Buffer.from('(3492890328409238509324850943850943825024385\r\n=15\r\ntxt:Some string\r\n'),
    Buffer.from('!21\r\nSYNTAX invalid syntax\r\n%0\r\n~0\r\n'),
    Buffer.from('%2\r\n$1\r\nf\r\n:1\r\n+g\r\n%1\r\n_\r\n~1\r\n#t\r\n'),
    Buffer.from('~2\r\n$1\r\na\r\n$0\r\n\r\n>3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$1\r\nm\r\n'),
    // An attribute before a reply, and inside an aggregate (not an element of it).
    Buffer.from('|1\r\n+key\r\n:1\r\n:5\r\n*2\r\n|1\r\n$1\r\na\r\n*1\r\n:2\r\n:7\r\n:8\r\n|0\r\n+x\r\n')
  ])
  const resp3Expected: Reply[] = [
    { type: 'null' },
    { type: 'double', value: '1.5' },
    { type: 'double', value: 'inf' },
    { type: 'double', value: '-inf' },
    { type: 'double', value: 'nan' },
    { type: 'double', value: '1e+20' },
    { type: 'double', value: '-0.10000000000000001' },
    { type: 'bool', value: true },
    { type: 'bool', value: false },
    { type: 'bignum', value: '3492890328409238509324850943850943825024385' },
    { type: 'verbatim', format: 'txt', value: 'Some string' },
    { type: 'error', value: 'SYNTAX invalid syntax' },
    { type: 'map', value: [] },
    { type: 'set', value: [] },
    {
      type: 'map',
      value: [
        { type: 'bulk', value: 'f' },
        { type: 'integer', value: 1 },
        { type: 'status', value: 'g' },
        { type: 'map', value: [{ type: 'null' }, { type: 'set', value: [{ type: 'bool', value: true }] }] }
      ]
    },
    { type: 'set', value: [{ type: 'bulk', value: 'a' }, { type: 'bulk', value: '' }] },
    {
      type: 'push',
      value: [
        { type: 'bulk', value: 'message' },
        { type: 'bulk', value: 'ch' },
        { type: 'bulk', value: 'm' }
      ]
    },
    { type: 'integer', value: 5 },
    { type: 'array', value: [{ type: 'integer', value: 7 }, { type: 'integer', value: 8 }] },
    { type: 'status', value: 'x' }
  ]

  it('decodes every RESP3 type, nested, and skips attributes', () => {
    expect(readAll([resp3])).toEqual(resp3Expected)
  })

  it('decodes RESP3 the same at every split point', () => {
    expect(readAll([...resp3].map((b) => Buffer.from([b])))).toEqual(resp3Expected)
    for (let i = 1; i < resp3.length; i++) {
      expect(readAll([resp3.subarray(0, i), resp3.subarray(i)])).toEqual(resp3Expected)
    }
  })

  const malformed = [
    '?what\r\n', ':12a\r\n', '$abc\r\n', '$-2\r\n', '*-5\r\n', '$3\r\nabcXY', '*1\r\n!x\r\n',
    '_x\r\n', ',abc\r\n', '#x\r\n', '(1.5\r\n', '=3\r\nabc\r\n', '%-1\r\n', '~-1\r\n', '!-1\r\n'
  ]
  for (const input of malformed) {
    it(`rejects ${JSON.stringify(input)}`, () => {
      const r = new ReplyReader()
      expect(() => r.push(Buffer.from(input))).toThrow(ReplyProtocolError)
      expect(() => r.push(Buffer.from('+OK\r\n'))).toThrow()
    })
  }
})
