/**
 * Which "replicate from" requests make sense, decided before anything is sent.
 *
 * Redis itself answers `OK` to `REPLICAOF <its own address>` and happily builds a
 * cycle (A from B, B from A) that then never syncs; the lab refuses both with a reason.
 */

/** host:port */
export type Address = string

/**
 * Why `replica` must not replicate from `master`, or null when it may.
 * `masterOf` maps each replica's address to the address of the master it follows.
 */
export function replicateRefusal(replica: Address, master: Address, masterOf: ReadonlyMap<Address, Address>): string | null {
  if (replica === master) return `${replica} cannot replicate from itself.`
  // Walk up from the would-be master: meeting the replica means the new link closes a loop.
  const seen = new Set<Address>()
  const chain: Address[] = [master]
  for (let at = masterOf.get(master); at !== undefined && !seen.has(at); at = masterOf.get(at)) {
    seen.add(at)
    chain.push(at)
    if (at === replica) {
      return `${master} replicates from ${replica} (${chain.join(' → ')}): replicating ${replica} from it would make a loop.`
    }
  }
  return null
}
