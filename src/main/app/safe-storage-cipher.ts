// The desktop app's SecretCipher: Electron's safeStorage (macOS Keychain, Windows DPAPI, Linux
// kwallet/libsecret). Kept apart from the electron import so it can be tested under plain Node.
import type { SecretCipher } from '../engine/store/secret-cipher.ts';

/** The two calls of Electron's `safeStorage` the cipher needs. */
export interface SafeStorageLike {
  encryptString(plain: string): Buffer;
  decryptString(sealed: Buffer): string;
}

export const SAFE_STORAGE_CIPHER_ID = 'electron-safeStorage';

export function safeStorageCipher(storage: SafeStorageLike): SecretCipher {
  return {
    id: SAFE_STORAGE_CIPHER_ID,
    seal: (plain) => storage.encryptString(plain).toString('base64'),
    open: (sealed) => storage.decryptString(Buffer.from(sealed, 'base64')),
  };
}
