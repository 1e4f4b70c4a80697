import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { expect, test } from 'vitest'
// @ts-expect-error plain .mjs shared with `npm start`
import { findElectron } from '../../scripts/electron-binary.mjs'
import { freePort } from '../helpers/ports'
import { ROOT, tempDir } from '../helpers/web-mode'

const electron = findElectron() as { path: string } | { reason: string }

test.skipIf('path' in electron)('npm start without an Electron binary says so in one line and serves web mode', async () => {
  const child = spawn(process.execPath, [join(ROOT, 'scripts/start.mjs'), '--port', '0', '--data-dir', tempDir(), '--base-port', String(await freePort())], {
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let out = ''
  child.stdout.on('data', (d: Buffer) => (out += d.toString()))
  child.stderr.on('data', (d: Buffer) => (out += d.toString()))
  try {
    await expect.poll(() => out, { timeout: 20_000 }).toMatch(/Replication Lab web mode: open http:\/\/127\.0\.0\.1:\d+\/\?token=/)
    const lines = out.split('\n')
    expect(lines[0]).toMatch(/^No Electron binary here \(.+\); starting web mode instead\.$/)
  } finally {
    const exited = new Promise((r) => child.once('exit', r))
    child.kill('SIGTERM')
    await exited
  }
})
