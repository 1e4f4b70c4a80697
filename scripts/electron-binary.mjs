// Finds the Electron binary, or says why there is none. Shared by `npm start` and the tests.
import { createRequire } from 'node:module'
import { existsSync } from 'node:fs'

/** @returns {{ path: string } | { reason: string }} */
export function findElectron() {
  if (process.env.ELECTRON_PATH) {
    return existsSync(process.env.ELECTRON_PATH)
      ? { path: process.env.ELECTRON_PATH }
      : { reason: `ELECTRON_PATH=${process.env.ELECTRON_PATH} does not exist` }
  }
  try {
    // In plain node, require('electron') returns the binary's path, or throws when the
    // package was installed without its binary (as on machines that cannot download it).
    const path = createRequire(import.meta.url)('electron')
    if (typeof path === 'string' && existsSync(path)) return { path }
    return { reason: `the electron package points at ${path}, which does not exist` }
  } catch (err) {
    return { reason: String(err.message).split('\n')[0] }
  }
}
