/**
 * The request limits of one server (proto-max-bulk-len, client-query-buffer-limit), kept
 * as plain numbers for the input loop and updated by CONFIG SET.
 */
import type { ServerConfig } from '../config-table'
import type { Client } from '../client'
import { clientInfoString } from '../commands/client'
import { quoteBytes } from '../../../shared/cli-format'

export interface ProtocolLimits {
  /** proto-max-bulk-len: a longer bulk argument is a protocol error. */
  maxBulkLen: number
  /** client-query-buffer-limit: a client holding more unparsed input is closed. */
  queryBufLimit: number
}

const byConfig = new WeakMap<ServerConfig, ProtocolLimits>()

/** The limits of the server owning `config` (created and hooked to CONFIG SET on first use). */
export function protocolLimits(config: ServerConfig): ProtocolLimits {
  let limits = byConfig.get(config)
  if (limits !== undefined) return limits
  const made: ProtocolLimits = {
    maxBulkLen: config.getNumber('proto-max-bulk-len'),
    queryBufLimit: config.getNumber('client-query-buffer-limit')
  }
  config.on('proto-max-bulk-len', (v) => {
    made.maxBulkLen = Number(v)
  })
  config.on('client-query-buffer-limit', (v) => {
    made.queryBufLimit = Number(v)
  })
  limits = made
  byConfig.set(config, limits)
  return limits
}

/**
 * readQueryFromClient's check, made after each read: a client (not our master) whose
 * unparsed input exceeds client-query-buffer-limit is logged and closed without a reply.
 * Returns true when it closed the client.
 */
export function closeOnQueryBufferLimit(c: Client, limits: ProtocolLimits): boolean {
  if (c.parser.pending <= limits.queryBufLimit || c.isMaster) return false
  const info = clientInfoString(c)
  const head = quoteBytes(c.parser.peekPending(64).toString('latin1'))
  c.closed = true
  c.reply.discard()
  c.socket.destroy()
  c.server.emit('log', 'warning', `Closing client that reached max query buffer length: ${info} (qbuf initial bytes: ${head})`)
  return true
}
