import type en from '../en/timeline'

export default {
  title: '时间线',
  filter: '显示哪个节点的事件',
  allNodes: '所有节点',
  steps: '握手步骤',
  stepsTitle: '握手过程的日志行，措辞与 Redis 日志一致',
  clear: '清空',
  empty: '复制事件（握手步骤、全量与增量同步、链路的建立与断开、角色变化）发生时会显示在这里。',
  events: '复制事件',
  select: '在拓扑图中选中 {address}',
  kinds: { role: '角色', link: '链路', step: '步骤', sync: '同步', status: '状态', fault: '故障', notice: '通知' },
  role: {
    replicaOf: '成为 {master} 的副本',
    aMaster: '某个主节点',
    master: '成为主节点'
  },
  link: {
    connecting: '链路正在连接主节点',
    handshake: '链路握手中',
    sync: '链路同步中',
    up: '链路已建立',
    down: '链路已断开',
    downBecause: '链路已断开：{reason}'
  },
  sync: {
    keys: '{n} 个键 | {n} 个键',
    full: '全量同步：RDB {bytes}，{keys}，耗时 {duration}',
    partial: '增量同步：耗时 {duration}',
    partialBytes: '增量同步：从积压缓冲区发送 {bytes}，耗时 {duration}',
    served: '向 {replica} 提供增量同步：从偏移量 {offset} 起发送积压缓冲区 {bytes}'
  },
  status: {
    running: '运行中',
    stopped: '已停止',
    failed: '已失败',
    added: '已添加到实验室'
  },
  fault: {
    cut: '实验室切断了链路（网络故障）',
    healed: '实验室恢复了链路',
    latency: '链路延迟设为单向 {ms} 毫秒',
    latencyRemoved: '已移除链路延迟',
    clientKill: '通过 CLIENT KILL TYPE master 切断链路（暂时的：副本会自动重连）'
  },
  units: { ms: '{n} 毫秒', s: '{n} 秒' }
} satisfies typeof en
