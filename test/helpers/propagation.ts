/** What a command asks to propagate to replicas (Client.propagate), read from the embedded server. */
import type { Client } from '../../src/main/server/client'
import type { RedisServer } from '../../src/main/server/node'
import type { RawConn } from './raw-conn'

/** Runs one command on `server` through `conn` and returns c.propagate as strings (null = as received). */
export async function propagated(server: RedisServer, conn: RawConn, ...args: string[]): Promise<string[][] | null> {
  const cmd = server.commands.get(args[0]!.toLowerCase())!
  const orig = cmd.proc!
  let seen: Buffer[][] | null = null
  cmd.proc = (cl: Client) => {
    orig(cl)
    seen = cl.propagate
  }
  try {
    await conn.call(...args)
  } finally {
    cmd.proc = orig
  }
  const s = seen as Buffer[][] | null
  return s === null ? null : s.map((v) => v.map((a) => a.toString('latin1')))
}
