/**
 * Bytes as Redis's bytesToHuman writes them in INFO (12B, 874.56K, 1.02M): the server's
 * used_memory_human and the cards that show it read the same.
 */
export function humanBytes(n: number): string {
  if (n < 1024) return `${n}B`
  const units = ['K', 'M', 'G', 'T', 'P']
  let v = n
  let i = -1
  do {
    v /= 1024
    i++
  } while (v >= 1024 && i < units.length - 1)
  return `${v.toFixed(2)}${units[i]}`
}
