/**
 * Reads an accepted connection without its Readable stream machinery.
 *
 * A socket's 'data' event costs a fresh ArrayBuffer per read plus the stream's buffering
 * and bookkeeping; at one small request per read (redis-benchmark -P 1) that was about as
 * much CPU as the whole command. Node's `onread` option (net.Socket) reads into a buffer we
 * supply and calls us directly; 'end', 'error', 'close', pause()/resume() and writes work
 * as usual. net.Server has no such option, so the accepted handle is moved into a new
 * Socket created with it (the same thing Node does when a handle is passed to a worker).
 *
 * All connections read into one shared buffer (reads are delivered one at a time on this
 * thread) and each read is copied out at once into a small pooled Buffer: the parser hands
 * out argument views that must stay valid after the next read.
 */
import net from 'node:net'
import { allocInput } from '../byte-arena'

const READ_SIZE = 64 * 1024
const shared = Buffer.allocUnsafe(READ_SIZE)

interface StreamHandle {
  useUserBuffer?: unknown
}

/**
 * Starts delivering the socket's input to onChunk; returns the socket to use from now on
 * (a new one when the handle was moved, `socket` itself when it could not be: then the
 * ordinary 'data' event is used).
 */
export function readDirect(socket: net.Socket, onChunk: (chunk: Buffer) => void): net.Socket {
  const holder = socket as unknown as { _handle?: StreamHandle | null }
  const handle = holder._handle
  if (socket.destroyed || !handle || typeof handle.useUserBuffer !== 'function') {
    socket.on('data', onChunk)
    return socket
  }
  holder._handle = null
  const direct = new net.Socket({
    handle,
    readable: true,
    writable: true,
    onread: {
      buffer: shared,
      callback: (n: number, buf: Uint8Array): void => {
        const chunk = allocInput(n)
        chunk.set(n === buf.length ? buf : buf.subarray(0, n))
        onChunk(chunk)
      }
    }
  } as unknown as net.SocketConstructorOpts)
  // The husk has no handle left: destroying it only settles the server's connection count.
  socket.destroy()
  return direct
}
