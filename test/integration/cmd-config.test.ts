/**
 * CONFIG GET / SET / RESETSTAT / HELP against a real redis-server 7.0, side by side.
 */
import { describe, expect, it } from 'vitest'
import { sharedPair } from '../helpers/differential'

const { pair, c: conn } = sharedPair()

/** Parses a RESP2 flat array of bulk strings into [name, value] pairs. */
function pairs(reply: string): Map<string, string> {
  const buf = Buffer.from(reply, 'latin1')
  let p = buf.indexOf('\r\n') + 2
  const items: string[] = []
  while (p < buf.length) {
    const nl = buf.indexOf('\r\n', p)
    const len = Number(buf.toString('latin1', p + 1, nl))
    items.push(buf.toString('latin1', nl + 2, nl + 2 + len))
    p = nl + 2 + len + 2
  }
  const m = new Map<string, string>()
  for (let i = 0; i < items.length; i += 2) m.set(items[i]!, items[i + 1]!)
  return m
}

describe('CONFIG GET', () => {
  it('CONFIG GET * has the same parameters with the same defaults', async () => {
    const { real, ours } = await conn.both('CONFIG', 'GET', '*')
    const r = pairs(real)
    const o = pairs(ours)
    expect([...o.keys()].sort()).toEqual([...r.keys()].sort())
    // Set by the test harness on the real server's command line, or reflecting the node.
    const differ = new Set(['port', 'dir', 'save', 'maxclients', 'appendonly'])
    for (const [k, v] of r) {
      if (differ.has(k)) continue
      expect(`${k}=${o.get(k)}`).toBe(`${k}=${v}`)
    }
    expect(o.get('port')).toBe(String(pair.ours.port))
    expect(o.get('save')).toBe('3600 1 300 100 60 10000')
  })

  it('patterns, several arguments, exact names, aliases, unknown names', async () => {
    await conn.sameUnordered('CONFIG', 'GET', 'maxmemory*')
    await conn.sameUnordered('CONFIG', 'GET', 'hz', 'maxmemory', 'slaveof', 'replicaof')
    await conn.sameUnordered('CONFIG', 'GET', '*max*entries*')
    await conn.sameUnordered('CONFIG', 'GET', 'hash-max-ziplist-*', 'hash-max-*')
    await conn.same('CONFIG', 'GET', 'HZ')
    await conn.same('CONFIG', 'GET', 'nosuchparam')
    await conn.same('CONFIG', 'GET', 'no*such')
    await conn.same('CONFIG', 'GET', 'hz', 'hz')
    await conn.sameUnordered('CONFIG', 'GET', 'h?')
    await conn.same('CONFIG', 'GET')
    await conn.same('CONFIG')
    await conn.same('CONFIG', 'NOPE')
  })
})

