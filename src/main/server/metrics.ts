/**
 * Per-server sampled statistics for INFO: the instantaneous_* rates (Redis's
 * trackInstantaneousMetric, sampled every 100 ms over the last 16 samples), the read/write
 * event counters (total_reads_processed / total_writes_processed) and the recent peaks of
 * client buffers (client_recent_max_input_buffer / _output_buffer, clientsCronTrackExpansiveClients:
 * the largest seen in each of the last 8 seconds).
 *
 * The sampler is a 100 ms timer of its own, started by the first client of a listening
 * server and stopped once the server stops listening: it needs nothing from the server's
 * cron, and an idle process keeps no timer alive (unref).
 */
import type { Client } from './client'
import type { RedisServer } from './node'

const STATS_METRIC_SAMPLES = 16
const SAMPLE_PERIOD_MS = 100
/** CLIENTS_PEAK_MEM_USAGE_SLOTS. */
const PEAK_SLOTS = 8

/** One trackInstantaneousMetric series. */
class InstantaneousMetric {
  private readonly samples = new Array<number>(STATS_METRIC_SAMPLES).fill(0)
  private idx = 0
  private lastTime: number
  private lastCount: number

  constructor(now: number, count: number) {
    this.lastTime = now
    this.lastCount = count
  }

  track(now: number, reading: number): void {
    const t = now - this.lastTime
    const ops = reading - this.lastCount
    this.samples[this.idx] = t > 0 ? Math.trunc((ops * 1000) / t) : 0
    this.idx = (this.idx + 1) % STATS_METRIC_SAMPLES
    this.lastTime = now
    this.lastCount = reading
  }

  /** getInstantaneousMetric: the mean of the samples (integer division, as Redis's long long). */
  get value(): number {
    let sum = 0
    for (const s of this.samples) sum += s
    return Math.trunc(sum / STATS_METRIC_SAMPLES)
  }
}

export class ServerMetrics {
  /** total_reads_processed: read events (socket 'data' chunks) of every client. */
  readsProcessed = 0
  /** total_writes_processed: writes of reply data to client sockets. */
  writesProcessed = 0
  /**
   * total_net_repl_input_bytes / total_net_repl_output_bytes: bytes of the replication
   * stream read from our master / written to our replicas (the replication side adds them).
   */
  replInputBytes = 0
  replOutputBytes = 0
  /** sync_full / sync_partial_ok / sync_partial_err: replicas' syncs served (the master side adds them). */
  syncFull = 0
  syncPartialOk = 0
  syncPartialErr = 0
  ops: InstantaneousMetric
  /** Like Redis 7.0, the network rates include the replication traffic. */
  netInput: InstantaneousMetric
  netOutput: InstantaneousMetric
  replInput: InstantaneousMetric
  replOutput: InstantaneousMetric
  private readonly peakIn = new Array<number>(PEAK_SLOTS).fill(0)
  private readonly peakOut = new Array<number>(PEAK_SLOTS).fill(0)
  private peakSecond = -1
  private timer: ReturnType<typeof setInterval> | null = null

  constructor(private readonly server: RedisServer) {
    const now = Date.now()
    const st = server.stats
    this.ops = new InstantaneousMetric(now, st.totalCommandsProcessed)
    this.netInput = new InstantaneousMetric(now, st.netInputBytes)
    this.netOutput = new InstantaneousMetric(now, st.netOutputBytes)
    this.replInput = new InstantaneousMetric(now, 0)
    this.replOutput = new InstantaneousMetric(now, 0)
  }

  /**
   * CONFIG RESETSTAT's part (resetServerStats): read/write counts to 0, the rates restart
   * from the current counters (call it after the server's counters were zeroed).
   */
  reset(now = Date.now()): void {
    this.readsProcessed = 0
    this.writesProcessed = 0
    this.replInputBytes = 0
    this.replOutputBytes = 0
    this.syncFull = this.syncPartialOk = this.syncPartialErr = 0
    const st = this.server.stats
    this.ops = new InstantaneousMetric(now, st.totalCommandsProcessed)
    this.netInput = new InstantaneousMetric(now, st.netInputBytes)
    this.netOutput = new InstantaneousMetric(now, st.netOutputBytes)
    this.replInput = new InstantaneousMetric(now, 0)
    this.replOutput = new InstantaneousMetric(now, 0)
  }

  /** Starts sampling if the server listens and no sampler runs. */
  ensureRunning(): void {
    if (this.timer !== null || !this.server.listening) return
    this.timer = setInterval(() => this.sample(), SAMPLE_PERIOD_MS)
    this.timer.unref()
  }

  /** One 100 ms step of serverCron's run_with_period(100) + clientsCron's peak tracking. */
  sample(now = Date.now()): void {
    const server = this.server
    if (!server.listening) {
      if (this.timer !== null) clearInterval(this.timer)
      this.timer = null
      return
    }
    const st = server.stats
    this.ops.track(now, st.totalCommandsProcessed)
    this.netInput.track(now, st.netInputBytes + this.replInputBytes)
    this.netOutput.track(now, st.netOutputBytes + this.replOutputBytes)
    this.replInput.track(now, this.replInputBytes)
    this.replOutput.track(now, this.replOutputBytes)
    this.trackPeaks(now)
  }

  private trackPeaks(now: number): void {
    const second = Math.floor(now / 1000)
    const slot = second % PEAK_SLOTS
    if (second !== this.peakSecond) {
      // Slots of the seconds skipped since the last sample are stale.
      const gap = this.peakSecond < 0 ? PEAK_SLOTS : Math.min(PEAK_SLOTS, second - this.peakSecond)
      for (let i = 0; i < gap; i++) {
        const s = (slot - i + PEAK_SLOTS) % PEAK_SLOTS
        this.peakIn[s] = 0
        this.peakOut[s] = 0
      }
      this.peakSecond = second
    }
    for (const c of this.server.clients.values()) {
      const qbuf = c.parser.pending
      if (qbuf > this.peakIn[slot]!) this.peakIn[slot] = qbuf
      const omem = outputBufferBytes(c)
      if (omem > this.peakOut[slot]!) this.peakOut[slot] = omem
    }
  }

  /** client_recent_max_input_buffer / client_recent_max_output_buffer. */
  recentMaxBuffers(): { input: number; output: number } {
    return { input: Math.max(...this.peakIn), output: Math.max(...this.peakOut) }
  }
}

/** getClientOutputBufferMemoryUsage: replies not yet handed to the kernel. */
export function outputBufferBytes(c: Client): number {
  return c.reply.pending + c.socket.writableLength
}

const byServer = new WeakMap<RedisServer, ServerMetrics>()

/** The metrics of a server (created on first use). */
export function serverMetrics(server: RedisServer): ServerMetrics {
  let m = byServer.get(server)
  if (m === undefined) {
    m = new ServerMetrics(server)
    byServer.set(server, m)
  }
  return m
}
