/** What the operator's actions say: failures, confirmations, refusals, the lab's network faults. */
export default {
  actions: { start: 'start', stop: 'stop', restart: 'restart', crash: 'crash', remove: 'remove' },
  couldNot: 'Could not {action} {name}: {error}',
  couldNotAdd: 'Could not add a node: {error}',
  couldNotList: 'Could not list the nodes: {error}',
  removed: '{name} removed',
  discovery: 'Discovery from {name}: {result}',
  discoveryNone: 'no new servers',
  discoveryAdded: 'added {list}',
  discoveryFailed: 'Discovery failed: {error}',
  refused: 'Refused: {why}',
  noLongerInLab: 'That node is no longer in the lab.',
  startFirst: '{address} is {status}: start it first.',
  crashWarn: '{address} will be killed without saving: writes since its last save are lost, and its replicas lose their master.',
  removeWarn: '{address} will be stopped without saving and its folder (config and dump.rdb) deleted.',
  disconnectWarn: 'The lab closes its connections to {address} and forgets it; the server keeps running, untouched.',
  confirmTitle: '{label} {address}?',
  labels: { disconnect: 'Disconnect', crash: 'Crash', remove: 'Remove' },
  noCommand: '(no command: the lab only lets go of its connections)',
  pidOf: 'pid of {address}',
  folderOf: 'folder of {address}',
  itsMaster: 'its master',
  fault: {
    cut: 'network fault made by the lab: the replica\'s connection to {master} is dropped (and new ones refused)',
    healed: 'network fault healed by the lab: the replica may connect to {master} again',
    delay: 'network delay made by the lab: each byte between {replica} and {master} waits {ms} ms each way',
    delayRemoved: 'network delay removed by the lab between {replica} and {master}',
    killed: 'link killed: a transient cut, the replica reconnects by itself',
    transientHint: '{command}: a transient cut, not a partition (the replica reconnects by itself, usually with a partial resync)'
  }
}
