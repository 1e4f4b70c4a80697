/**
 * The Electron shell: one window, IPC forwarded to the lab. Thin on purpose; this is the
 * only file that imports electron.
 */
import { app, BrowserWindow, ipcMain, safeStorage, screen, session, shell, type IpcMainInvokeEvent } from 'electron'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { validateCall, type LabEvent } from '../shared/api'
import { IPC_CALL, IPC_EVENT, type IpcResult } from '../shared/ipc'
import { safeStorageSecrets } from './electron-secrets'
import { Lab } from './lab/lab'
import { CONTENT_SECURITY_POLICY } from './web/static-files'
import { MIN_SIZE, loadWindowState, placeWindow, trackWindow, windowStateFile, type Placement } from './window-state'
import { version } from '../../package.json'

const rendererUrl = process.env.ELECTRON_RENDERER_URL // set by `electron-vite dev`
const rendererFile = join(__dirname, '../renderer/index.html')
const rendererOrigin = rendererUrl ? new URL(rendererUrl).origin : null
const rendererFileUrl = pathToFileURL(rendererFile).href

let lab: Lab | null = null
let window: BrowserWindow | null = null
let windowState: { flush(): Promise<void> } | null = null

/** Only our own page, in the top frame, may call the lab. */
function trustedSender(event: IpcMainInvokeEvent): boolean {
  const frame = event.senderFrame
  if (!frame || frame.parent !== null || !window || event.sender !== window.webContents) return false
  const url = frame.url
  return rendererOrigin ? new URL(url).origin === rendererOrigin : url.split('#')[0] === rendererFileUrl
}

function createWindow(place: Placement): BrowserWindow {
  const win = new BrowserWindow({
    ...(place.x !== undefined && place.y !== undefined ? { x: place.x, y: place.y } : {}),
    width: place.width,
    height: place.height,
    minWidth: MIN_SIZE.width,
    minHeight: MIN_SIZE.height,
    title: 'Replication Lab',
    icon: join(__dirname, '../../resources/icon.png'),
    show: false,
    webPreferences: {
      preload: join(__dirname, '../preload/index.js'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true
    }
  })
  win.once('ready-to-show', () => {
    if (place.maximized) win.maximize()
    win.show()
  })
  // No navigation away from the app, no new windows; links open in the browser.
  win.webContents.on('will-navigate', (e) => e.preventDefault())
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url)
    return { action: 'deny' }
  })
  if (rendererUrl) void win.loadURL(rendererUrl)
  else void win.loadFile(rendererFile)
  return win
}

async function start(): Promise<void> {
  await app.whenReady()
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } })
  })
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false))

  const basePort = Number(process.env.REPLICATION_LAB_BASE_PORT) || undefined
  // After 'ready': only then does safeStorage know whether the OS keychain is there.
  const secrets = safeStorageSecrets(safeStorage)
  lab = new Lab({ dataDir: app.getPath('userData'), mode: 'electron', version, basePort, ...(secrets ? { secrets } : {}) })
  lab.events.on('event', (event: LabEvent) => {
    if (window && !window.isDestroyed()) window.webContents.send(IPC_EVENT, event)
  })

  ipcMain.handle(IPC_CALL, async (event, method: unknown, params: unknown): Promise<IpcResult> => {
    if (!trustedSender(event)) return { ok: false, error: 'untrusted sender' }
    const invalid = validateCall(method, params)
    if (invalid || !lab) return { ok: false, error: invalid ?? 'lab not ready' }
    try {
      return { ok: true, result: await lab.call(method as never, params as never) }
    } catch (err) {
      return { ok: false, error: err instanceof Error ? err.message : String(err) }
    }
  })

  // The size and place of the last run, on whatever screens there are now.
  const stateFile = windowStateFile(app.getPath('userData'))
  const saved = await loadWindowState(stateFile)
  window = createWindow(placeWindow(saved, screen.getAllDisplays().map((d) => d.workArea)))
  windowState = trackWindow(window, stateFile)
  await lab.open()
}

let quitting = false
app.on('before-quit', (e) => {
  if (quitting || !lab) return
  e.preventDefault()
  quitting = true
  void Promise.all([lab.close(), windowState?.flush()]).finally(() => app.quit())
})
app.on('window-all-closed', () => app.quit())

start().catch((err: unknown) => {
  console.error(err)
  app.exit(1)
})
