/**
 * The consistency check: are a master's replicas copies of it? DEBUG DIGEST hashes a whole
 * data set, so equal digests at equal offsets mean equal data. When they differ, the keys
 * of database 0 are compared one by one (SCAN, then DEBUG DIGEST-VALUE per key), bounded,
 * to say by how many keys and which.
 *
 * A replica behind its master is catching up, not diverged: digests are compared only
 * when the replica has applied exactly the master's offset at the time of the master's
 * digest; while writes keep flowing the check retries until a short deadline, then
 * reports the lag.
 */
import type { ConsistencyReport, KeyDiff, ReplicaConsistency } from '../../shared/api'
import { parseReplicationInfo, type ReplicationInfo } from '../../shared/info-parse'
import { bytesToText, type Reply } from '../../shared/reply'
import type { Address } from './discovery'
import type { LabNode, LabSession } from './lab-node'

export const CONSISTENCY_SESSION = 'consistency'
const MAX_COMPARED_KEYS = 100_000
const EXAMPLES = 5
const SCAN_COUNT = 1000
/** Pipelined DIGEST-VALUE keys per request. */
const DIGEST_BATCH = 500

export interface ConsistencyOptions {
  /** How long replicas may take to reach the master's offset. */
  waitMs?: number
  maxKeys?: number
}

class CheckError extends Error {}

/**
 * @param followers lab nodes that say they replicate from `master`: a replica whose link is
 *   down is missing from the master's INFO, yet it is the one most likely behind.
 */
export async function checkConsistency(
  master: LabNode,
  findNode: (addr: Address) => LabNode | undefined,
  followers: LabNode[] = [],
  opts: ConsistencyOptions = {}
): Promise<ConsistencyReport> {
  const deadline = Date.now() + (opts.waitMs ?? 5000)
  const maxKeys = opts.maxKeys ?? MAX_COMPARED_KEYS
  const address = `${master.host}:${master.port}`
  const sessions: LabNode[] = [master]
  const m = master.consoleSession(CONSISTENCY_SESSION)
  try {
    const info = await replication(m, address)
    if (info.role !== 'master') {
      throw new CheckError(`${address} is a replica: check consistency from the master it follows (${info.master?.host}:${info.master?.port})`)
    }
    const replicas = info.replicas.map((r) => {
      const addr = { host: r.ip, port: r.port }
      const node = findNode(addr)
      if (node && !sessions.includes(node)) sessions.push(node)
      return { addr, label: `${r.ip}:${r.port}`, node }
    })
    for (const node of followers) {
      if (sessions.includes(node) || node === master) continue
      sessions.push(node)
      replicas.push({ addr: { host: node.host, port: node.port }, label: `${node.host}:${node.port}`, node })
    }
    for (;;) {
      const [digest, offset] = await digestAtStableOffset(m, address)
      const results: ReplicaConsistency[] = []
      let retry = false
      for (const r of replicas) {
        if (!r.node) {
          results.push({ address: r.label, state: 'not-in-lab', error: 'not a node of this lab: add it (Connect or Discover) to compare it' })
          continue
        }
        const result = await compareReplica(r.node, r.label, m, digest, offset, deadline, maxKeys)
        if (result.state === 'catching-up' && Date.now() < deadline) retry = true
        results.push(result)
      }
      if (retry) {
        await sleep(100)
        continue
      }
      return {
        masterId: master.id,
        address,
        at: Date.now(),
        offset,
        digest,
        // Replicas outside the lab are listed but not judged: nothing was compared.
        inSync: results.every((r) => r.state === 'in-sync' || r.state === 'not-in-lab'),
        replicas: results
      }
    }
  } finally {
    for (const n of sessions) n.closeSession(CONSISTENCY_SESSION)
  }
}

/** The master's digest and the offset it belongs to (read before and after: equal, or try again). */
async function digestAtStableOffset(s: LabSession, where: string): Promise<[string, number]> {
  for (let i = 0; ; i++) {
    const before = (await replication(s, where)).offset
    const digest = await debugDigest(s, where)
    const after = (await replication(s, where)).offset
    // Under a steady load the offset always moves: after a few tries take it as it is.
    if (before === after || i >= 20) return [digest, after]
  }
}

async function compareReplica(
  node: LabNode,
  label: string,
  master: LabSession,
  masterDigest: string,
  masterOffset: number,
  deadline: number,
  maxKeys: number
): Promise<ReplicaConsistency> {
  const s = node.consoleSession(CONSISTENCY_SESSION)
  const base = { address: label, id: node.id }
  try {
    let link = await replicaLink(s, label)
    while (link.offset < masterOffset && Date.now() < deadline) {
      await sleep(50)
      link = await replicaLink(s, label)
    }
    const { offset, linkUp } = link
    if (offset !== masterOffset) {
      return { ...base, offset, lagBytes: masterOffset - offset, linkUp, state: 'catching-up' }
    }
    const digest = await debugDigest(s, label)
    const after = (await replicaLink(s, label)).offset
    if (after !== masterOffset) return { ...base, offset: after, lagBytes: masterOffset - after, linkUp, state: 'catching-up' }
    if (digest === masterDigest) return { ...base, offset, lagBytes: 0, linkUp, digest, state: 'in-sync' }
    const diff = await compareKeys(master, s, label, maxKeys)
    return { ...base, offset, lagBytes: 0, linkUp, digest, state: 'diverged', diff }
  } catch (err) {
    if (err instanceof CheckError && /DEBUG/.test(err.message)) throw err
    return { ...base, state: 'error', error: (err as Error).message }
  }
}

