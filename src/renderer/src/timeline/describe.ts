/** How the timeline words each replication happening (one line, plain text). */
import type { ReplicationEvent } from '@shared/replication-events'
import { formatBytes } from '../topology/format'

export type TimelineKind = 'role' | 'link' | 'step' | 'sync' | 'status' | 'fault' | 'notice'
export type TimelineLevel = 'info' | 'ok' | 'warning' | 'error'

export interface Described {
  kind: TimelineKind
  level: TimelineLevel
  text: string
}

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`
}

export function describeReplicationEvent(e: ReplicationEvent): Described {
  switch (e.type) {
    case 'role':
      return e.role === 'replica'
        ? { kind: 'role', level: 'info', text: `became a replica of ${e.master ?? 'a master'}` }
        : { kind: 'role', level: 'info', text: 'became a master' }
    case 'link':
      switch (e.state) {
        case 'connecting':
          return { kind: 'link', level: 'info', text: 'link connecting to its master' }
        case 'handshake':
          return { kind: 'link', level: 'info', text: 'link handshake' }
        case 'sync':
          return { kind: 'link', level: 'info', text: 'link syncing' }
        case 'connected':
          return { kind: 'link', level: 'ok', text: 'link up' }
        case 'down':
          return { kind: 'link', level: 'error', text: e.reason ? `link down: ${e.reason}` : 'link down' }
      }
      break
    case 'step':
      return { kind: 'step', level: e.level === 'warning' ? 'warning' : 'info', text: e.message }
    case 'sync':
      if (e.kind === 'full') {
        const keys = `${e.keys} ${e.keys === 1 ? 'key' : 'keys'}`
        return { kind: 'sync', level: 'ok', text: `full sync: ${formatBytes(e.bytes)} RDB, ${keys}, ${formatDuration(e.ms)}` }
      }
      return {
        kind: 'sync',
        level: 'ok',
        text: `partial sync: ${e.bytes > 0 ? `${formatBytes(e.bytes)} from the backlog, ` : ''}${formatDuration(e.ms)}`
      }
  }
  // Unreachable while the union is handled above; a newer lab's event still shows.
  return { kind: 'notice', level: 'info', text: JSON.stringify(e) }
}
