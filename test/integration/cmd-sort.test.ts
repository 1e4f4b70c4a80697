/**
 * SORT and SORT_RO side by side with a real redis-server 7 (byte-identical replies).
 * Tests over lists and sorted sets run once those families are in the command table.
 */
import { describe, expect, test } from 'vitest'
import { sharedPair } from '../helpers/differential'

const { c } = sharedPair({ reset: [['FLUSHALL']] })

describe('SORT errors', () => {
  test('syntax, types, arity', async () => {
    await c.same('SORT')
    await c.same('SORT_RO')
    await c.same('SORT', 'nope')
    await c.same('SORT', 'nope', 'FOO')
    await c.same('SORT', 'nope', 'LIMIT', '0')
    await c.same('SORT', 'nope', 'LIMIT', 'x', '1')
    await c.same('SORT', 'nope', 'LIMIT', '0', 'x')
    await c.same('SORT', 'nope', 'BY')
    await c.same('SORT', 'nope', 'GET')
    await c.same('SORT', 'nope', 'STORE')
    await c.same('SORT_RO', 'nope', 'STORE', 'dst')
    await c.same('SET', 'str', 'v')
    await c.same('SORT', 'str')
    await c.same('SORT', 'str', 'FOO')
    await c.same('SORT', 'nope', 'STORE', 'dst')
    await c.same('EXISTS', 'dst')
  })
  test('COMMAND GETKEYS', async () => {
    await c.same('COMMAND', 'GETKEYS', 'SORT', 'k')
    await c.same('COMMAND', 'GETKEYS', 'SORT', 'k', 'STORE', 'd', 'GET', 'x', 'BY', 'y')
    await c.same('COMMAND', 'GETKEYS', 'SORT', 'k', 'LIMIT', '0', '1', 'STORE', 'd', 'store', 'e')
    await c.same('COMMAND', 'GETKEYS', 'SORT', 'k', 'GET', 'STORE', 'x')
    await c.same('COMMAND', 'GETKEYS', 'SORT', 'k', 'STORE')
    await c.same('COMMAND', 'GETKEYSANDFLAGS', 'SORT', 'k', 'STORE', 'd')
  })
})

