/**
 * Which commands ask first because they would change a server on another machine: its data
 * (FLUSHALL, FLUSHDB), its life (SHUTDOWN) or its role (REPLICAOF/SLAVEOF, FAILOVER). On
 * loopback the lab is a sandbox and nothing asks; off it, one slip empties a real database.
 */

export interface RemoteDanger {
  /** host:port of the server, as the confirmation names it. */
  address: string
  /** The command's name, upper case (FLUSHALL, REPLICAOF…). */
  command: string
  title: string
  message: string
  confirmLabel: string
}

/** 127.0.0.0/8, ::1 and localhost; any other name may be another machine. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase()
  return h === 'localhost' || h === '::1' || /^(::ffff:)?127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h)
}

function upper(arg: string | undefined): string {
  return (arg ?? '').toUpperCase()
}

/** What the command does to the server at `address`, or null when it does none of the above. */
function effect(args: readonly string[], address: string): string | null {
  const cmd = upper(args[0])
  switch (cmd) {
    case 'FLUSHALL':
      return `deletes every key in every database of ${address}`
    case 'FLUSHDB':
      return `deletes every key in the selected database of ${address}`
    case 'SHUTDOWN':
      return `stops the server at ${address}; the lab did not start it and cannot start it again`
    case 'REPLICAOF':
    case 'SLAVEOF':
      if (args.length === 3 && upper(args[1]) === 'NO' && upper(args[2]) === 'ONE') {
        return `makes ${address} a master: it stops replicating and accepts writes`
      }
      return args.length === 3
        ? `makes ${address} a replica of ${args[1]}:${args[2]}: its data is dropped and replaced by that master's`
        : null // a wrong arity is refused by the server without doing anything
    case 'FAILOVER':
      return `hands the master role of ${address} to one of its replicas`
    default:
      return null
  }
}

/**
 * Why running `args` on the server at host:port asks first, or null when it may run at once
 * (a loopback server, or a command that changes neither its data, its life nor its role).
 */
export function remoteDanger(server: { host: string; port: number }, args: readonly string[]): RemoteDanger | null {
  if (isLoopbackHost(server.host) || args.length === 0) return null
  const address = `${server.host}:${server.port}`
  const what = effect(args, address)
  if (what === null) return null
  const command = upper(args[0])
  return {
    address,
    command,
    title: `Run ${command} on ${address}?`,
    message: `${address} is not on loopback (maybe another machine): ${command} ${what}.`,
    confirmLabel: `Run ${command}`
  }
}
