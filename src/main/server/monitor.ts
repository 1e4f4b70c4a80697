/**
 * MONITOR feed (replicationFeedMonitors): every executed command (except admin and
 * skip_monitor ones) as one status line
 * `+1700000000.123456 [0 127.0.0.1:50000] "set" "k" "v"`, arguments escaped by sdscatrepr,
 * with the arguments AUTH/HELLO redacted shown as "(redacted)".
 */
import type { Client } from './client'
import type { RedisCommand } from './commands/types'
import { quoteBytes } from '../../shared/cli-format'

/** Admin and skip_monitor commands are not shown (CONFIG, DEBUG, …). */
export function monitorSkips(cmd: RedisCommand): boolean {
  const f = cmd.flags
  return f.includes('admin') || f.includes('skip_monitor')
}

/** sdscatrepr of one argument (shared with the console's formatting). */
function reprArg(b: Buffer): string {
  return quoteBytes(b.toString('latin1'))
}

/** gettimeofday as "sec.usec". */
function timestamp(): string {
  const t = performance.timeOrigin + performance.now()
  const sec = Math.floor(t / 1000)
  const usec = Math.min(999999, Math.floor((t - sec * 1000) * 1000))
  return sec + '.' + String(usec).padStart(6, '0')
}

const REDACTED = '"(redacted)"'

/** Sends the command `c` just executed (argv) to every monitor. */
export function feedMonitors(c: Client, argv: Buffer[], monitors: Set<Client>): void {
  let line = '+' + timestamp() + ' [' + c.db.id + ' ' + c.addr + '] '
  const redacted = c.redactedArgs
  for (let j = 0; j < argv.length; j++) {
    if (j > 0) line += ' '
    line += redacted !== null && redacted.includes(j) ? REDACTED : reprArg(argv[j]!)
  }
  line += '\r\n'
  const bytes = Buffer.from(line, 'latin1')
  for (const m of monitors) {
    if (m.closed) continue
    m.reply.raw(bytes)
    c.server.markPendingWrite(m)
  }
}
