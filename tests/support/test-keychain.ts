// A stand-in for Electron's safeStorage in tests (the Electron binary does not run here): the
// same two calls, backed by real AES-256-GCM with a per-instance key, so sealed bytes are truly
// unreadable without it. Only the keychain is replaced; SQLite and the store are real.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export interface TestKeychain {
  encryptString(plain: string): Buffer;
  decryptString(sealed: Buffer): string;
}

export function testKeychain(key: Buffer = randomBytes(32)): TestKeychain {
  return {
    encryptString(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]);
    },
    decryptString(sealed) {
      const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12));
      decipher.setAuthTag(sealed.subarray(12, 28));
      return Buffer.concat([decipher.update(sealed.subarray(28)), decipher.final()]).toString('utf8');
    },
  };
}
