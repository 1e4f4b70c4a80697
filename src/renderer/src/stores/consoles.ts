/**
 * Console sessions, one per node: a redis-cli-like transcript (prompt + echoed command,
 * then the reply exactly as redis-cli prints it), and that node's command history.
 * Sessions outlive their panel: closing and reopening a console keeps its transcript.
 */
import { markRaw, ref, shallowRef, watch } from 'vue'
import { defineStore } from 'pinia'
import { splitArgs } from '@shared/cli-args'
import {
  cliOutput,
  errorLine,
  formatPrompt,
  initialPromptState,
  nextPromptState,
  parseRepeat,
  type PromptState
} from '@shared/cli-format'
import { bytesToText } from '@shared/reply'
import { helpFor, parseCommandDocs, type CommandHelp } from '@shared/command-help'
import type { Reply } from '@shared/reply'
import { remoteDanger } from '@shared/remote-safety'
import { useLabStore } from './lab'
import { useOperationsStore } from './operations'

/** A command line as echoed after its prompt, or what was printed for it. */
export type ConsoleLine = { kind: 'command'; prompt: string; text: string } | { kind: 'output'; text: string; error: boolean }
export type ConsoleEntry = ConsoleLine & { id: number }

export interface ConsoleSession {
  entries: ConsoleEntry[]
  history: string[]
  /** Position while walking the history; history.length = the line being typed. */
  cursor: number
  /** What was typed before walking up the history. */
  draft: string
  prompt: PromptState
  /** Set while a MONITOR or SUBSCRIBE streams into this console (until Stop / Ctrl+C). */
  streaming: Streaming | null
}

export interface Streaming {
  kind: 'monitor' | 'subscribe'
  /** When the command was sent: redis-cli prints the elapsed time once Ctrl+C ends it. */
  startedAt: number
}

/**
 * The Lab API session of a node's console: a connection of its own, so what the GUI's
 * actions send (on the default session) never lands on a console that is streaming.
 */
export const CONSOLE_SESSION = 'cli'

/** redis-cli prints how long a command took when it took half a second or more. */
export function elapsedLine(ms: number): string | null {
  return ms >= 500 ? `(${(ms / 1000).toFixed(2)}s)` : null
}

/** Whether a reply puts the connection in push mode, as it does redis-cli's read loop. */
export function streamingKind(args: readonly string[], reply: Reply, inMulti: boolean): Streaming['kind'] | null {
  if (inMulti || reply.type === 'error') return null
  const cmd = (args[0] ?? '').toLowerCase()
  if (cmd === 'monitor') return reply.type === 'status' ? 'monitor' : null
  if (cmd !== 'subscribe' && cmd !== 'psubscribe' && cmd !== 'ssubscribe') return null
  const first = (reply.type === 'array' || reply.type === 'push') && reply.value ? reply.value[0] : undefined
  return first && first.type === 'bulk' && first.value?.toLowerCase() === cmd ? 'subscribe' : null
}

/** linenoise's default history length. */
export const HISTORY_MAX = 100
/** Transcript entries kept per console (older ones scroll away for good). */
export const ENTRIES_MAX = 2000

/** Lines that carry passwords are kept out of the history, as redis-cli does. */
function isSecret(args: string[] | null): boolean {
  if (!args || args.length === 0) return false
  const lower = args.map((a) => a.toLowerCase())
  const start = parseRepeat(args)?.args.length === args.length - 1 ? 1 : 0
  const cmd = lower[start]
  if (cmd === 'auth') return true
  if (cmd === 'acl' && lower[start + 1] === 'setuser') return true
  if ((cmd === 'hello' || cmd === 'migrate') && lower.includes('auth')) return true
  if (cmd === 'config' && lower[start + 1] === 'set' && lower.slice(start + 2).some((a) => a === 'masterauth' || a === 'requirepass')) return true
  return false
}

const HISTORY_KEY = 'replication-lab:history:'

/** The node's saved history (survives reloads and restarts of the app). */
function loadHistory(nodeId: string): string[] {
  try {
    const raw = globalThis.localStorage?.getItem(HISTORY_KEY + nodeId)
    const list: unknown = raw ? JSON.parse(raw) : []
    return Array.isArray(list) ? list.filter((l): l is string => typeof l === 'string').slice(-HISTORY_MAX) : []
  } catch {
    return []
  }
}

