import { AppError } from '@platform/kernel/http/errors.ts';

/** S3 limits keys to 1024 bytes of UTF-8. */
export const MAX_KEY_BYTES = 1024;

/** The path segment that stands for the empty prefix (upstream odh-tec convention). */
export const NO_PREFIX = 'there_is_no_prefix';

const invalidKey = (message: string) => new AppError(400, 'invalid_encoded_key', message);

/**
 * Decodes a key or prefix carried in a URL segment: base64url (RFC 4648 §5, no padding) of its UTF-8 bytes, with standard
 * base64 (`+ / =`, raw or percent-encoded) accepted too (spec 01-odh-tec "Keys and names"). Upstream's `atob` garbled
 * every key outside Latin-1; strict UTF-8 decoding refuses such bytes instead of replacing them.
 */
export function decodeKey(encoded: string): string {
  let text = encoded;
  if (text.includes('%')) {
    try {
      text = decodeURIComponent(text);
    } catch {
      throw invalidKey('the key is not valid percent-encoding');
    }
  }
  const standard = text.replaceAll('-', '+').replaceAll('_', '/');
  const padded = standard.padEnd(standard.length + ((4 - (standard.length % 4)) % 4), '=');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(padded) || padded.length % 4 !== 0 || /=[^=]/.test(padded)) {
    throw invalidKey('the key is not base64url');
  }
  const bytes = Buffer.from(padded, 'base64');
  let key: string;
  try {
    key = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw invalidKey('the key is not UTF-8');
  }
  assertValidKey(key);
  return key;
}

/** A key S3 accepts: at most 1024 UTF-8 bytes and no NUL. */
export function assertValidKey(key: string): void {
  if (key.includes('\0')) throw invalidKey('the key contains NUL');
  if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) {
    throw new AppError(400, 'key_too_long', `keys are limited to ${MAX_KEY_BYTES} bytes of UTF-8`);
  }
}

/** A prefix segment: `there_is_no_prefix` is the empty prefix. */
export const decodePrefix = (encoded: string | undefined): string =>
  encoded === undefined || encoded === NO_PREFIX ? '' : decodeKey(encoded);

export const encodeKey = (key: string): string => Buffer.from(key, 'utf8').toString('base64url');
