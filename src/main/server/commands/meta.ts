/**
 * Command metadata taken from a real Redis 7 (scripts/gen-command-meta.mjs writes
 * meta/redis-commands.json from its COMMAND INFO and COMMAND DOCS). A family file declares
 * only what is ours — the implementation — and the arity, flags, ACL categories, key specs
 * and docs come from here, so COMMAND, arity errors and key extraction match Redis.
 */
import metaJson from './meta/redis-commands.json'
import type { CommandProc, CommandSpec } from './types'

type MetaSpec = Omit<CommandSpec, 'proc' | 'subcommands' | 'getKeys'> & { subcommands?: MetaSpec[] }

const META = (metaJson as unknown as { commands: Record<string, MetaSpec> }).commands

export interface CommandImpl {
  proc: CommandProc
  getKeys?: CommandSpec['getKeys']
}

/**
 * A command spec from Redis's metadata plus our implementation. For a container (CONFIG,
 * CLIENT, OBJECT, …) pass the implemented subcommands by name; COMMAND then lists those.
 */
export function redisCommand(
  name: string,
  impl: CommandProc | CommandImpl | null,
  subcommands?: Record<string, CommandProc | CommandImpl>
): CommandSpec {
  const meta = META[name]
  if (!meta) throw new Error(`no Redis metadata for command '${name}'`)
  return withImpl(meta, impl, subcommands)
}

function withImpl(
  meta: MetaSpec,
  impl: CommandProc | CommandImpl | null,
  subcommands?: Record<string, CommandProc | CommandImpl>
): CommandSpec {
  const { subcommands: metaSubs, ...rest } = meta
  const spec: CommandSpec = { ...rest }
  if (impl) {
    const i = typeof impl === 'function' ? { proc: impl } : impl
    spec.proc = i.proc
    if (i.getKeys) spec.getKeys = i.getKeys
  }
  if (subcommands) {
    spec.subcommands = Object.entries(subcommands).map(([sub, subImpl]) => {
      const subMeta = metaSubs?.find((m) => m.name === sub)
      if (!subMeta) throw new Error(`no Redis metadata for subcommand '${meta.name}|${sub}'`)
      return withImpl(subMeta, subImpl)
    })
  }
  return spec
}
