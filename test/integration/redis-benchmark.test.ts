/**
 * redis-benchmark's whole default suite against an embedded node: every test must run
 * and report a rate; redis-benchmark 7 stops at the first error reply and prints it.
 */
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { RedisServer } from '../../src/main/server/node'

let server: RedisServer
beforeAll(async () => {
  server = new RedisServer({ port: 0 })
  await server.listen()
})
afterAll(async () => {
  await server?.close()
})

test('all default redis-benchmark tests run without an error reply', async () => {
  // Async on purpose: the server lives in this process.
  const { stdout, stderr } = await promisify(execFile)('redis-benchmark', ['-p', String(server.port), '-n', '2000', '-c', '10', '-q'], {
    encoding: 'utf8',
    timeout: 120_000
  })
  const out = (stdout + stderr).replace(/\r/g, '\n')
  const names = [...out.matchAll(/^([A-Z_0-9 ()a-z]+?): [\d.]+ requests per second/gm)].map((m) => m[1]!.trim())
  expect(out).not.toMatch(/Error from server|ERR /)
  expect(names).toEqual(
    expect.arrayContaining(['PING_INLINE', 'PING_MBULK', 'SET', 'GET', 'INCR', 'LPUSH', 'RPUSH', 'LPOP', 'RPOP', 'SADD', 'HSET', 'SPOP', 'ZADD', 'ZPOPMIN', 'MSET (10 keys)'])
  )
  expect(names.some((n) => n.startsWith('LRANGE_600'))).toBe(true)
})
