import type en from '../en/scenarios'

export default {
  menu: '场景',
  building: '正在搭建…',
  engineNote: '预设新增的节点：{engine}（见标题栏的“引擎”）',
  engine: { embedded: '内置', real: '真实的 {name}' },
  presets: {
    'one-master-two-replicas': {
      title: '一主两从',
      description: '经典配置：第一个节点作为主节点，后两个节点从它复制。'
    },
    chain: {
      title: '链式（A → B → C）',
      description: 'B 从 A 复制，C 从 B 复制：副本也可以为其他副本提供数据，转发其主节点的复制流。'
    },
    star: {
      title: '一主五从（星型）',
      description: '一个主节点直接向五个副本提供数据。'
    },
    failover: {
      title: '故障转移演练',
      description: '一个主节点带两个副本，随后按步骤演练：主节点失效、提升一个副本、让另一个副本改为跟随新主节点。'
    }
  },
  confirm: {
    title: '搭建“{preset}”？',
    changes: '这会改变实验室中已有节点的角色',
    adds: '，并添加 {n} 个节点（{engine}） | ，并添加 {n} 个节点（{engine}） | ，并添加 {n} 个节点（{engine}）',
    replicasDrop: '。副本会丢弃自己的数据，并复制新主节点的数据。',
    remote: ' 不在本机回环地址上（可能是其他机器），将被真实修改：{addresses}。',
    build: '搭建'
  },
  stopped: '“{preset}”已中止：{command} 执行失败（见命令记录）。'
} satisfies typeof en
