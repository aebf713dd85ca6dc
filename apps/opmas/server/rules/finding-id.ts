import { createHash } from 'node:crypto';

/**
 * Deterministic finding event id (spec 02: UUIDv8 from SHA-256 of rule, device, group key, first_seen and fire
 * sequence), so replays and redeliveries of the same fire deduplicate downstream. Layout per RFC 9562 §5.8.
 */
export function findingEventId(...parts: (string | number)[]): string {
  const bytes = createHash('sha256').update(parts.join('\u0000')).digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x80; // version 8
  bytes[8] = (bytes[8] & 0x3f) | 0x80; // RFC 9562 variant
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
