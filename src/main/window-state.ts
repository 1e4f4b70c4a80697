/**
 * The Electron window's size and place, kept in userData/window-state.json across runs.
 * No electron import here (index.ts stays the only one): the window is seen through the few
 * methods used, and where the saved place lands is a pure function of the screens now.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'

export interface Rect {
  x: number
  y: number
  width: number
  height: number
}

export interface WindowState {
  /** The window's bounds when not maximized (restored to these when un-maximized). */
  bounds: Rect
  maximized: boolean
}

/** Where and how big the window opens: no x/y means "let the system centre it". */
export interface Placement {
  x?: number
  y?: number
  width: number
  height: number
  maximized: boolean
}

export const DEFAULT_SIZE = { width: 1280, height: 800 }
export const MIN_SIZE = { width: 800, height: 560 }
/** How much of the title bar must be on a screen for the saved place to be used. */
const GRAB = { width: 120, height: 40 }

export function windowStateFile(userData: string): string {
  return join(userData, 'window-state.json')
}

function isFiniteNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v)
}

/** A saved state, or null when it is not one (missing fields, wrong types, absurd sizes). */
export function parseWindowState(raw: unknown): WindowState | null {
  if (!raw || typeof raw !== 'object') return null
  const r = raw as Record<string, unknown>
  const b = r.bounds as Record<string, unknown> | undefined
  if (!b || typeof b !== 'object') return null
  const { x, y, width, height } = b
  if (!isFiniteNumber(x) || !isFiniteNumber(y) || !isFiniteNumber(width) || !isFiniteNumber(height)) return null
  if (width <= 0 || height <= 0 || width > 100_000 || height > 100_000) return null
  return { bounds: { x: Math.round(x), y: Math.round(y), width: Math.round(width), height: Math.round(height) }, maximized: r.maximized === true }
}

function overlap(a: Rect, b: Rect): { width: number; height: number } {
  return {
    width: Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x),
    height: Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y)
  }
}

/**
 * Where the window opens given the screens' work areas now. The saved place is used when the
 * window's top strip (where it is dragged from) is on some screen; otherwise — a monitor
 * unplugged, a smaller screen — the size is kept within the biggest screen and the system
 * centres it.
 */
export function placeWindow(saved: WindowState | null, workAreas: readonly Rect[]): Placement {
  const largest = workAreas.reduce<Rect | null>((big, a) => (!big || a.width * a.height > big.width * big.height ? a : big), null)
  const fit = (size: { width: number; height: number }): { width: number; height: number } => ({
    width: Math.max(MIN_SIZE.width, Math.min(size.width, largest?.width ?? size.width)),
    height: Math.max(MIN_SIZE.height, Math.min(size.height, largest?.height ?? size.height))
  })
  if (!saved) return { ...fit(DEFAULT_SIZE), maximized: false }
  const size = fit(saved.bounds)
  const titleBar: Rect = { x: saved.bounds.x, y: saved.bounds.y, width: size.width, height: GRAB.height }
  const onScreen = workAreas.some((area) => {
    const o = overlap(titleBar, area)
    return o.width >= Math.min(GRAB.width, size.width) && o.height >= Math.min(GRAB.height, titleBar.height) && saved.bounds.y >= area.y
  })
  return onScreen ? { x: saved.bounds.x, y: saved.bounds.y, ...size, maximized: saved.maximized } : { ...size, maximized: saved.maximized }
}

export async function loadWindowState(file: string): Promise<WindowState | null> {
  try {
    return parseWindowState(JSON.parse(await readFile(file, 'utf8')))
  } catch {
    // No file yet, or one we cannot read: the window opens at its default size.
    return null
  }
}

/** Written beside and renamed over, so a crash mid-write leaves the previous state whole. */
export async function saveWindowState(file: string, state: WindowState): Promise<void> {
  await mkdir(dirname(file), { recursive: true })
  const tmp = `${file}.${process.pid}.tmp`
  await writeFile(tmp, JSON.stringify(state, null, 2) + '\n')
  await rename(tmp, file)
}

/** The parts of a BrowserWindow the tracker uses. */
export interface TrackedWindow {
  on(event: 'resize' | 'move' | 'maximize' | 'unmaximize' | 'close', listener: () => void): unknown
  getNormalBounds(): Rect
  isMaximized(): boolean
  isDestroyed(): boolean
}

/**
 * Saves the window's state a moment after it stops moving or resizing, and once more when it
 * closes; `flush` returns when the last write is done (awaited before the app quits).
 */
export function trackWindow(win: TrackedWindow, file: string, delayMs = 400): { flush(): Promise<void> } {
  let timer: ReturnType<typeof setTimeout> | null = null
  let writing: Promise<void> = Promise.resolve()
  let last: WindowState | null = null

  const snapshot = (): void => {
    if (!win.isDestroyed()) last = { bounds: win.getNormalBounds(), maximized: win.isMaximized() }
  }
  const write = (): Promise<void> => {
    if (timer) clearTimeout(timer)
    timer = null
    const state = last
    if (!state) return writing
    writing = writing.then(() => saveWindowState(file, state)).catch((err: unknown) => console.error('could not save the window state:', err))
    return writing
  }
  const soon = (): void => {
    snapshot()
    if (timer) clearTimeout(timer)
    timer = setTimeout(() => void write(), delayMs)
  }
  for (const event of ['resize', 'move', 'maximize', 'unmaximize'] as const) win.on(event, soon)
  win.on('close', () => {
    snapshot()
    void write()
  })
  return { flush: write }
}
