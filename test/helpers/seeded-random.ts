/**
 * The tests' reproducible randomness: C's rand() linear congruential step. rnd(n) is in
 * [0, n); rnd() is the raw 31-bit state.
 */
export function seededRandom(seed: number): (n?: number) => number {
  return (n?: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff
    return n === undefined ? seed : seed % n
  }
}
