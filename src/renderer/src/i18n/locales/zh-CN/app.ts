import type en from '../en/app'

export default {
  title: 'Redis 复制实验室',
  mode: { web: '网页版', electron: '桌面版' },
  meta: '{mode} · v{version}',
  connection: {
    connected: '已连接',
    connecting: '正在连接…',
    disconnected: '与实验室的连接已断开',
    reconnecting: '正在重新连接…'
  },
  language: { label: '语言' },
  theme: {
    toggle: '深色主题',
    toDark: '切换到深色主题',
    toLight: '切换到浅色主题'
  },
  layout: {
    timeline: '时间线',
    showTimeline: '显示时间线',
    hideTimeline: '隐藏时间线',
    resizeTimeline: '调整时间线宽度',
    resizeInspector: '调整检查器宽度',
    resizeConsoles: '调整控制台高度'
  },
  notices: {
    label: '通知',
    dismiss: '关闭通知'
  }
} satisfies typeof en
