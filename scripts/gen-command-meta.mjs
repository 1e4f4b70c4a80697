// Regenerates src/main/server/commands/meta/redis-commands.json from a real redis-server:
// COMMAND INFO and COMMAND DOCS of every command, in the shape of our CommandSpec. The
// embedded server answers COMMAND, arity checks and key extraction from this data, so it
// agrees with the real server by construction.  Usage: node scripts/gen-command-meta.mjs
import { spawn, execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import net from 'node:net'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const out = join(root, 'src/main/server/commands/meta/redis-commands.json')

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => resolve(port))
    })
  })
}

/** Minimal RESP2 reader for the script's two requests. */
function parse(buf, pos) {
  const nl = buf.indexOf('\r\n', pos)
  if (nl < 0) return null
  const type = String.fromCharCode(buf[pos])
  const line = buf.toString('latin1', pos + 1, nl)
  let next = nl + 2
  switch (type) {
    case '+':
      return { value: line, next }
    case '-':
      throw new Error(line)
    case ':':
      return { value: Number(line), next }
    case '$': {
      const n = Number(line)
      if (n < 0) return { value: null, next }
      if (buf.length < next + n + 2) return null
      return { value: buf.toString('utf8', next, next + n), next: next + n + 2 }
    }
    case '*': {
      const n = Number(line)
      if (n < 0) return { value: null, next }
      const arr = []
      for (let i = 0; i < n; i++) {
        const r = parse(buf, next)
        if (!r) return null
        arr.push(r.value)
        next = r.next
      }
      return { value: arr, next }
    }
  }
  throw new Error(`bad reply type ${type}`)
}

async function query(port, ...args) {
  const sock = net.connect(port, '127.0.0.1')
  await new Promise((resolve, reject) => {
    sock.once('connect', resolve)
    sock.once('error', reject)
  })
  sock.write(`*${args.length}\r\n` + args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join(''))
  let buf = Buffer.alloc(0)
  for await (const chunk of sock) {
    buf = Buffer.concat([buf, chunk])
    const r = parse(buf, 0)
    if (r) {
      sock.destroy()
      return r.value
    }
  }
  throw new Error('connection closed')
}

const pairs = (arr) => {
  const o = {}
  for (let i = 0; i < arr.length; i += 2) o[arr[i]] = arr[i + 1]
  return o
}

function keySpec(raw) {
  const m = pairs(raw)
  const bs = pairs(m.begin_search)
  const bspec = pairs(bs.spec)
  const fk = pairs(m.find_keys)
  const fspec = pairs(fk.spec)
  const spec = { flags: m.flags }
  if (m.notes !== undefined) spec.notes = m.notes
  spec.beginSearch =
    bs.type === 'index'
      ? { type: 'index', index: bspec.index }
      : bs.type === 'keyword'
        ? { type: 'keyword', keyword: bspec.keyword, startfrom: bspec.startfrom }
        : { type: 'unknown' }
  spec.findKeys =
    fk.type === 'range'
      ? { type: 'range', lastkey: fspec.lastkey, keystep: fspec.keystep, limit: fspec.limit }
      : fk.type === 'keynum'
        ? { type: 'keynum', keynumidx: fspec.keynumidx, firstkey: fspec.firstkey, keystep: fspec.keystep }
        : { type: 'unknown' }
  return spec
}

const ARG_KEYS = { key_spec_index: 'keySpecIndex', deprecated_since: 'deprecatedSince', display_text: 'displayText' }
function argDoc(raw) {
  const m = pairs(raw)
  const a = {}
  for (const [k, v] of Object.entries(m)) {
    if (k === 'arguments') a.arguments = v.map(argDoc)
    else a[ARG_KEYS[k] ?? k] = v
  }
  return a
}

function doc(raw) {
  const m = pairs(raw)
  const d = {}
  for (const [k, v] of Object.entries(m)) {
    if (k === 'arguments') d.arguments = v.map(argDoc)
    else if (k === 'subcommands') continue
    else if (k === 'doc_flags') d.docFlags = v
    else if (k === 'deprecated_since') d.deprecatedSince = v
    else if (k === 'replaced_by') d.replacedBy = v
    else d[k] = v
  }
  return d
}

function spec(info, docs) {
  const [fullname, arity, flags, first, last, step, acl, tips, keySpecs, subs] = info
  const name = fullname.includes('|') ? fullname.split('|')[1] : fullname
  const rawDoc = docs[fullname]
  const s = { name, arity, flags, acl: acl.map((a) => a.replace(/^@/, '')) }
  if (tips.length) s.tips = tips
  if (keySpecs.length) s.keySpecs = keySpecs.map(keySpec)
  if (first || last || step) s.keys = [first, last, step]
  s.doc = doc(rawDoc)
  if (subs.length) {
    const subDocs = pairs(pairs(rawDoc).subcommands ?? [])
    s.subcommands = subs.map((sub) => spec(sub, subDocs)).sort((a, b) => a.name.localeCompare(b.name))
  }
  return s
}

const port = await freePort()
const server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' })
try {
  for (let i = 0; i < 50; i++) {
    try {
      await query(port, 'PING')
      break
    } catch {
      await new Promise((r) => setTimeout(r, 100))
    }
  }
  const version = execFileSync('redis-server', ['--version'], { encoding: 'utf8' }).match(/v=(\S+)/)[1]
  const infos = await query(port, 'COMMAND', 'INFO')
  const docs = pairs(await query(port, 'COMMAND', 'DOCS'))
  const commands = {}
  for (const info of infos.sort((a, b) => a[0].localeCompare(b[0]))) commands[info[0]] = spec(info, docs)
  writeFileSync(out, JSON.stringify({ source: `redis-server ${version}`, commands }, null, 1) + '\n')
  console.log(`wrote ${Object.keys(commands).length} commands from redis-server ${version} to ${out}`)
} finally {
  server.kill('SIGTERM')
}