describe('SORT over sets', () => {
  test('numeric, alpha, desc, limit', async () => {
    await c.same('SADD', 's', '3', '10', '-1', '2.5', '1e2', '0x10', '007')
    await c.same('SORT', 's')
    await c.same('SORT', 's', 'DESC')
    await c.same('SORT', 's', 'ALPHA')
    await c.same('SORT', 's', 'alpha', 'desc')
    await c.same('SORT_RO', 's', 'LIMIT', '1', '3')
    await c.same('SORT', 's', 'LIMIT', '-5', '2')
    await c.same('SORT', 's', 'LIMIT', '5', '-1')
    await c.same('SORT', 's', 'LIMIT', '100', '10')
    await c.same('SORT', 's', 'LIMIT', '2', '0')
  })
  test('ties sort by the element bytes', async () => {
    await c.same('SADD', 't', '1.0', '1', '01', '1e0', ' 1', '')
    await c.same('SORT', 't')
    await c.same('SORT', 't', 'DESC')
  })
  test("scores that can't be converted", async () => {
    await c.same('SADD', 'bad', '1', 'abc', '2')
    await c.same('SORT', 'bad')
    await c.same('SORT', 'bad', 'ALPHA')
    await c.same('SADD', 'nan', 'nan', '1')
    await c.same('SORT', 'nan')
    await c.same('SADD', 'inf', 'inf', '-inf', '1', '  7')
    await c.same('SORT', 'inf')
  })
  test('overflow and underflow (ERANGE) are conversion errors', async () => {
    // Not sent to the real server: Redis never clears errno before strtod, so after an
    // ERANGE every later numeric SORT on that server fails too.
    const o = c.ours
    await o.call('SADD', 'huge', '1e400', '1')
    expect(await o.call('SORT', 'huge')).toBe("-ERR One or more scores can't be converted into double\r\n")
    await o.call('SADD', 'tiny', '1e-400', '1')
    expect(await o.call('SORT', 'tiny')).toBe("-ERR One or more scores can't be converted into double\r\n")
    await o.call('SADD', 'ok', '0e5', '0.000', '0x0p3', '1')
    expect(await o.call('SORT', 'ok')).toMatch(/^\*4\r\n/)
  })
  test('BY patterns, GET, hash fields', async () => {
    await c.same('SADD', 'ids', '1', '2', '3', '4')
    const kv = ['w_1', '40', 'w_2', '30', 'w_3', '20', 'name_1', 'one', 'name_2', 'two', 'name_4', 'four']
    for (let i = 0; i < kv.length; i += 2) await c.same('SET', kv[i]!, kv[i + 1]!)
    await c.same('SORT', 'ids', 'BY', 'w_*')
    await c.same('SORT', 'ids', 'BY', 'w_*', 'DESC')
    await c.same('SORT', 'ids', 'BY', 'w_*', 'GET', 'name_*', 'GET', '#')
    await c.same('SORT', 'ids', 'BY', 'name_*', 'ALPHA')
    await c.same('SORT', 'ids', 'BY', 'name_*', 'ALPHA', 'DESC', 'GET', '#', 'GET', 'w_*')
    await c.same('SORT', 'ids', 'BY', 'w_*', 'LIMIT', '1', '2', 'GET', 'name_*')
    await c.same('SORT', 'ids', 'GET', 'nostar', 'GET', '#')
    await c.same('SET', 'w_4', 'notanumber')
    await c.same('SORT', 'ids', 'BY', 'w_*')
    await c.same('DEL', 'w_4')
    await c.same('HSET', 'h_1', 'f', '9', 'n', 'h-one')
    await c.same('HSET', 'h_2', 'f', '8')
    await c.same('HSET', 'h_3', 'f', '7', 'n', 'h-three')
    await c.same('SET', 'h_4', 'string-not-hash')
    await c.same('SORT', 'ids', 'BY', 'h_*->f', 'GET', 'h_*->n', 'GET', '#', 'GET', 'h_*->missing')
    await c.same('SORT', 'ids', 'BY', 'h_*->', 'GET', 'h_*->')
    await c.same('SORT', 'ids', 'BY', 'h_*->f', 'DESC', 'GET', 'w_*->f')
  })
  test('BY without * keeps the set order; with STORE it sorts alphabetically', async () => {
    await c.same('SADD', 'ids', '3', '1', '2', '10')
    await c.sameUnordered('SORT', 'ids', 'BY', 'nosort')
    await c.same('SORT', 'ids', 'BY', 'nosort', 'STORE', 'out')
    await c.same('TYPE', 'out')
  })
  test('STORE of an empty result deletes the destination', async () => {
    await c.same('SADD', 'ids', '3', '1', '2')
    await c.same('SET', 'str', 'x')
    await c.same('SORT', 'empty', 'STORE', 'str')
    await c.same('EXISTS', 'str')
    await c.same('SET', 'str', 'x')
    await c.same('SORT', 'ids', 'LIMIT', '5', '5', 'STORE', 'str')
    await c.same('EXISTS', 'str')
    await c.same('SORT', 'ids', 'LIMIT', '5', '5', 'STORE', 'str')
  })
  test('STORE', async () => {
    await c.same('SADD', 'ids', '3', '1', '2')
    await c.same('SORT', 'ids', 'STORE', 'out')
    await c.same('TYPE', 'out')
    await c.same('SORT', 'ids', 'GET', 'missing_*', 'GET', '#', 'STORE', 'out')
    await c.same('SET', 'str', 'x')
    await c.same('SORT', 'ids', 'STORE', 'str')
    await c.same('TYPE', 'str')
    await c.same('SORT', 'empty', 'STORE', 'out')
    await c.same('EXISTS', 'out')
    await c.same('SORT', 'ids', 'LIMIT', '5', '5', 'STORE', 'str')
    await c.same('EXISTS', 'str')
  })
})

describe('SORT over lists', () => {
  test('native order with BY nosort, LIMIT, DESC, STORE contents', async () => {
    await c.same('RPUSH', 'l', '3', '1', '2', '10', 'b', 'a')
    await c.same('SORT', 'l', 'BY', 'nosort')
    await c.same('SORT', 'l', 'BY', 'nosort', 'DESC')
    await c.same('SORT', 'l', 'BY', 'nosort', 'LIMIT', '1', '3')
    await c.same('SORT', 'l', 'BY', 'nosort', 'DESC', 'LIMIT', '1', '3')
    await c.same('SORT', 'l', 'ALPHA')
    await c.same('SORT', 'l')
    await c.same('SORT', 'l', 'ALPHA', 'STORE', 'dst')
    await c.same('LRANGE', 'dst', '0', '-1')
    await c.same('SORT', 'l', 'BY', 'nosort', 'GET', '#', 'GET', 'x_*', 'STORE', 'dst')
    await c.same('LRANGE', 'dst', '0', '-1')
  })
})

describe('SORT over sorted sets', () => {
  test('native order with BY nosort', async () => {
    await c.same('ZADD', 'z', '1', 'c', '2', 'a', '3', 'b', '4', '5')
    await c.same('SORT', 'z', 'BY', 'nosort')
    await c.same('SORT', 'z', 'BY', 'nosort', 'DESC')
    await c.same('SORT', 'z', 'BY', 'nosort', 'LIMIT', '1', '2')
    await c.same('SORT', 'z', 'BY', 'nosort', 'DESC', 'LIMIT', '1', '2')
    await c.same('SORT', 'z', 'ALPHA')
    await c.same('SORT', 'z')
  })
})
