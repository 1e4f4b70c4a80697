/** How the timeline words each replication happening (one line, plain text). */
import type { ReplicationEvent } from '@shared/replication-events'
import { msg, render, type Message, type Words } from '../i18n'
import { formatBytes } from '../topology/format'

export type TimelineKind = 'role' | 'link' | 'step' | 'sync' | 'status' | 'fault' | 'notice'
export type TimelineLevel = 'info' | 'ok' | 'warning' | 'error'

export interface Described {
  kind: TimelineKind
  level: TimelineLevel
  text: string
}

/** As Described, with the words kept unrendered so the timeline can show them in a later locale. */
export interface DescribedWords {
  kind: TimelineKind
  level: TimelineLevel
  words: Words
}

export function durationWords(ms: number): Message {
  return ms < 1000 ? msg('timeline.units.ms', { n: ms }) : msg('timeline.units.s', { n: (ms / 1000).toFixed(1) })
}

export function formatDuration(ms: number): string {
  return render(durationWords(ms))
}

export function describeReplicationWords(e: ReplicationEvent): DescribedWords {
  switch (e.type) {
    case 'role':
      return e.role === 'replica'
        ? { kind: 'role', level: 'info', words: msg('timeline.role.replicaOf', { master: e.master ?? msg('timeline.role.aMaster') }) }
        : { kind: 'role', level: 'info', words: msg('timeline.role.master') }
    case 'link':
      switch (e.state) {
        case 'connecting':
          return { kind: 'link', level: 'info', words: msg('timeline.link.connecting') }
        case 'handshake':
          return { kind: 'link', level: 'info', words: msg('timeline.link.handshake') }
        case 'sync':
          return { kind: 'link', level: 'info', words: msg('timeline.link.sync') }
        case 'connected':
          return { kind: 'link', level: 'ok', words: msg('timeline.link.up') }
        case 'down':
          // The reason is the lab's own sentence: shown as it is.
          return { kind: 'link', level: 'error', words: e.reason ? msg('timeline.link.downBecause', { reason: e.reason }) : msg('timeline.link.down') }
      }
      break
    case 'step':
      // Redis's own log line: never translated.
      return { kind: 'step', level: e.level === 'warning' ? 'warning' : 'info', words: e.message }
    case 'sync':
      if (e.kind === 'full') {
        const keys = msg('timeline.sync.keys', { n: e.keys }, e.keys)
        return { kind: 'sync', level: 'ok', words: msg('timeline.sync.full', { bytes: formatBytes(e.bytes), keys, duration: durationWords(e.ms) }) }
      }
      return {
        kind: 'sync',
        level: 'ok',
        words:
          e.bytes > 0
            ? msg('timeline.sync.partialBytes', { bytes: formatBytes(e.bytes), duration: durationWords(e.ms) })
            : msg('timeline.sync.partial', { duration: durationWords(e.ms) })
      }
    case 'served':
      return { kind: 'sync', level: 'ok', words: msg('timeline.sync.served', { replica: e.replica, bytes: formatBytes(e.bytes), offset: e.offset }) }
  }
  // Unreachable while the union is handled above; a newer lab's event still shows.
  return { kind: 'notice', level: 'info', words: JSON.stringify(e) }
}

export function describeReplicationEvent(e: ReplicationEvent): Described {
  const { kind, level, words } = describeReplicationWords(e)
  return { kind, level, text: render(words) }
}
