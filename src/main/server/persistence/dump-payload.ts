/**
 * DUMP/RESTORE payloads (cluster.c createDumpPayload / verifyDumpPayload): the value's RDB
 * type byte and serialisation, the RDB version (2 bytes LE) and a CRC64 (8 bytes LE) of
 * everything before it. Same value encodings as the dump file.
 */
import { Crc64 } from '../rdb/crc64'
import { readRdb, type RdbValue } from '../rdb/reader'
import type { RdbFileWriter } from '../rdb/writer'
import { RdbError } from '../rdb/errors'

/** RDB_VERSION of Redis 7.0: newer payloads are refused, as 7.0 does. */
export const DUMP_RDB_VERSION = 10

const EMPTY_KEY = Buffer.alloc(0)

/** createDumpPayload, with a writer from rdbWriterFor(server) (encodings, compression). */
export function createDumpPayload(writer: RdbFileWriter, value: RdbValue): Buffer {
  // The writer frames a value as [type][key][value]: with an empty key (one 0x00 length
  // byte) the payload is that minus the header and the key.
  const header = writer.length
  writer.entry(EMPTY_KEY, null, value)
  const all = Buffer.concat(writer.take())
  const body = Buffer.concat([all.subarray(header, header + 1), all.subarray(header + 2)])
  const out = Buffer.allocUnsafe(body.length + 10)
  body.copy(out)
  out.writeUInt16LE(DUMP_RDB_VERSION, body.length)
  new Crc64().update(out.subarray(0, body.length + 2)).bytes().copy(out, body.length + 2)
  return out
}

/** verifyDumpPayload: version not newer than ours and CRC64 right (unless skipped). */
export function verifyDumpPayload(p: Buffer, checksum = true): boolean {
  if (p.length < 10) return false
  const ver = p.readUInt16LE(p.length - 10)
  if (ver > DUMP_RDB_VERSION) return false
  if (!checksum) return true
  const crc = new Crc64().update(p.subarray(0, p.length - 8)).bytes()
  return crc.equals(p.subarray(p.length - 8))
}

class Stop {
  constructor(readonly value: RdbValue) {}
}

/**
 * rdbLoadObjectType + rdbLoadObject over a verified payload: the value, or an RdbError
 * (Bad data format). Like Redis, bytes after the value are ignored.
 */
export function parseDumpPayload(p: Buffer): RdbValue {
  const body = p.subarray(0, p.length - 10)
  if (body.length === 0) throw new RdbError('empty payload')
  // Reuse the file reader: frame [type][value] as a one-key RDB, stopping at that key.
  const framed = Buffer.concat([Buffer.from('REDIS0011', 'latin1'), body.subarray(0, 1), Buffer.from([0]), body.subarray(1)])
  const type = body[0]!
  if (type >= 245) throw new RdbError(`invalid object type ${type}`)
  try {
    readRdb(framed, {
      checksum: false,
      onEntry(e) {
        throw new Stop(e.value)
      }
    })
  } catch (err) {
    if (err instanceof Stop) return err.value
    throw err
  }
  throw new RdbError('no value in payload')
}
