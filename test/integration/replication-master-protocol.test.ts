/**
 * The master side's protocol byte by byte, beside a real redis-server 7.0: REPLCONF /
 * PSYNC / WAIT replies and errors, the EOF-form payload that streams nothing until the
 * replica's first ACK, +CONTINUE with the backlog bytes, and WAIT's GETACK in the stream.
 */
import net from 'node:net'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { RedisServer } from '../../src/main/server/node'
import { RawConn, encodeCommand } from '../helpers/raw-conn'
import { startRedisServer, type RealRedis } from '../helpers/redis-server'
import { info, waitFor } from '../helpers/replication'

let ours: RedisServer
let ref: RealRedis
let o: RawConn
let rf: RawConn

beforeAll(async () => {
  ours = new RedisServer({ port: 0, config: { 'repl-diskless-sync-delay': '0' } })
  await ours.listen()
  ref = await startRedisServer(['--repl-diskless-sync-delay', '0'])
  ;[o, rf] = await Promise.all([RawConn.open(ours.port), RawConn.open(ref.port)])
})

afterAll(async () => {
  o?.close()
  rf?.close()
  await ours?.close()
  await ref?.stop()
})

/** A raw replica connection collecting every byte the master sends. */
class RawReplica {
  got = Buffer.alloc(0)
  private constructor(readonly sock: net.Socket) {
    sock.on('data', (d) => (this.got = Buffer.concat([this.got, d])))
    sock.on('error', () => undefined)
  }

  static open(port: number): Promise<RawReplica> {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, '127.0.0.1', () => resolve(new RawReplica(s)))
      s.once('error', reject)
    })
  }

  send(...args: string[]): void {
    this.sock.write(encodeCommand(args))
  }

  text(from = 0): string {
    return this.got.toString('latin1', from)
  }
}

describe('replies and errors as a real master gives them', () => {
  const cases: string[][] = [
    ['REPLCONF'],
    ['REPLCONF', 'listening-port'],
    ['REPLCONF', 'listening-port', 'abc'],
    ['REPLCONF', 'listening-port', '6380'],
    ['REPLCONF', 'capa', 'eof', 'capa', 'psync2', 'capa', 'whatever'],
    ['REPLCONF', 'ip-address', 'a'.repeat(256)],
    ['REPLCONF', 'ip-address', 'a'.repeat(255)],
    ['REPLCONF', 'nosuchoption', 'x'],
    ['REPLCONF', 'rdb-filter-only', 'keys'],
    ['PSYNC', '?'],
    ['PSYNC', '?', 'abc'],
    ['SYNC', 'extra'],
    ['WAIT', '0'],
    ['WAIT', 'x', '0'],
    ['WAIT', '0', 'x'],
    ['WAIT', '0', '-1'],
    ['WAIT', '0', '0'],
    ['WAIT', '1', '10']
  ]
  for (const argv of cases) {
    test(argv.join(' ').slice(0, 60), async () => {
      const [mine, theirs] = [await o.call(...argv), await rf.call(...argv)]
      expect(mine).toBe(theirs)
    })
  }

  test('REPLCONF ACK and GETACK are never replied to', async () => {
    for (const conn of [o, rf]) {
      conn.send(Buffer.concat([encodeCommand(['REPLCONF', 'ACK', '5']), encodeCommand(['REPLCONF', 'GETACK', '*']), encodeCommand(['PING'])]))
      expect(await conn.read()).toBe('+PONG\r\n')
    }
  })

  test('PSYNC and SYNC are refused inside MULTI', async () => {
    for (const conn of [o, rf]) {
      expect(await conn.call('MULTI')).toBe('+OK\r\n')
      expect(await conn.call('PSYNC', '?', '-1')).toBe('-ERR Command not allowed inside a transaction\r\n')
      expect(await conn.call('SYNC')).toBe('-ERR Command not allowed inside a transaction\r\n')
      expect(await conn.call('EXEC')).toBe('-EXECABORT Transaction discarded because of previous errors.\r\n')
    }
  })
})

