/**
 * The SecretBox over Electron's safeStorage. No Electron binary runs here, so safeStorage is
 * stood in for by real AES-256-GCM with a key only this test knows: what matters is that
 * the box seals through it, refuses foreign text, and declines when the OS has no keychain.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { safeStorageSecrets, type SafeStorageLike } from '../../src/main/electron-secrets'
import { ExternalNode, externalOptions } from '../../src/main/lab/external-node'

function keychain(available = true, backend = 'gnome_libsecret'): SafeStorageLike {
  const key = randomBytes(32)
  return {
    isEncryptionAvailable: () => available,
    getSelectedStorageBackend: () => backend,
    encryptString(text) {
      const iv = randomBytes(12)
      const c = createCipheriv('aes-256-gcm', key, iv)
      const body = Buffer.concat([c.update(text, 'utf8'), c.final()])
      return Buffer.concat([iv, c.getAuthTag(), body])
    },
    decryptString(buf) {
      const d = createDecipheriv('aes-256-gcm', key, buf.subarray(0, 12))
      d.setAuthTag(buf.subarray(12, 28))
      return Buffer.concat([d.update(buf.subarray(28)), d.final()]).toString('utf8')
    }
  }
}

describe('safeStorageSecrets', () => {
  it('seals to text that does not contain the secret and opens it back', () => {
    const box = safeStorageSecrets(keychain(), 'linux')!
    const sealed = box.seal('s3cret pässword')
    expect(sealed).toMatch(/^safeStorage:[A-Za-z0-9+/=]+$/)
    expect(sealed).not.toContain('s3cret')
    expect(box.open(sealed)).toBe('s3cret pässword')
  })

  it('refuses text it did not seal: another scheme, or another keychain', () => {
    const box = safeStorageSecrets(keychain(), 'darwin')!
    expect(() => box.open('plain password')).toThrow('not sealed with safeStorage')
    const other = safeStorageSecrets(keychain(), 'darwin')!
    expect(() => box.open(other.seal('x'))).toThrow()
  })

  it('gives no box without encryption, or with Linux basic_text (a public key)', () => {
    expect(safeStorageSecrets(keychain(false), 'win32')).toBeUndefined()
    expect(safeStorageSecrets(keychain(true, 'basic_text'), 'linux')).toBeUndefined()
    expect(safeStorageSecrets(keychain(true, 'basic_text'), 'darwin')).toBeDefined()
  })

  it("round-trips an external node's password through its lab.json record", () => {
    const box = safeStorageSecrets(keychain(), 'linux')!
    const node = new ExternalNode({ id: 'node-1', host: '10.0.0.5', port: 6400, password: 'pw', secrets: box, onChange: () => {} })
    const record = node.record()
    expect(JSON.stringify(record)).not.toContain('"pw"')
    expect(record.passwordSealed).toBeDefined()
    expect(externalOptions(record, box).password).toBe('pw')
    // Another keychain cannot read it: the node then says the password is missing.
    expect(externalOptions(record, safeStorageSecrets(keychain(), 'linux')).password).toBeUndefined()
  })
})
