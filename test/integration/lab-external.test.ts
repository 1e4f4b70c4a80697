/**
 * External nodes: real redis-server processes the lab did not start (started here on free
 * ports, stopped by PID), which the lab reaches only over the protocol: connect with ACL
 * credentials, discover a tree, follow changes made outside the app, operate by command.
 */
import { execFile } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { networkInterfaces } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import type { NodeSnapshot } from '../../src/shared/api'
import { Lab } from '../../src/main/lab/lab'
import type { SecretBox } from '../../src/main/lab/lab-node'
import { freePort } from '../helpers/ports'
import { cleanups, emptyLab, openLab, redisCli, run, runCleanups } from '../helpers/lab'
import { startRedisServer, type RealRedis } from '../helpers/redis-server'
import { tempDir } from '../helpers/web-mode'

const SYNC = { timeout: 30_000, interval: 200 }
const PASSWORD = 'hunter2-s3cret'

/** expect.poll for hooks (it works only inside tests). */
async function waitFor(ok: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error('timed out')
    await new Promise((r) => setTimeout(r, 100))
  }
}

afterEach(runCleanups)

async function byPort(lab: Lab, port: number): Promise<NodeSnapshot> {
  const n = (await lab.call('listNodes', {})).find((x) => x.port === port)
  if (!n) throw new Error(`no node on port ${port}`)
  return n
}

