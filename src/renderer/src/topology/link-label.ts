import { t } from '../i18n'
import type { ReplicationLink } from '../stores/replication'
import { formatBytes } from './format'

/** A link in words, as its edge and the links panel show it: state, lag, added latency. */
export function linkLabel(l: ReplicationLink): string {
  const state = t(`topology.link.states.${l.state}`)
  const parts: string[] = l.cut ? [t('topology.link.states.cut'), state] : [state]
  if (l.state === 'up') {
    if (l.lagBytes !== null) parts.push(t('topology.link.lag', { bytes: formatBytes(l.lagBytes) }))
    if (l.lagSeconds !== null) parts.push(t('topology.link.seconds', { n: l.lagSeconds }))
  }
  if (l.latencyMs > 0) parts.push(t('topology.link.latency', { n: l.latencyMs }))
  return parts.join(' · ')
}
