// `npm start`: the Electron app where an Electron binary exists, web mode otherwise.
import { spawn } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { findElectron } from './electron-binary.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const electron = findElectron()
const args = process.argv.slice(2)
const child =
  'path' in electron
    ? spawn(electron.path, [root, ...args], { stdio: 'inherit' })
    : (console.log(`No Electron binary here (${electron.reason}); starting web mode instead.`),
      spawn(process.execPath, [join(root, 'out/main/web.js'), ...args], { stdio: 'inherit' }))
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig))
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
