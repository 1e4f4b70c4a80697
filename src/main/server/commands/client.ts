/**
 * CLIENT (networking.c's clientCommand): ID, SETNAME, GETNAME, LIST, INFO, KILL, REPLY,
 * PAUSE, UNPAUSE, UNBLOCK, NO-EVICT, GETREDIR, CACHING, HELP.
 */
import type { Client } from '../client'
import { Shared } from '../resp/reply-writer'
import { argIs, binaryString, string2ll } from '../util'
import { replyHelp } from './config'
import { redisCommand } from './meta'
import type { CommandSpec } from './types'

/** CLIENT REPLY bits on Client.replyFlags. */
export const REPLY_OFF = 1
export const REPLY_SKIP = 2
export const REPLY_SKIP_NEXT = 4

type ClientType = 'normal' | 'slave' | 'pubsub' | 'master'

/** getClientTypeByName. */
function clientTypeByName(name: string): ClientType | null {
  const l = name.toLowerCase()
  if (l === 'normal') return 'normal'
  if (l === 'slave' || l === 'replica') return 'slave'
  if (l === 'pubsub') return 'pubsub'
  if (l === 'master') return 'master'
  return null
}

/** getClientType (a MONITOR client counts as normal). */
function clientType(c: Client): ClientType {
  if (c.isMaster) return 'master'
  if (c.replicaState) return 'slave'
  if (c.inPubSub) return 'pubsub'
  return 'normal'
}

function fdOf(c: Client): number {
  const h = (c.socket as unknown as { _handle?: { fd?: number } })._handle
  return typeof h?.fd === 'number' && h.fd >= 0 ? h.fd : -1
}

/** Size of one reply block (PROTO_REPLY_CHUNK_BYTES): oll counts the unsent output in these. */
const REPLY_CHUNK_BYTES = 16 * 1024

/**
 * catClientInfoString: one CLIENT LIST line (without the newline), fields as Redis 7.0.
 * Output memory is what is not handed to the kernel yet: obl the reply being built, oll/omem
 * what waits in the socket (a subscriber that does not read).
 */
export function clientInfoString(c: Client, now = Date.now()): string {
  const type = clientType(c)
  let flags = c.monitor ? 'O' : ''
  if (type === 'slave') flags += 'S'
  if (type === 'master') flags += 'M'
  if (type === 'pubsub') flags += 'P'
  if (c.inMulti) flags += 'x'
  if (c.blocked) flags += 'b'
  if (c.dirtyCas) flags += 'd'
  if (c.closeAfterReply) flags += 'c'
  if (c.noEvict) flags += 'e'
  if (flags === '') flags = 'N'
  // Redis's lastcmd is set when a command is looked up, queued ones included.
  const queued = c.inMulti && c.mstate.length > 0 ? c.mstate[c.mstate.length - 1]!.cmd : null
  const cmd = c.cmd ?? queued ?? c.lastCmd
  let argvMem = 0
  for (const a of c.argv) argvMem += a.length
  const multi = c.inMulti ? c.mstate.length : -1
  let multiMem = 0
  if (c.inMulti) for (const q of c.mstate) for (const a of q.argv) multiMem += a.length
  const qbuf = c.parser.pending
  const obl = c.reply.pending
  const unsent = c.socket.writableLength
  const oll = Math.ceil(unsent / REPLY_CHUNK_BYTES)
  const events = unsent > 0 ? 'rw' : 'r'
  return `id=${c.id} addr=${c.addr} laddr=${c.laddr} fd=${fdOf(c)} name=${c.name}` +
    ` age=${Math.floor((now - c.createdAt) / 1000)} idle=${Math.floor((now - c.lastInteraction) / 1000)}` +
    ` flags=${flags} db=${c.db.id} sub=${c.pubsubChannels.size} psub=${c.pubsubPatterns.size}` +
    ` ssub=${c.pubsubShardChannels.size} multi=${multi} qbuf=${qbuf} qbuf-free=0 argv-mem=${argvMem}` +
    ` multi-mem=${multiMem} rbs=1024 rbp=0 obl=${obl} oll=${oll} omem=${unsent}` +
    ` tot-mem=${1024 + qbuf + argvMem + multiMem + obl + unsent}` +
    ` events=${events} cmd=${cmd ? cmd.fullname : 'NULL'} user=default redir=-1 resp=${c.resp}`
}