/** Key-by-key comparison of database 0: SCAN both sides, then DIGEST-VALUE the keys both have. */
async function compareKeys(master: LabSession, replica: LabSession, label: string, maxKeys: number): Promise<KeyDiff> {
  const [mk, rk] = await Promise.all([scanKeys(master, 'master', maxKeys), scanKeys(replica, label, maxKeys)])
  const truncated = mk.truncated || rk.truncated
  const missing: string[] = []
  const both: string[] = []
  for (const k of mk.keys) (rk.keys.has(k) ? both : missing).push(k)
  const extra = [...rk.keys].filter((k) => !mk.keys.has(k))
  const different: string[] = []
  for (let i = 0; i < both.length; i += DIGEST_BATCH) {
    const batch = both.slice(i, i + DIGEST_BATCH)
    const [a, b] = await Promise.all([digestValues(master, 'master', batch), digestValues(replica, label, batch)])
    batch.forEach((k, j) => a[j] !== b[j] && different.push(k))
  }
  const show = (keys: string[]): string[] => keys.slice(0, EXAMPLES).map(bytesToText)
  return {
    missing: missing.length,
    extra: extra.length,
    different: different.length,
    examples: { missing: show(missing), extra: show(extra), different: show(different) },
    compared: Math.max(mk.keys.size, rk.keys.size),
    truncated
  }
}

async function scanKeys(s: LabSession, where: string, max: number): Promise<{ keys: Set<string>; truncated: boolean }> {
  const keys = new Set<string>()
  let cursor = '0'
  do {
    const reply = await s.execute(['SCAN', cursor, 'COUNT', String(SCAN_COUNT)])
    if (reply.type === 'error') throw new Error(`SCAN refused by ${where}: ${bytesToText(reply.value)}`)
    if (reply.type !== 'array' || !reply.value || reply.value.length !== 2) throw new Error(`SCAN on ${where} answered a ${reply.type} reply`)
    const [c, list] = reply.value
    cursor = c?.type === 'bulk' && c.value !== null ? c.value : '0'
    for (const k of list?.type === 'array' && list.value ? list.value : []) {
      if (k.type === 'bulk' && k.value !== null) keys.add(k.value)
      if (keys.size >= max) return { keys, truncated: true }
    }
  } while (cursor !== '0')
  return { keys, truncated: false }
}

async function digestValues(s: LabSession, where: string, keys: string[]): Promise<string[]> {
  const reply = await s.execute(['DEBUG', 'DIGEST-VALUE', ...keys])
  if (reply.type === 'error') throw new CheckError(`DEBUG refused by ${where}: ${bytesToText(reply.value)}`)
  if (reply.type !== 'array' || !reply.value) throw new Error(`DEBUG DIGEST-VALUE on ${where} answered a ${reply.type} reply`)
  return reply.value.map((r) => (r.type === 'status' || r.type === 'bulk' ? String(r.value) : ''))
}

async function debugDigest(s: LabSession, where: string): Promise<string> {
  const reply = await s.execute(['DEBUG', 'DIGEST'])
  if (reply.type === 'error') {
    throw new CheckError(
      `DEBUG refused by ${where}: ${bytesToText(reply.value)} (the check needs DEBUG DIGEST: enable-debug-command yes or local on that server)`
    )
  }
  if ((reply.type === 'status' || reply.type === 'bulk') && reply.value) return reply.value
  throw new Error(`DEBUG DIGEST on ${where} answered a ${reply.type} reply`)
}

async function replication(s: LabSession, where: string): Promise<ReplicationInfo> {
  const info = parseReplicationInfo(text(await s.execute(['INFO', 'replication']), 'INFO replication', where))
  if (!info) throw new Error(`INFO replication on ${where} has no role`)
  return info
}

async function replicaLink(s: LabSession, where: string): Promise<{ offset: number; linkUp: boolean }> {
  const info = await replication(s, where)
  if (info.role !== 'replica' || !info.master) throw new Error(`${where} is no longer a replica`)
  return { offset: info.master.offset, linkUp: info.master.linkUp }
}

function text(reply: Reply, command: string, where: string): string {
  if (reply.type === 'bulk' && reply.value !== null) return reply.value
  if (reply.type === 'verbatim') return reply.value
  if (reply.type === 'error') throw new Error(`${command} refused by ${where}: ${bytesToText(reply.value)}`)
  throw new Error(`${command} on ${where} answered a ${reply.type} reply`)
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms))
}
