/**
 * client-output-buffer-limit (networking.c's checkClientOutputBufferLimits and
 * closeClientOnOutputBufferLimitReached): a client whose unsent output reaches its class's
 * hard limit, or stays at or over the soft limit for more than the soft seconds, is closed
 * at once — its pending output dropped, a warning logged as Redis words it — so one slow
 * subscriber cannot make the process hold an unbounded backlog for it.
 *
 * The classes are Redis's: pubsub (subscribed to something), normal (everything else,
 * MONITOR and the master link included). The replica class is for the replication side.
 */
import type { Client } from './client'
import type { ServerConfig } from './config-table'
import { clientInfoString } from './commands/client'
import { outputBufferBytes } from './metrics'

export interface OutputBufferLimit {
  hard: number
  soft: number
  softSeconds: number
}

export interface OutputBufferLimits {
  normal: OutputBufferLimit
  slave: OutputBufferLimit
  pubsub: OutputBufferLimit
}

/** The canonical CONFIG GET form ("normal 0 0 0 slave 268435456 67108864 60 pubsub …"). */
export function parseOutputBufferLimits(v: string): OutputBufferLimits {
  const out: OutputBufferLimits = {
    normal: { hard: 0, soft: 0, softSeconds: 0 },
    slave: { hard: 0, soft: 0, softSeconds: 0 },
    pubsub: { hard: 0, soft: 0, softSeconds: 0 }
  }
  const t = v.split(/\s+/).filter((s) => s !== '')
  for (let i = 0; i + 3 < t.length; i += 4) {
    const cls = t[i] as keyof OutputBufferLimits
    if (out[cls]) out[cls] = { hard: Number(t[i + 1]), soft: Number(t[i + 2]), softSeconds: Number(t[i + 3]) }
  }
  return out
}

const byConfig = new WeakMap<ServerConfig, OutputBufferLimits>()

/** The limits of the server owning `config`, kept current by CONFIG SET. */
export function outputBufferLimits(config: ServerConfig): OutputBufferLimits {
  let limits = byConfig.get(config)
  if (limits !== undefined) return limits
  const made = parseOutputBufferLimits(config.get('client-output-buffer-limit'))
  config.on('client-output-buffer-limit', (v) => {
    Object.assign(made, parseOutputBufferLimits(v))
  })
  limits = made
  byConfig.set(config, limits)
  return limits
}

/** getClientType's class for the limits (a master link counts as normal). */
function limitFor(c: Client, limits: OutputBufferLimits): OutputBufferLimit {
  return c.inPubSub ? limits.pubsub : limits.normal
}

/**
 * checkClientOutputBufferLimits: true when the client is over its hard limit, or over its
 * soft limit for more than softSeconds (the first time over only starts the clock).
 */
export function outputBufferLimitReached(c: Client, limits: OutputBufferLimits, now = Date.now()): boolean {
  const limit = limitFor(c, limits)
  if (limit.hard === 0 && limit.soft === 0) {
    c.obufSoftLimitReachedTime = 0
    return false
  }
  const used = outputBufferBytes(c)
  const hard = limit.hard !== 0 && used >= limit.hard
  let soft = limit.soft !== 0 && used >= limit.soft
  if (soft) {
    const unixtime = Math.floor(now / 1000)
    if (c.obufSoftLimitReachedTime === 0) {
      c.obufSoftLimitReachedTime = unixtime
      soft = false
    } else if (unixtime - c.obufSoftLimitReachedTime <= limit.softSeconds) {
      soft = false
    }
  } else {
    c.obufSoftLimitReachedTime = 0
  }
  return soft || hard
}

/**
 * closeClientOnOutputBufferLimitReached (async form): closes the client when over its
 * limit, dropping what it was not sent; true if it was closed.
 */
export function closeClientOnOutputBufferLimitReached(c: Client): boolean {
  if (c.closed) return false
  if (!outputBufferLimitReached(c, c.obufLimits)) return false
  const info = clientInfoString(c)
  // closeAfterReply also stops the server running the rest of the client's input batch.
  c.closed = true
  c.closeAfterReply = true
  c.reply.discard()
  c.socket.destroy()
  c.server.emit('log', 'warning', `Client ${info} scheduled to be closed ASAP for overcoming of output buffer limits.`)
  return true
}
