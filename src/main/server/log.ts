/**
 * Redis's log (server.c serverLogRaw): one line per message,
 * `PID:R DD Mon YYYY HH:MM:SS.mmm L message`, where R is the role (M master, S replica,
 * C child or not yet initialized, X sentinel) and L the level (. debug, - verbose,
 * * notice, # warning). Lines go to stdout, or are appended to a log file (opened and
 * closed per line like Redis does, so logrotate works). Writes are synchronous: a line
 * logged right before process.exit() must not be lost.
 */
import { appendFileSync, writeSync } from 'node:fs'

export type LogLevel = 'debug' | 'verbose' | 'notice' | 'warning'
export type LogRole = 'M' | 'S' | 'C' | 'X'

export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'verbose', 'notice', 'warning']
const LEVEL_CHARS = '.-*#'
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n)
}

/** `25 Nov 2026 07:05:00.123` in local time (strftime "%d %b %Y %H:%M:%S." + "%03d"). */
export function formatLogTime(d: Date): string {
  const ms = d.getMilliseconds()
  return (
    `${pad2(d.getDate())} ${MONTHS[d.getMonth()]} ${d.getFullYear()} ` +
    `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}.` +
    (ms < 10 ? `00${ms}` : ms < 100 ? `0${ms}` : String(ms))
  )
}

export interface ServerLogOptions {
  /** Log file path; '' (default) logs to stdout. */
  logfile?: string
  level?: LogLevel
  pid?: number
  role?: LogRole
}

export class ServerLog {
  logfile: string
  level: LogLevel
  role: LogRole
  readonly pid: number

  constructor(opts: ServerLogOptions = {}) {
    this.logfile = opts.logfile ?? ''
    this.level = opts.level ?? 'notice'
    this.pid = opts.pid ?? process.pid
    this.role = opts.role ?? 'C'
  }

  /** Whether a message at `level` passes the configured verbosity. */
  enabled(level: LogLevel): boolean {
    return LOG_LEVELS.indexOf(level) >= LOG_LEVELS.indexOf(this.level)
  }

  /** The formatted line (with its newline) for `msg`. */
  format(level: LogLevel, msg: string, now = new Date()): string {
    return `${this.pid}:${this.role} ${formatLogTime(now)} ${LEVEL_CHARS[LOG_LEVELS.indexOf(level)]} ${msg}\n`
  }

  log(level: LogLevel, msg: string): void {
    if (!this.enabled(level)) return
    this.write(this.format(level, msg))
  }

  debug(msg: string): void {
    this.log('debug', msg)
  }

  verbose(msg: string): void {
    this.log('verbose', msg)
  }

  notice(msg: string): void {
    this.log('notice', msg)
  }

  warning(msg: string): void {
    this.log('warning', msg)
  }

  /** Text written as is, without the line prefix (Redis's LL_RAW: the ASCII logo). */
  raw(level: LogLevel, text: string): void {
    if (!this.enabled(level)) return
    this.write(text)
  }

  /** A line as Redis's signal handler writes it: `PID:signal-handler (unixtime) msg`. */
  fromSignalHandler(level: LogLevel, msg: string): void {
    if (!this.enabled(level)) return
    this.write(`${this.pid}:signal-handler (${Math.floor(Date.now() / 1000)}) ${msg}\n`)
  }

  private write(text: string): void {
    try {
      if (this.logfile === '') writeSync(1, text)
      else appendFileSync(this.logfile, text)
    } catch {
      /* Redis ignores a log file it cannot open at log time */
    }
  }
}
