import { describe, expect, it } from 'vitest'
import { isLoopbackHost, remoteDanger } from '../../src/shared/remote-safety'

const remote = { host: '10.1.2.3', port: 6379 }

describe('isLoopbackHost', () => {
  it('knows loopback addresses and names', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', 'LOCALHOST', '::1', '::ffff:127.0.0.1']) expect(isLoopbackHost(h), h).toBe(true)
  })
  it('treats everything else as maybe another machine', () => {
    for (const h of ['10.1.2.3', '192.168.0.1', 'redis.internal', '::', '0.0.0.0', '128.0.0.1', '127.0.0.1.example.com', '::ffff:10.0.0.1']) {
      expect(isLoopbackHost(h), h).toBe(false)
    }
  })
})

describe('remoteDanger', () => {
  it('asks for data, life and role changes on a remote server, naming it', () => {
    expect(remoteDanger(remote, ['flushall'])).toEqual({
      address: '10.1.2.3:6379',
      command: 'FLUSHALL',
      title: 'Run FLUSHALL on 10.1.2.3:6379?',
      message: '10.1.2.3:6379 is not on loopback (maybe another machine): FLUSHALL deletes every key in every database of 10.1.2.3:6379.',
      confirmLabel: 'Run FLUSHALL'
    })
    expect(remoteDanger(remote, ['FlushDB', 'ASYNC'])?.message).toContain('deletes every key in the selected database of 10.1.2.3:6379')
    expect(remoteDanger(remote, ['shutdown', 'nosave'])?.message).toContain('stops the server at 10.1.2.3:6379')
    expect(remoteDanger(remote, ['REPLICAOF', 'no', 'one'])?.message).toContain('makes 10.1.2.3:6379 a master')
    expect(remoteDanger(remote, ['slaveof', '10.1.2.4', '6380'])?.message).toContain(
      'makes 10.1.2.3:6379 a replica of 10.1.2.4:6380: its data is dropped'
    )
    expect(remoteDanger(remote, ['failover'])?.command).toBe('FAILOVER')
  })

  it('lets everything run at once on loopback', () => {
    for (const host of ['127.0.0.1', 'localhost', '::1']) {
      for (const args of [['FLUSHALL'], ['SHUTDOWN'], ['REPLICAOF', 'NO', 'ONE'], ['SLAVEOF', '127.0.0.1', '6379']]) {
        expect(remoteDanger({ host, port: 6379 }, args)).toBeNull()
      }
    }
  })

  it('lets harmless commands, empty lines and wrong arities run on a remote server', () => {
    for (const args of [['GET', 'k'], ['SET', 'flushall', '1'], ['INFO', 'replication'], ['CONFIG', 'GET', 'replicaof'], [], ['REPLICAOF'], ['REPLICAOF', 'NO']]) {
      expect(remoteDanger(remote, args)).toBeNull()
    }
  })
})
