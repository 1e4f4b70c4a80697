/**
 * Pub/sub state of one server (pubsub.c): channel -> subscribers, pattern -> subscribers,
 * shard channel -> subscribers; every map keeps subscription order (Set/Map insertion order).
 * Names are binary strings (latin1). Messages are written into the receivers' reply
 * buffers and the receivers are flushed by the server (markPendingWrite) once the current
 * request batch is processed.
 */
import type { Client } from './client'
import { binaryString, stringMatch } from './util'

export type SubscriptionKind = 'channel' | 'pattern' | 'shard'

const KIND_NAMES = {
  channel: { sub: 'subscribe', unsub: 'unsubscribe', message: 'message' },
  pattern: { sub: 'psubscribe', unsub: 'punsubscribe', message: 'pmessage' },
  shard: { sub: 'ssubscribe', unsub: 'sunsubscribe', message: 'smessage' }
} as const

const MESSAGE_HDR = Buffer.from('$7\r\nmessage\r\n')
const PMESSAGE_HDR = Buffer.from('$8\r\npmessage\r\n')
const SMESSAGE_HDR = Buffer.from('$8\r\nsmessage\r\n')

export class PubSubState {
  readonly channels = new Map<string, Set<Client>>()
  readonly patterns = new Map<string, Set<Client>>()
  readonly shardChannels = new Map<string, Set<Client>>()

  private serverMap(kind: SubscriptionKind): Map<string, Set<Client>> {
    return kind === 'channel' ? this.channels : kind === 'pattern' ? this.patterns : this.shardChannels
  }

  /** The client's own set for a kind. */
  static clientSet(c: Client, kind: SubscriptionKind): Set<string> {
    return kind === 'channel' ? c.pubsubChannels : kind === 'pattern' ? c.pubsubPatterns : c.pubsubShardChannels
  }

  /** clientSubscriptionsCount (channels + patterns) or clientShardSubscriptionsCount. */
  static count(c: Client, kind: SubscriptionKind): number {
    return kind === 'shard' ? c.pubsubShardChannels.size : c.pubsubChannels.size + c.pubsubPatterns.size
  }

  /** pubsubSubscribeChannel/Pattern: subscribes and replies. */
  subscribe(c: Client, kind: SubscriptionKind, name: string): void {
    const own = PubSubState.clientSet(c, kind)
    if (!own.has(name)) {
      own.add(name)
      const m = this.serverMap(kind)
      let clients = m.get(name)
      if (!clients) {
        clients = new Set()
        m.set(name, clients)
      }
      clients.add(c)
    }
    replySubscription(c, KIND_NAMES[kind].sub, name, PubSubState.count(c, kind))
  }

  /** pubsubUnsubscribeChannel/Pattern: true if the client was subscribed. */
  unsubscribe(c: Client, kind: SubscriptionKind, name: string, notify: boolean): boolean {
    const own = PubSubState.clientSet(c, kind)
    const was = own.delete(name)
    if (was) {
      const m = this.serverMap(kind)
      const clients = m.get(name)
      if (clients) {
        clients.delete(c)
        if (clients.size === 0) m.delete(name)
      }
    }
    if (notify) replySubscription(c, KIND_NAMES[kind].unsub, name, PubSubState.count(c, kind))
    return was
  }

  /** pubsubUnsubscribeAll…: returns how many were removed; replies once with a null when none. */
  unsubscribeAll(c: Client, kind: SubscriptionKind, notify: boolean): number {
    const own = PubSubState.clientSet(c, kind)
    let n = 0
    for (const name of [...own]) {
      this.unsubscribe(c, kind, name, notify)
      n++
    }
    if (notify && n === 0) replySubscription(c, KIND_NAMES[kind].unsub, null, PubSubState.count(c, kind))
    return n
  }

  /** Drops every subscription of a client being freed or RESET (no replies). */
  dropClient(c: Client): void {
    if (c.pubsubChannels.size) this.unsubscribeAll(c, 'channel', false)
    if (c.pubsubPatterns.size) this.unsubscribeAll(c, 'pattern', false)
    if (c.pubsubShardChannels.size) this.unsubscribeAll(c, 'shard', false)
  }

  /** pubsubPublishMessage: delivers to channel subscribers, then to matching patterns. */
  publish(channel: Buffer, message: Buffer): number {
    let receivers = 0
    const name = binaryString(channel)
    const clients = this.channels.get(name)
    if (clients) {
      for (const r of clients) {
        deliver(r, MESSAGE_HDR, null, channel, message)
        receivers++
      }
    }
    if (this.patterns.size > 0) {
      for (const [pattern, pclients] of this.patterns) {
        if (!stringMatch(pattern, name)) continue
        for (const r of pclients) {
          deliver(r, PMESSAGE_HDR, pattern, channel, message)
          receivers++
        }
      }
    }
    return receivers
  }

  /** SPUBLISH: shard channel subscribers only. */
  publishShard(channel: Buffer, message: Buffer): number {
    const clients = this.shardChannels.get(binaryString(channel))
    if (!clients) return 0
    for (const r of clients) deliver(r, SMESSAGE_HDR, null, channel, message)
    return clients.size
  }
}

/** addReplyPubsubSubscribed / addReplyPubsubUnsubscribed (a push in RESP3). */
function replySubscription(c: Client, type: string, name: string | null, count: number): void {
  const r = c.reply
  r.pushLen(3)
  r.bulkBinary(type)
  if (name === null) r.nullBulk()
  else r.bulkBinary(name)
  r.integer(count)
}

/** addReplyPubsubMessage / addReplyPubsubPatMessage. */
function deliver(r: Client, hdr: Buffer, pattern: string | null, channel: Buffer, message: Buffer): void {
  if (r.closed) return
  const w = r.reply
  w.pushLen(pattern === null ? 3 : 4)
  w.raw(hdr)
  if (pattern !== null) w.bulkBinary(pattern)
  w.bulk(channel)
  w.bulk(message)
  r.server.markPendingWrite(r)
}
