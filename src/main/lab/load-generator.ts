/**
 * The write generator: writes at a target rate to one node over its own connection (a lab
 * session named "load"), so what it does shows in the graph, the offsets and the digests
 * exactly as a client's writes would.
 *
 * Pacing is per tick: each tick sends the writes that fell due since the start, pipelined
 * (sent without waiting for replies), and never lets more than a bounded number wait for
 * replies, so a slow server slows the generator instead of piling up memory. The ticks
 * yield the event loop between them, so embedded servers in this process keep running.
 */
import type { LoadParams, LoadStatus, LoadType } from '../../shared/api'
import { LOAD_TYPES } from '../../shared/api'
import { bytesToText, type Reply } from '../../shared/reply'
import type { LabSession } from './lab-node'

export const LOAD_SESSION = 'load'
const TICK_MS = 20
/** A list key keeps its newest LIST_LENGTH elements (LTRIM), so lists do not grow without end. */
const LIST_LENGTH = 100
/** Members per hash/set/zset key: the key space stays bounded whatever the run time. */
const FIELDS = 50
/** Writes waiting for replies at most: half a second at the target rate, at least a few hundred. */
const MIN_IN_FLIGHT = 256

export interface LoadGeneratorOptions {
  session: LabSession
  address: string
  onStatus(status: LoadStatus): void
  /** Called once when it stops, whatever the reason (the lab forgets it then). */
  onStopped(status: LoadStatus): void
}

type Settings = Required<Pick<LoadParams, 'opsPerSec' | 'keys' | 'prefix' | 'types'>> & { ttlSeconds?: number }

export class LoadGenerator {
  private settings: Settings
  private timer: NodeJS.Timeout | null = null
  private reportTimer: NodeJS.Timeout | null = null
  private running = false
  private startedAt = Date.now()
  private sent = 0
  private inFlight = 0
  private totalOps = 0
  private errors = 0
  private lastError: string | undefined
  private stoppedReason: string | undefined
  private repliesThisSecond = 0
  private achieved = 0
  private keyCursor = 0
  private seq = 0

  constructor(
    readonly nodeId: string,
    params: LoadParams,
    private readonly opts: LoadGeneratorOptions
  ) {
    this.settings = settingsOf(params)
  }

  start(): LoadStatus {
    this.running = true
    this.startedAt = Date.now()
    this.sent = 0
    this.timer = setInterval(() => this.tick(), TICK_MS)
    this.reportTimer = setInterval(() => this.report(), 1000)
    return this.status()
  }

  /** New rate, keys or mix for a running generator: the pace restarts from now. */
  update(params: LoadParams): LoadStatus {
    this.settings = settingsOf(params)
    this.startedAt = Date.now()
    this.sent = 0
    return this.status()
  }

  stop(reason?: string): LoadStatus {
    if (!this.running) return this.status()
    this.running = false
    if (reason) this.stoppedReason = reason
    if (this.timer) clearInterval(this.timer)
    if (this.reportTimer) clearInterval(this.reportTimer)
    this.timer = this.reportTimer = null
    this.achieved = 0
    const status = this.status()
    this.opts.onStopped(status)
    return status
  }

  get isRunning(): boolean {
    return this.running
  }

  status(): LoadStatus {
    const s = this.settings
    return {
      nodeId: this.nodeId,
      running: this.running,
      opsPerSec: s.opsPerSec,
      keys: s.keys,
      prefix: s.prefix,
      types: [...s.types],
      ...(s.ttlSeconds !== undefined ? { ttlSeconds: s.ttlSeconds } : {}),
      achievedOpsPerSec: this.achieved,
      totalOps: this.totalOps,
      errors: this.errors,
      ...(this.lastError !== undefined ? { lastError: this.lastError } : {}),
      ...(this.stoppedReason !== undefined ? { stoppedReason: this.stoppedReason } : {}),
      startedAt: this.startedAt
    }
  }

  private report(): void {
    this.achieved = this.repliesThisSecond
    this.repliesThisSecond = 0
    if (this.running) this.opts.onStatus(this.status())
  }

  private tick(): void {
    if (!this.running) return
    const { opsPerSec } = this.settings
    const due = Math.floor(((Date.now() - this.startedAt) * opsPerSec) / 1000) - this.sent
    const maxInFlight = Math.max(MIN_IN_FLIGHT, Math.ceil(opsPerSec / 2))
    const n = Math.min(due, maxInFlight - this.inFlight)
    if (due > opsPerSec) {
      // Behind by more than a second (a slow server): forget the backlog rather than burst.
      this.sent += due - Math.max(n, 0)
    }
    for (let i = 0; i < n; i++) this.sendOne()
  }

  private sendOne(): void {
    const commands = this.nextCommands()
    this.sent++
    this.inFlight++
    const last = commands.length - 1
    commands.forEach((args, i) => {
      this.opts.session.execute(args).then(
        (reply) => {
          if (i === last) this.done()
          this.onReply(reply)
        },
        (err: Error) => {
          if (i === last) this.done()
          this.fail(`${this.opts.address}: ${err.message}`)
        }
      )
    })
  }

  private done(): void {
    this.inFlight--
    this.totalOps++
    this.repliesThisSecond++
  }

  private onReply(reply: Reply): void {
    if (reply.type !== 'error') return
    const message = bytesToText(reply.value)
    // READONLY (a replica), NOAUTH/NOPERM, OOM, LOADING: every next write would get the same.
    this.fail(`${this.opts.address} answered: ${message}`)
  }

  private fail(message: string): void {
    this.errors++
    this.lastError = message
    if (this.running) this.stop(message)
  }

  /** One op: a command, or LPUSH then LTRIM for lists. Key i always holds the same type (no WRONGTYPE). */
  private nextCommands(): string[][] {
    const { keys, prefix, types, ttlSeconds } = this.settings
    const i = this.keyCursor
    this.keyCursor = (this.keyCursor + 1) % keys
    const type = types[i % types.length]!
    const key = `${prefix}${type}:${i}`
    const n = ++this.seq
    const member = `m${n % FIELDS}`
    switch (type) {
      case 'string':
        return [ttlSeconds ? ['SET', key, `v${n}`, 'EX', String(ttlSeconds)] : ['SET', key, `v${n}`]]
      case 'counter':
        return [['INCR', key]]
      case 'list':
        return [['LPUSH', key, `v${n}`], ['LTRIM', key, '0', String(LIST_LENGTH - 1)]]
      case 'hash':
        return [['HSET', key, member, `v${n}`]]
      case 'set':
        return [['SADD', key, member]]
      case 'zset':
        return [['ZADD', key, String(n % 1000), member]]
    }
  }
}

function settingsOf(p: LoadParams): Settings {
  const types = p.types?.length ? [...new Set(p.types)] : [...LOAD_TYPES]
  return {
    opsPerSec: p.opsPerSec,
    keys: p.keys,
    prefix: p.prefix ?? 'load:',
    types: types as LoadType[],
    ...(p.ttlSeconds !== undefined ? { ttlSeconds: p.ttlSeconds } : {})
  }
}
