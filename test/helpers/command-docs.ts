/** The help table a console builds from its node's COMMAND DOCS, here read from a real server. */
import { parseCommandDocs, type CommandHelp } from '../../src/shared/command-help'
import type { Reply } from '../../src/shared/reply'
import { ReplyReader } from '../../src/main/server/resp/reply-reader'
import { RawConn } from './raw-conn'

export async function commandHelpOf(port: number): Promise<Map<string, CommandHelp>> {
  const conn = await RawConn.open(port)
  const raw = await conn.call('COMMAND', 'DOCS')
  conn.close()
  const [reply] = new ReplyReader().push(Buffer.from(raw, 'latin1')) as Reply[]
  return parseCommandDocs(reply!)
}
