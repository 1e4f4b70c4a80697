import { describe, expect, test } from 'vitest'
import { respEnd, sharedPair } from '../helpers/differential'

describe('the differential harness itself', () => {
  const { c } = sharedPair()

  test('frames RESP values exactly', () => {
    const b = (s: string): Buffer => Buffer.from(s, 'latin1')
    expect(respEnd(b('+OK\r\n+OK\r\n'), 0)).toBe(5)
    expect(respEnd(b('$3\r\nab'), 0)).toBe(-1)
    expect(respEnd(b('*2\r\n$1\r\na\r\n*1\r\n:1\r\n'), 0)).toBe(19)
    expect(respEnd(b('%1\r\n+a\r\n:1\r\n'), 0)).toBe(12)
    expect(respEnd(b('*2\r\n$1\r\na\r\n'), 0)).toBe(-1)
  })

  test('sees a difference when there is one', async () => {
    const { real, ours } = await c.both('PING')
    expect(real).toBe('+PONG\r\n')
    expect(ours).toBe(real)
    await c.same('SET', 'k', 'v')
    // A write on one side only makes the next reply differ: the harness must notice.
    await c.real.call('SET', 'only-real', 'x')
    const dbsize = await c.both('DBSIZE')
    expect(dbsize.real).toBe(':2\r\n')
    expect(dbsize.ours).toBe(':1\r\n')
  })
})
