/**
 * Our RDB writer against a real redis-server 7.0: a dump Redis wrote goes through our
 * reader and writer and back into Redis, whose DEBUG DIGEST must not change; our file
 * passes redis-check-rdb.
 */
import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, expect, test } from 'vitest'
import { readRdb, type RdbEntry } from '../../src/main/server/rdb/reader'
import { RdbFileWriter } from '../../src/main/server/rdb/writer'
import { RawConn } from '../helpers/raw-conn'
import { freePort } from '../helpers/ports'

const running: ReturnType<typeof spawn>[] = []
afterEach(() => {
  for (const p of running.splice(0)) p.kill('SIGKILL')
})

async function startReal(dir: string): Promise<RawConn> {
  const port = await freePort()
  const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' })
  running.push(proc)
  for (let i = 0; ; i++) {
    try {
      const c = await RawConn.open(port)
      // Wait for the dataset to be loaded (LOADING replies until then).
      for (;;) {
        const r = await c.call('PING')
        if (r === '+PONG\r\n') return c
        await new Promise((res) => setTimeout(res, 50))
      }
    } catch (err) {
      if (i > 50) throw err
      await new Promise((r) => setTimeout(r, 100))
    }
  }
}

function writeEntries(entries: RdbEntry[], compress = true): Buffer {
  const w = new RdbFileWriter({ compress })
  w.aux([['redis-ver', '7.0.15'], ['redis-bits', 64], ['ctime', Math.floor(Date.now() / 1000)], ['used-mem', 1000000], ['aof-base', 0]])
  const chunks: Buffer[] = []
  const dbs = [...new Set(entries.map((e) => e.db))].sort((a, b) => a - b)
  for (const db of dbs) {
    const inDb = entries.filter((e) => e.db === db)
    w.selectDb(db, inDb.length, inDb.filter((e) => e.expireMs !== null).length)
    for (const e of inDb) w.entry(e.key, e.expireMs, e.value)
    chunks.push(...w.take())
  }
  chunks.push(...w.end())
  return Buffer.concat(chunks)
}

test('a dump Redis wrote, re-encoded by us, loads in Redis with the same DEBUG DIGEST', async () => {
  const srcDir = mkdtempSync(join(tmpdir(), 'rdbw-src-'))
  const c = await startReal(srcDir)
  const cmds: string[][] = [
    ['SET', 'int', '12345'],
    ['SET', 'long', 'x'.repeat(2000)],
    ['SET', 'ttl', 'v', 'PX', '100000000'],
    ['RPUSH', 'small-list', 'a', 'b', '1', '300', '-70000'],
    ['RPUSH', 'big-list', ...Array.from({ length: 5000 }, (_, i) => `element-${i}`)],
    ['SADD', 'intset', '3', '1', '2'],
    ['SADD', 'strset', 'a', 'b', 'c'],
    ['SADD', 'bigintset', ...Array.from({ length: 600 }, (_, i) => String(i * 7))],
    ['HSET', 'small-hash', 'f', 'v', 'n', '5'],
    ['HSET', 'big-hash', ...Array.from({ length: 600 }, (_, i) => [`f${i}`, `v${i}`]).flat()],
    ['HSET', 'long-hash', 'f', 'z'.repeat(100)],
    ['ZADD', 'small-zset', '1', 'a', '2.5', 'b', '-inf', 'c', '0.1', 'd'],
    ['ZADD', 'big-zset', ...Array.from({ length: 300 }, (_, i) => [String(i / 3), `m${i}`]).flat()],
    ['SELECT', '5'],
    ['SET', 'in-db5', 'yes'],
    ['EXPIRE', 'in-db5', '1000']
  ]
  for (const cmd of cmds) expect((await c.call(...cmd))[0]).not.toBe('-')
  const digest = await c.call('DEBUG', 'DIGEST')
  expect(digest).not.toBe('+0000000000000000000000000000000000000000\r\n')
  expect(await c.call('SAVE')).toBe('+OK\r\n')
  c.close()

  const original = readFileSync(join(srcDir, 'dump.rdb'))
  const entries: RdbEntry[] = []
  readRdb(original, { onEntry: (e) => entries.push(e) })

  for (const compress of [true, false]) {
    const ours = writeEntries(entries, compress)
    // Our own reader agrees with what we wrote.
    const again: RdbEntry[] = []
    readRdb(ours, { onEntry: (e) => again.push(e) })
    expect(again.length).toBe(entries.length)

    const dir = mkdtempSync(join(tmpdir(), 'rdbw-dst-'))
    writeFileSync(join(dir, 'dump.rdb'), ours)
    expect(execFileSync('redis-check-rdb', [join(dir, 'dump.rdb')], { encoding: 'utf8' })).toContain('RDB looks OK!')
    const loaded = await startReal(dir)
    expect(await loaded.call('DEBUG', 'DIGEST')).toBe(digest)
    expect(await loaded.call('OBJECT', 'ENCODING', 'small-hash')).toBe('$8\r\nlistpack\r\n')
    expect(await loaded.call('OBJECT', 'ENCODING', 'intset')).toBe('$6\r\nintset\r\n')
    expect(await loaded.call('OBJECT', 'ENCODING', 'big-zset')).toBe('$8\r\nskiplist\r\n')
    loaded.close()
  }
})
