/** The header's Add node / Connect, and the modal dialogs. */
export default {
  add: {
    group: 'Add to the lab',
    engine: 'Engine',
    engineLabel: 'Engine for new nodes',
    embedded: 'embedded',
    real: 'real {name} {version}',
    engineTitle: '{name} {version} at {path}',
    addNode: 'Add node',
    connect: 'Connect to server…'
  },
  connect: {
    title: 'Connect to a server',
    explain: 'A server this lab did not start: the lab talks to it over the Redis protocol only, so start, restart and crash stay disabled.',
    host: 'Host',
    port: 'Port',
    remote: 'Not on this machine: actions in the lab will change a real remote server.',
    user: 'User',
    password: 'Password',
    name: 'Connection name',
    pollEvery: 'Poll every',
    pollLabel: 'Poll interval in ms',
    ms: 'ms',
    tls: 'TLS',
    tlsText: "TLS (the server's tls-port)",
    ca: "CA certificate (PEM; empty: the system's CAs)",
    caLabel: 'CA certificate',
    cert: 'Client certificate',
    key: 'Client key',
    servername: 'Server name (when the certificate does not name the host)',
    servernameLabel: 'TLS server name',
    discover: 'Discover its replication tree (masters and replicas it names)',
    secrets: "The password and a TLS client key are kept in the app's memory only: not in its files, and not shown again.",
    cancel: 'Cancel',
    submit: 'Connect',
    busy: 'Connecting…',
    errors: {
      host: 'Host must be a host name or an IP address.',
      port: 'Port must be a whole number from 1 to 65535.',
      poll: 'Poll interval must be a whole number of ms from 200 to 60000.',
      certKey: 'A client certificate needs its key, and a key its certificate.'
    }
  },
  confirm: {
    cancel: 'Cancel'
  },
  replicate: {
    label: 'Replicate {address} from…',
    title: 'Replicate {address} from…',
    master: 'Master',
    notPossible: 'not possible',
    runsExactly: 'Runs exactly this on {address}:',
    replaced: "No keys on {address} will be replaced. | The {n} key on {address} will be replaced by the master's data. | The {n} keys on {address} will be replaced by the master's data.",
    byCommand: 'Made by command, the link is not written to its redis.conf: after a restart {address} comes back as a master.',
    cancel: 'Cancel',
    run: 'Run SLAVEOF'
  },
  commandLog: 'Commands run'
}
