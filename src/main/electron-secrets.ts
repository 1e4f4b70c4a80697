/**
 * External nodes' secrets sealed with Electron's safeStorage (the OS keychain: Keychain,
 * DPAPI, libsecret/kwallet). safeStorage is passed in, so this module carries no import of
 * electron and runs under plain Node in tests.
 */
import type { SecretBox } from './lab/lab-node'

/** The part of Electron's safeStorage this needs. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean
  encryptString(plainText: string): Buffer
  decryptString(encrypted: Buffer): string
  /** Linux only: 'basic_text' means no keyring, a password built into Chromium (plain text in effect). */
  getSelectedStorageBackend?(): string
}

/** Prefix of a sealed text: a lab.json from another scheme is refused, not mis-decrypted. */
const SCHEME = 'safeStorage:'

/**
 * A SecretBox over safeStorage, or undefined when the OS offers no real encryption (Linux
 * without a keyring falls back to 'basic_text', whose key is public): then secrets stay in
 * memory only, never written where anyone could read them back. Call after app 'ready'.
 */
export function safeStorageSecrets(storage: SafeStorageLike, platform: NodeJS.Platform = process.platform): SecretBox | undefined {
  if (!storage.isEncryptionAvailable()) return undefined
  if (platform === 'linux' && storage.getSelectedStorageBackend?.() === 'basic_text') return undefined
  return {
    seal: (text) => SCHEME + storage.encryptString(text).toString('base64'),
    open: (sealed) => {
      if (!sealed.startsWith(SCHEME)) throw new Error('not sealed with safeStorage')
      return storage.decryptString(Buffer.from(sealed.slice(SCHEME.length), 'base64'))
    }
  }
}
