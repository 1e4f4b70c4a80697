import type en from '../en/common'

export default {
  roles: { master: '主节点', replica: '副本' },
  status: { starting: '启动中', running: '运行中', stopping: '停止中', stopped: '已停止', failed: '已失败' },
  close: '关闭',
  cancel: '取消',
  refresh: '刷新'
} satisfies typeof en
