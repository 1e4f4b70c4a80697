/**
 * Redis's sdssplitargs(): splits an inline command line into arguments the way redis-cli
 * and the server's inline protocol do. Works on bytes; the line ends at its first NUL byte
 * (the C function sees a C string).
 *
 * - blanks (isspace: space, \t, \n, \v, \f, \r) separate arguments;
 * - "double quotes" understand \xHH, \n, \r, \t, \b, \a and \<any> -> <any>;
 * - 'single quotes' only understand \' ;
 * - a closing quote must be followed by a blank or the end of the line.
 *
 * Returns null for unbalanced quotes (the caller reports the protocol error).
 */

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13)
}

function hexVal(c: number): number {
  if (c >= 48 && c <= 57) return c - 48
  if (c >= 97 && c <= 102) return c - 87
  if (c >= 65 && c <= 70) return c - 55
  return -1
}

export function splitArgs(line: Uint8Array, start = 0, end = line.length): Buffer[] | null {
  // The C code stops at the first NUL byte.
  for (let i = start; i < end; i++) {
    if (line[i] === 0) {
      end = i
      break
    }
  }
  const out: Buffer[] = []
  let p = start
  // Scratch space for the current token: never longer than the line itself.
  const cur = Buffer.allocUnsafe(end - start)
  for (;;) {
    while (p < end && isSpace(line[p]!)) p++
    if (p >= end) return out
    let len = 0
    let inq = false
    let insq = false
    let done = false
    while (!done) {
      const c = p < end ? line[p]! : 0
      if (inq) {
        if (c === 92 /* \ */ && p + 3 < end && line[p + 1] === 120 /* x */ &&
            hexVal(line[p + 2]!) >= 0 && hexVal(line[p + 3]!) >= 0) {
          cur[len++] = hexVal(line[p + 2]!) * 16 + hexVal(line[p + 3]!)
          p += 3
        } else if (c === 92 && p + 1 < end) {
          p++
          const e = line[p]!
          cur[len++] = e === 110 ? 10 : e === 114 ? 13 : e === 116 ? 9 : e === 98 ? 8 : e === 97 ? 7 : e
        } else if (c === 34 /* " */) {
          if (p + 1 < end && !isSpace(line[p + 1]!)) return null
          done = true
        } else if (p >= end) {
          return null
        } else {
          cur[len++] = c
        }
      } else if (insq) {
        if (c === 92 && p + 1 < end && line[p + 1] === 39) {
          p++
          cur[len++] = 39
        } else if (c === 39 /* ' */) {
          if (p + 1 < end && !isSpace(line[p + 1]!)) return null
          done = true
        } else if (p >= end) {
          return null
        } else {
          cur[len++] = c
        }
      } else if (p >= end || c === 32 || c === 10 || c === 13 || c === 9) {
        done = true
      } else if (c === 34) {
        inq = true
      } else if (c === 39) {
        insq = true
      } else {
        cur[len++] = c
      }
      if (p < end) p++
    }
    out.push(Buffer.from(cur.subarray(0, len)))
  }
}
