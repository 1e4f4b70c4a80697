/** Reading replication state over the protocol, for tests of real and embedded nodes alike. */
import { encodeCommand, type RawConn } from './raw-conn'

/** INFO <section> as field → value (a bulk reply from RawConn.call). */
export async function info(conn: RawConn, section = 'replication'): Promise<Record<string, string>> {
  const reply = await conn.call('INFO', section)
  const out: Record<string, string> = {}
  for (const line of reply.split('\r\n')) {
    const i = line.indexOf(':')
    if (i > 0 && !line.startsWith('#') && !line.startsWith('$')) out[line.slice(0, i)] = line.slice(i + 1)
  }
  return out
}

/** The field names of INFO replication, in order. */
export async function infoFieldNames(conn: RawConn): Promise<string[]> {
  return Object.keys(await info(conn))
}

/** Polls `check` until it returns a truthy value (returned), or fails after `ms` with `what`. */
export async function waitFor<T>(what: string, check: () => Promise<T | false | null | undefined>, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms
  let last: unknown
  for (;;) {
    try {
      const v = await check()
      if (v) return v
    } catch (err) {
      last = err
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

/** Waits until the replica reports a live link and has applied everything the master has. */
export async function waitCaughtUp(master: RawConn, replica: RawConn, ms = 10_000): Promise<void> {
  await waitFor('the replica to catch up', async () => {
    const [m, r] = await Promise.all([info(master), info(replica)])
    return r.master_link_status === 'up' && r.slave_repl_offset === m.master_repl_offset
  }, ms)
}

/** DEBUG DIGEST's 40 hex digits (a big data set takes a while to hash). */
export async function digest(conn: RawConn): Promise<string> {
  conn.send(encodeCommand(['DEBUG', 'DIGEST']))
  const reply = await conn.read(60_000)
  return reply.slice(1, 41)
}

/**
 * A write load touching every data type and the rewrites replication must get right:
 * relative expiries, INCRBYFLOAT, SPOP, MULTI/EXEC, SELECT, GETEX, large values.
 * Each call with a new `round` writes different data.
 */
export async function writeLoad(conn: RawConn, round = 0): Promise<void> {
  const p = `r${round}:`
  const big = 'x'.repeat(20_000) + round
  const cmds: string[][] = [
    ['SET', `${p}s`, 'v'],
    ['SET', `${p}big`, big],
    ['SET', `${p}ttl`, 'v', 'EX', '100'],
    ['SET', `${p}px`, 'v', 'PX', '100000'],
    ['INCR', `${p}n`],
    ['INCRBYFLOAT', `${p}f`, '1.5'],
    ['APPEND', `${p}s`, 'w'],
    ['SETRANGE', `${p}s`, '10', 'z'],
    ['RPUSH', `${p}l`, 'a', 'b', 'c', 'd', '1', '2'],
    ['LPOP', `${p}l`],
    ['LINSERT', `${p}l`, 'BEFORE', 'c', 'bb'],
    ['HSET', `${p}h`, 'f1', 'v1', 'f2', '2'],
    ['HINCRBYFLOAT', `${p}h`, 'f2', '0.25'],
    ['SADD', `${p}set`, 'a', 'b', 'c', 'd', 'e', '1', '2', '3'],
    ['SPOP', `${p}set`, '2'],
    ['SADD', `${p}iset`, '1', '2', '3'],
    ['ZADD', `${p}z`, '1', 'a', '2.5', 'b', '-3', 'c'],
    ['ZINCRBY', `${p}z`, '0.5', 'a'],
    ['ZPOPMIN', `${p}z`],
    ['EXPIRE', `${p}h`, '1000'],
    ['PEXPIRE', `${p}l`, '500000'],
    ['GETEX', `${p}s`, 'EX', '2000'],
    ['MULTI'],
    ['SET', `${p}m1`, '1'],
    ['INCRBY', `${p}m1`, '41'],
    ['LPUSH', `${p}ml`, 'x'],
    ['EXEC'],
    ['SELECT', '3'],
    ['SET', `${p}db3`, 'in three'],
    ['HSET', `${p}db3h`, 'a', '1'],
    ['SELECT', '0'],
    ['DEL', `${p}px`],
    ['RENAME', `${p}n`, `${p}n2`],
    ['SET', `${p}short`, 'gone soon', 'PX', '1']
  ]
  for (const c of cmds) await conn.call(...c)
}

/**
 * Waits until every replica's DEBUG DIGEST equals the master's. The master's is read again
 * each time: keys expiring on it (writeLoad's PX 1 key) change it until their DEL went out.
 */
export async function waitSameDigest(master: RawConn, replicas: RawConn[], ms = 20_000): Promise<string> {
  return waitFor('equal digests', async () => {
    const want = await digest(master)
    for (const r of replicas) if ((await digest(r)) !== want) return null
    return want
  }, ms)
}
