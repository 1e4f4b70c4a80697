/**
 * Pub/sub (pubsub.c) and MONITOR, differential against a real redis-server 7.0: replies
 * and messages delivered to other connections byte for byte (RESP2 and RESP3 pushes),
 * the RESP2 subscribed-mode restrictions, PUBSUB introspection, MONITOR lines (timestamps
 * and client ports masked).
 */
import { describe, expect, test } from 'vitest'
import { encodeCommand, type DiffConn, sharedPair } from '../helpers/differential'

const { pair, c: pub } = sharedPair()

/** The next reply or push on each side, compared. */
async function next(conn: DiffConn): Promise<string> {
  const [r, o] = await Promise.all([conn.real.read(), conn.ours.read()])
  expect(o).toBe(r)
  return r
}

/** Sends without reading. */
function send(conn: DiffConn, ...args: string[]): void {
  const b = encodeCommand(args)
  conn.real.send(b)
  conn.ours.send(b)
}

/** Nothing more arrives on either side (a PING round trip as a fence). */
async function nothingPending(conn: DiffConn, resp2Subscribed = true): Promise<void> {
  const r = await conn.same('PING', 'fence')
  expect(r).toBe(resp2Subscribed ? '*2\r\n$4\r\npong\r\n$5\r\nfence\r\n' : '$5\r\nfence\r\n')
}

