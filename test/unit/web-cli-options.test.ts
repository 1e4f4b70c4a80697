import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { defaultWebDataDir } from '../../src/main/data-dir'
import { parseWebCli, DEFAULT_WEB_PORT } from '../../src/main/web/cli-options'

describe('web mode command line', () => {
  test('defaults: UI port 5380, nodes from 6379, data in $XDG_CONFIG_HOME/replication-lab', () => {
    const o = parseWebCli([], { XDG_CONFIG_HOME: '/x/cfg' })
    expect(o).toEqual({ port: DEFAULT_WEB_PORT, portGiven: false, dataDir: '/x/cfg/replication-lab', basePort: 6379, help: false })
  })

  test('without XDG_CONFIG_HOME the data folder is ~/.config/replication-lab', () => {
    expect(defaultWebDataDir({ HOME: '/home/u' })).toMatch(/\.config[/\\]replication-lab$/)
  })

  test('options, both --opt value and --opt=value', () => {
    const o = parseWebCli(['--port=0', '--data-dir', 'rel/dir', '--base-port', '7000'], {})
    expect(o.port).toBe(0)
    expect(o.portGiven).toBe(true)
    expect(o.dataDir).toBe(join(process.cwd(), 'rel/dir'))
    expect(o.basePort).toBe(7000)
  })

  test('bad input is refused with a one-line reason', () => {
    expect(() => parseWebCli(['--port', '70000'], {})).toThrow('--port: invalid port "70000"')
    expect(() => parseWebCli(['--base-port', '0'], {})).toThrow('--base-port: invalid port "0"')
    expect(() => parseWebCli(['--port'], {})).toThrow('--port needs a value')
    expect(() => parseWebCli(['--bogus'], {})).toThrow('unknown option --bogus (try --help)')
  })
})
