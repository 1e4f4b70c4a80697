/**
 * What a person sets up once and finds again next time: the language, the theme, and the
 * layout (timeline shown, side panel widths, console height), kept in localStorage.
 */
import { computed, reactive, ref, watch } from 'vue'
import { defineStore } from 'pinia'
import { currentLocale, setLocale, type Locale } from '../i18n'

export type Theme = 'light' | 'dark'
export const THEME_KEY = 'replication-lab.theme'
export const LAYOUT_KEY = 'replication-lab.layout'

export interface Layout {
  timeline: boolean
  /** px */
  timelineWidth: number
  /** px */
  inspectorWidth: number
  /** Share of the window's height, 0..1 (a px height would not survive a smaller window). */
  consolesHeight: number
}

export const DEFAULT_LAYOUT: Layout = { timeline: true, timelineWidth: 340, inspectorWidth: 420, consolesHeight: 0.36 }

/** The bounds a panel may be resized within: wide enough to read, never the whole window. */
export const LIMITS = {
  timelineWidth: [220, 720],
  inspectorWidth: [300, 900],
  consolesHeight: [0.15, 0.8]
} as const satisfies Record<Exclude<keyof Layout, 'timeline'>, readonly [number, number]>

export function clamp(value: number, [min, max]: readonly [number, number]): number {
  return Math.min(max, Math.max(min, value))
}

export function isTheme(value: unknown): value is Theme {
  return value === 'light' || value === 'dark'
}

/** The remembered theme if any, else the system's. */
export function initialTheme(stored: string | null | undefined, systemPrefersDark: boolean): Theme {
  if (isTheme(stored)) return stored
  return systemPrefersDark ? 'dark' : 'light'
}

/**
 * A saved layout, each field checked on its own: a field that is missing, of the wrong type or
 * out of bounds (an older or hand-edited value) takes its default, the others are kept.
 */
export function parseLayout(raw: string | null | undefined): Layout {
  let saved: unknown = null
  try {
    saved = raw ? JSON.parse(raw) : null
  } catch {
    saved = null
  }
  const out: Layout = { ...DEFAULT_LAYOUT }
  if (!saved || typeof saved !== 'object') return out
  const s = saved as Record<string, unknown>
  if (typeof s.timeline === 'boolean') out.timeline = s.timeline
  for (const key of Object.keys(LIMITS) as (keyof typeof LIMITS)[]) {
    const v = s[key]
    if (typeof v === 'number' && Number.isFinite(v)) out[key] = clamp(v, LIMITS[key])
  }
  return out
}

function read(key: string): string | null {
  try {
    return globalThis.localStorage?.getItem(key) ?? null
  } catch {
    return null
  }
}

function write(key: string, value: string): void {
  try {
    globalThis.localStorage?.setItem(key, value)
  } catch {
    // Storage full or unavailable: the setting holds for this run.
  }
}

function systemDark(): MediaQueryList | null {
  return typeof window !== 'undefined' && window.matchMedia ? window.matchMedia('(prefers-color-scheme: dark)') : null
}

/** Sets the theme on <html>: styles.css swaps its palette on `data-theme`. */
export function applyTheme(theme: Theme): void {
  if (typeof document !== 'undefined') document.documentElement.dataset.theme = theme
}

/** The theme the page starts in (main.ts applies it before mounting, so nothing flashes). */
export function startTheme(): Theme {
  return initialTheme(read(THEME_KEY), systemDark()?.matches ?? false)
}

export const usePreferencesStore = defineStore('preferences', () => {
  /** An explicit choice, or null while the theme follows the system. */
  const chosenTheme = ref<Theme | null>(isTheme(read(THEME_KEY)) ? (read(THEME_KEY) as Theme) : null)
  const systemTheme = ref<Theme>(systemDark()?.matches ? 'dark' : 'light')
  systemDark()?.addEventListener('change', (e) => (systemTheme.value = e.matches ? 'dark' : 'light'))
  const theme = computed<Theme>(() => chosenTheme.value ?? systemTheme.value)
  watch(theme, applyTheme, { immediate: true })

  function setTheme(next: Theme): void {
    chosenTheme.value = next
    write(THEME_KEY, next)
  }

  function toggleTheme(): void {
    setTheme(theme.value === 'dark' ? 'light' : 'dark')
  }

  const locale = computed<Locale>({
    get: () => currentLocale(),
    set: (next) => setLocale(next)
  })

  const layout = reactive<Layout>(parseLayout(read(LAYOUT_KEY)))
  // Dragging a splitter changes the layout many times a second: write once it rests.
  let saveTimer: ReturnType<typeof setTimeout> | null = null
  watch(
    layout,
    () => {
      if (saveTimer) clearTimeout(saveTimer)
      saveTimer = setTimeout(flush, 150)
    },
    { deep: true }
  )

  function flush(): void {
    if (!saveTimer) return
    clearTimeout(saveTimer)
    saveTimer = null
    write(LAYOUT_KEY, JSON.stringify(layout))
  }
  // A reload or close right after a drag still keeps it.
  if (typeof window !== 'undefined') window.addEventListener('pagehide', flush)

  function resize(key: keyof typeof LIMITS, value: number): void {
    layout[key] = clamp(value, LIMITS[key])
  }

  return { theme, setTheme, toggleTheme, locale, layout, resize }
})
