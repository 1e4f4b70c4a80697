/**
 * Replica-side replication commands (replication.c): REPLICAOF, SLAVEOF, ROLE.
 */
import type { CommandSpec } from './types'

export const replicaofCommands: CommandSpec[] = []