describe('CONFIG SET', () => {
  it('sets values, with memory units, enums, bools, multi-arg specials', async () => {
    const cases: string[][] = [
      ['maxmemory', '1mb'], ['maxmemory', '1gB'], ['maxmemory', '1k'], ['maxmemory', '10B'], ['maxmemory', '007'],
      ['maxmemory', '0'],
      ['maxmemory-policy', 'ALLKEYS-LRU'], ['maxmemory-policy', 'noeviction'],
      ['activerehashing', 'NO'], ['activerehashing', 'yes'],
      ['hz', '1000'], ['hz', '10'],
      ['notify-keyspace-events', 'KEA'], ['notify-keyspace-events', 'Kx$'], ['notify-keyspace-events', 'AKEm'],
      ['notify-keyspace-events', ''],
      ['save', '100 10 50 5'], ['save', ''],
      ['client-output-buffer-limit', 'normal 1mb 2mb 3'], ['client-output-buffer-limit', 'replica 1 2 3 pubsub 4 5 6'],
      ['shutdown-on-sigint', 'now save'], ['shutdown-on-sigint', 'default'],
      ['maxmemory-clients', '5%'], ['maxmemory-clients', '0'],
      ['slowlog-log-slower-than', '-1'], ['slowlog-log-slower-than', '10000'],
      ['list-max-listpack-size', '-6'], ['list-max-ziplist-size', '-2'],
      ['slave-read-only', 'no'], ['replica-read-only', 'yes'],
      ['oom-score-adj-values', '1 2 3'], ['oom-score-adj-values', '0 200 800'],
      ['latency-tracking-info-percentiles', '50 99.9'], ['latency-tracking-info-percentiles', '50 99 99.9'],
      ['masterauth', 'secret'], ['masterauth', '']
    ]
    for (const [k, v] of cases) {
      await conn.same('CONFIG', 'SET', k!, v!)
      await conn.same('CONFIG', 'GET', k!)
    }
  })

  it('several pairs at once, atomically', async () => {
    await conn.same('CONFIG', 'SET', 'maxmemory', '1mb', 'hz', '20')
    await conn.sameUnordered('CONFIG', 'GET', 'maxmemory', 'hz')
    await conn.same('CONFIG', 'SET', 'hz', '5', 'maxmemory', '-1')
    await conn.sameUnordered('CONFIG', 'GET', 'maxmemory', 'hz')
    await conn.same('CONFIG', 'SET', 'maxmemory', '0', 'hz', '10')
  })

  it('errors as Redis words them', async () => {
    const bad: string[][] = [
      ['maxmemory', 'foo'], ['maxmemory', '-1'], ['maxmemory', ' 1'], ['hz', 'abc'], ['hz', '-1'], ['hz', '1.5'],
      ['hz', '+5'], ['hz', '007'], ['activerehashing', 'maybe'], ['loglevel', 'loud'], ['foo', 'bar'],
      ['hz', '10', 'foo', '1'], ['hz', '1', 'hz', '2'], ['databases', '3'], ['maxmemory-clients', '200%'],
      ['maxmemory-clients', 'abc'], ['save', 'foo'], ['save', '1 2 3'], ['save', '-1 1'],
      ['client-output-buffer-limit', 'foo'], ['client-output-buffer-limit', 'foo 1 2 3'],
      ['notify-keyspace-events', 'Q'], ['shutdown-on-sigint', 'foo'], ['dir', '/nonexistent'],
      ['slowlog-log-slower-than', '-2'], ['maxclients', '0'], ['dbfilename', 'x'], ['proto-max-bulk-len', '1'],
      ['repl-backlog-size', '0'], ['oom-score-adj-values', '1 2'], ['latency-tracking-info-percentiles', '200'],
      ['active-defrag-cycle-min', '0'], ['enable-debug-command', 'yes'], ['unixsocketperm', '999'],
      ['hz', '10', 'hz'], ['appendonly', 'no', 'hz', '10', 'maxmemory', 'x'], ['port', 'abc'], ['port', '70000'],
      ['maxmemory-samples', '65'], ['HZ', '1', 'hz', '2']
    ]
    for (const args of bad) await conn.same('CONFIG', 'SET', ...args)
    await conn.same('CONFIG', 'SET', 'hz')
    await conn.same('CONFIG', 'GET', 'hz')
  })

  it('CONFIG SET changes behaviour: hash-max-listpack-entries, set-max-intset-entries', async () => {
    await conn.same('CONFIG', 'SET', 'hash-max-listpack-entries', '2', 'set-max-intset-entries', '2')
    await conn.same('DEL', 'h', 's')
    await conn.same('HSET', 'h', 'a', '1', 'b', '2')
    await conn.same('OBJECT', 'ENCODING', 'h')
    await conn.same('HSET', 'h', 'c', '3')
    await conn.same('OBJECT', 'ENCODING', 'h')
    await conn.same('SADD', 's', '1', '2', '3')
    await conn.same('OBJECT', 'ENCODING', 's')
    await conn.same('CONFIG', 'SET', 'hash-max-listpack-entries', '512', 'set-max-intset-entries', '512')
    await conn.same('DEL', 'h', 's')
  })
})

describe('CONFIG RESETSTAT / REWRITE / HELP', () => {
  it('RESETSTAT clears INFO stats and commandstats', async () => {
    await conn.same('CONFIG', 'RESETSTAT')
    await conn.same('CONFIG', 'RESETSTAT', 'x')
    const info = await conn.ours.call('INFO', 'commandstats')
    expect(info).not.toContain('cmdstat_get')
    expect(info).toContain('cmdstat_config|resetstat:calls=1,')
    const stats = await conn.ours.call('INFO', 'stats')
    expect(stats).toMatch(/total_error_replies:1\r\n/)
  })

  it('HELP and REWRITE', async () => {
    await conn.same('CONFIG', 'HELP')
    await conn.same('CONFIG', 'help')
    await conn.same('CONFIG', 'REWRITE')
  })
})
