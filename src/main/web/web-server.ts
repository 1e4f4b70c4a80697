import { randomBytes, timingSafeEqual } from 'node:crypto'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { WebSocketServer, type WebSocket } from 'ws'
import { BRIDGE_PATH, TOKEN_PARAM, type BridgeMessage } from '../../shared/bridge'
import { validateCall, type LabEvent } from '../../shared/api'
import type { Lab } from '../lab/lab'
import { serveStatic } from './static-files'

export interface WebServerOptions {
  lab: Lab
  /** The built renderer (out/renderer). */
  rendererDir: string
  port: number
  host?: string
  /** Per-run secret; generated when not given. */
  token?: string
}

export interface WebServer {
  /** The address to open, token included. */
  url: string
  port: number
  token: string
  close(): Promise<void>
}

/** Frames larger than this are refused: a console command, not a file upload. */
const MAX_FRAME = 64 * 1024 * 1024

/**
 * Web mode: the renderer over HTTP and the Lab API over a WebSocket, on loopback only. The
 * socket demands the per-run token and an Origin that is this very server, so neither
 * another local user without the token nor a web page in the user's browser can drive it.
 */
export async function startWebServer(opts: WebServerOptions): Promise<WebServer> {
  const host = opts.host ?? '127.0.0.1'
  const token = opts.token ?? randomBytes(24).toString('base64url')
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME })
  let port = 0

  const http: Server = createServer((req, res) => {
    if (!allowedHost(req, port)) {
      res.writeHead(421, { 'Content-Type': 'text/plain' })
      res.end('Misdirected request\n')
      return
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' })
      res.end()
      return
    }
    const path = (req.url ?? '/').split('?')[0]!
    void serveStatic(opts.rendererDir, path, res)
  })

  http.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://placeholder')
    const refusal =
      url.pathname !== BRIDGE_PATH
        ? '404 Not Found'
        : !allowedHost(req, port) || !allowedOrigin(req.headers.origin, port)
          ? '403 Forbidden'
          : !tokenMatches(url.searchParams.get(TOKEN_PARAM), token)
            ? '401 Unauthorized'
            : null
    if (refusal) {
      socket.end(`HTTP/1.1 ${refusal}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
      return
    }
    wss.handleUpgrade(req, socket, head, (ws) => attachBridge(ws, opts.lab))
  })

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject)
    http.listen(opts.port, host, () => {
      http.off('error', reject)
      resolve()
    })
  })
  port = (http.address() as AddressInfo).port

  return {
    url: `http://${host}:${port}/?${TOKEN_PARAM}=${token}`,
    port,
    token,
    close: async () => {
      for (const client of wss.clients) client.terminate()
      wss.close()
      http.closeAllConnections()
      await new Promise<void>((resolve) => http.close(() => resolve()))
    }
  }
}

/** One browser tab: requests in, replies and lab events out. */
function attachBridge(ws: WebSocket, lab: Lab): void {
  const send = (msg: BridgeMessage): void => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(msg))
  }
  const onEvent = (event: LabEvent): void => send({ event })
  lab.events.on('event', onEvent)
  const streams = new StreamTracker()
  ws.on('close', () => {
    lab.events.off('event', onEvent)
    // A tab closed (or reloaded) mid-MONITOR would leave the node streaming to nobody.
    for (const s of streams.drain()) lab.call('closeSession', s).catch(() => undefined)
  })
  ws.on('error', () => ws.terminate())
  ws.on('message', (data, isBinary) => {
    if (isBinary) return ws.close(1003, 'text frames only')
    let msg: unknown
    try {
      msg = JSON.parse(data.toString())
    } catch {
      return ws.close(1007, 'invalid JSON')
    }
    if (typeof msg !== 'object' || msg === null || !Number.isSafeInteger((msg as { id?: unknown }).id)) {
      return ws.close(1008, 'malformed request')
    }
    const { id, method, params } = msg as { id: number; method: unknown; params: unknown }
    const invalid = validateCall(method, params)
    if (invalid) return send({ id, error: invalid })
    streams.note(method as string, params)
    lab.call(method as never, params as never).then(
      (result) => send({ id, result }),
      (err: unknown) => send({ id, error: err instanceof Error ? err.message : String(err) })
    )
  })
}

const STREAMING = new Set(['monitor', 'subscribe', 'psubscribe', 'ssubscribe'])

/** The sessions one tab put into MONITOR or SUBSCRIBE and has not closed since. */
class StreamTracker {
  private readonly open = new Map<string, { id: string; session: string }>()

  note(method: string, params: unknown): void {
    const p = params as { id: string; session?: string; args?: string[] }
    const session = p.session ?? 'console'
    const key = `${p.id}\0${session}`
    if (method === 'closeSession') this.open.delete(key)
    else if (method === 'execute' && STREAMING.has((p.args?.[0] ?? '').toLowerCase())) this.open.set(key, { id: p.id, session })
  }

  drain(): { id: string; session: string }[] {
    const all = [...this.open.values()]
    this.open.clear()
    return all
  }
}

function allowedHost(req: IncomingMessage, port: number): boolean {
  const host = req.headers.host
  return host === `127.0.0.1:${port}` || host === `localhost:${port}`
}

function allowedOrigin(origin: string | undefined, port: number): boolean {
  return origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}`
}

function tokenMatches(given: string | null, token: string): boolean {
  if (given === null) return false
  const a = Buffer.from(given)
  const b = Buffer.from(token)
  return a.length === b.length && timingSafeEqual(a, b)
}
