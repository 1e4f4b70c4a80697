/** The consoles: one per node. What the servers reply is never translated. */
export default {
  panel: 'Consoles',
  console: 'Console of {address}',
  input: 'Command for {address}',
  output: 'Output of {address}',
  stop: 'Stop',
  stopTitle: 'Stop (Ctrl+C)',
  stopLabel: 'Stop streaming on {address}',
  copy: 'Copy',
  copied: 'Copied',
  copyLabel: 'Copy output of {address}',
  clear: 'Clear',
  clearLabel: 'Clear output of {address}',
  close: 'Close',
  closeLabel: 'Close console for {address}',
  monitoring: 'Monitoring… Ctrl+C or Stop to end',
  reading: 'Reading messages… Ctrl+C or Stop to end',
  search: '(reverse-i-search)`{query}\': {match}',
  searchFailed: '(failed reverse-i-search)`{query}\'',
  copyFailed: 'Copying needs clipboard access; select the text and copy it instead.',
  help: {
    button: 'Keyboard shortcuts',
    title: 'Console keyboard shortcuts',
    close: 'Close',
    keys: {
      enter: 'Run the line',
      history: 'Previous / next line of this node’s history',
      search: 'Search the history backwards (again: older matches; Esc leaves)',
      tab: 'Complete the command or subcommand (again: the next one)',
      clear: 'Clear the output',
      stop: 'Stop MONITOR or SUBSCRIBE; otherwise drop the line being typed',
      cycle: 'Focus the consoles; again: the next console'
    }
  }
}
