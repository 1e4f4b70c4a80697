import { EventEmitter } from 'node:events'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, test } from 'vitest'
import { DEFAULT_SIZE, MIN_SIZE, loadWindowState, parseWindowState, placeWindow, saveWindowState, trackWindow, type Rect } from '../../src/main/window-state'

const FULL_HD: Rect = { x: 0, y: 0, width: 1920, height: 1040 }
const RIGHT: Rect = { x: 1920, y: 0, width: 2560, height: 1400 }

describe('window state: where the window opens', () => {
  test('no saved state: the default size, centred by the system', () => {
    expect(placeWindow(null, [FULL_HD])).toEqual({ ...DEFAULT_SIZE, maximized: false })
  })

  test('a saved place on a screen that is still there is used as it was', () => {
    const saved = { bounds: { x: 2100, y: 80, width: 1500, height: 900 }, maximized: true }
    expect(placeWindow(saved, [FULL_HD, RIGHT])).toEqual({ x: 2100, y: 80, width: 1500, height: 900, maximized: true })
  })

  test('the screen it was on is gone: the size fits the screens left and the position is dropped', () => {
    const saved = { bounds: { x: 2100, y: 80, width: 2400, height: 1300 }, maximized: false }
    expect(placeWindow(saved, [FULL_HD])).toEqual({ width: 1920, height: 1040, maximized: false })
  })

  test('a title bar above the screen or hanging off its edge does not count as on screen', () => {
    expect(placeWindow({ bounds: { x: 100, y: -300, width: 1000, height: 700 }, maximized: false }, [FULL_HD])).not.toHaveProperty('x')
    expect(placeWindow({ bounds: { x: 1880, y: 100, width: 1000, height: 700 }, maximized: false }, [FULL_HD])).not.toHaveProperty('x')
    expect(placeWindow({ bounds: { x: 1700, y: 100, width: 1000, height: 700 }, maximized: false }, [FULL_HD])).toMatchObject({ x: 1700, y: 100 })
  })

  test('a tiny saved size grows to the minimum', () => {
    expect(placeWindow({ bounds: { x: 10, y: 10, width: 100, height: 50 }, maximized: false }, [FULL_HD])).toEqual({ x: 10, y: 10, ...MIN_SIZE, maximized: false })
  })

  test('what is not a saved state is refused whole', () => {
    expect(parseWindowState(null)).toBeNull()
    expect(parseWindowState('x')).toBeNull()
    expect(parseWindowState({ bounds: { x: 1, y: 2, width: 'wide', height: 3 } })).toBeNull()
    expect(parseWindowState({ bounds: { x: 1, y: 2, width: -5, height: 3 } })).toBeNull()
    expect(parseWindowState({ bounds: { x: 1.4, y: 2, width: 900.6, height: 700 }, maximized: 'yes' })).toEqual({ bounds: { x: 1, y: 2, width: 901, height: 700 }, maximized: false })
  })
})

describe('window state on disk', () => {
  let dir = ''
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  test('saved, then read back; a missing or corrupt file reads as none', async () => {
    dir = await mkdtemp(join(tmpdir(), 'window-state-'))
    const file = join(dir, 'nested', 'window-state.json')
    expect(await loadWindowState(file)).toBeNull()
    const state = { bounds: { x: 40, y: 50, width: 1300, height: 820 }, maximized: false }
    await saveWindowState(file, state)
    expect(await loadWindowState(file)).toEqual(state)
    await writeFile(file, '{"bounds": {"x": 1,')
    expect(await loadWindowState(file)).toBeNull()
  })

  test('the tracker writes once the window rests, and again on close', async () => {
    dir = await mkdtemp(join(tmpdir(), 'window-state-'))
    const file = join(dir, 'window-state.json')
    // Electron is not installed here: a stand-in with the four methods the tracker uses.
    const events = new EventEmitter()
    let bounds: Rect = { x: 0, y: 0, width: 1000, height: 700 }
    let maximized = false
    const win = {
      on: (e: string, f: () => void) => events.on(e, f),
      getNormalBounds: () => bounds,
      isMaximized: () => maximized,
      isDestroyed: () => false
    }
    const tracker = trackWindow(win, file, 30)
    for (let i = 0; i < 5; i++) {
      bounds = { ...bounds, x: i * 10 }
      events.emit('move')
    }
    expect(await loadWindowState(file)).toBeNull()
    await new Promise((r) => setTimeout(r, 150))
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ bounds: { x: 40, y: 0, width: 1000, height: 700 }, maximized: false })
    maximized = true
    events.emit('close')
    await tracker.flush()
    expect(await loadWindowState(file)).toEqual({ bounds: { x: 40, y: 0, width: 1000, height: 700 }, maximized: true })
  })
})
