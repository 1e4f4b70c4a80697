// Before the tests: the system tools they drive must exist. Installs them with apt-get when
// running as root on Debian/Ubuntu; otherwise fails with the exact command to run. Never skips.
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'

const TOOLS = [
  { bin: '/usr/bin/redis-server', pkg: 'redis-server' },
  { bin: '/usr/bin/redis-cli', pkg: 'redis-tools' },
  { bin: '/usr/bin/redis-benchmark', pkg: 'redis-tools' },
  { bin: '/usr/bin/chromium', pkg: 'chromium' },
  { bin: '/usr/bin/xvfb-run', pkg: 'xvfb' },
  { bin: '/usr/bin/xauth', pkg: 'xauth' },
  { bin: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', pkg: 'fonts-noto-cjk' }
]

const missing = [...new Set(TOOLS.filter((t) => !existsSync(t.bin)).map((t) => t.pkg))]
if (missing.length === 0) process.exit(0)

const command = `apt-get update && apt-get install -y --no-install-recommends ${missing.join(' ')}`
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0
const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0
if (!isRoot || !hasApt) {
  console.error(`The tests need ${missing.join(', ')}. Install with:\n  sudo ${command}`)
  process.exit(1)
}
console.log(`Installing ${missing.join(', ')} for the tests: ${command}`)
try {
  execFileSync('sh', ['-c', command], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } })
} catch {
  console.error(`Installing failed. Run by hand:\n  sudo ${command}`)
  process.exit(1)
}
