import { describe, expect, test } from 'vitest'
import { buildCommandTable, lookupCommand } from '../../src/main/server/commands/table'

describe('command lookup, with the last command remembered', () => {
  test('any case finds the right command, one after another', () => {
    const table = buildCommandTable()
    const find = (name: string) => lookupCommand(table, [Buffer.from(name)])?.name ?? null
    expect(find('GET')).toBe('get')
    expect(find('get')).toBe('get')
    expect(find('gEt')).toBe('get')
    expect(find('set')).toBe('set')
    expect(find('ge')).toBe(null)
    expect(find('gett')).toBe(null)
    expect(find('GET')).toBe('get')
  })
})
