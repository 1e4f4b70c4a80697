import { describe, expect, test } from 'vitest'
import { CARD_WIDTH, treeLayout } from '../../src/renderer/src/topology/layout'

describe('treeLayout: a deterministic master-above-replicas tree', () => {
  test('replicas sit below their master, in port order, and the same input gives the same output', () => {
    const ids = ['m', 'r1', 'r2']
    // dagre on its own puts r2 left of r1 for the first order.
    for (const links of [[['m', 'r1'], ['m', 'r2']], [['m', 'r2'], ['m', 'r1']]] as const) {
      const a = treeLayout(ids, links)
      expect(treeLayout(ids, links)).toEqual(a)
      expect(a.get('r1')!.y).toBeGreaterThan(a.get('m')!.y)
      expect(a.get('r2')!.y).toBe(a.get('r1')!.y)
      expect(a.get('r1')!.x + CARD_WIDTH).toBeLessThanOrEqual(a.get('r2')!.x)
    }
  })

  test('a chain stacks three ranks; standalone nodes share the top rank', () => {
    const p = treeLayout(['a', 'b', 'c', 'd'], [['a', 'b'], ['b', 'c']])
    expect(p.get('a')!.y).toBeLessThan(p.get('b')!.y)
    expect(p.get('b')!.y).toBeLessThan(p.get('c')!.y)
    expect(p.get('d')!.y).toBe(p.get('a')!.y)
  })
})
