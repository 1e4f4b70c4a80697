/**
 * The console's hint and Tab completion rules, against what redis-cli 7.0.15 showed in a
 * terminal for the same lines (captured through a pty: the grey hint after the typed text,
 * and the lines each Tab press put in the buffer).
 */
import { expect, test } from 'vitest'
import { completions, hintFor, type CommandHelp } from '../../src/shared/command-help'

const SET_PARAMS = 'key value [NX|XX] [GET] [EX seconds|PX milliseconds|EXAT unix-time-seconds|PXAT unix-time-milliseconds|KEEPTTL]'

function entry(name: string, params: string, group = 'server'): [string, CommandHelp] {
  return [name.toLowerCase(), { name, params, group, summary: '', since: '1.0.0', args: [] }]
}

const help = new Map<string, CommandHelp>([
  entry('SET', SET_PARAMS, 'string'),
  entry('SLAVEOF', 'host port|NO ONE'),
  entry('SLOWLOG', ''),
  entry('SLOWLOG RESET', ''),
  entry('SLOWLOG GET', '[count]'),
  entry('SLOWLOG LEN', ''),
  entry('SLOWLOG HELP', ''),
  entry('CONFIG', ''),
  entry('CONFIG GET', 'parameter [parameter ...]'),
  entry('CONFIG SET', 'parameter value [parameter value ...]'),
  entry('SUBSCRIBE', 'channel [channel ...]', 'pubsub')
])

test('hints drop one word per typed argument and stop at the first optional one', () => {
  expect(hintFor('SET k ', help)).toBe(SET_PARAMS.slice('key '.length))
  expect(hintFor('set k', help)).toBe(' ' + SET_PARAMS.slice('key '.length))
  expect(hintFor('set k v nx ', help)).toBe('[NX|XX] [GET] [EX seconds|PX milliseconds|EXAT unix-time-seconds|PXAT unix-time-milliseconds|KEEPTTL]')
  expect(hintFor('set k v ex 10 ', help)).toBe('[NX|XX] [GET] [EX seconds|PX milliseconds|EXAT unix-time-seconds|PXAT unix-time-milliseconds|KEEPTTL]')
  // Quoted arguments count once, as redis-cli splits them.
  expect(hintFor('set "a b" ', help)).toBe(SET_PARAMS.slice('key '.length))
  expect(hintFor('CONFIG GET ', help)).toBe('parameter [parameter ...]')
  expect(hintFor('SLOWLOG GET', help)).toBe(' [count]')
  // The longest name wins; a container alone has nothing to hint.
  expect(hintFor('CONFIG ', help)).toBeNull()
  expect(hintFor('CONFIG G', help)).toBeNull()
  expect(hintFor('set "unbalanced ', help)).toBeNull()
  expect(hintFor('nosuch ', help)).toBeNull()
  expect(hintFor('   ', help)).toBeNull()
})

test('Tab offers every command and subcommand starting with the line, then the line again', () => {
  expect(completions('sl', help)).toEqual(['SLAVEOF', 'SLOWLOG', 'SLOWLOG GET', 'SLOWLOG HELP', 'SLOWLOG LEN', 'SLOWLOG RESET'])
  expect(completions('CONF', help)).toEqual(['CONFIG', 'CONFIG GET', 'CONFIG SET'])
  expect(completions('CONFIG G', help)).toEqual(['CONFIG GET'])
  expect(completions('config s', help)).toEqual(['CONFIG SET'])
  expect(completions('xyz', help)).toEqual([])
  // After "help ", groups are offered too.
  expect(completions('help @s', help)).toEqual(['help @server', 'help @string'])
  expect(completions('help  sub', help)).toEqual(['help  SUBSCRIBE'])
})
