import { resolve } from 'node:path'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  resolve: { alias: { '@shared': resolve(import.meta.dirname, 'src/shared') } },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Browser and redis-server tests are heavy on a 2-core machine: keep files from
    // starving each other.
    maxWorkers: 2,
    fileParallelism: true
  }
})
