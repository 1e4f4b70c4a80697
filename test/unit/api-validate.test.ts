import { describe, expect, test } from 'vitest'
import { validateCall } from '../../src/shared/api'

describe('Lab API call validation (both transports run it before the lab sees a call)', () => {
  test('accepts well-formed calls', () => {
    expect(validateCall('listNodes', {})).toBeNull()
    expect(validateCall('addNode', {})).toBeNull()
    expect(validateCall('addNode', { port: 6390 })).toBeNull()
    expect(validateCall('stopNode', { id: 'node-2' })).toBeNull()
    expect(validateCall('execute', { id: 'node-1', args: ['SET', 'k', '\u00e4\u00b8'] })).toBeNull()
    expect(validateCall('execute', { id: 'node-1', args: ['SCAN', '0'], session: 'inspector' })).toBeNull()
    expect(validateCall('tailLog', { id: 'node-1' })).toBeNull()
    expect(validateCall('tailLog', { id: 'node-1', lines: 1 })).toBeNull()
    expect(validateCall('tailLog', { id: 'node-1', lines: 2000 })).toBeNull()
  })

  test('refuses unknown methods, prototype tricks and malformed params', () => {
    expect(validateCall('constructor', {})).toBe('unknown method "constructor"')
    expect(validateCall('__proto__', {})).toBe('unknown method "__proto__"')
    expect(validateCall(42, {})).toBe('unknown method 42')
    expect(validateCall('listNodes', null)).toBe('listNodes: params must be an object')
    expect(validateCall('listNodes', [])).toBe('listNodes: params must be an object')
    expect(validateCall('listNodes', { x: 1 })).toBe('listNodes: unexpected param x')
    expect(validateCall('addNode', { port: 0 })).toBe('addNode: port must be an integer from 1 to 65535')
    expect(validateCall('addNode', { port: 6379.5 })).toBe('addNode: port must be an integer from 1 to 65535')
    expect(validateCall('startNode', { id: '../etc' })).toBe('startNode: id must be a node id')
    expect(validateCall('execute', { id: 'node-1', args: [] })).toBe('execute: args must be a non-empty array of strings')
    expect(validateCall('execute', { id: 'node-1', args: 'GET k' })).toBe('execute: args must be a non-empty array of strings')
    expect(validateCall('execute', { id: 'node-1', args: ['GET', null] })).toBe('execute: args must be strings')
    const badSession = 'execute: session must be a lowercase name of at most 32 characters'
    expect(validateCall('execute', { id: 'node-1', args: ['PING'], session: '' })).toBe(badSession)
    expect(validateCall('execute', { id: 'node-1', args: ['PING'], session: 'x'.repeat(33) })).toBe(badSession)
    expect(validateCall('execute', { id: 'node-1', args: ['PING'], session: '__proto__' })).toBe(badSession)
    const badLines = 'tailLog: lines must be an integer from 1 to 2000'
    expect(validateCall('tailLog', { id: 'node-1', lines: 0 })).toBe(badLines)
    expect(validateCall('tailLog', { id: 'node-1', lines: 2001 })).toBe(badLines)
    expect(validateCall('tailLog', { id: 'node-1', lines: 1.5 })).toBe(badLines)
    expect(validateCall('tailLog', { id: 'node-1', lines: '10' })).toBe(badLines)
    expect(validateCall('tailLog', { id: '../redis.log' })).toBe('tailLog: id must be a node id')
    expect(validateCall('tailLog', { id: 'node-1', path: '/etc/passwd' })).toBe('tailLog: unexpected param path')
  })
})

