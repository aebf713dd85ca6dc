import { REDACTED } from '../logging/logger.ts';

const secretKey = /pass(word)?|secret|token|credential|private.?key|authorization|cookie|api.?key/i;

/** A deep copy with every secret-named field replaced, for audit snapshots. */
export function scrubObject(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(scrubObject);
  if (value instanceof Date) return value.toISOString();
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([key, inner]) => [
        key,
        secretKey.test(key) && inner !== null && inner !== undefined && typeof inner !== 'boolean'
          ? REDACTED
          : scrubObject(inner),
      ]),
    );
  }
  return value;
}
