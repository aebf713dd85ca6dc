/**
 * Strict, padded base64url (RFC 4648 §5) as required by the strict-base64 revision of the Fernet spec
 * (fernet/spec@8a21920 "require strict base64 decoding").
 *
 * `Buffer.from(s, 'base64url')` silently skips characters outside the alphabet and anything after `=`,
 * so "token==trailingdata" or "*tok!en" would decode to the bytes of a valid token. We therefore check
 * the alphabet, the length, and that re-encoding reproduces the input exactly (which also rejects
 * non-zero trailing bits, missing or extra padding, and whitespace).
 */

const PADDED_BASE64URL = /^[A-Za-z0-9_-]*={0,2}$/;

/** Encodes bytes as base64url WITH `=` padding, the form Fernet keys and tokens use. */
export function encodeBase64UrlPadded(bytes: Uint8Array): string {
  const unpadded = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
  return unpadded + '='.repeat((4 - (unpadded.length % 4)) % 4);
}

/** Decodes canonical padded base64url, or returns undefined for anything else. */
export function decodeBase64UrlStrict(text: string): Buffer | undefined {
  if (text.length % 4 !== 0 || !PADDED_BASE64URL.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64url');
  return encodeBase64UrlPadded(bytes) === text ? bytes : undefined;
}
