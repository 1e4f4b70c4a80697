import net from 'node:net'

/**
 * A TCP port that was free a moment ago on 127.0.0.1: listen on port 0, read the port the
 * kernel chose, close. (Racy by nature: use it right away.)
 */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.unref()
    srv.once('error', reject)
    srv.listen({ port: 0, host, exclusive: true }, () => {
      const addr = srv.address()
      const port = typeof addr === 'object' && addr ? addr.port : 0
      srv.close(() => (port ? resolve(port) : reject(new Error('could not get a free port'))))
    })
  })
}
