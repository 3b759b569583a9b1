// How the values of the secrets table (stream keys, SRT passphrases, RTMP push keys) are kept at
// rest. The engine is pure Node: the desktop app hands in a cipher backed by Electron's
// safeStorage (the OS keychain); headless, the values stay plain text in a 0600 file in a 0700
// folder. Each row records which cipher sealed it (secrets.sealed_with; NULL = plain text).
export interface SecretCipher {
  /** Stored beside each sealed value; null: this cipher keeps values as plain text. */
  readonly id: string | null;
  seal(plain: string): string;
  open(sealed: string): string;
}

/** Headless: no keychain to ask, so values stay as they are (protected by file modes). */
export const plainTextCipher: SecretCipher = {
  id: null,
  seal: (plain) => plain,
  open: (sealed) => sealed,
};
