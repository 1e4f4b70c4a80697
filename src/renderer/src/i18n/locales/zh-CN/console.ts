import type en from '../en/console'

export default {
  panel: '控制台',
  console: '{address} 的控制台',
  input: '{address} 的命令',
  output: '{address} 的输出',
  stop: '停止',
  stopTitle: '停止（Ctrl+C）',
  stopLabel: '停止 {address} 上的流式输出',
  copy: '复制',
  copied: '已复制',
  copyLabel: '复制 {address} 的输出',
  clear: '清空',
  clearLabel: '清空 {address} 的输出',
  close: '关闭',
  closeLabel: '关闭 {address} 的控制台',
  monitoring: '正在监视… 按 Ctrl+C 或“停止”结束',
  reading: '正在读取消息… 按 Ctrl+C 或“停止”结束',
  search: '(反向搜索)`{query}\'：{match}',
  searchFailed: '(反向搜索未找到)`{query}\'',
  copyFailed: '复制需要剪贴板权限；请选中文本后手动复制。',
  help: {
    button: '键盘快捷键',
    title: '控制台键盘快捷键',
    close: '关闭',
    keys: {
      enter: '执行这一行',
      history: '本节点历史记录中的上一条 / 下一条',
      search: '向前搜索历史记录（再按一次：更早的匹配；Esc 退出）',
      tab: '补全命令或子命令（再按一次：下一个）',
      clear: '清空输出',
      stop: '停止 MONITOR 或 SUBSCRIBE；否则放弃正在输入的这一行',
      cycle: '聚焦到控制台；再按一次：下一个控制台'
    }
  }
} satisfies typeof en
