/** Which locales exist and which one a run starts in (pure: no storage, no DOM). */
export const LOCALES = ['en', 'zh-CN'] as const
export type Locale = (typeof LOCALES)[number]

export const LOCALE_KEY = 'replication-lab.locale'

/** Each language named in itself, as a language picker shows them. */
export const LOCALE_NAMES: Record<Locale, string> = { en: 'English', 'zh-CN': '简体中文' }

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value)
}

/** The remembered choice if valid; else Chinese for a zh* browser, English for the rest. */
export function initialLocale(stored: string | null | undefined, navigatorLanguage: string | null | undefined): Locale {
  if (isLocale(stored)) return stored
  return navigatorLanguage && /^zh\b/i.test(navigatorLanguage) ? 'zh-CN' : 'en'
}
