/**
 * Master-side replication commands (replication.c): SYNC, PSYNC, REPLCONF, WAIT.
 */
import type { CommandSpec } from './types'

export const replicationCommands: CommandSpec[] = []
