import { homedir } from 'node:os'
import { join } from 'node:path'

export const APP_DIR_NAME = 'replication-lab'

/** Web mode's data folder: `$XDG_CONFIG_HOME/replication-lab`, as Electron's userData is on Linux. */
export function defaultWebDataDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.trim() !== '' ? env.XDG_CONFIG_HOME : join(homedir(), '.config')
  return join(base, APP_DIR_NAME)
}
