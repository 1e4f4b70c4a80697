#!/usr/bin/env node
// lab-server: a redis-server compatible command line for the embedded server
// (`lab-server [configfile] [--option value ...]`). The code lives in the build output.
const { existsSync } = require('node:fs')
const { join } = require('node:path')

const entry = join(__dirname, '..', 'out', 'main', 'server-cli.js')
if (!existsSync(entry)) {
  process.stderr.write(`lab-server: ${entry} is missing: run \`npm run build\` first\n`)
  process.exit(1)
}
require(entry)
