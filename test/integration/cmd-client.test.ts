/**
 * CLIENT subcommands against a real redis-server 7.0, side by side (ids, addresses, ages
 * and memory figures masked).
 */
import { describe, expect, it } from 'vitest'
import { RawConn, encodeCommand } from '../helpers/raw-conn'
import { sharedPair } from '../helpers/differential'

const { pair, c: conn } = sharedPair()

/** Field names of a CLIENT LIST / INFO line, with the values that cannot differ. */
function shape(reply: string): string {
  return reply.replace(/\$\d+\r\n/, '$N\r\n').replace(/(id|addr|laddr|fd|age|idle|qbuf|qbuf-free|argv-mem|multi-mem|rbs|rbp|obl|oll|omem|tot-mem)=[^ ]*/g, '$1=*')
}

describe('CLIENT', () => {
  it('ID, SETNAME, GETNAME', async () => {
    const { real, ours } = await conn.both('CLIENT', 'ID')
    expect(real).toMatch(/^:\d+\r\n$/)
    expect(ours).toMatch(/^:\d+\r\n$/)
    await conn.same('CLIENT', 'GETNAME')
    await conn.same('CLIENT', 'SETNAME', 'conn-1')
    await conn.same('CLIENT', 'GETNAME')
    await conn.same('CLIENT', 'SETNAME', 'a b')
    await conn.same('CLIENT', 'SETNAME', 'a\nb')
    await conn.same('CLIENT', 'SETNAME', Buffer.from([0xc3, 0xa9]))
    await conn.same('CLIENT', 'SETNAME', '')
    await conn.same('CLIENT', 'GETNAME')
    await conn.same('CLIENT', 'SETNAME')
    await conn.same('CLIENT', 'GETNAME', 'x')
  })

  it('INFO and LIST have Redis 7.0\'s fields in order', async () => {
    await conn.same('CLIENT', 'SETNAME', 'lister')
    await conn.same('SELECT', '2')
    const info = await conn.both('CLIENT', 'INFO')
    expect(shape(info.ours)).toBe(shape(info.real))
    const list = await conn.both('CLIENT', 'LIST')
    expect(shape(list.ours)).toBe(shape(list.real))
    const byType = await conn.both('CLIENT', 'LIST', 'TYPE', 'normal')
    expect(shape(byType.ours)).toBe(shape(byType.real))
    await conn.same('CLIENT', 'LIST', 'TYPE', 'pubsub')
    await conn.same('CLIENT', 'LIST', 'TYPE', 'replica')
    await conn.same('CLIENT', 'LIST', 'TYPE', 'master')
    await conn.same('CLIENT', 'LIST', 'TYPE', 'foo')
    await conn.same('CLIENT', 'LIST', 'TYPE')
    await conn.same('CLIENT', 'LIST', 'ID', 'abc')
    await conn.same('CLIENT', 'LIST', 'ID', '999999')
    await conn.same('CLIENT', 'LIST', 'x')
    const rid = (await conn.real.call('CLIENT', 'ID')).slice(1, -2)
    const oid = (await conn.ours.call('CLIENT', 'ID')).slice(1, -2)
    const [a, b] = await Promise.all([conn.real.call('CLIENT', 'LIST', 'ID', rid, '999999'), conn.ours.call('CLIENT', 'LIST', 'ID', oid, '999999')])
    expect(shape(b)).toBe(shape(a))
    expect(b).toContain(`id=${oid} `)
    await conn.same('SELECT', '0')
    await conn.same('CLIENT', 'SETNAME', '')
  })

  it('KILL: old and new forms, errors', async () => {
    await conn.same('CLIENT', 'KILL', '1.2.3.4:5')
    await conn.same('CLIENT', 'KILL', 'ID', '0')
    await conn.same('CLIENT', 'KILL', 'ID', 'abc')
    await conn.same('CLIENT', 'KILL', 'USER', 'foo')
    await conn.same('CLIENT', 'KILL', 'TYPE', 'foo')
    await conn.same('CLIENT', 'KILL', 'ID', '5', 'SKIPME', 'maybe')
    await conn.same('CLIENT', 'KILL', 'ID', '5', 'x')
    await conn.same('CLIENT', 'KILL', 'ID', '99999')
    await conn.same('CLIENT', 'KILL', 'MAXAGE', '5')
    await conn.same('CLIENT', 'KILL', 'TYPE', 'pubsub')
    await conn.same('CLIENT', 'KILL')
    // Kill another connection by address (old form) and by id (new form).
    const victim = await RawConn.open(pair.ours.port)
    const addr = (await victim.call('CLIENT', 'INFO')).match(/addr=(\S+)/)![1]!
    expect(await conn.ours.call('CLIENT', 'KILL', addr)).toBe('+OK\r\n')
    const victim2 = await RawConn.open(pair.ours.port)
    const id = (await victim2.call('CLIENT', 'ID')).slice(1, -2)
    expect(await conn.ours.call('CLIENT', 'KILL', 'ID', id, 'SKIPME', 'yes')).toBe(':1\r\n')
    expect(await conn.ours.call('CLIENT', 'KILL', 'USER', 'default', 'SKIPME', 'yes')).toMatch(/^:\d+\r\n$/)
    await new Promise((r) => setTimeout(r, 50))
    expect(victim.closed || victim2.closed).toBe(true)
    victim.close()
    victim2.close()
  })

  it('KILL of itself with SKIPME no closes after the reply', async () => {
    const self = await RawConn.open(pair.ours.port)
    const id = (await self.call('CLIENT', 'ID')).slice(1, -2)
    expect(await self.call('CLIENT', 'KILL', 'ID', id, 'SKIPME', 'no')).toBe(':1\r\n')
    await new Promise((r) => setTimeout(r, 50))
    expect(self.closed).toBe(true)
    self.close()
  })

  it('REPLY OFF / SKIP / ON', async () => {
    const c = await RawConn.open(pair.ours.port)
    const rc = await RawConn.open(pair.real.port)
    for (const x of [c, rc]) {
      // Replies suppressed: the next reply read is PING's after ON.
      const cmds = [['CLIENT', 'REPLY', 'SKIP'], ['ECHO', 'skipped'], ['ECHO', 'shown'],
        ['CLIENT', 'REPLY', 'OFF'], ['ECHO', 'hidden'], ['NOSUCH'], ['CLIENT', 'REPLY', 'ON'], ['PING']]
      x.send(Buffer.concat(cmds.map((a) => encodeCommand(a))))
      const replies = [await x.read(), await x.read(), await x.read()]
      expect(replies).toEqual(['$5\r\nshown\r\n', '+OK\r\n', '+PONG\r\n'])
    }
    expect(await c.call('CLIENT', 'REPLY', 'maybe')).toBe(await rc.call('CLIENT', 'REPLY', 'maybe'))
    c.close()
    rc.close()
  })

  it('PAUSE / UNPAUSE', async () => {
    await conn.same('CLIENT', 'PAUSE', '10', 'ALL', 'x')
    await conn.same('CLIENT', 'PAUSE', 'abc')
    await conn.same('CLIENT', 'PAUSE', '-1')
    await conn.same('CLIENT', 'PAUSE', '10', 'foo')
    await conn.same('CLIENT', 'PAUSE')
    await conn.same('CLIENT', 'UNPAUSE')
    // A write from another client waits until the pause ends; reads go on under WRITE.
    const other = await RawConn.open(pair.ours.port)
    expect(await conn.ours.call('CLIENT', 'PAUSE', '200', 'WRITE')).toBe('+OK\r\n')
    const t0 = Date.now()
    expect(await other.call('GET', 'paused')).toBe('$-1\r\n')
    expect(Date.now() - t0).toBeLessThan(150)
    const w = other.call('SET', 'paused', '1')
    expect(await w).toBe('+OK\r\n')
    expect(Date.now() - t0).toBeGreaterThanOrEqual(150)
    // UNPAUSE releases a WRITE pause at once.
    expect(await conn.ours.call('CLIENT', 'PAUSE', '5000', 'WRITE')).toBe('+OK\r\n')
    const t1 = Date.now()
    const p = other.call('SET', 'paused', '2')
    await new Promise((r) => setTimeout(r, 30))
    expect(await conn.ours.call('CLIENT', 'UNPAUSE')).toBe('+OK\r\n')
    expect(await p).toBe('+OK\r\n')
    expect(Date.now() - t1).toBeLessThan(1000)
    // Under ALL, even CLIENT UNPAUSE waits (as in Redis); PING waits too.
    expect(await conn.ours.call('CLIENT', 'PAUSE', '150', 'ALL')).toBe('+OK\r\n')
    const t2 = Date.now()
    expect(await other.call('PING')).toBe('+PONG\r\n')
    expect(Date.now() - t2).toBeGreaterThanOrEqual(100)
    await conn.ours.call('DEL', 'paused')
    other.close()
  })

  it('UNBLOCK, NO-EVICT, GETREDIR, CACHING, HELP, unknown', async () => {
    await conn.same('CLIENT', 'UNBLOCK', 'abc')
    await conn.same('CLIENT', 'UNBLOCK', '5', 'foo')
    await conn.same('CLIENT', 'UNBLOCK', '999')
    await conn.same('CLIENT', 'UNBLOCK', '999', 'ERROR')
    await conn.same('CLIENT', 'NO-EVICT', 'x')
    await conn.same('CLIENT', 'NO-EVICT', 'on')
    await conn.same('CLIENT', 'NO-EVICT', 'off')
    await conn.same('CLIENT', 'GETREDIR')
    await conn.same('CLIENT', 'CACHING', 'yes')
    await conn.same('CLIENT', 'HELP')
    await conn.same('CLIENT', 'NOSUCH')
    await conn.same('CLIENT')
  })
})
