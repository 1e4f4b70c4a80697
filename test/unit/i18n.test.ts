import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import { createI18n } from 'vue-i18n'
import en from '../../src/renderer/src/i18n/locales/en'
import zhCN from '../../src/renderer/src/i18n/locales/zh-CN'
import { initialLocale } from '../../src/renderer/src/i18n/locale'
import { i18n, msg, render } from '../../src/renderer/src/i18n'
import { localizeCommand } from '../../src/renderer/src/walkthrough/lesson'
import { initialTheme, parseLayout, DEFAULT_LAYOUT } from '../../src/renderer/src/stores/preferences'
import { searchHistory } from '../../src/renderer/src/console/history-search'

type Tree = { [k: string]: string | Tree }

function leaves(tree: Tree, prefix = ''): [string, string][] {
  return Object.entries(tree).flatMap(([k, v]) => (typeof v === 'string' ? [[prefix + k, v] as [string, string]] : leaves(v, `${prefix}${k}.`)))
}

/** `{name}` placeholders of a message (plural branches together). */
function placeholders(text: string): string[] {
  return [...new Set([...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!))].sort()
}

describe('messages: English and Simplified Chinese', () => {
  const enLeaves = leaves(en as unknown as Tree)
  const zh = new Map(leaves(zhCN as unknown as Tree))

  test('every English key has a Chinese message with the same placeholders and plural branches', () => {
    expect(enLeaves.length).toBeGreaterThan(200)
    for (const [key, text] of enLeaves) {
      const other = zh.get(key)
      expect(other, key).toBeTypeOf('string')
      expect(placeholders(other!), key).toEqual(placeholders(text))
      expect(other!.split(' | ').length, key).toBe(text.split(' | ').length)
    }
    expect(zh.size).toBe(enLeaves.length)
  })

  describe('each message compiles and renders in both locales, without warnings', () => {
    let warnings: unknown[][] = []
    beforeEach(() => {
      warnings = []
      vi.spyOn(console, 'warn').mockImplementation((...args) => void warnings.push(args))
      vi.spyOn(console, 'error').mockImplementation((...args) => void warnings.push(args))
    })
    afterEach(() => vi.restoreAllMocks())

    test.each(['en', 'zh-CN'] as const)('%s', (locale) => {
      const fresh = createI18n({ legacy: false, locale, fallbackLocale: 'en', messages: { en, 'zh-CN': zhCN }, missingWarn: true, fallbackWarn: true })
      for (const [key, text] of enLeaves) {
        const named = Object.fromEntries(placeholders(text).map((p) => [p, `<${p}>`]))
        const out = fresh.global.t(key, named, 2)
        expect(out, key).not.toBe(key)
        for (const p of Object.keys(named)) expect(out, `${key}: {${p}}`).toContain(`<${p}>`)
        if (locale === 'zh-CN' && /[a-z]{4,}/.test(text.replace(/\{\w+\}/g, ''))) {
          // Chinese where English has words, apart from Redis's own terms kept as they are.
          expect(out, key).toMatch(/[\u4e00-\u9fff]|^[\w\s{}<>().:·/+（）-]*$/)
        }
      }
      expect(warnings).toEqual([])
    })
  })

  test('kept words render in the locale current when shown', () => {
    const words = msg('timeline.sync.full', { bytes: '2.0 kB', keys: msg('timeline.sync.keys', { n: 3 }, 3), duration: msg('timeline.units.s', { n: '5.0' }) })
    expect(render(words)).toBe('full sync: 2.0 kB RDB, 3 keys, 5.0 s')
    i18n.global.locale.value = 'zh-CN'
    try {
      expect(render(words)).toBe('全量同步：RDB 2.0 kB，3 个键，耗时 5.0 秒')
      expect(localizeCommand('SLAVEOF {A.host} {A.port}   (in {B})')).toBe('SLAVEOF {A.host} {A.port}   （在 {B} 中）')
      expect(localizeCommand('(cut the link of {C})')).toBe('（切断 {C} 的复制链路）')
    } finally {
      i18n.global.locale.value = 'en'
    }
    expect(localizeCommand('redis-server ./redis.conf   (×3: {A}, {B}, {C})')).toBe('redis-server ./redis.conf   (×3: {A}, {B}, {C})')
    expect(localizeCommand('SET greeting hello')).toBe('SET greeting hello')
  })
})

describe('preferences: the starting language, theme and layout', () => {
  test('language: the remembered one, else zh* browsers get Chinese, the rest English', () => {
    expect(initialLocale('zh-CN', 'en-US')).toBe('zh-CN')
    expect(initialLocale('en', 'zh-CN')).toBe('en')
    expect(initialLocale(null, 'zh-TW')).toBe('zh-CN')
    expect(initialLocale(null, 'zh')).toBe('zh-CN')
    expect(initialLocale('fr', 'de-DE')).toBe('en')
    expect(initialLocale(undefined, undefined)).toBe('en')
  })

  test('theme: the remembered one, else the system’s', () => {
    expect(initialTheme('dark', false)).toBe('dark')
    expect(initialTheme('light', true)).toBe('light')
    expect(initialTheme('purple', true)).toBe('dark')
    expect(initialTheme(null, false)).toBe('light')
  })

  test('layout: each field checked on its own, out of bounds clamped, garbage ignored', () => {
    expect(parseLayout(null)).toEqual(DEFAULT_LAYOUT)
    expect(parseLayout('{not json')).toEqual(DEFAULT_LAYOUT)
    expect(parseLayout('{"timeline":false,"timelineWidth":5000,"inspectorWidth":"wide","consolesHeight":0.5}')).toEqual({
      ...DEFAULT_LAYOUT,
      timeline: false,
      timelineWidth: 720,
      consolesHeight: 0.5
    })
  })
})

describe('console: Ctrl+R searches the history backwards', () => {
  const history = ['SET a 1', 'GET a', 'INFO replication', 'SET b 2', 'GET b']
  test('newest match first, then older ones, then a failed search that stays put', () => {
    const first = searchHistory(history, 'SET')
    expect(first).toEqual({ query: 'SET', index: 3, found: true })
    const second = searchHistory(history, 'SET', first.index)
    expect(second).toEqual({ query: 'SET', index: 0, found: true })
    expect(searchHistory(history, 'SET', second.index)).toEqual({ query: 'SET', index: 0, found: false })
    expect(searchHistory(history, 'nothing')).toEqual({ query: 'nothing', index: 5, found: false })
    expect(searchHistory([], '')).toEqual({ query: '', index: 0, found: false })
  })
})
