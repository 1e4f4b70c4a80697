import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import net from 'node:net'
import { freePort } from './ports'

export const REDIS_SERVER_BIN = '/usr/bin/redis-server'
export const REDIS_CLI_BIN = '/usr/bin/redis-cli'
const MISSING = 'redis-server not found: run sudo apt-get install -y redis-server redis-tools'

export interface RealRedis {
  port: number
  pid: number
  stop(): Promise<void>
}

function pingOnce(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1')
    let buf = ''
    const done = (ok: boolean): void => {
      sock.destroy()
      resolve(ok)
    }
    sock.setTimeout(500, () => done(false))
    sock.on('error', () => done(false))
    sock.on('connect', () => sock.write('*1\r\n$4\r\nPING\r\n'))
    sock.on('data', (d) => {
      buf += d.toString('latin1')
      if (buf.includes('\r\n')) done(buf.startsWith('+PONG'))
    })
  })
}

/**
 * Starts a real redis-server (no persistence) on a free port and waits until it answers
 * PING. Throws if redis-server is not installed: tests must not silently skip.
 */
export async function startRedisServer(extraArgs: string[] = []): Promise<RealRedis> {
  if (!existsSync(REDIS_SERVER_BIN)) throw new Error(MISSING)
  for (let attempt = 0; ; attempt++) {
    const port = await freePort()
    const child: ChildProcess = spawn(
      REDIS_SERVER_BIN,
      // Its own directory: a SAVE or SHUTDOWN in a test must not leave dump.rdb in the repo.
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
        '--daemonize', 'no', '--dir', mkdtempSync(join(tmpdir(), 'real-redis-')), ...extraArgs],
      { stdio: ['ignore', 'pipe', 'pipe'] }
    )
    let output = ''
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()))
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()))
    let exited = false
    const exit = new Promise<void>((resolve) => child.once('exit', () => {
      exited = true
      resolve()
    }))
    const deadline = Date.now() + 10_000
    while (!exited && Date.now() < deadline) {
      if (await pingOnce(port)) {
        const pid = child.pid!
        return {
          port,
          pid,
          async stop() {
            if (!exited) {
              process.kill(pid, 'SIGKILL')
              await exit
            }
          }
        }
      }
      await new Promise((r) => setTimeout(r, 50))
    }
    if (!exited) {
      process.kill(child.pid!, 'SIGKILL')
      await exit
    }
    // Port grabbed by someone else between freePort() and listen: try another one.
    if (attempt < 3 && /Address already in use/i.test(output)) continue
    throw new Error(`redis-server did not start on port ${port}:\n${output}`)
  }
}
