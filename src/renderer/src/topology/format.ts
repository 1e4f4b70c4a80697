/** 0 B, 512 B, 1.5 kB, 2.0 MB — short enough for an edge label. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} kB`
  return `${(n / 1024 / 1024).toFixed(1)} MB`
}

/** Bytes as INFO's used_memory_human writes them, so the card reads like redis-cli. */
export { humanBytes } from '@shared/human-bytes'
