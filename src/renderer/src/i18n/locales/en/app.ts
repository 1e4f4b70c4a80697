/** The window's frame: header, connection state, language, theme, layout, notices. */
export default {
  title: 'Replication Lab',
  mode: { web: 'web', electron: 'desktop' },
  meta: '{mode} · v{version}',
  connection: {
    connected: 'connected',
    connecting: 'connecting…',
    disconnected: 'disconnected from the lab',
    reconnecting: 'reconnecting…'
  },
  language: { label: 'Language' },
  theme: {
    toggle: 'Dark theme',
    toDark: 'Switch to the dark theme',
    toLight: 'Switch to the light theme'
  },
  layout: {
    timeline: 'Timeline',
    showTimeline: 'Show the timeline',
    hideTimeline: 'Hide the timeline',
    resizeTimeline: 'Resize the timeline',
    resizeInspector: 'Resize the inspector',
    resizeConsoles: 'Resize the consoles'
  },
  notices: {
    label: 'Notices',
    dismiss: 'Dismiss notice'
  }
}