describe('SUBSCRIBE / PUBLISH', () => {
  test('two subscribers and a pattern subscriber receive messages', async () => {
    const s1 = await pair.connect()
    const s2 = await pair.connect()
    await s1.same('SUBSCRIBE', 'news', 'sport')
    await next(s1)
    await s2.same('PSUBSCRIBE', 'n*', 'x?[a-c]')
    await next(s2)
    await s2.same('SUBSCRIBE', 'news')
    expect(await pub.same('PUBLISH', 'news', 'hello')).toBe(':3\r\n')
    expect(await next(s1)).toBe('*3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$5\r\nhello\r\n')
    // s2: channel message first, then the pattern one.
    expect(await next(s2)).toBe('*3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$5\r\nhello\r\n')
    expect(await next(s2)).toBe('*4\r\n$8\r\npmessage\r\n$2\r\nn*\r\n$4\r\nnews\r\n$5\r\nhello\r\n')
    await pub.same('PUBLISH', 'xyb', 'bin\x00\r\n\xff')
    await next(s2)
    await pub.same('PUBLISH', 'xyz', 'nobody')
    await pub.same('PUBLISH', 'sport', 'goal')
    await next(s1)
    await nothingPending(s1)
    await nothingPending(s2)
    s1.close()
    s2.close()
  })

  test('subscription replies, counts, duplicates and unsubscribing', async () => {
    const s = await pair.connect()
    await s.same('UNSUBSCRIBE')
    await s.same('PUNSUBSCRIBE')
    await s.same('SUBSCRIBE', 'a', 'b', 'a')
    await next(s)
    await next(s)
    await s.same('PSUBSCRIBE', 'h*', 'h*')
    await next(s)
    await s.same('UNSUBSCRIBE', 'zz')
    await s.same('PUNSUBSCRIBE', 'h*')
    await s.same('UNSUBSCRIBE', 'b')
    await s.same('UNSUBSCRIBE')
    // Out of subscribed mode again.
    await s.same('GET', 'x')
    // Patterns are unsubscribed in subscription order.
    await s.same('PSUBSCRIBE', 'p1', 'p2', 'p3', 'p4')
    for (let i = 0; i < 3; i++) await next(s)
    await s.same('PUNSUBSCRIBE')
    for (let i = 0; i < 3; i++) await next(s)
    await s.same('GET', 'x')
    s.close()
  })

  test('RESP2 subscribed mode allows only a few commands', async () => {
    const s = await pair.connect()
    await s.same('SUBSCRIBE', 'a')
    await s.same('PING')
    await s.same('PING', 'msg')
    await s.same('GET', 'x')
    await s.same('PUBLISH', 'a', 'm')
    await s.same('PUBSUB', 'NUMPAT')
    await s.same('MULTI')
    await s.same('SET')
    await s.same('NOSUCH')
    await s.same('PSUBSCRIBE', 'p*')
    await s.same('PUNSUBSCRIBE')
    await s.same('RESET')
    await s.same('GET', 'x')
    await s.same('SUBSCRIBE', 'q')
    expect(await s.same('QUIT')).toBe('+OK\r\n')
    s.close()
  })

  test('PUBLISH counts and PUBSUB introspection', async () => {
    const s1 = await pair.connect()
    const s2 = await pair.connect()
    await s1.same('SUBSCRIBE', 'chan1')
    await s2.same('SUBSCRIBE', 'chan1')
    await s2.same('PSUBSCRIBE', 'chan*')
    await pub.same('PUBSUB', 'NUMSUB')
    await pub.same('PUBSUB', 'NUMSUB', 'chan1', 'nope', 'chan1')
    await pub.same('PUBSUB', 'NUMPAT')
    await pub.sameUnordered('PUBSUB', 'CHANNELS')
    await pub.sameUnordered('PUBSUB', 'CHANNELS', 'c*')
    await pub.same('PUBSUB', 'CHANNELS', 'x*')
    await pub.same('PUBSUB', 'CHANNELS', 'a', 'b')
    await pub.same('PUBSUB', 'NUMPAT', 'x')
    await pub.same('PUBSUB', 'FOO')
    await pub.same('PUBSUB')
    await pub.same('PUBSUB', 'HELP')
    await pub.sameUnordered('PUBSUB', 'SHARDCHANNELS')
    await pub.same('PUBSUB', 'SHARDNUMSUB', 'x')
    expect(await pub.same('PUBLISH', 'chan1', 'm')).toBe(':3\r\n')
    await pub.same('PUBLISH')
    await pub.same('PUBLISH', 'a', 'b', 'c')
    s1.close()
    s2.close()
    // Subscriptions of closed clients are dropped.
    await new Promise((r) => setTimeout(r, 50))
    await pub.same('PUBSUB', 'NUMSUB', 'chan1')
    await pub.same('PUBSUB', 'NUMPAT')
    await pub.same('PUBLISH', 'chan1', 'm')
  })

  test('RESP3: pushes, any command allowed, messages to self', async () => {
    const s = await pair.connect()
    await s.both('HELLO', '3')
    await s.same('SUBSCRIBE', 'a')
    expect(await s.same('PUBLISH', 'a', 'm')).toBe('>3\r\n$7\r\nmessage\r\n$1\r\na\r\n$1\r\nm\r\n')
    expect(await s.real.read()).toBe(':1\r\n')
    expect(await s.ours.read()).toBe(':1\r\n')
    await s.same('PSUBSCRIBE', '*')
    await s.same('PUBLISH', 'a', 'm2')
    await next(s)
    await next(s)
    await s.same('GET', 'nokey')
    await s.same('PING')
    await s.same('UNSUBSCRIBE')
    await s.same('PUNSUBSCRIBE')
    await s.same('UNSUBSCRIBE')
    s.close()
  })

  test('RESP3 subscriber gets pushes from a RESP2 publisher', async () => {
    const s = await pair.connect()
    await s.both('HELLO', '3')
    await s.same('PSUBSCRIBE', 'k?y')
    await pub.same('PUBLISH', 'key', 'v')
    expect(await next(s)).toBe('>4\r\n$8\r\npmessage\r\n$3\r\nk?y\r\n$3\r\nkey\r\n$1\r\nv\r\n')
    s.close()
  })

  test('SSUBSCRIBE / SPUBLISH / SUNSUBSCRIBE', async () => {
    const s = await pair.connect()
    await s.same('SSUBSCRIBE', 'sh1', 'sh2')
    await next(s)
    await s.same('SUBSCRIBE', 'sh1')
    await pub.sameUnordered('PUBSUB', 'SHARDCHANNELS')
    await pub.same('PUBSUB', 'SHARDNUMSUB', 'sh1', 'x')
    await pub.same('SPUBLISH', 'sh1', 'hello')
    await next(s)
    await pub.same('PUBLISH', 'sh1', 'plain')
    await next(s)
    await s.same('SUNSUBSCRIBE', 'sh2')
    await s.same('SUNSUBSCRIBE')
    await s.same('SUNSUBSCRIBE')
    await s.same('UNSUBSCRIBE')
    await s.same('MULTI')
    await s.same('SSUBSCRIBE', 'x')
    await s.same('SUBSCRIBE', 'y')
    await s.same('EXEC')
    s.close()
  })

  test('pipelined subscribe, publish, unsubscribe', async () => {
    const s = await pair.connect()
    const cmds = [['SUBSCRIBE', 'p1'], ['PSUBSCRIBE', 'p*'], ['PING'], ['UNSUBSCRIBE', 'p1'], ['PUNSUBSCRIBE', 'p*']]
    const bytes = Buffer.concat(cmds.map((a) => encodeCommand(a)))
    s.real.send(bytes)
    s.ours.send(bytes)
    for (let i = 0; i < cmds.length; i++) await next(s)
    s.close()
  })
})

