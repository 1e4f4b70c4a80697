/**
 * Web mode entry (`node out/main/web.js`): the lab served to a browser on 127.0.0.1, for
 * machines without an Electron binary, for headless use, tests and docs screenshots.
 */
import { join } from 'node:path'
import { Lab } from './lab/lab'
import { parseWebCli, USAGE, DEFAULT_WEB_PORT } from './web/cli-options'
import { startWebServer, type WebServer } from './web/web-server'
import { version } from '../../package.json'

const PORT_TRIES = 20

async function main(): Promise<void> {
  let opts
  try {
    opts = parseWebCli(process.argv.slice(2))
  } catch (err) {
    console.error(`replication-lab: ${(err as Error).message}`)
    process.exit(2)
  }
  if (opts.help) {
    console.log(USAGE)
    return
  }

  const lab = new Lab({ dataDir: opts.dataDir, mode: 'web', version, basePort: opts.basePort })
  lab.events.on('event', (e) => {
    if (e.type === 'notice') console.log(`[${e.level}] ${e.message}`)
  })
  await lab.open()

  const web = await listen(lab, opts.port, opts.portGiven)

  let closing = false
  const shutdown = async (): Promise<void> => {
    if (closing) return
    closing = true
    await web.close()
    await lab.close()
    process.exit(0)
  }
  process.on('SIGINT', () => void shutdown())
  process.on('SIGTERM', () => void shutdown())

  // Printed once the signal handlers are in place: harnesses may stop us right after it.
  console.log(`Data folder: ${opts.dataDir}`)
  for (const n of lab.list()) console.log(`Node ${n.host}:${n.port} ${n.status}${n.error ? ` (${n.error})` : ''}`)
  // One line that people and test harnesses look for.
  console.log(`Replication Lab web mode: open ${web.url}`)
}

/** The default UI port moves on when taken; a port the user chose does not. */
async function listen(lab: Lab, port: number, portGiven: boolean): Promise<WebServer> {
  const rendererDir = join(__dirname, '../renderer')
  const tries = portGiven || port === 0 ? 1 : PORT_TRIES
  for (let i = 0; ; i++) {
    try {
      return await startWebServer({ lab, rendererDir, port: port + (port === 0 ? 0 : i) })
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || i + 1 >= tries) {
        const hint = port === DEFAULT_WEB_PORT && !portGiven ? ' (choose another with --port)' : ''
        throw new Error(`cannot serve the UI on 127.0.0.1:${port + i}: ${(err as Error).message}${hint}`)
      }
    }
  }
}

main().catch((err: unknown) => {
  console.error(`replication-lab: ${err instanceof Error ? err.message : String(err)}`)
  process.exit(1)
})
