import { expect, test } from 'vitest'
import { elapsedLine, streamingKind } from '../../src/renderer/src/stores/consoles'
import type { Reply } from '../../src/shared/reply'

const confirm = (kind: string, channel: string): Reply => ({
  type: 'array',
  value: [
    { type: 'bulk', value: kind },
    { type: 'bulk', value: channel },
    { type: 'integer', value: 1 }
  ]
})

test('a console streams after MONITOR +OK and after a subscription confirmation, not otherwise', () => {
  expect(streamingKind(['MONITOR'], { type: 'status', value: 'OK' }, false)).toBe('monitor')
  expect(streamingKind(['subscribe', 'ch'], confirm('subscribe', 'ch'), false)).toBe('subscribe')
  expect(streamingKind(['PSUBSCRIBE', 'c*'], confirm('psubscribe', 'c*'), false)).toBe('subscribe')
  // Errors (no channel given), and commands queued by MULTI, leave the console as it was.
  expect(streamingKind(['SUBSCRIBE'], { type: 'error', value: "ERR wrong number of arguments for 'subscribe' command" }, false)).toBeNull()
  expect(streamingKind(['SUBSCRIBE', 'ch'], { type: 'status', value: 'QUEUED' }, true)).toBeNull()
  expect(streamingKind(['MONITOR'], { type: 'status', value: 'QUEUED' }, true)).toBeNull()
  expect(streamingKind(['GET', 'k'], { type: 'bulk', value: 'subscribe' }, false)).toBeNull()
})

test('the elapsed time redis-cli prints once a stream ends: from half a second, two decimals', () => {
  expect(elapsedLine(499)).toBeNull()
  expect(elapsedLine(500)).toBe('(0.50s)')
  expect(elapsedLine(1019)).toBe('(1.02s)')
})
