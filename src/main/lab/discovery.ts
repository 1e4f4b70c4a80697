/**
 * Topology discovery: from one server, follow INFO replication (a master's slaveN lines, a
 * replica's master_host/master_port) breadth-first until every server of the tree is known.
 * Pure walking; the lab says how to read a server and how to add one.
 */
import type { ReplicationInfo } from '../../shared/info-parse'
import { isLoopbackHost } from './lab-node'

export interface Address {
  host: string
  port: number
}

/** A tree larger than this is not a lab's: stop rather than add servers without end. */
export const MAX_DISCOVERED = 64

/** The servers a node names: its master and its replicas. */
export function neighbours(info: ReplicationInfo): Address[] {
  const out: Address[] = []
  if (info.master && info.master.host !== '' && info.master.port > 0) out.push({ host: info.master.host, port: info.master.port })
  for (const r of info.replicas) if (r.ip !== '' && r.port > 0) out.push({ host: r.ip, port: r.port })
  return out
}

/** Two names of one server: equal, or both loopback with the same port. */
export function sameAddress(a: Address, b: Address): boolean {
  return a.port === b.port && (a.host === b.host || (isLoopbackHost(a.host) && isLoopbackHost(b.host)))
}

export interface DiscoveryHooks {
  /** Reads a server the lab already holds, or null when it is not in the lab. */
  known(addr: Address): Promise<ReplicationInfo | null>
  /** Adds a new server to the lab and reads it; throws when it cannot be reached. */
  add(addr: Address): Promise<ReplicationInfo>
  /** A server named by the tree that could not be added. */
  skipped(addr: Address, why: string): void
}

/** Walks the tree from `start`; returns the addresses it added, in the order it added them. */
export async function discoverTree(start: Address, hooks: DiscoveryHooks): Promise<Address[]> {
  const seen: Address[] = [start]
  const queue: Address[] = [start]
  const added: Address[] = []
  while (queue.length) {
    const addr = queue.shift()!
    let info = await hooks.known(addr)
    if (!info) {
      if (added.length >= MAX_DISCOVERED) {
        hooks.skipped(addr, `more than ${MAX_DISCOVERED} servers found: discovery stopped here`)
        continue
      }
      try {
        info = await hooks.add(addr)
        added.push(addr)
      } catch (err) {
        hooks.skipped(addr, (err as Error).message)
        continue
      }
    }
    for (const next of neighbours(info)) {
      if (seen.some((s) => sameAddress(s, next))) continue
      seen.push(next)
      queue.push(next)
    }
  }
  return added
}