describe('the stream as a replica sees it', () => {
  test('EOF form: +FULLRESYNC, $EOF:<mark>, the RDB, the mark; nothing more until the first ACK', async () => {
    const rep = await RawReplica.open(ours.port)
    rep.send('REPLCONF', 'capa', 'eof', 'capa', 'psync2')
    rep.send('PSYNC', '?', '-1')
    await waitFor('the payload', async () => /\$EOF:([0-9a-f]{40})\r\n[\s\S]*\1$/.test(rep.text()))
    const text = rep.text()
    const m = /^\+OK\r\n\+FULLRESYNC ([0-9a-f]{40}) (\d+)\r\n\$EOF:([0-9a-f]{40})\r\nREDIS0010/.exec(text)
    expect(m).not.toBeNull()
    const [, replid, offset] = m!
    expect((await info(o)).master_replid).toBe(replid)
    // Written after the snapshot: held until the replica says it has loaded the payload.
    await o.call('SET', 'held', 'until-ack')
    await new Promise((res) => setTimeout(res, 150))
    expect(rep.text().length).toBe(text.length)
    const ackSentSec = Math.floor(Date.now() / 1000)
    rep.send('REPLCONF', 'ACK', offset!)
    await waitFor('the held stream', async () => rep.got.length > text.length)
    expect(rep.text(text.length)).toBe('*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$4\r\nheld\r\n$9\r\nuntil-ack\r\n')
    const i = await info(o)
    const infoReadSec = Math.floor(Date.now() / 1000)
    const line = /^ip=127\.0\.0\.1,port=0,state=online,offset=\d+,lag=(\d+)$/.exec(i.slave0 ?? '')
    expect(line, i.slave0).not.toBeNull()
    // lag is whole seconds since the ACK, as Redis counts it: 0 unless a second boundary fell
    // between the ACK and the INFO (then exactly the boundaries crossed).
    expect(Number(line![1])).toBeLessThanOrEqual(infoReadSec - ackSentSec)

    // WAIT asks for ACKs through the stream: REPLCONF GETACK * counted in the offset.
    const before = rep.got.length
    const waitReply = o.call('WAIT', '1', '2000')
    await waitFor('GETACK', async () => rep.text(before).includes('GETACK'))
    expect(rep.text(before)).toBe('*3\r\n$8\r\nREPLCONF\r\n$6\r\nGETACK\r\n$1\r\n*\r\n')
    // (o is blocked in WAIT: read INFO on another connection.)
    const other = await RawConn.open(ours.port)
    const masterOffset = Number((await info(other)).master_repl_offset)
    other.close()
    rep.send('REPLCONF', 'ACK', String(masterOffset))
    expect(await waitReply).toBe(':1\r\n')
    expect((await info(o)).slave0).toContain(`offset=${masterOffset},`)

    // Reconnecting with the id and the next offset: +CONTINUE and exactly the missing bytes.
    rep.sock.destroy()
    await waitFor('the replica to be gone', async () => (await info(o)).connected_slaves === '0')
    await o.call('SET', 'missed', 'bytes')
    const again = await RawReplica.open(ours.port)
    again.send('REPLCONF', 'capa', 'eof', 'capa', 'psync2')
    again.send('PSYNC', replid!, String(masterOffset + 1))
    const expected = `+OK\r\n+CONTINUE ${replid}\r\n*3\r\n$3\r\nSET\r\n$6\r\nmissed\r\n$5\r\nbytes\r\n`
    await waitFor('the backlog bytes', async () => again.text().length >= expected.length)
    expect(again.text()).toBe(expected)
    // Without psync2 the +CONTINUE line has no id; an offset beyond the backlog means a full sync.
    again.sock.destroy()
    const old = await RawReplica.open(ours.port)
    old.send('PSYNC', replid!, String(masterOffset + 1))
    await waitFor('+CONTINUE', async () => old.text().startsWith('+CONTINUE\r\n*3'))
    old.sock.destroy()
    const far = await RawReplica.open(ours.port)
    far.send('PSYNC', replid!, String(masterOffset + 100000))
    await waitFor('+FULLRESYNC', async () => far.text().includes('+FULLRESYNC'))
    far.sock.destroy()
    const stats = await info(o, 'stats')
    expect(stats.sync_partial_ok).toBe('2')
    expect(stats.sync_partial_err).toBe('1')
    expect(stats.sync_full).toBe('2')
  })
})
