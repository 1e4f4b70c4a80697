/**
 * "Cut link" on a replica whose link the lab does not route (a real redis-server, spawned or
 * external): CLIENT KILL TYPE master on the replica. The replica reconnects at once, so it is
 * a transient cut, never a partition, and the notice says so.
 */
import type { NodeReplication } from '../../shared/api'
import { bytesToText } from '../../shared/reply'
import type { LabNode } from './lab-node'

/** CLIENT KILL TYPE master on a replica: what "cut link" can do to a server the lab does not route. */
export async function killMasterLink(node: LabNode, replication: NodeReplication | undefined): Promise<number> {
  const address = `${node.host}:${node.port}`
  if (node.status !== 'running') throw new Error(`Node ${address} is ${node.status}`)
  if (!replication?.master) throw new Error(`Node ${address} is a master: only a replica has a link to its master`)
  const reply = await node.consoleSession('control').execute(['CLIENT', 'KILL', 'TYPE', 'master'])
  if (reply.type === 'error') throw new Error(`CLIENT KILL TYPE master refused by ${address}: ${bytesToText(reply.value)}`)
  return reply.type === 'integer' ? Number(reply.value) : 0
}

export function transientCutNotice(address: string): string {
  return (
    `Cut ${address}'s link with CLIENT KILL TYPE master: a transient cut, not a partition. ` +
    'The lab does not sit between this replica and its master, so the replica reconnects at once (usually with a partial resync).'
  )
}