function clientIdCommand(c: Client): void {
  c.reply.integer(c.id)
}

function clientInfoCommand(c: Client): void {
  c.reply.verbatim(clientInfoString(c) + '\n')
}

function clientListCommand(c: Client): void {
  const argv = c.argv
  let type: ClientType | null = null
  let out = ''
  if (argv.length === 4 && argIs(argv[2]!, 'type')) {
    type = clientTypeByName(binaryString(argv[3]!))
    if (type === null) {
      c.error(`Unknown client type '${binaryString(argv[3]!)}'`)
      return
    }
  } else if (argv.length > 3 && argIs(argv[2]!, 'id')) {
    const now = Date.now()
    const ids: number[] = []
    for (let j = 3; j < argv.length; j++) {
      const id = string2ll(argv[j]!)
      if (id === null) {
        c.error('Invalid client ID')
        return
      }
      ids.push(Number(id))
    }
    for (const id of ids) {
      const cl = c.server.clients.get(id)
      if (cl && !cl.closed) out += clientInfoString(cl, now) + '\n'
    }
    c.reply.verbatim(out)
    return
  } else if (argv.length !== 2) {
    c.error('syntax error')
    return
  }
  const now = Date.now()
  for (const cl of c.server.clients.values()) {
    if (cl.closed && cl !== c) continue
    if (type !== null && clientType(cl) !== type) continue
    out += clientInfoString(cl, now) + '\n'
  }
  c.reply.verbatim(out)
}

function clientSetnameCommand(c: Client): void {
  const name = c.argv[2]!
  for (let j = 0; j < name.length; j++) {
    if (name[j]! < 33 || name[j]! > 126) {
      c.error('Client names cannot contain spaces, newlines or special characters.')
      return
    }
  }
  c.name = name.toString('latin1')
  c.reply.raw(Shared.ok)
}

function clientGetnameCommand(c: Client): void {
  if (c.name === '') c.reply.nullBulk()
  else c.reply.bulkBinary(c.name)
}

function clientKillCommand(c: Client): void {
  const argv = c.argv
  let addr: string | null = null
  let laddr: string | null = null
  let type: ClientType | null = null
  let id = 0
  let skipme = true
  if (argv.length === 3) {
    addr = binaryString(argv[2]!)
    skipme = false
  } else if (argv.length > 3) {
    for (let i = 2; i < argv.length; i += 2) {
      const moreargs = argv.length > i + 1
      const opt = argv[i]!
      if (argIs(opt, 'id') && moreargs) {
        const v = string2ll(argv[i + 1]!)
        if (v === null || v < 1) {
          c.error('client-id should be greater than 0')
          return
        }
        id = Number(v)
      } else if (argIs(opt, 'type') && moreargs) {
        type = clientTypeByName(binaryString(argv[i + 1]!))
        if (type === null) {
          c.error(`Unknown client type '${binaryString(argv[i + 1]!)}'`)
          return
        }
      } else if (argIs(opt, 'addr') && moreargs) {
        addr = binaryString(argv[i + 1]!)
      } else if (argIs(opt, 'laddr') && moreargs) {
        laddr = binaryString(argv[i + 1]!)
      } else if (argIs(opt, 'user') && moreargs) {
        const user = binaryString(argv[i + 1]!)
        if (user !== 'default') {
          c.error(`No such user '${user}'`)
          return
        }
      } else if (argIs(opt, 'skipme') && moreargs) {
        if (argIs(argv[i + 1]!, 'yes')) skipme = true
        else if (argIs(argv[i + 1]!, 'no')) skipme = false
        else {
          c.error('syntax error')
          return
        }
      } else {
        c.error('syntax error')
        return
      }
    }
  } else {
    c.error('syntax error')
    return
  }
  let killed = 0
  let closeThis = false
  for (const cl of [...c.server.clients.values()]) {
    if (cl.closed) continue
    if (addr !== null && cl.addr !== addr) continue
    if (laddr !== null && cl.laddr !== laddr) continue
    if (type !== null && clientType(cl) !== type) continue
    if (id !== 0 && cl.id !== id) continue
    if (cl === c && skipme) continue
    if (cl === c) closeThis = true
    else killClient(cl)
    killed++
  }
  if (argv.length === 3) {
    if (killed === 0) c.error('No such client')
    else c.reply.raw(Shared.ok)
  } else {
    c.reply.integer(killed)
  }
  if (closeThis) c.closeAfterReply = true
}

