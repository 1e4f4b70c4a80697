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
  })
})