describe('Lab API validation of real and external nodes (issue 7)', () => {
  test('addNode engine', () => {
    expect(validateCall('addNode', { engine: 'embedded' })).toBeNull()
    expect(validateCall('addNode', { engine: 'redis-server', port: 7000 })).toBeNull()
    expect(validateCall('addNode', { engine: 'external' })).toBe("addNode: engine must be 'embedded' or 'redis-server'")
    expect(validateCall('addNode', { engine: 1 })).toBe("addNode: engine must be 'embedded' or 'redis-server'")
  })

  test('connectNode: host, port, credentials, name, poll interval', () => {
    expect(validateCall('connectNode', { host: '127.0.0.1', port: 6390 })).toBeNull()
    expect(validateCall('connectNode', { host: 'redis-1.example.com', port: 6379, username: 'ops', password: 'p w!', name: 'lab', pollMs: 500 })).toBeNull()
    expect(validateCall('connectNode', { host: '::1', port: 6379 })).toBeNull()
    const badHost = 'connectNode: host must be a host name or IP address'
    expect(validateCall('connectNode', { port: 6379 })).toBe(badHost)
    expect(validateCall('connectNode', { host: '', port: 6379 })).toBe(badHost)
    expect(validateCall('connectNode', { host: 'a b', port: 6379 })).toBe(badHost)
    expect(validateCall('connectNode', { host: 'http://x/', port: 6379 })).toBe(badHost)
    expect(validateCall('connectNode', { host: '-oProxyCommand', port: 6379 })).toBe(badHost)
    expect(validateCall('connectNode', { host: 'h', port: 70000 })).toBe('connectNode: port must be an integer from 1 to 65535')
    expect(validateCall('connectNode', { host: 'h', port: '6379' })).toBe('connectNode: port must be an integer from 1 to 65535')
    expect(validateCall('connectNode', { host: 'h', port: 1, username: 'a b' })).toBe('connectNode: username must be 1 to 256 printable characters without spaces')
    expect(validateCall('connectNode', { host: 'h', port: 1, username: '' })).toBe('connectNode: username must be 1 to 256 printable characters without spaces')
    expect(validateCall('connectNode', { host: 'h', port: 1, password: '' })).toBe('connectNode: password must be a string of 1 to 4096 characters')
    expect(validateCall('connectNode', { host: 'h', port: 1, password: 42 })).toBe('connectNode: password must be a string of 1 to 4096 characters')
    expect(validateCall('connectNode', { host: 'h', port: 1, name: 'x'.repeat(65) })).toBe('connectNode: name must be 1 to 64 printable characters without spaces')
    expect(validateCall('connectNode', { host: 'h', port: 1, pollMs: 50 })).toBe('connectNode: pollMs must be an integer from 200 to 60000')
    expect(validateCall('connectNode', { host: 'h', port: 1, pollMs: 1000.5 })).toBe('connectNode: pollMs must be an integer from 200 to 60000')
  })

  test('connectNode tls: PEM texts, cert with key, a servername', () => {
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'
    const key = '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n'
    expect(validateCall('connectNode', { host: 'h', port: 1, tls: {} })).toBeNull()
    expect(validateCall('connectNode', { host: 'h', port: 1, tls: { ca: pem, cert: pem, key, servername: 'redis.internal' } })).toBeNull()
    expect(validateCall('connectNode', { host: 'h', port: 1, tls: true })).toBe('connectNode: tls must be an object')
    expect(validateCall('connectNode', { host: 'h', port: 1, tls: { ca: '/etc/ssl/ca.pem' } })).toBe('connectNode: tls.ca must be PEM text (-----BEGIN …-----)')
    expect(validateCall('connectNode', { host: 'h', port: 1, tls: { ca: pem + 'x'.repeat(512 * 1024) } })).toBe('connectNode: tls.ca must be PEM text (-----BEGIN …-----)')
    expect(validateCall('connectNode', { host: 'h', port: 1, tls: { cert: pem } })).toBe('connectNode: tls.cert and tls.key go together')
    expect(validateCall('connectNode', { host: 'h', port: 1, tls: { key } })).toBe('connectNode: tls.cert and tls.key go together')
    expect(validateCall('connectNode', { host: 'h', port: 1, tls: { servername: 'a b' } })).toBe('connectNode: tls.servername must be a host name')
    expect(validateCall('connectNode', { host: 'h', port: 1, tls: { rejectUnauthorized: false } })).toBe('connectNode: unexpected tls param rejectUnauthorized')
  })

  test('discover takes a node id only', () => {
    expect(validateCall('discover', { id: 'node-4' })).toBeNull()
    expect(validateCall('discover', { id: '../x' })).toBe('discover: id must be a node id')
    expect(validateCall('discover', { id: 'node-1', depth: 2 })).toBe('discover: unexpected param depth')
  })
})

