/**
 * Persistence commands (rdb.c, cluster.c's DUMP/RESTORE): SAVE, BGSAVE, LASTSAVE, DUMP, RESTORE.
 */
import type { CommandSpec } from './types'

export const persistenceCommands: CommandSpec[] = []
