/**
 * Pub/sub commands (pubsub.c): SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE, PUBLISH,
 * SSUBSCRIBE, SUNSUBSCRIBE, SPUBLISH, PUBSUB CHANNELS/NUMSUB/NUMPAT/SHARDCHANNELS/
 * SHARDNUMSUB/HELP. The state lives in ../pubsub.ts; the RESP2 "subscribed mode" check is
 * in processCommand (node.ts).
 */
import type { Client } from '../client'
import { PubSubState, type SubscriptionKind } from '../pubsub'
import { binaryString, stringMatch } from '../util'
import { replyHelp } from './command'
import { redisCommand } from './meta'
import type { CommandSpec } from './types'

function subscribeGeneric(c: Client, kind: SubscriptionKind, name: string): void {
  // A client that expects one reply per command cannot subscribe (scripts, MONITOR in
  // EXEC…); SUBSCRIBE/PSUBSCRIBE inside MULTI is allowed, SSUBSCRIBE is not.
  if (c.inExec && (kind === 'shard' || !c.inMulti)) {
    c.error(`${name} isn't allowed for a DENY BLOCKING client`)
    return
  }
  const state = c.server.pubsub
  for (let j = 1; j < c.argv.length; j++) state.subscribe(c, kind, binaryString(c.argv[j]!))
}

function unsubscribeGeneric(c: Client, kind: SubscriptionKind): void {
  const state = c.server.pubsub
  if (c.argv.length === 1) state.unsubscribeAll(c, kind, true)
  else for (let j = 1; j < c.argv.length; j++) state.unsubscribe(c, kind, binaryString(c.argv[j]!), true)
}

function subscribeCommand(c: Client): void {
  subscribeGeneric(c, 'channel', 'SUBSCRIBE')
}

function unsubscribeCommand(c: Client): void {
  unsubscribeGeneric(c, 'channel')
}

function psubscribeCommand(c: Client): void {
  subscribeGeneric(c, 'pattern', 'PSUBSCRIBE')
}

function punsubscribeCommand(c: Client): void {
  unsubscribeGeneric(c, 'pattern')
}

function ssubscribeCommand(c: Client): void {
  subscribeGeneric(c, 'shard', 'SSUBSCRIBE')
}

function sunsubscribeCommand(c: Client): void {
  unsubscribeGeneric(c, 'shard')
}

function publishCommand(c: Client): void {
  const n = c.server.pubsub.publish(c.argv[1]!, c.argv[2]!)
  c.reply.integer(n)
}

function spublishCommand(c: Client): void {
  const n = c.server.pubsub.publishShard(c.argv[1]!, c.argv[2]!)
  c.reply.integer(n)
}

/** addReplySubcommandSyntaxError. */
function subcommandSyntaxError(c: Client): void {
  const sub = binaryString(c.argv[1]!).slice(0, 128)
  c.error(`unknown subcommand or wrong number of arguments for '${sub}'. Try PUBSUB HELP.`)
}

/** channelList: active channels matching the optional pattern. */
function channelList(c: Client, map: Map<string, Set<Client>>): void {
  if (c.argv.length > 3) {
    subcommandSyntaxError(c)
    return
  }
  const pat = c.argv.length === 3 ? binaryString(c.argv[2]!) : null
  const out: string[] = []
  for (const name of map.keys()) if (pat === null || stringMatch(pat, name)) out.push(name)
  c.reply.arrayLen(out.length)
  for (const name of out) c.reply.bulkBinary(name)
}

function numsub(c: Client, map: Map<string, Set<Client>>): void {
  c.reply.arrayLen((c.argv.length - 2) * 2)
  for (let j = 2; j < c.argv.length; j++) {
    const arg = c.argv[j]!
    c.reply.bulk(arg)
    c.reply.integer(map.get(arg.toString('latin1'))?.size ?? 0)
  }
}

function pubsubChannelsCommand(c: Client): void {
  channelList(c, c.server.pubsub.channels)
}

function pubsubNumsubCommand(c: Client): void {
  numsub(c, c.server.pubsub.channels)
}

function pubsubNumpatCommand(c: Client): void {
  c.reply.integer(c.server.pubsub.patterns.size)
}

function pubsubShardchannelsCommand(c: Client): void {
  channelList(c, c.server.pubsub.shardChannels)
}

function pubsubShardnumsubCommand(c: Client): void {
  numsub(c, c.server.pubsub.shardChannels)
}

function pubsubHelpCommand(c: Client): void {
  replyHelp(c, [
    'CHANNELS [<pattern>]',
    "    Return the currently active channels matching a <pattern> (default: '*').",
    'NUMPAT',
    '    Return number of subscriptions to patterns.',
    'NUMSUB [<channel> ...]',
    '    Return the number of subscribers for the specified channels, excluding',
    '    pattern subscriptions(default: no channels).',
    'SHARDCHANNELS [<pattern>]',
    "    Return the currently active shard level channels matching a <pattern> (default: '*').",
    'SHARDNUMSUB [<shardchannel> ...]',
    '    Return the number of subscribers for the specified shard level channel(s)'
  ])
}

/** Used by RESET and by the server when a client goes away. */
export function pubsubUnsubscribeAll(c: Client): void {
  c.server.pubsub.dropClient(c)
}

export { PubSubState }

export const pubsubCommands: CommandSpec[] = [
  redisCommand('subscribe', subscribeCommand),
  redisCommand('unsubscribe', unsubscribeCommand),
  redisCommand('psubscribe', psubscribeCommand),
  redisCommand('punsubscribe', punsubscribeCommand),
  redisCommand('ssubscribe', ssubscribeCommand),
  redisCommand('sunsubscribe', sunsubscribeCommand),
  redisCommand('publish', publishCommand),
  redisCommand('spublish', spublishCommand),
  redisCommand('pubsub', null, {
    channels: pubsubChannelsCommand,
    numsub: pubsubNumsubCommand,
    numpat: pubsubNumpatCommand,
    shardchannels: pubsubShardchannelsCommand,
    shardnumsub: pubsubShardnumsubCommand,
    help: pubsubHelpCommand
  })
]
