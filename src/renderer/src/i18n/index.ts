/**
 * The renderer's words in English and Simplified Chinese (vue-i18n, Composition API).
 *
 * vue-i18n 11 compiles messages "just in time" to an AST it walks, with no eval or
 * new Function, so it runs under the app's CSP (script-src 'self', no 'unsafe-eval').
 *
 * Accessible names follow the locale like everything else a person reads: a screen reader
 * user in zh-CN hears Chinese. The e2e tests run in en, where the names are the ones the
 * issue lists (`node <host>:<port>`, `Command for <host>:<port>`, `Replicate from…`).
 */
import { createI18n } from 'vue-i18n'
import en from './locales/en'
import zhCN from './locales/zh-CN'
import { LOCALE_KEY, initialLocale, type Locale } from './locale'

export { LOCALES, LOCALE_KEY, LOCALE_NAMES, initialLocale, type Locale } from './locale'

export type MessageSchema = typeof en

function storedLocale(): string | null {
  try {
    return globalThis.localStorage?.getItem(LOCALE_KEY) ?? null
  } catch {
    return null
  }
}

export const i18n = createI18n<[MessageSchema], Locale, false>({
  legacy: false,
  locale: initialLocale(storedLocale(), globalThis.navigator?.language),
  fallbackLocale: 'en',
  messages: { en, 'zh-CN': zhCN }
})

/** The global translate function, for stores and helpers outside components. */
export const t = i18n.global.t

export function currentLocale(): Locale {
  return i18n.global.locale.value
}

/** Switches every view at once, and remembers the choice for the next run. */
export function setLocale(locale: Locale): void {
  i18n.global.locale.value = locale
  applyLocale(locale)
  try {
    globalThis.localStorage?.setItem(LOCALE_KEY, locale)
  } catch {
    // Storage unavailable: the choice holds for this run.
  }
}

/** `<html lang>` picks the CJK glyphs (zh-CN shapes, not Japanese ones) and hyphenation. */
export function applyLocale(locale: Locale = currentLocale()): void {
  if (typeof document !== 'undefined') document.documentElement.lang = locale
}

/**
 * Words kept to be shown later (a timeline entry, a notice): a message key and its values,
 * rendered in whatever locale is current when shown, or a plain text from elsewhere (a
 * server's log line, the lab's reason), shown as it is.
 */
export type Words = string | Message
export interface Message {
  key: string
  named?: Record<string, string | number | Message>
  plural?: number
}

export function msg(key: string, named?: Message['named'], plural?: number): Message {
  return { key, ...(named ? { named } : {}), ...(plural === undefined ? {} : { plural }) }
}

export function render(words: Words): string {
  if (typeof words === 'string') return words
  const named: Record<string, string | number> = {}
  for (const [k, v] of Object.entries(words.named ?? {})) named[k] = typeof v === 'object' ? render(v) : v
  return words.plural === undefined ? t(words.key, named) : t(words.key, named, words.plural)
}
