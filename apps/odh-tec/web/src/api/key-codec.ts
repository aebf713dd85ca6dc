// Keys in URLs are base64url (RFC 4648 §5, no padding) of their UTF-8 bytes (spec 01-odh-tec "Keys and names");
// the browser has no Buffer, so the bytes go through TextEncoder and btoa.

/** The segment the server reads as the empty prefix. */
export const NO_PREFIX = 'there_is_no_prefix';

/** base64url of the UTF-8 bytes of `key`. */
export function encodeKey(key: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(key)) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

/** A prefix segment: the empty prefix has its own marker. */
export const encodePrefix = (prefix: string): string => (prefix ? encodeKey(prefix) : NO_PREFIX);
