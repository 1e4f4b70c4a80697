import type en from '../en/dialogs'

export default {
  add: {
    group: '添加到实验室',
    engine: '引擎',
    engineLabel: '新节点使用的引擎',
    embedded: '内置',
    real: '真实的 {name} {version}',
    engineTitle: '{name} {version}，位于 {path}',
    addNode: '添加节点',
    connect: '连接到服务器…'
  },
  connect: {
    title: '连接到服务器',
    explain: '不是由本实验室启动的服务器：实验室只通过 Redis 协议与它通信，因此启动、重启和崩溃操作不可用。',
    host: '主机',
    port: '端口',
    remote: '不在本机上：在实验室中的操作会改变一台真实的远程服务器。',
    user: '用户',
    password: '密码',
    name: '连接名称',
    pollEvery: '轮询间隔',
    pollLabel: '轮询间隔（毫秒）',
    ms: '毫秒',
    tls: 'TLS',
    tlsText: 'TLS（服务器的 tls-port）',
    ca: 'CA 证书（PEM；留空则使用系统的 CA）',
    caLabel: 'CA 证书',
    cert: '客户端证书',
    key: '客户端私钥',
    servername: '服务器名称（当证书中没有该主机名时填写）',
    servernameLabel: 'TLS 服务器名称',
    discover: '发现它的复制拓扑（它所指向的主节点和副本）',
    secrets: '密码和 TLS 客户端私钥只保存在应用的内存中：不写入文件，也不会再次显示。',
    cancel: '取消',
    submit: '连接',
    busy: '正在连接…',
    errors: {
      host: '主机必须是主机名或 IP 地址。',
      port: '端口必须是 1 到 65535 之间的整数。',
      poll: '轮询间隔必须是 200 到 60000 之间的整数毫秒数。',
      certKey: '客户端证书需要对应的私钥，私钥也需要对应的证书。'
    }
  },
  confirm: {
    cancel: '取消'
  },
  replicate: {
    label: '让 {address} 复制自…',
    title: '让 {address} 复制自…',
    master: '主节点',
    notPossible: '不可行',
    runsExactly: '将在 {address} 上执行以下命令：',
    replaced: '{address} 上没有键会被替换。 | {address} 上的 {n} 个键将被主节点的数据替换。 | {address} 上的 {n} 个键将被主节点的数据替换。',
    byCommand: '通过命令建立的复制关系不会写入 redis.conf：重启后 {address} 会重新成为主节点。',
    cancel: '取消',
    run: '执行 SLAVEOF'
  },
  commandLog: '已执行的命令'
} satisfies typeof en
