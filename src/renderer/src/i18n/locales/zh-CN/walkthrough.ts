import type en from '../en/walkthrough'

export default {
  doIt: '执行',
  running: '正在执行…',
  done: '已完成',
  current: '当前步骤',
  todo: '待完成',
  close: '关闭引导教程',
  finished: '所有步骤都已完成。',
  stepsLabel: '教程步骤',
  step: '第 {n} 步：{title}（{state}）',
  menuItem: '引导教程：经典复制课程',
  menuDescription: 'SLAVEOF、INFO replication、READONLY、主节点宕机后恢复、全量与增量同步。',
  timeout: '实验室未能及时达到预期状态；请查看拓扑图和时间线，然后重试。',
  notes: {
    in: '（在 {node} 中）',
    on: '（{node}）',
    times3: '（×3：{nodes}）',
    cut: '（切断 {node} 的复制链路）',
    heal: '（恢复 {node} 的复制链路）'
  },
  lessons: {
    classic: {
      title: '经典复制课程',
      intro:
        '在一台机器上运行三个服务器，与开发者指南中一样：{A} 成为主节点，{B} 和 {C} 成为它的副本。点击“执行”，或者自己在控制台中输入命令：实验室观察到某一步发生后，就会把它勾选为完成。',
      steps: {
        'three-masters': {
          title: '三个服务器，三个主节点',
          text: '每个 redis-server 启动时都是主节点：在被告知之前，它不从任何节点复制。在每个节点上执行 INFO replication，都会显示 role:master 和 connected_slaves:0。'
        },
        'b-replicates': {
          title: '让 {B} 成为 {A} 的副本',
          text: 'SLAVEOF host port（自 Redis 5 起也可写作 REPLICAOF）让一个服务器从另一个服务器复制数据。副本会丢弃自己原有的数据，主节点先发送一份完整副本：一个 RDB 快照（即全量同步），之后再实时转发每一个写操作。'
        },
        'c-replicates': {
          title: '让 {C} 成为 {A} 的副本',
          text: '一个主节点可以带任意多个副本。每个副本都会先获得一份自己的完整数据；拓扑图会从主节点向每个副本画一条边，颜色表示复制链路的状态。'
        },
        info: {
          title: '在两端查看 INFO replication',
          text: '主节点会列出它的副本（connected_slaves、slave0:ip=…,state=online,offset=…）；首次同步完成后，副本会显示 role:slave、master_host、master_port 和 master_link_status:up。两端都记录 master_repl_offset：偏移量相等，说明副本已经拥有全部数据。'
        },
        'write-flows': {
          title: '主节点上的写入会出现在副本上',
          text: '主节点每执行一条写命令，就把它转发给所有副本。在副本上读回这个键：它已经在那里了，通常不到一毫秒。'
        },
        readonly: {
          title: '副本拒绝写入',
          text: '副本默认是只读的（replica-read-only yes）：写入会让副本与主节点的数据不一致，所以它返回 READONLY 错误。客户端必须把写操作发送给主节点。'
        },
        'master-down': {
          title: '主节点宕机',
          text: '停止 {A}。副本保留自己的数据和配置：它们仍然把 {A} 当作主节点，显示 master_link_status:down，并且每秒尝试重新连接。不会有节点被自动提升为主节点（那是 Sentinel 的工作）。'
        },
        'master-back': {
          title: '主节点恢复，副本追上进度',
          text: '再次启动 {A}（它会加载自己的 dump.rdb）。副本会自动重新连接并重新同步；复制链路恢复后，它们又与主节点拥有相同的数据。'
        },
        'restart-replica': {
          title: '通过命令设置的副本重启后变回主节点',
          text: 'SLAVEOF 只改变正在运行的服务器；它的 redis.conf 中没有 replicaof 这一行。重启 {B}：它会带着原有数据作为主节点回来（如果 redis.conf 中有 replicaof，或者在 SLAVEOF 之后执行了 CONFIG REWRITE，它才会保持副本身份）。'
        },
        'partial-resync': {
          title: '全量同步与增量同步',
          text: '副本的第一次同步是全量的：主节点发送全部数据的快照。短暂中断之后，副本会请求从自己的偏移量继续（PSYNC replid offset）；如果主节点的积压缓冲区（backlog）仍然保存着缺失的部分，它就只发送这一部分：这就是增量同步（partial resync）。切断 {C} 的复制链路，写入数据，再恢复链路，然后看时间线显示 “partial”。'
        }
      }
    },
    failover: {
      title: '故障转移演练',
      intro:
        '{A} 是主节点，{B} 和 {C} 是它的副本。主节点发生故障；你手动把 {B} 提升为主节点，并让 {C}（以及之后的 {A}）指向它，就像没有 Sentinel 时运维人员所做的那样。',
      steps: {
        'links-up': {
          title: '两个副本都已同步',
          text: '等待两条复制链路都建立起来：每个副本首先会收到主节点数据的完整副本。'
        },
        write: {
          title: '在主节点上写入',
          text: '给演练准备一些需要保住的数据：这次写入会同步到两个副本。'
        },
        'master-fails': {
          title: '主节点发生故障',
          text: '停止 {A}。现在写操作无处可去：副本仍然响应读请求、拒绝写请求，并等待一个不会再回来的主节点。'
        },
        promote: {
          title: '提升 {B}',
          text: 'REPLICAOF NO ONE 把副本变为主节点：它保留自己的数据并开始接受写入。它也保留了复制历史（PSYNC2），因此另一个副本可以通过增量同步跟随它。'
        },
        repoint: {
          title: '让 {C} 指向新的主节点',
          text: '必须告诉另一个副本主节点换到了哪里。它会从原来的位置继续：如果新主节点的积压缓冲区覆盖了这段数据，就是一次增量同步。'
        },
        'write-new-master': {
          title: '现在写入发往 {B}',
          text: '新的主节点接受写入，并把它转发给 {C}。'
        },
        'old-master-returns': {
          title: '旧主节点以副本身份回归',
          text: '再次启动后，{A} 是一个带着旧数据的主节点：两个主节点并存，随时可能发生脑裂。在客户端找到它之前，把它设为 {B} 的副本。'
        }
      }
    }
  }
} satisfies typeof en
