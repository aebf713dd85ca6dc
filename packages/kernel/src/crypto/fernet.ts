/**
 * Fernet, exactly as specified in https://github.com/fernet/spec/blob/master/Spec.md, on `node:crypto`.
 *
 * Token = base64url(version 0x80 ‖ timestamp u64be ‖ IV[16] ‖ AES-128-CBC(PKCS7(plaintext)) ‖ HMAC-SHA256[32]),
 * the HMAC covering everything before it. Key = base64url(signing key[16] ‖ encryption key[16]).
 * Keys and tokens are parsed with strict base64url (fernet/spec@8a21920).
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { InvalidKeyError, InvalidTokenError } from './errors.ts';
import { decodeBase64UrlStrict, encodeBase64UrlPadded } from './strict-base64url.ts';

const VERSION = 0x80;
const KEY_BYTES = 32;
const TIMESTAMP_BYTES = 8;
const IV_BYTES = 16;
const BLOCK_BYTES = 16;
const HMAC_BYTES = 32;
const HEADER_BYTES = 1 + TIMESTAMP_BYTES + IV_BYTES;
/** The smallest token: header, one padded block (PKCS7 always adds at least one byte), HMAC. */
const MIN_TOKEN_BYTES = HEADER_BYTES + BLOCK_BYTES + HMAC_BYTES;

/**
 * Tokens stamped more than this far in the future are refused when a TTL is checked
 * (the spec's "clock skew"; pyca/cryptography `_MAX_CLOCK_SKEW` = 60 s).
 */
export const MAX_CLOCK_SKEW_SECONDS = 60;

export interface FernetEncryptOptions {
  /** Creation time to stamp into the token; defaults to the current time. */
  now?: Date;
  /** The 16-byte CBC IV; defaults to random. Only test vectors and key rotation should set it. */
  iv?: Uint8Array;
}

export interface FernetDecryptOptions {
  /** Maximum token age in seconds. Without it neither age nor clock skew is checked (pyca semantics). */
  ttlSeconds?: number;
  /** The time to judge the token's age at; defaults to the current time. */
  now?: Date;
}

export interface DecryptedToken {
  plaintext: Buffer;
  /** The token's creation time in Unix seconds. */
  timestamp: number;
}

/** A fresh random Fernet key (32 random bytes, padded base64url). */
export function generateKey(): string {
  return encodeBase64UrlPadded(randomBytes(KEY_BYTES));
}

/** Identifies a key without revealing it: the first 8 hex digits of SHA-256 of the key string. */
export function keyFingerprint(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex').slice(0, 8);
}

function unixSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}

export class Fernet {
  /** `keyFingerprint` of this key, for recording which key protected a value. */
  readonly fingerprint: string;
  readonly #signingKey: Buffer;
  readonly #encryptionKey: Buffer;

  constructor(key: string) {
    const bytes = decodeBase64UrlStrict(key);
    if (!bytes || bytes.length !== KEY_BYTES) throw new InvalidKeyError();
    this.#signingKey = bytes.subarray(0, 16);
    this.#encryptionKey = bytes.subarray(16);
    this.fingerprint = keyFingerprint(key);
  }

  encrypt(plaintext: string | Uint8Array, options: FernetEncryptOptions = {}): string {
    const iv = options.iv ?? randomBytes(IV_BYTES);
    if (iv.length !== IV_BYTES) throw new RangeError(`Fernet IV must be ${IV_BYTES} bytes`);
    const header = Buffer.alloc(HEADER_BYTES);
    header[0] = VERSION;
    header.writeBigUInt64BE(BigInt(unixSeconds(options.now ?? new Date())), 1);
    header.set(iv, 1 + TIMESTAMP_BYTES);

    const cipher = createCipheriv('aes-128-cbc', this.#encryptionKey, iv);
    const data = typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext;
    const signed = Buffer.concat([header, cipher.update(data), cipher.final()]);
    const hmac = createHmac('sha256', this.#signingKey).update(signed).digest();
    return encodeBase64UrlPadded(Buffer.concat([signed, hmac]));
  }

  decrypt(token: string, options: FernetDecryptOptions = {}): Buffer {
    return this.decryptWithTimestamp(token, options).plaintext;
  }

  /** Decrypts and also returns the token's creation time (used to keep it across key rotation). */
  decryptWithTimestamp(token: string, options: FernetDecryptOptions = {}): DecryptedToken {
    const data = parseToken(token);
    const timestamp = readTimestamp(data);
    if (options.ttlSeconds !== undefined) {
      const now = unixSeconds(options.now ?? new Date());
      if (timestamp + options.ttlSeconds < now) throw new InvalidTokenError('expired');
      if (now + MAX_CLOCK_SKEW_SECONDS < timestamp) throw new InvalidTokenError('clock-skew');
    }
    this.#verifySignature(data);

    const iv = data.subarray(1 + TIMESTAMP_BYTES, HEADER_BYTES);
    const ciphertext = data.subarray(HEADER_BYTES, data.length - HMAC_BYTES);
    const decipher = createDecipheriv('aes-128-cbc', this.#encryptionKey, iv);
    try {
      return { plaintext: Buffer.concat([decipher.update(ciphertext), decipher.final()]), timestamp };
    } catch {
      throw new InvalidTokenError('padding');
    }
  }

  /** The token's creation time in Unix seconds, once its signature has been verified. */
  extractTimestamp(token: string): number {
    const data = parseToken(token);
    this.#verifySignature(data);
    return readTimestamp(data);
  }

  #verifySignature(data: Buffer): void {
    const signed = data.subarray(0, data.length - HMAC_BYTES);
    const expected = createHmac('sha256', this.#signingKey).update(signed).digest();
    // Constant-time comparison: the spec requires it so the MAC check leaks no timing.
    if (!timingSafeEqual(expected, data.subarray(data.length - HMAC_BYTES))) {
      throw new InvalidTokenError('signature');
    }
  }
}

/** Strict decoding and the structural checks that need no key. */
function parseToken(token: string): Buffer {
  const data = decodeBase64UrlStrict(token);
  if (!data) throw new InvalidTokenError('encoding');
  if (data.length === 0 || data[0] !== VERSION) throw new InvalidTokenError('version');
  if (data.length < MIN_TOKEN_BYTES || (data.length - HEADER_BYTES - HMAC_BYTES) % BLOCK_BYTES !== 0) {
    throw new InvalidTokenError('length');
  }
  return data;
}

function readTimestamp(data: Buffer): number {
  return Number(data.readBigUInt64BE(1));
}