describe('MONITOR', () => {
  /** Masks the timestamp and the client's port. */
  const mask = (line: string): string =>
    line.replace(/^\+\d+\.\d{6} /, '+T ').replace(/ 127\.0\.0\.1:\d+\]/, ' 127.0.0.1:P]')

  async function nextLine(m: DiffConn): Promise<string> {
    const [r, o] = await Promise.all([m.real.read(), m.ours.read()])
    expect(o).toMatch(/^\+\d{10}\.\d{6} \[\d+ 127\.0\.0\.1:\d+\] /)
    expect(mask(o)).toBe(mask(r))
    return mask(r)
  }

  test('lines for executed commands, escaping, db, MULTI, AUTH redaction', async () => {
    const m = await pair.connect()
    const c = await pair.connect()
    expect(await m.same('MONITOR')).toBe('+OK\r\n')
    await c.same('SET', 'k', 'a\x00\n"b\\\t\xff\x07\x08 \r\xe9')
    expect(await nextLine(m)).toBe('+T [0 127.0.0.1:P] "SET" "k" "a\\x00\\n\\"b\\\\\\t\\xff\\a\\b \\r\\xe9"\r\n')
    await c.same('select', '2')
    await nextLine(m)
    await c.same('SET', '123', '456')
    await nextLine(m)
    await c.same('MULTI')
    await c.same('SET', 'a', '1')
    await c.same('GET', 'a')
    await c.same('EXEC')
    for (let i = 0; i < 4; i++) await nextLine(m)
    await c.same('AUTH', 'secret')
    await c.same('AUTH', 'default', 'secret')
    await c.both('HELLO', '2', 'AUTH', 'default', 'x', 'SETNAME', 'nm')
    expect(await nextLine(m)).toBe('+T [2 127.0.0.1:P] "AUTH" "(redacted)"\r\n')
    await nextLine(m)
    await nextLine(m)
    // Not shown: unknown commands, arity errors, admin commands (CONFIG, DEBUG).
    await c.same('NOSUCH')
    await c.same('GET')
    await c.same('CONFIG', 'GET', 'maxmemory')
    await c.same('ECHO', '')
    expect(await nextLine(m)).toBe('+T [2 127.0.0.1:P] "ECHO" ""\r\n')
    // The monitor's own commands are shown to it too.
    await m.same('PING')
    await nextLine(m)
    // MONITOR again: ignored, no reply.
    send(m, 'MONITOR')
    await m.same('PING')
    await nextLine(m)
    await m.same('RESET')
    await c.same('PING')
    await m.same('PING')
    m.close()
    c.close()
  })
})