describe('external servers: a tree of 1 master, 2 replicas and 1 chained replica', () => {
  let m: RealRedis, r1: RealRedis, r2: RealRedis, r3: RealRedis

  beforeAll(async () => {
    ;[m, r1, r2, r3] = await Promise.all([startRedisServer(), startRedisServer(), startRedisServer(), startRedisServer()])
    for (const s of [m, r1, r2, r3]) {
      await redisCli(s.port, 'CONFIG', 'SET', 'repl-diskless-sync-delay', '0')
      // Every server of the deployment shares one ACL user, as a real one would.
      expect(await redisCli(s.port, 'ACL', 'SETUSER', 'ops', 'on', `>${PASSWORD}`, '~*', '&*', '+@all')).toBe('OK')
    }
    await redisCli(r1.port, 'REPLICAOF', '127.0.0.1', String(m.port))
    await redisCli(r2.port, 'REPLICAOF', '127.0.0.1', String(m.port))
    await redisCli(r3.port, 'REPLICAOF', '127.0.0.1', String(r1.port))
    for (const s of [r1, r2, r3]) await waitFor(async () => /master_link_status:up/.test(await redisCli(s.port, 'INFO', 'replication')))
  }, 60_000)

  afterAll(async () => {
    await Promise.all([m, r1, r2, r3].map((s) => s?.stop()))
  })

  test('discover from the chained replica adds the whole tree, with roles and links as the servers report them', async () => {
    const { lab, dataDir, events } = await emptyLab()
    const first = await lab.call('connectNode', { host: '127.0.0.1', port: r3.port, username: 'ops', password: PASSWORD, pollMs: 300 })
    expect(first).toMatchObject({ engine: 'external', status: 'running', role: 'replica', external: { loopback: true, username: 'ops' } })
    expect(first.disabled?.start).toMatch(/not started by this lab/)
    expect(first.disabled?.crash).toMatch(/not started by this lab/)
    expect(first.disabled?.restart).toMatch(/not started by this lab/)

    const added = await lab.call('discover', { id: first.id })
    expect(added.map((n) => n.port).sort()).toEqual([m.port, r1.port, r2.port].sort())
    const nodes = await lab.call('listNodes', {})
    expect(nodes).toHaveLength(4)
    const master = await byPort(lab, m.port)
    expect(master.role).toBe('master')
    expect(master.replication?.replicas.map((r) => r.port).sort()).toEqual([r1.port, r2.port].sort())
    expect((await byPort(lab, r1.port)).replication?.master).toMatchObject({ port: m.port, link: 'connected' })
    expect((await byPort(lab, r1.port)).replication?.replicas.map((r) => r.port)).toEqual([r3.port])
    expect((await byPort(lab, r2.port)).replication?.master).toMatchObject({ port: m.port, link: 'connected' })
    expect((await byPort(lab, r3.port)).replication?.master).toMatchObject({ port: r1.port, link: 'connected' })
    // A second discovery finds nothing new.
    expect(await lab.call('discover', { id: master.id })).toEqual([])

    // The password: in memory only. Not in any snapshot or event, not in lab.json.
    expect(JSON.stringify(events)).not.toContain(PASSWORD)
    expect(JSON.stringify(nodes)).not.toContain(PASSWORD)
    const file = readFileSync(join(dataDir, 'lab.json'), 'utf8')
    expect(file).not.toContain(PASSWORD)
    expect(JSON.parse(file).nodes).toContainEqual({ id: first.id, port: r3.port, engine: 'external', host: '127.0.0.1', username: 'ops', pollMs: 300, passwordNeeded: true })

    // The lab's connections are named; the server's CLIENT LIST shows them.
    expect(await redisCli(m.port, 'CLIENT', 'LIST')).toMatch(/name=replication-lab .*user=ops/)
  })

  test('changes made outside the app show up; REPLICAOF and promote from the app; start/crash refused with the reason', async () => {
    const { lab, events } = await emptyLab()
    const origin = await lab.call('connectNode', { host: '127.0.0.1', port: m.port, username: 'ops', password: PASSWORD, pollMs: 300 })
    await lab.call('discover', { id: origin.id })
    const r2node = await byPort(lab, r2.port)

    // Outside the app: r2 follows r1 instead of the master. The lab's picture follows.
    expect(await redisCli(r2.port, 'REPLICAOF', '127.0.0.1', String(r1.port))).toBe('OK')
    await expect.poll(async () => (await byPort(lab, r2.port)).replication?.master?.port, SYNC).toBe(r1.port)
    await expect.poll(async () => (await byPort(lab, r1.port)).replication?.replicas.map((r) => r.port).sort(), SYNC).toEqual([r2.port, r3.port].sort())
    expect(events).toContainEqual(expect.objectContaining({ type: 'replication', nodeId: r2node.id, event: { type: 'role', role: 'replica', master: `127.0.0.1:${r1.port}` } }))
    // A write outside the app reaches every key count.
    await redisCli(m.port, 'SET', 'outside', '1')
    for (const s of [m, r1, r2, r3]) await expect.poll(async () => (await byPort(lab, s.port)).keys, SYNC).toBeGreaterThanOrEqual(1)

    // From the app: promote r2, then make it a replica of the master again.
    expect(await run(lab, r2node.id, 'REPLICAOF', 'NO', 'ONE')).toEqual({ type: 'status', value: 'OK' })
    await expect.poll(async () => (await byPort(lab, r2.port)).role, SYNC).toBe('master')
    expect(await redisCli(r2.port, 'ROLE')).toMatch(/^master/)
    expect(await run(lab, r2node.id, 'REPLICAOF', '127.0.0.1', String(m.port))).toEqual({ type: 'status', value: 'OK' })
    await expect.poll(async () => (await byPort(lab, r2.port)).replication?.master, SYNC).toMatchObject({ port: m.port, link: 'connected' })
    expect(await redisCli(r2.port, 'INFO', 'replication')).toMatch(new RegExp(`master_port:${m.port}`))

    for (const method of ['startNode', 'restartNode', 'crashNode', 'stopNode'] as const) {
      await expect(lab.call(method, { id: r2node.id })).rejects.toThrow(/^Cannot \w+ 127\.0\.0\.1:\d+: not started by this lab/)
    }
    expect(await redisCli(r2.port, 'PING')).toBe('PONG')

    // Cut link: CLIENT KILL TYPE master on the replica, worded as the transient cut it is.
    const partialBefore = Number(/sync_partial_ok:(\d+)/.exec(await redisCli(m.port, 'INFO', 'stats'))![1])
    await lab.call('cutLink', { id: r2node.id })
    const notice = events.find((e) => e.type === 'notice' && e.nodeId === r2node.id && /CLIENT KILL/.test(e.message))
    expect(notice && notice.type === 'notice' && notice.message).toMatch(/transient cut, not a partition/)
    await expect.poll(async () => Number(/sync_partial_ok:(\d+)/.exec(await redisCli(m.port, 'INFO', 'stats'))![1]), SYNC).toBeGreaterThan(partialBefore)
    await expect(lab.call('cutLink', { id: origin.id })).rejects.toThrow(/is a master: only a replica has a link/)

    // Remove lets go of the server; it keeps running.
    await lab.call('removeNode', { id: r2node.id })
    expect(await redisCli(r2.port, 'PING')).toBe('PONG')
    expect((await lab.call('listNodes', {})).some((n) => n.port === r2.port)).toBe(false)
    await expect(lab.call('connectNode', { host: 'localhost', port: m.port })).rejects.toThrow(`localhost:${m.port} is already in the lab (${origin.id})`)
  })
})