describe('Lab API validation of console streams (issue 6)', () => {
  test('closeSession takes a node id and a session name, nothing else', () => {
    expect(validateCall('closeSession', { id: 'node-1', session: 'console' })).toBeNull()
    expect(validateCall('closeSession', { id: 'node-1', session: 'c-2' })).toBeNull()
    const badSession = 'closeSession: session must be a lowercase name of at most 32 characters'
    expect(validateCall('closeSession', { id: 'node-1' })).toBe(badSession)
    expect(validateCall('closeSession', { id: 'node-1', session: '' })).toBe(badSession)
    expect(validateCall('closeSession', { id: 'node-1', session: 'Console' })).toBe(badSession)
    expect(validateCall('closeSession', { id: 'node-1', session: 'x'.repeat(33) })).toBe(badSession)
    expect(validateCall('closeSession', { id: 'node-1', session: 7 })).toBe(badSession)
    expect(validateCall('closeSession', { id: '../x', session: 'console' })).toBe('closeSession: id must be a node id')
    expect(validateCall('closeSession', { session: 'console' })).toBe('closeSession: id must be a node id')
    expect(validateCall('closeSession', { id: 'node-1', session: 'console', all: true })).toBe('closeSession: unexpected param all')
    expect(validateCall('closeSession', [])).toBe('closeSession: params must be an object')
  })
})

describe('Lab API validation of load and consistency (issue 6)', () => {
  test('startLoad checks rate, key space, prefix, types and TTL', () => {
    expect(validateCall('startLoad', { id: 'node-1', opsPerSec: 1000, keys: 100 })).toBeNull()
    expect(validateCall('startLoad', { id: 'node-1', opsPerSec: 50_000, keys: 1, prefix: 'lg:', types: ['string', 'zset'], ttlSeconds: 60 })).toBeNull()
    const rate = 'startLoad: opsPerSec must be an integer from 1 to 50000'
    expect(validateCall('startLoad', { id: 'node-1', opsPerSec: 0, keys: 1 })).toBe(rate)
    expect(validateCall('startLoad', { id: 'node-1', opsPerSec: 50_001, keys: 1 })).toBe(rate)
    expect(validateCall('startLoad', { id: 'node-1', opsPerSec: 1.5, keys: 1 })).toBe(rate)
    expect(validateCall('startLoad', { id: 'node-1', keys: 1 })).toBe(rate)
    expect(validateCall('startLoad', { id: 'node-1', opsPerSec: 1, keys: 0 })).toBe('startLoad: keys must be an integer from 1 to 10000000')
    expect(validateCall('startLoad', { id: 'node-1', opsPerSec: 1, keys: 1, prefix: 'a b' })).toBe('startLoad: prefix must be at most 64 printable characters without spaces')
    expect(validateCall('startLoad', { id: 'node-1', opsPerSec: 1, keys: 1, types: [] })).toBe('startLoad: types must be a non-empty array')
    expect(validateCall('startLoad', { id: 'node-1', opsPerSec: 1, keys: 1, types: ['string', 'stream'] })).toBe(
      'startLoad: types must be among string, counter, list, hash, set, zset'
    )
    expect(validateCall('startLoad', { id: 'node-1', opsPerSec: 1, keys: 1, ttlSeconds: 0 })).toBe('startLoad: ttlSeconds must be an integer from 1 to 31536000')
    expect(validateCall('startLoad', { id: '../x', opsPerSec: 1, keys: 1 })).toBe('startLoad: id must be a node id')
    expect(validateCall('startLoad', { id: 'node-1', opsPerSec: 1, keys: 1, burst: true })).toBe('startLoad: unexpected param burst')
  })

  test('stopLoad and checkConsistency take a node id only', () => {
    expect(validateCall('stopLoad', { id: 'node-1' })).toBeNull()
    expect(validateCall('checkConsistency', { id: 'node-2' })).toBeNull()
    expect(validateCall('stopLoad', {})).toBe('stopLoad: id must be a node id')
    expect(validateCall('checkConsistency', { id: 'node-1', keys: 5 })).toBe('checkConsistency: unexpected param keys')
  })
})
