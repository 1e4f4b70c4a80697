/** Words many views share: roles, statuses, units. */
export default {
  roles: { master: 'master', replica: 'replica' },
  status: { starting: 'starting', running: 'running', stopping: 'stopping', stopped: 'stopped', failed: 'failed' },
  close: 'Close',
  cancel: 'Cancel',
  refresh: 'Refresh'
}