describe('external servers: credentials, limited users, unreachable servers', () => {
  let s: RealRedis
  /** s's master, so that s has a link a cut could act on. */
  let upstream: RealRedis
  beforeAll(async () => {
    ;[s, upstream] = await Promise.all([startRedisServer(), startRedisServer()])
    await redisCli(s.port, 'REPLICAOF', '127.0.0.1', String(upstream.port))
    expect(await redisCli(s.port, 'ACL', 'SETUSER', 'watcher', 'on', '>wpw', '~*', '+@read', '+info', '+role', '+ping')).toBe('OK')
    expect(await redisCli(s.port, 'ACL', 'SETUSER', 'blind', 'on', '>bpw', '~*', '+get', '+ping')).toBe('OK')
    expect(await redisCli(s.port, 'ACL', 'SETUSER', 'default', `>${PASSWORD}`)).toBe('OK')
  })
  afterAll(async () => {
    await Promise.all([s?.stop(), upstream?.stop()])
  })

  test('a wrong password or a user without INFO is refused with the server reason; nothing is added', async () => {
    const { lab, events } = await emptyLab()
    await expect(lab.call('connectNode', { host: '127.0.0.1', port: s.port, username: 'watcher', password: 'nope' })).rejects.toThrow(
      `AUTH failed on 127.0.0.1:${s.port}: WRONGPASS invalid username-password pair or user is disabled.`
    )
    await expect(lab.call('connectNode', { host: '127.0.0.1', port: s.port })).rejects.toThrow(
      `INFO replication refused by 127.0.0.1:${s.port}: NOAUTH Authentication required.`
    )
    await expect(lab.call('connectNode', { host: '127.0.0.1', port: s.port, username: 'blind', password: 'bpw' })).rejects.toThrow(
      `INFO replication refused by 127.0.0.1:${s.port}: NOPERM this user has no permissions to run the 'info' command`
    )
    expect(await lab.call('listNodes', {})).toEqual([])
    // Refused servers leave no trace: no node was added, even for a moment.
    expect(events.filter((e) => e.type !== 'notice')).toEqual([])
    const closed = await freePort()
    await expect(lab.call('connectNode', { host: '127.0.0.1', port: closed })).rejects.toThrow(
      `Could not connect to Redis at 127.0.0.1:${closed}: Connection refused`
    )
  })

  test('a read-only user: followed, but REPLICAOF, writes and cut link get the server refusal', async () => {
    const { lab, dataDir } = await emptyLab()
    const n = await lab.call('connectNode', { host: '127.0.0.1', port: s.port, username: 'watcher', password: 'wpw', name: 'lab-watcher' })
    expect(n).toMatchObject({ status: 'running', role: 'replica', external: { loopback: true, username: 'watcher', name: 'lab-watcher' } })
    expect(await run(lab, n.id, 'REPLICAOF', 'NO', 'ONE')).toEqual({ type: 'error', value: "NOPERM this user has no permissions to run the 'replicaof' command" })
    await expect(lab.call('cutLink', { id: n.id })).rejects.toThrow(
      `CLIENT KILL TYPE master refused by 127.0.0.1:${s.port}: NOPERM this user has no permissions to run the 'client|kill' command`
    )
    expect(await redisCli(s.port, '--no-auth-warning', '-a', PASSWORD, 'ROLE')).toMatch(/^slave/)
    expect(await run(lab, n.id, 'SET', 'k', 'v')).toEqual({ type: 'error', value: "NOPERM this user has no permissions to run the 'set' command" })
    expect(await run(lab, n.id, 'GET', 'k')).toEqual({ type: 'bulk', value: null })
    // Reconnecting (after QUIT) authenticates again, as redis-cli -a does.
    expect(await run(lab, n.id, 'QUIT')).toEqual({ type: 'status', value: 'OK' })
    expect(await run(lab, n.id, 'ACL', 'WHOAMI')).toEqual({ type: 'error', value: "NOPERM this user has no permissions to run the 'acl|whoami' command" })
    expect(await run(lab, n.id, 'PING')).toEqual({ type: 'status', value: 'PONG' })

    // The next run of the lab does not have the password (it was never written): it says so.
    await lab.close()
    cleanups.pop()
    const { lab: again } = await openLab(dataDir)
    const [restored] = await again.call('listNodes', {})
    expect(restored).toMatchObject({ id: n.id, status: 'failed', engine: 'external' })
    expect(restored!.error).toMatch(/needs a password, which the lab keeps in memory only .*remove this node and connect again/)
  })

  test('a server reached on a non-loopback address is labelled so', async () => {
    const ip = Object.values(networkInterfaces()).flat().find((i) => i && i.family === 'IPv4' && !i.internal)?.address
    if (!ip) throw new Error('this test needs a non-loopback IPv4 interface')
    const other = await startRedisServer(['--bind', '127.0.0.1', ip, '--protected-mode', 'no'])
    cleanups.push(() => other.stop())
    const { lab, events } = await emptyLab()
    const n = await lab.call('connectNode', { host: ip, port: other.port })
    expect(n).toMatchObject({ status: 'running', host: ip, external: { loopback: false } })
    expect(events).toContainEqual({
      type: 'notice',
      level: 'warning',
      nodeId: n.id,
      message: `${ip}:${other.port} is not a loopback address (maybe another machine): what the lab does there changes that real server`
    })
    // The same server by its loopback address is still one server (INFO server's run_id says so).
    await expect(lab.call('connectNode', { host: '127.0.0.1', port: other.port })).rejects.toThrow(
      `127.0.0.1:${other.port} is the server already in the lab as ${ip}:${other.port} (${n.id}): same run_id`
    )
    expect(await lab.call('listNodes', {})).toHaveLength(1)
  })

  test('with a SecretBox (Electron: safeStorage) the password is written sealed, and the next run reconnects', async () => {
    // A real AES-256-GCM box with a key held by this test, standing in for the OS keychain Electron provides.
    const key = randomBytes(32)
    const box: SecretBox = {
      seal(text) {
        const iv = randomBytes(12)
        const c = createCipheriv('aes-256-gcm', key, iv)
        const body = Buffer.concat([c.update(text, 'utf8'), c.final()])
        return Buffer.concat([iv, c.getAuthTag(), body]).toString('base64')
      },
      open(sealed) {
        const raw = Buffer.from(sealed, 'base64')
        const d = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12))
        d.setAuthTag(raw.subarray(12, 28))
        return Buffer.concat([d.update(raw.subarray(28)), d.final()]).toString('utf8')
      }
    }
    const dataDir = tempDir()
    writeFileSync(join(dataDir, 'lab.json'), JSON.stringify({ version: 1, nodes: [] }))
    const first = new Lab({ dataDir, mode: 'electron', version: 'test', basePort: await freePort(), secrets: box })
    cleanups.push(() => first.close())
    await first.open()
    const n = await first.call('connectNode', { host: '127.0.0.1', port: s.port, username: 'watcher', password: 'wpw' })
    await first.close()
    const text = readFileSync(join(dataDir, 'lab.json'), 'utf8')
    expect(text).not.toContain('wpw')
    expect(JSON.parse(text).nodes[0].passwordSealed).toMatch(/^[A-Za-z0-9+/]+=*$/)

    const again = new Lab({ dataDir, mode: 'electron', version: 'test', basePort: await freePort(), secrets: box })
    cleanups.push(() => again.close())
    await again.open()
    expect((await again.call('listNodes', {}))[0]).toMatchObject({ id: n.id, status: 'running', role: 'replica' })
    expect(await again.call('execute', { id: n.id, args: ['SET', 'k', 'v'] })).toEqual({ type: 'error', value: "NOPERM this user has no permissions to run the 'set' command" })

    // Another keychain cannot open it: the node asks for the password again, and says why.
    const other: SecretBox = { seal: (t) => t, open: () => { throw new Error('not ours') } }
    await again.close()
    cleanups.pop()
    const third = new Lab({ dataDir, mode: 'electron', version: 'test', basePort: await freePort(), secrets: other })
    cleanups.push(() => third.close())
    await third.open()
    expect((await third.call('listNodes', {}))[0]!.error).toBe(
      `127.0.0.1:${s.port} needs a password, which could not be read back from the keychain: remove this node and connect again`
    )
  })

  test('a server that goes away: the node is failed with the reason, and running again when it is back', async () => {
    const other = await startRedisServer()
    cleanups.push(() => other.stop())
    const { lab, events, dataDir } = await emptyLab()
    const n = await lab.call('connectNode', { host: '127.0.0.1', port: other.port, pollMs: 200 })
    // Pause the process (SIGSTOP): no answer until it resumes.
    process.kill(other.pid, 'SIGSTOP')
    try {
      await expect.poll(async () => (await byPort(lab, other.port)).status, SYNC).toBe('failed')
      expect((await byPort(lab, other.port)).error).toMatch(/did not answer INFO within/)
      expect(events).toContainEqual(expect.objectContaining({ type: 'notice', level: 'error', nodeId: n.id, message: expect.stringMatching(/^Lost 127\.0\.0\.1:/) }))
    } finally {
      process.kill(other.pid, 'SIGCONT')
    }
    await expect.poll(async () => (await byPort(lab, other.port)).status, SYNC).toBe('running')
    expect((await byPort(lab, other.port)).error).toBeUndefined()

    // The next run finds it not answering (no password was needed): failed, watched, running once it answers.
    await lab.close()
    cleanups.pop()
    process.kill(other.pid, 'SIGSTOP')
    let again: Lab
    try {
      again = (await openLab(dataDir)).lab
      expect((await byPort(again, other.port)).status).toBe('failed')
    } finally {
      process.kill(other.pid, 'SIGCONT')
    }
    await expect.poll(async () => (await byPort(again, other.port)).status, SYNC).toBe('running')
  })
})

