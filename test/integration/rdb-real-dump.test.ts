import { afterAll, beforeAll, expect, test } from 'vitest'
import { Crc64 } from '../../src/main/server/rdb/crc64'
import { lzfDecompress } from '../../src/main/server/rdb/lzf'
import { RawConn } from '../helpers/raw-conn'
import { startRedisServer, type RealRedis } from '../helpers/redis-server'

let real: RealRedis
let conn: RawConn
beforeAll(async () => {
  real = await startRedisServer()
  conn = await RawConn.open(real.port)
})
afterAll(async () => {
  conn?.close()
  await real?.stop()
})

/** A bulk reply's bytes. */
function bulk(reply: string): Buffer {
  const nl = reply.indexOf('\r\n')
  const len = Number(reply.slice(1, nl))
  return Buffer.from(reply.slice(nl + 2, nl + 2 + len), 'latin1')
}

/** RDB length (big-endian forms) at `p`; returns [value, next]. */
function rdbLen(b: Buffer, p: number): [number, number] {
  const t = b[p]! >> 6
  if (t === 0) return [b[p]! & 0x3f, p + 1]
  if (t === 1) return [((b[p]! & 0x3f) << 8) | b[p + 1]!, p + 2]
  if (b[p] === 0x80) return [b.readUInt32BE(p + 1), p + 5]
  throw new Error(`unexpected length byte ${b[p]}`)
}

test("a real Redis DUMP: our CRC64 verifies its trailer and our LZF restores its compressed string", async () => {
  const value = 'replication '.repeat(200) + 'lab'
  expect(await conn.call('SET', 'k', value)).toBe('+OK\r\n')
  const payload = bulk(await conn.call('DUMP', 'k'))
  const body = payload.subarray(0, payload.length - 8)
  expect(new Crc64().update(body).bytes()).toEqual(payload.subarray(payload.length - 8))
  expect(payload[0]).toBe(0) // string type
  expect(payload[1]).toBe(0xc3) // LZF-compressed string encoding
  const [clen, p1] = rdbLen(payload, 2)
  const [ulen, p2] = rdbLen(payload, p1)
  expect(ulen).toBe(value.length)
  expect(lzfDecompress(payload.subarray(p2, p2 + clen), ulen).toString()).toBe(value)
})

/** RDB length encoding (shortest form, big-endian), for building a payload by hand. */
function encLen(n: number): Buffer {
  if (n < 64) return Buffer.from([n])
  if (n < 16384) return Buffer.from([0x40 | (n >> 8), n & 0xff])
  const b = Buffer.alloc(5)
  b[0] = 0x80
  b.writeUInt32BE(n, 1)
  return b
}

test('real Redis RESTOREs a string we compressed with our LZF and signed with our CRC64', async () => {
  const { lzfCompress } = await import('../../src/main/server/rdb/lzf')
  const value = Buffer.from(Array.from({ length: 3000 }, (_, i) => `item-${i % 50};`).join(''))
  const compressed = lzfCompress(value, value.length - 4)!
  expect(compressed).not.toBeNull()
  const body = Buffer.concat([Buffer.from([0, 0xc3]), encLen(compressed.length), encLen(value.length), compressed, Buffer.from([10, 0])])
  const payload = Buffer.concat([body, new Crc64().update(body).bytes()])
  expect(await conn.call('RESTORE', 'ours', '0', payload)).toBe('+OK\r\n')
  expect(bulk(await conn.call('GET', 'ours'))).toEqual(value)
})

test('listpacks and intsets: we read what real Redis DUMPs and it RESTOREs what we write', async () => {
  const { readListpack, writeListpack } = await import('../../src/main/server/rdb/listpack')
  const { readIntset, writeIntset } = await import('../../src/main/server/rdb/intset')
  const sign = (body: Buffer): Buffer => Buffer.concat([body, new Crc64().update(body).bytes()])
  const blobAt = (payload: Buffer, p: number): Buffer => {
    const [len, next] = rdbLen(payload, p)
    return payload.subarray(next, next + len)
  }

  await conn.call('DEL', 'h', 's')
  await conn.call('HSET', 'h', 'f1', 'v1', 'n', '-123456', 'big', '9007199254740993')
  const hdump = bulk(await conn.call('DUMP', 'h'))
  expect(hdump[0]).toBe(16) // HASH_LISTPACK
  expect(readListpack(blobAt(hdump, 1)).map(String)).toEqual(['f1', 'v1', 'n', '-123456', 'big', '9007199254740993'])

  await conn.call('SADD', 's', '3', '1', '2', '-70000')
  const sdump = bulk(await conn.call('DUMP', 's'))
  expect(sdump[0]).toBe(11) // SET_INTSET
  expect(readIntset(blobAt(sdump, 1))).toEqual(['-70000', '1', '2', '3'])

  const lp = writeListpack(['field', 'value', 'count', '42'])
  const hashBody = Buffer.concat([Buffer.from([16]), encLen(lp.length), lp, Buffer.from([10, 0])])
  expect(await conn.call('RESTORE', 'h2', '0', sign(hashBody))).toBe('+OK\r\n')
  expect(await conn.call('HGET', 'h2', 'count')).toBe('$2\r\n42\r\n')
  expect(await conn.call('HGET', 'h2', 'field')).toBe('$5\r\nvalue\r\n')

  const is = writeIntset([10, -5, 100000])
  const setBody = Buffer.concat([Buffer.from([11]), encLen(is.length), is, Buffer.from([10, 0])])
  expect(await conn.call('RESTORE', 's2', '0', sign(setBody))).toBe('+OK\r\n')
  expect(await conn.call('SISMEMBER', 's2', '100000')).toBe(':1\r\n')
  expect(await conn.call('SCARD', 's2')).toBe(':3\r\n')
})
