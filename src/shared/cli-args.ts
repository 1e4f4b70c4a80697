/**
 * redis-cli's interactive line splitting (Redis `sdssplitargs`), byte for byte.
 *
 * The typed line is first encoded to UTF-8 and split as bytes, so the resulting arguments
 * are "binary strings" (one char per byte, see reply.ts) — exactly what the Lab API's
 * `execute` expects, and what redis-cli would put on the wire. `"\xe4"` yields the raw byte
 * 0xe4; a typed `é` yields the two bytes 0xc3 0xa9.
 *
 * Rules (from sds.c):
 * - arguments are separated by blanks; outside quotes only space, \n, \r, \t end a token
 *   (leading \v and \f are skipped as blanks but do not split a token);
 * - "double quotes" understand \xHH (two hex digits), \n \r \t \b \a, and `\<c>` → c;
 * - 'single quotes' understand only \' ;
 * - a quote may open in the middle of a token (`a"b c"` → `ab c`), but a closing quote must
 *   be followed by a blank or the end of the line;
 * - an unterminated quote, or a closing quote followed by something else, makes the whole
 *   line invalid → null (redis-cli then prints `Invalid argument(s)`).
 */
import { textToBytes } from './reply'

/** C `isspace` in the C locale. */
function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\v' || c === '\f' || c === '\r'
}

function isHexDigit(c: string | undefined): boolean {
  return c !== undefined && /^[0-9a-fA-F]$/.test(c)
}

/** Splits a line of bytes (one char per byte). Returns null when quotes are unbalanced. */
export function splitArgsBytes(input: string): string[] | null {
  // C strings end at the first NUL.
  const nul = input.indexOf('\0')
  const line = nul === -1 ? input : input.slice(0, nul)
  const at = (i: number): string | undefined => (i < line.length ? line[i] : undefined)
  const args: string[] = []
  let p = 0
  for (;;) {
    while (p < line.length && isSpace(line[p])) p++
    if (p >= line.length) return args
    let inq = false
    let insq = false
    let done = false
    let current = ''
    while (!done) {
      const c = at(p)
      if (inq) {
        if (c === '\\' && at(p + 1) === 'x' && isHexDigit(at(p + 2)) && isHexDigit(at(p + 3))) {
          current += String.fromCharCode(parseInt(line.slice(p + 2, p + 4), 16))
          p += 3
        } else if (c === '\\' && at(p + 1) !== undefined) {
          p++
          const e = line[p]!
          current += e === 'n' ? '\n' : e === 'r' ? '\r' : e === 't' ? '\t' : e === 'b' ? '\b' : e === 'a' ? '\x07' : e
        } else if (c === '"') {
          const next = at(p + 1)
          if (next !== undefined && !isSpace(next)) return null
          done = true
        } else if (c === undefined) {
          return null
        } else {
          current += c
        }
      } else if (insq) {
        if (c === '\\' && at(p + 1) === "'") {
          p++
          current += "'"
        } else if (c === "'") {
          const next = at(p + 1)
          if (next !== undefined && !isSpace(next)) return null
          done = true
        } else if (c === undefined) {
          return null
        } else {
          current += c
        }
      } else {
        switch (c) {
          case ' ':
          case '\n':
          case '\r':
          case '\t':
          case undefined:
            done = true
            break
          case '"':
            inq = true
            break
          case "'":
            insq = true
            break
          default:
            current += c
        }
      }
      if (p < line.length) p++
    }
    args.push(current)
  }
}

/**
 * Splits a typed console line the way redis-cli's prompt does. The text is encoded to
 * UTF-8 first; the arguments come back as binary strings. Null means `Invalid argument(s)`.
 */
export function splitArgs(line: string): string[] | null {
  return splitArgsBytes(textToBytes(line))
}
