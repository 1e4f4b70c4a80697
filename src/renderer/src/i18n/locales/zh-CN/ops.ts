import type en from '../en/ops'

export default {
  actions: { start: '启动', stop: '停止', restart: '重启', crash: '强制终止', remove: '移除' },
  couldNot: '无法{action} {name}：{error}',
  couldNotAdd: '无法添加节点：{error}',
  couldNotList: '无法列出节点：{error}',
  removed: '已移除 {name}',
  discovery: '从 {name} 发现：{result}',
  discoveryNone: '没有新的服务器',
  discoveryAdded: '已添加 {list}',
  discoveryFailed: '发现失败：{error}',
  refused: '已拒绝：{why}',
  noLongerInLab: '该节点已不在实验室中。',
  startFirst: '{address} {status}：请先启动它。',
  crashWarn: '{address} 将被直接杀死而不保存：自上次保存以来的写入会丢失，它的副本也会失去主节点。',
  removeWarn: '{address} 将被停止且不保存，它的目录（配置和 dump.rdb）会被删除。',
  disconnectWarn: '实验室会关闭与 {address} 的连接并忘记它；该服务器继续运行，不受影响。',
  confirmTitle: '{label} {address}？',
  labels: { disconnect: '断开', crash: '崩溃', remove: '移除' },
  noCommand: '（没有命令：实验室只是释放它的连接）',
  pidOf: '{address} 的 pid',
  folderOf: '{address} 的目录',
  itsMaster: '它的主节点',
  fault: {
    cut: '实验室制造的网络故障：副本到 {master} 的连接被断开（新的连接也会被拒绝）',
    healed: '实验室修复了网络故障：副本可以再次连接 {master}',
    delay: '实验室制造的网络延迟：{replica} 与 {master} 之间的每个字节单向等待 {ms} 毫秒',
    delayRemoved: '实验室移除了 {replica} 与 {master} 之间的网络延迟',
    killed: '链路已被杀掉：暂时的切断，副本会自动重连',
    transientHint: '{command}：暂时的切断，并非网络分区（副本会自动重连，通常通过增量同步）'
  }
} satisfies typeof en
