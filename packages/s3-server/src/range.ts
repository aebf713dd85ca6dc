// Byte ranges for GetObject per RFC 9110 §14.1.2, restricted as S3 does: one range only; a syntax error or several ranges
// make S3 ignore the header and answer 200 with the whole object.
import { S3Error } from './s3-error.ts';

export interface ByteRange {
  start: number;
  /** Inclusive. */
  end: number;
}

/**
 * Returns the range to serve, `undefined` to serve the whole object, or throws `InvalidRange` (416) when the range
 * cannot be satisfied: a start at or past the end of the object, or a zero-length suffix (`-0`).
 */
export function parseRange(header: string | undefined, size: number): ByteRange | undefined {
  if (!header) return undefined;
  const match = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/.exec(header);
  if (!match) return undefined;
  const [, first, last] = match;
  if (first === '' && last === '') return undefined;
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) throw unsatisfiable(size);
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  if (last !== '' && Number(last) < start) return undefined;
  if (start >= size) throw unsatisfiable(size);
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  return { start, end };
}

function unsatisfiable(size: number): S3Error {
  return new S3Error('InvalidRange', undefined, { 'Content-Range': `bytes */${size}` });
}
