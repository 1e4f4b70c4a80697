/**
 * COMMAND INFO / COMMAND DOCS / COMMAND GETKEYS for every command the embedded server
 * implements, byte for byte against the real redis-server (redis-cli and client
 * libraries read them for hints and key routing).
 */
import { expect, test } from 'vitest'
import { sharedPair } from '../helpers/differential'

const { c } = sharedPair()

/** Names in a COMMAND LIST reply. */
function names(reply: string): string[] {
  return [...reply.matchAll(/\$\d+\r\n([^\r]+)\r\n/g)].map((m) => m[1]!)
}

test('COMMAND INFO and DOCS of each implemented command equal the real server’s', async () => {
  const ours = names(await c.ours.call('COMMAND', 'LIST'))
  expect(ours.length).toBeGreaterThan(10)
  for (const name of ours) {
    const info = await c.both('COMMAND', 'INFO', name)
    const docs = await c.both('COMMAND', 'DOCS', name)
    if (info.real.includes(`${name}|`)) {
      // A container lists only the subcommands we implement: its own head must still match.
      expect(info.ours.slice(0, 60), `COMMAND INFO ${name}`).toBe(info.real.slice(0, 60))
    } else {
      expect(info.ours, `COMMAND INFO ${name}`).toBe(info.real)
      expect(docs.ours, `COMMAND DOCS ${name}`).toBe(docs.real)
    }
  }
  for (const name of ['get', 'set', 'del', 'sort', 'sort_ro', 'ping', 'info']) {
    if (ours.includes(name)) {
      await c.same('COMMAND', 'INFO', name)
      await c.same('COMMAND', 'DOCS', name)
    }
  }
})

test('COMMAND GETKEYS, including commands whose specs cannot locate every key', async () => {
  await c.same('COMMAND', 'GETKEYS', 'SET', 'k', 'v')
  await c.same('COMMAND', 'GETKEYS', 'DEL', 'a', 'b', 'c')
  await c.same('COMMAND', 'GETKEYS', 'SORT', 'k', 'BY', 'w_*', 'STORE', 'dst')
  await c.same('COMMAND', 'GETKEYS', 'SORT_RO', 'k', 'BY', 'w_*')
  await c.same('COMMAND', 'GETKEYS', 'GET')
})
