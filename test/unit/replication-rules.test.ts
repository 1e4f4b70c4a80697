import { describe, expect, test } from 'vitest'
import { replicateRefusal } from '../../src/shared/replication-rules'

const A = '127.0.0.1:6379'
const B = '127.0.0.1:6380'
const C = '127.0.0.1:6381'
const D = '127.0.0.1:6382'

describe('replicateRefusal: the "Replicate from…" requests the lab refuses', () => {
  test('a node from itself', () => {
    expect(replicateRefusal(A, A, new Map())).toBe(`${A} cannot replicate from itself.`)
  })

  test('a master from its own replica makes a loop', () => {
    expect(replicateRefusal(A, B, new Map([[B, A]]))).toBe(
      `${B} replicates from ${A} (${B} → ${A}): replicating ${A} from it would make a loop.`
    )
  })

  test('a loop through a chain (A ← B ← C): A from C is refused', () => {
    const masterOf = new Map([
      [B, A],
      [C, B]
    ])
    expect(replicateRefusal(A, C, masterOf)).toContain(`(${C} → ${B} → ${A})`)
    expect(replicateRefusal(A, C, masterOf)).toContain('would make a loop')
  })

  test('allowed: standalone nodes, re-pointing a replica, a chain without a cycle, the same master again', () => {
    expect(replicateRefusal(B, A, new Map())).toBeNull()
    expect(replicateRefusal(C, B, new Map([[B, A]]))).toBeNull()
    expect(replicateRefusal(B, C, new Map([[B, A]]))).toBeNull()
    expect(replicateRefusal(B, A, new Map([[B, A]]))).toBeNull()
    // A replica of D joining A's tree is fine; only a walk back to the replica itself is a loop.
    expect(replicateRefusal(D, C, new Map([[C, B], [B, A]]))).toBeNull()
  })

  test('an existing cycle elsewhere does not hang the check', () => {
    const masterOf = new Map([
      [B, C],
      [C, B]
    ])
    expect(replicateRefusal(A, B, masterOf)).toBeNull()
  })
})
