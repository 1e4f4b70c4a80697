import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

export const ROOT = resolve(__dirname, '../..')
const WEB_ENTRY = join(ROOT, 'out/main/web.js')

export interface WebMode {
  url: string
  origin: string
  token: string
  dataDir: string
  proc: ChildProcess
  /** Everything the process printed so far. */
  output(): string
  stop(): Promise<number | null>
}

export function tempDir(prefix = 'replication-lab-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix))
}

/** Runs the built web mode (`node out/main/web.js`) and waits for its URL line. */
export async function startWebMode(opts: { dataDir?: string; basePort: number; args?: string[] }): Promise<WebMode> {
  if (!existsSync(WEB_ENTRY)) throw new Error(`${WEB_ENTRY} is missing: run \`npm run build\` first (npm test does)`)
  const dataDir = opts.dataDir ?? tempDir()
  const proc = spawn(
    process.execPath,
    [WEB_ENTRY, '--port', '0', '--data-dir', dataDir, '--base-port', String(opts.basePort), ...(opts.args ?? [])],
    { stdio: ['ignore', 'pipe', 'pipe'] }
  )
  let out = ''
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()))
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()))
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`web mode printed no URL within 20 s:\n${out}`)), 20_000)
    const check = (): void => {
      const m = /Replication Lab web mode: open (http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/.exec(out)
      if (m) {
        clearTimeout(timer)
        resolveUrl(m[1]!)
      }
    }
    proc.stdout!.on('data', check)
    proc.on('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`web mode exited with ${code}:\n${out}`))
    })
  })
  const parsed = new URL(url)
  return {
    url,
    origin: parsed.origin,
    token: parsed.searchParams.get('token')!,
    dataDir,
    proc,
    output: () => out,
    stop: () =>
      new Promise((resolveStop) => {
        if (proc.exitCode !== null) return resolveStop(proc.exitCode)
        proc.once('exit', (code) => resolveStop(code))
        proc.kill('SIGTERM')
      })
  }
}