function saveHistory(nodeId: string, history: string[]): void {
  try {
    globalThis.localStorage?.setItem(HISTORY_KEY + nodeId, JSON.stringify(history))
  } catch {
    // Storage full or unavailable: history stays in memory for this run.
  }
}

/** How a formatted reply goes on screen: UTF-8 decoded, CRLF as LF, no final newline. */
function display(bytes: string): string {
  return bytesToText(bytes).replace(/\r\n/g, '\n').replace(/\n$/, '')
}

export const useConsolesStore = defineStore('consoles', () => {
  const lab = useLabStore()
  const ops = useOperationsStore()
  const sessions = ref<Record<string, ConsoleSession>>({})
  /** Node ids of the open console panels, left to right. */
  const openIds = ref<string[]>([])
  const queues = new Map<string, Promise<void>>()
  /** Per node: help built from that node's own COMMAND DOCS (so it shows what it supports). */
  const help = shallowRef<Record<string, Map<string, CommandHelp>>>({})
  const helpLoading = new Map<string, Promise<Map<string, CommandHelp> | null>>()
  /** Nodes whose console waits for a reply, and pushes that arrived before it. */
  const awaitingReply = new Set<string>()
  const earlyPushes = new Map<string, Reply[]>()
  let entrySeq = 0

  function session(nodeId: string): ConsoleSession {
    let s = sessions.value[nodeId]
    if (!s) {
      const history = loadHistory(nodeId)
      // A new console starts on a fresh connection, as a new redis-cli does: one left
      // subscribed or monitoring by an earlier page (a reload mid-stream) would misread replies.
      queues.set(
        nodeId,
        lab.closeSession(nodeId, CONSOLE_SESSION).catch(() => undefined)
      )
      sessions.value[nodeId] = { entries: [], history, cursor: history.length, draft: '', prompt: initialPromptState(), streaming: null }
      s = sessions.value[nodeId]!
    }
    return s
  }

  function entries(nodeId: string): ConsoleEntry[] {
    return sessions.value[nodeId]?.entries ?? []
  }

  function prompt(nodeId: string): string {
    const node = lab.node(nodeId)
    if (!node) return 'not connected> '
    return formatPrompt(node.host, node.port, sessions.value[nodeId]?.prompt)
  }

  function isOpen(nodeId: string): boolean {
    return openIds.value.includes(nodeId)
  }

  function open(nodeId: string): void {
    session(nodeId)
    if (!isOpen(nodeId)) openIds.value.push(nodeId)
  }

  function close(nodeId: string): void {
    if (sessions.value[nodeId]?.streaming) void stop(nodeId)
    openIds.value = openIds.value.filter((id) => id !== nodeId)
  }

  /** The transcript as plain text, as it would look in a terminal (for copying). */
  function transcript(nodeId: string): string {
    return entries(nodeId)
      .map((e) => (e.kind === 'command' ? e.prompt + e.text : e.text))
      .join('\n')
  }

  function clear(nodeId: string): void {
    session(nodeId).entries = []
  }

  function push(s: ConsoleSession, ...lines: ConsoleLine[]): void {
    s.entries.push(...lines.map((entry) => ({ ...entry, id: ++entrySeq })))
    if (s.entries.length > ENTRIES_MAX) s.entries.splice(0, s.entries.length - ENTRIES_MAX)
  }

  function remember(nodeId: string, s: ConsoleSession, line: string): void {
    if (s.history[s.history.length - 1] !== line) s.history.push(line)
    if (s.history.length > HISTORY_MAX) s.history.splice(0, s.history.length - HISTORY_MAX)
    saveHistory(nodeId, s.history)
    s.cursor = s.history.length
    s.draft = ''
  }

  /** Up arrow: the previous history line, or null when there is none. */
  function historyUp(nodeId: string, current: string): string | null {
    const s = session(nodeId)
    if (s.cursor <= 0) return null
    if (s.cursor >= s.history.length) {
      s.draft = current
      s.cursor = s.history.length
    }
    s.cursor--
    return s.history[s.cursor] ?? null
  }

  /** Down arrow: the next history line, the draft past the newest one, or null. */
  function historyDown(nodeId: string): string | null {
    const s = session(nodeId)
    if (s.cursor >= s.history.length) return null
    s.cursor++
    return s.cursor === s.history.length ? s.draft : (s.history[s.cursor] ?? null)
  }

  async function perform(nodeId: string, line: string, args: string[] | null): Promise<void> {
    const s = session(nodeId)
    const echo = (): void => push(s, { kind: 'command', prompt: prompt(nodeId), text: line })
    const fail = (text: string): void => push(s, { kind: 'output', text, error: true })
    if (args === null) {
      echo()
      fail(errorLine({ kind: 'invalid-arguments' }))
      return
    }
    const repeated = parseRepeat(args)
    if (repeated === null) {
      echo()
      fail(errorLine({ kind: 'invalid-repeat' }))
      return
    }
    const first = args[0]!.toLowerCase()
    if (first === 'help') {
      echo()
      const table = await loadHelp(nodeId)
      const text = table ? helpFor(args.slice(1).join(' '), table) : null
      if (text) push(s, { kind: 'output', text, error: false })
      return
    }
    if (first === 'quit' || first === 'exit') {
      close(nodeId)
      return
    }
    if (args.length === 1 && first === 'clear') {
      s.entries = []
      return
    }
    echo()
    // FLUSHALL, SHUTDOWN, REPLICAOF… typed at a server on another machine ask first, naming it.
    const node = lab.node(nodeId)
    if (node && remoteDanger(node, repeated.args) && !(await ops.confirmRemote(node, repeated.args))) {
      push(s, { kind: 'output', text: `(cancelled: not sent to ${node.host}:${node.port})`, error: false })
      return
    }
    const started = Date.now()
    const cmd = repeated.args[0]!.toLowerCase()
    const subscribing = (cmd === 'subscribe' || cmd === 'psubscribe' || cmd === 'ssubscribe') && !s.prompt.inMulti
    for (let i = 0; i < repeated.repeat; i++) {
      try {
        const inMulti = s.prompt.inMulti
        awaitingReply.add(nodeId)
        const reply = await lab.execute(nodeId, repeated.args, CONSOLE_SESSION)
        // redis-cli says so before it reads the first reply of a subscription.
        if (subscribing) push(s, { kind: 'output', text: 'Reading messages... (press Ctrl-C to quit)', error: false })
        push(s, { kind: 'output', text: display(cliOutput(repeated.args, reply)), error: reply.type === 'error' })
        s.prompt = nextPromptState(s.prompt, repeated.args, reply)
        const kind = streamingKind(repeated.args, reply, inMulti)
        if (kind) {
          s.streaming = { kind, startedAt: started }
          // Pushes that overtook the reply on the way (a SUBSCRIBE to several channels).
          for (const early of earlyPushes.get(nodeId) ?? []) printPush(s, early)
          return
        }
      } catch (err) {
        fail(errorLine({ kind: 'failed', message: err instanceof Error ? err.message : String(err) }))
        return
      } finally {
        awaitingReply.delete(nodeId)
        earlyPushes.delete(nodeId)
      }
      // A repeated command stops when its console is closed.
      if (!isOpen(nodeId) && repeated.repeat > 1) return
    }
    // redis-cli also prints "(N.NNs)" after any command that took 500 ms; here the time would
    // include the lab's transport, so it is shown only when a stream ends (see stop).
  }

  function pushLine(reply: Reply): ConsoleLine {
    return { kind: 'output', text: display(cliOutput([], reply)), error: reply.type === 'error' }
  }

  function printPush(s: ConsoleSession, reply: Reply): void {
    push(s, pushLine(reply))
  }

  /**
   * Streamed replies wait here for the next frame: a MONITOR on a busy node sends thousands
   * a second, and one update per frame keeps the page responsive.
   */
  const streamed = new Map<string, Reply[]>()
  let flushTimer: ReturnType<typeof setTimeout> | null = null

  function flushStreamed(): void {
    if (flushTimer) clearTimeout(flushTimer)
    flushTimer = null
    for (const [nodeId, replies] of streamed) {
      const s = sessions.value[nodeId]
      if (s?.streaming) push(s, ...replies.slice(-ENTRIES_MAX).map(pushLine))
    }
    streamed.clear()
  }

  /**
   * Ends a MONITOR or SUBSCRIBE as redis-cli's Ctrl+C does: the connection is closed (the
   * next command opens a new one, back in the same database), the terminal shows `^C` and
   * how long the command ran.
   */
  async function stop(nodeId: string): Promise<void> {
    const s = sessions.value[nodeId]
    if (!s?.streaming) return
    flushStreamed()
    const { startedAt } = s.streaming
    s.streaming = null
    push(s, { kind: 'output', text: `^C${elapsedLine(Date.now() - startedAt) ?? ''}`, error: false })
    try {
      await lab.closeSession(nodeId, CONSOLE_SESSION)
      // redis-cli reconnects with SELECT of the database it was in.
      if (s.prompt.db !== 0) await lab.execute(nodeId, ['SELECT', String(s.prompt.db)], CONSOLE_SESSION)
    } catch (err) {
      push(s, { kind: 'output', text: errorLine({ kind: 'failed', message: err instanceof Error ? err.message : String(err) }), error: true })
    }
  }

  function onPush(nodeId: string, reply: Reply): void {
    const s = sessions.value[nodeId]
    if (s?.streaming) {
      const queued = streamed.get(nodeId) ?? []
      queued.push(reply)
      streamed.set(nodeId, queued)
      flushTimer ??= setTimeout(flushStreamed, 16)
    } else if (awaitingReply.has(nodeId)) {
      const early = earlyPushes.get(nodeId) ?? []
      early.push(reply)
      earlyPushes.set(nodeId, early)
    }
  }

  lab.onEvent((event) => {
    if (event.type === 'console-push' && event.session === CONSOLE_SESSION) onPush(event.nodeId, event.reply)
  })

  /** Fetches and caches the node's COMMAND DOCS; null when the node cannot answer. */
  function loadHelp(nodeId: string): Promise<Map<string, CommandHelp> | null> {
    const have = help.value[nodeId]
    if (have) return Promise.resolve(have)
    let pending = helpLoading.get(nodeId)
    if (!pending) {
      pending = lab
        // Its own connection: the console's may be streaming a SUBSCRIBE.
        .execute(nodeId, ['COMMAND', 'DOCS'], 'help')
        .then((reply) => {
          if (reply.type !== 'array') return null
          const table = markRaw(parseCommandDocs(reply))
          help.value = { ...help.value, [nodeId]: table }
          return table
        })
        .catch(() => null)
        .finally(() => helpLoading.delete(nodeId))
      helpLoading.set(nodeId, pending)
    }
    return pending
  }

  /**
   * Runs a typed line as redis-cli's prompt would: split it (quotes, escapes), handle the
   * local commands (`clear`, `quit`/`exit`, an `N` repeat prefix), send the rest to the
   * node and print the reply. Lines of one console run one after another.
   */
  function run(nodeId: string, line: string): Promise<void> {
    if (line === '') return Promise.resolve()
    const args = splitArgs(line)
    if (args !== null && args.length === 0) return Promise.resolve()
    const s = session(nodeId)
    // A streaming console reads pushes only, as redis-cli does until Ctrl+C.
    if (s.streaming) return Promise.resolve()
    if (!isSecret(args)) remember(nodeId, s, line)
    else {
      s.cursor = s.history.length
      s.draft = ''
    }
    const previous = queues.get(nodeId) ?? Promise.resolve()
    const task = (): Promise<void> => perform(nodeId, line, args)
    const next = previous.then(task, task)
    queues.set(nodeId, next)
    void next.finally(() => {
      if (queues.get(nodeId) === next) queues.delete(nodeId)
    })
    return next
  }

  // A node that stops loses its console connection: the next one starts in db 0, no MULTI.
  watch(
    () => lab.nodes.map((n) => [n.id, n.status] as const),
    (list) => {
      const present = new Set(list.map(([id]) => id))
      for (const [id, status] of list) {
        const s = sessions.value[id]
        if (s && status !== 'running') {
          s.prompt = initialPromptState()
          s.streaming = null
        }
        if (status !== 'running' && help.value[id]) {
          const { [id]: _gone, ...rest } = help.value
          help.value = rest
        }
      }
      openIds.value = openIds.value.filter((id) => present.has(id) || !lab.loaded)
    }
  )

  return { sessions, openIds, help, session, entries, prompt, isOpen, open, close, clear, transcript, historyUp, historyDown, run, stop, loadHelp }
})