/** freeClient: drops the connection at once (pending output is lost, as in Redis). */
export function killClient(cl: Client): void {
  cl.closed = true
  cl.reply.discard()
  cl.socket.destroy()
}

function clientReplyCommand(c: Client): void {
  const mode = c.argv[2]!
  if (argIs(mode, 'on')) {
    c.replyFlags &= ~(REPLY_SKIP | REPLY_OFF)
    c.reply.raw(Shared.ok)
  } else if (argIs(mode, 'off')) {
    c.replyFlags |= REPLY_OFF
  } else if (argIs(mode, 'skip')) {
    if (!(c.replyFlags & REPLY_OFF)) c.replyFlags |= REPLY_SKIP_NEXT
  } else {
    c.error('syntax error')
  }
}

/** addReplySubcommandSyntaxError. */
function subcommandSyntaxError(c: Client): void {
  const sub = binaryString(c.argv[1]!).slice(0, 128)
  c.error(`unknown subcommand or wrong number of arguments for '${sub}'. Try CLIENT HELP.`)
}

function clientPauseCommand(c: Client): void {
  const argv = c.argv
  if (argv.length > 4) {
    subcommandSyntaxError(c)
    return
  }
  let writesOnly = false
  if (argv.length === 4) {
    if (argIs(argv[3]!, 'write')) writesOnly = true
    else if (!argIs(argv[3]!, 'all')) {
      c.error('CLIENT PAUSE mode must be WRITE or ALL')
      return
    }
  }
  const t = string2ll(argv[2]!)
  if (t === null) {
    c.error('timeout is not an integer or out of range')
    return
  }
  if (t < 0) {
    c.error('timeout is negative')
    return
  }
  c.server.pause(Number(t), writesOnly)
  c.reply.raw(Shared.ok)
}

function clientUnpauseCommand(c: Client): void {
  c.server.unpause()
  c.reply.raw(Shared.ok)
}

/**
 * The blocking API (blocking.ts, lists work) registers itself here: unblockClient(target,
 * timeout) → true when the client was blocked and got unblocked.
 */
type UnblockFn = (c: Client, timeout: boolean) => boolean
let unblockFn: UnblockFn | null = null
export function setUnblockHandler(fn: UnblockFn): void {
  unblockFn = fn
}

function clientUnblockCommand(c: Client): void {
  const argv = c.argv
  if (argv.length > 4) {
    subcommandSyntaxError(c)
    return
  }
  const id = string2ll(argv[2]!)
  if (id === null) {
    c.error('value is not an integer or out of range')
    return
  }
  let timeout = true
  if (argv.length === 4) {
    if (argIs(argv[3]!, 'timeout')) timeout = true
    else if (argIs(argv[3]!, 'error')) timeout = false
    else {
      c.error('CLIENT UNBLOCK reason should be TIMEOUT or ERROR')
      return
    }
  }
  const target = c.server.clients.get(Number(id))
  const blocked = target && !target.closed && target.blocked
  if (target && blocked && unblockFn && unblockFn(target, timeout)) c.reply.raw(Shared.cone)
  else c.reply.raw(Shared.czero)
}

function clientNoEvictCommand(c: Client): void {
  const v = c.argv[2]!
  if (argIs(v, 'on')) c.noEvict = true
  else if (argIs(v, 'off')) c.noEvict = false
  else {
    c.error('syntax error')
    return
  }
  c.reply.raw(Shared.ok)
}

function clientGetredirCommand(c: Client): void {
  c.reply.integer(-1)
}

function clientCachingCommand(c: Client): void {
  c.error('CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled')
}

function clientHelpCommand(c: Client): void {
  replyHelp(c, 'client')
}

export const clientCommands: CommandSpec[] = [
  redisCommand('client', null, {
    id: clientIdCommand,
    info: clientInfoCommand,
    list: clientListCommand,
    setname: clientSetnameCommand,
    getname: clientGetnameCommand,
    kill: clientKillCommand,
    reply: clientReplyCommand,
    pause: clientPauseCommand,
    unpause: clientUnpauseCommand,
    unblock: clientUnblockCommand,
    'no-evict': clientNoEvictCommand,
    getredir: clientGetredirCommand,
    caching: clientCachingCommand,
    help: clientHelpCommand
  })
]
