/**
 * Key rotation for Fernet: a key list, newest first (`PLATFORM_SECRET_KEYS`). New tokens use the first
 * key; tokens under any listed key decrypt. Same contract as pyca/cryptography `MultiFernet`.
 */
import { InvalidKeyError, InvalidTokenError } from './errors.ts';
import { type DecryptedToken, Fernet, type FernetDecryptOptions, type FernetEncryptOptions } from './fernet.ts';

export interface DecryptedWithKey {
  plaintext: Buffer;
  /** Fingerprint of the key that authenticated the token. */
  keyFingerprint: string;
  /** True when that key is the primary (first) one, i.e. the token needs no rotation. */
  isPrimary: boolean;
}

export class MultiFernet {
  readonly #fernets: readonly Fernet[];

  constructor(keys: readonly string[]) {
    if (keys.length === 0) throw new InvalidKeyError('MultiFernet needs at least one key');
    this.#fernets = keys.map((key) => new Fernet(key));
  }

  /** Parses a comma-separated key list, newest first, as `PLATFORM_SECRET_KEYS` holds it. */
  static fromKeyList(commaSeparatedKeys: string): MultiFernet {
    const keys = commaSeparatedKeys.split(',').map((key) => key.trim());
    if (keys.some((key) => key === '')) throw new InvalidKeyError('empty entry in the key list');
    return new MultiFernet(keys);
  }

  /** Fingerprint of the key new tokens are written under. */
  get primaryFingerprint(): string {
    return this.#fernets[0].fingerprint;
  }

  /** Fingerprints of all keys, newest first. */
  get fingerprints(): string[] {
    return this.#fernets.map((fernet) => fernet.fingerprint);
  }

  encrypt(plaintext: string | Uint8Array, options?: FernetEncryptOptions): string {
    return this.#fernets[0].encrypt(plaintext, options);
  }

  decrypt(token: string, options?: FernetDecryptOptions): Buffer {
    return this.decryptWithKeyInfo(token, options).plaintext;
  }

  /** Decrypts and reports which key did it, so a rotation job can skip tokens already under the primary key. */
  decryptWithKeyInfo(token: string, options?: FernetDecryptOptions): DecryptedWithKey {
    const { fernet, index, plaintext } = this.#open(token, options);
    return { plaintext, keyFingerprint: fernet.fingerprint, isPrimary: index === 0 };
  }

  /**
   * Re-encrypts a token under the primary key with a fresh IV. The original timestamp is kept, as
   * pyca/cryptography `MultiFernet.rotate` does, so rotation never extends a TTL-bound token's life.
   */
  rotate(token: string): string {
    const { plaintext, timestamp } = this.#open(token);
    return this.#fernets[0].encrypt(plaintext, { now: new Date(timestamp * 1000) });
  }

  #open(token: string, options?: FernetDecryptOptions): DecryptedToken & { fernet: Fernet; index: number } {
    let lastError: InvalidTokenError | undefined;
    for (const [index, fernet] of this.#fernets.entries()) {
      try {
        return { ...fernet.decryptWithTimestamp(token, options), fernet, index };
      } catch (error) {
        if (!(error instanceof InvalidTokenError)) throw error;
        lastError = error;
        // A malformed, expired or future token fails the same way under every key: stop early.
        if (error.reason !== 'signature') break;
      }
    }
    throw lastError ?? new InvalidTokenError('signature');
  }
}
