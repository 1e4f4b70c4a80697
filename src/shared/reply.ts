/**
 * A Redis reply as it crosses from the main process to the renderer.
 *
 * Bulk strings carry raw bytes, so they travel as "binary" strings: one char per byte
 * (code points 0–255). JSON and structured clone keep those intact, and the console can
 * then print them exactly as redis-cli does (escaping non-printable bytes as \xNN).
 */
export type Reply =
  | { type: 'status'; value: string }
  | { type: 'error'; value: string }
  | { type: 'integer'; value: number | string }
  | { type: 'bulk'; value: string | null }
  | { type: 'array'; value: Reply[] | null }
  // RESP3 (HELLO 3): blob errors (`!`) read as 'error', attributes (`|`) are skipped.
  /** `_` */
  | { type: 'null' }
  /** `,` — the text as sent ("1.5", "inf", "-inf", "nan"), exact. */
  | { type: 'double'; value: string }
  /** `#t` / `#f` */
  | { type: 'bool'; value: boolean }
  /** `(` — decimal digits. */
  | { type: 'bignum'; value: string }
  /** `=` — format ("txt", "mkd") and the text after "xxx:" (binary string). */
  | { type: 'verbatim'; format: string; value: string }
  /** `%` — flat: key, value, key, value… */
  | { type: 'map'; value: Reply[] }
  /** `~` */
  | { type: 'set'; value: Reply[] }
  /** `>` — out-of-band data (pub/sub messages, invalidations). */
  | { type: 'push'; value: Reply[] }

/** Bytes (latin1 string) to text, for places that show values to people rather than redis-cli output. */
export function bytesToText(bytes: string): string {
  const arr = new Uint8Array(bytes.length)
  for (let i = 0; i < bytes.length; i++) arr[i] = bytes.charCodeAt(i) & 0xff
  return new TextDecoder('utf-8', { fatal: false }).decode(arr)
}

/** Text to bytes (latin1 string): what a console argument becomes on the wire (UTF-8). */
export function textToBytes(text: string): string {
  const arr = new TextEncoder().encode(text)
  let out = ''
  for (let i = 0; i < arr.length; i++) out += String.fromCharCode(arr[i]!)
  return out
}
