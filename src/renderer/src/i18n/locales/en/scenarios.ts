/** The Scenarios menu, its presets, and building one. */
export default {
  menu: 'Scenarios',
  building: 'Building…',
  engineNote: "Nodes a preset adds: {engine} (the header's Engine)",
  engine: { embedded: 'embedded', real: 'real {name}' },
  presets: {
    'one-master-two-replicas': {
      title: 'One master + two replicas',
      description: 'The classic setup: the first node is the master, the next two replicate from it.'
    },
    chain: {
      title: 'Chain (A → B → C)',
      description: 'B replicates from A and C from B: a replica can feed replicas, relaying its master’s stream.'
    },
    star: {
      title: 'Star of five replicas',
      description: 'One master feeding five replicas directly.'
    },
    failover: {
      title: 'Failover drill',
      description: 'A master with two replicas, then the steps to lose the master, promote a replica and repoint the other.'
    }
  },
  confirm: {
    title: 'Build “{preset}”?',
    changes: 'This changes the role of nodes that are in the lab already',
    adds: ', and adds {n} node ({engine}) | , and adds {n} node ({engine}) | , and adds {n} nodes ({engine})',
    replicasDrop: '. Replicas drop their data and copy their new master’s.',
    remote: ' Not on loopback (maybe other machines), changed for real: {addresses}.',
    build: 'Build'
  },
  stopped: '“{preset}” stopped: {command} failed (see the command log).'
}
