/** What a `Range` header asks of an object of a known size (RFC 9110 §14.1.2, §14.2). */
export type RangeRequest =
  | { kind: 'full' }
  | { kind: 'partial'; start: number /** inclusive */; end: number }
  | { kind: 'unsatisfiable' };

const FULL: RangeRequest = { kind: 'full' };

/**
 * One byte range `a-b`, `a-` or `-n`; `b` past the end is clipped. A header that does not parse, or asks for several
 * ranges, is ignored and the whole object is served, as RFC 9110 allows and spec 01-odh-tec "Download / preview" says.
 * A start at or past the end, or an empty suffix (`-0`), cannot be satisfied (416).
 */
export function parseByteRange(header: string | undefined, size: number): RangeRequest {
  if (!header) return FULL;
  const match = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!match) return FULL;
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return FULL;
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'partial', start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  if (last !== '' && Number(last) < start) return FULL;
  if (start >= size) return { kind: 'unsatisfiable' };
  return { kind: 'partial', start, end: last === '' ? size - 1 : Math.min(Number(last), size - 1) };
}