describe('external servers over TLS', () => {
  const dir = tempDir('lab-tls-')
  const file = (name: string): string => join(dir, name)
  const pem = (name: string): string => readFileSync(file(name), 'utf8')
  let port: number
  let pid: number

  async function openssl(...args: string[]): Promise<void> {
    await promisify(execFile)('openssl', args, { cwd: dir })
  }

  /** A CA, and a server and a client certificate it signed (EC keys: quick to make). */
  async function makeCertificates(): Promise<void> {
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']
    for (const ca of ['ca', 'other-ca']) await openssl('req', '-x509', ...ec, '-keyout', `${ca}.key`, '-out', `${ca}.crt`, '-days', '2', '-subj', `/CN=${ca}`)
    writeFileSync(file('server.ext'), 'subjectAltName=DNS:redis.test,IP:127.0.0.1\n')
    for (const who of ['server', 'client']) {
      await openssl('req', ...ec, '-keyout', `${who}.key`, '-out', `${who}.csr`, '-subj', `/CN=${who}`)
      await openssl('x509', '-req', '-in', `${who}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${who}.crt`, '-days', '2',
        ...(who === 'server' ? ['-extfile', 'server.ext'] : []))
    }
  }

  beforeAll(async () => {
    await makeCertificates()
    port = await freePort()
    const { spawn } = await import('node:child_process')
    const child = spawn('/usr/bin/redis-server', [
      '--port', '0', '--tls-port', String(port), '--bind', '127.0.0.1', '--save', '', '--dir', dir,
      '--tls-cert-file', file('server.crt'), '--tls-key-file', file('server.key'), '--tls-ca-cert-file', file('ca.crt')
    ], { stdio: 'ignore' })
    pid = child.pid!
    const cli = ['--tls', '--cacert', file('ca.crt'), '--cert', file('client.crt'), '--key', file('client.key')]
    await waitFor(async () => (await redisCli(port, ...cli, 'PING')) === 'PONG')
  }, 60_000)

  afterAll(() => {
    if (pid) process.kill(pid, 'SIGKILL')
  })

  test('connects with the CA and a client certificate; refusals name the TLS reason; the key is never written', async () => {
    const { lab, dataDir } = await emptyLab()
    const tls = { ca: pem('ca.crt'), cert: pem('client.crt'), key: pem('client.key') }
    // Plain TCP to a TLS port, a certificate from another CA, a name the certificate lacks, no client certificate.
    await expect(lab.call('connectNode', { host: '127.0.0.1', port })).rejects.toThrow(/^Server closed the connection/)
    await expect(lab.call('connectNode', { host: '127.0.0.1', port, tls: { ...tls, ca: pem('other-ca.crt') } })).rejects.toThrow(
      `Could not connect to Redis at 127.0.0.1:${port}: TLS: self-signed certificate in certificate chain`
    )
    await expect(lab.call('connectNode', { host: 'localhost', port, tls })).rejects.toThrow(/TLS: Hostname\/IP does not match certificate's altnames/)
    await expect(lab.call('connectNode', { host: '127.0.0.1', port, tls: { ca: tls.ca } })).rejects.toThrow(/certificate required|closed the connection/)
    expect(await lab.call('listNodes', {})).toEqual([])

    const n = await lab.call('connectNode', { host: '127.0.0.1', port, tls })
    expect(n).toMatchObject({ status: 'running', role: 'master', external: { loopback: true, tls: true } })
    expect(await run(lab, n.id, 'CONFIG', 'GET', 'tls-port')).toEqual({ type: 'array', value: [{ type: 'bulk', value: 'tls-port' }, { type: 'bulk', value: String(port) }] })

    // lab.json: the CA and the certificate (public), not the key.
    const text = readFileSync(join(dataDir, 'lab.json'), 'utf8')
    expect(text).not.toContain('PRIVATE KEY')
    expect(JSON.parse(text).nodes[0]).toMatchObject({ engine: 'external', tls: { ca: tls.ca, cert: tls.cert }, tlsKeyNeeded: true })
    await lab.close()
    cleanups.pop()
    const { lab: again } = await openLab(dataDir)
    const [restored] = await again.call('listNodes', {})
    expect(restored!.error).toMatch(/needs a TLS client key, which the lab keeps in memory only/)
  })
})
