// Conditional requests (RFC 9110 §13.2.2 evaluation order), as S3 applies them to GetObject/HeadObject and, with the
// `x-amz-copy-source-if-*` headers, to the source of CopyObject and UploadPartCopy.
import type { IncomingHttpHeaders } from 'node:http';
import type { ObjectMeta } from './object-store.ts';
import { unquoteEtag } from './s3-context.ts';
import { S3Error } from './s3-error.ts';

export type PreconditionResult = 'ok' | 'not-modified';

function etagMatches(list: string, etag: string): boolean {
  return list.split(',').some((candidate) => candidate.trim() === '*' || unquoteEtag(candidate) === etag);
}

/** HTTP dates have second precision, so the stored time is truncated before comparing. */
function modifiedAfter(meta: ObjectMeta, httpDate: string): boolean | undefined {
  const since = Date.parse(httpDate);
  if (Number.isNaN(since)) return undefined;
  return Math.floor(Date.parse(meta.lastModified) / 1000) * 1000 > since;
}

function single(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

/**
 * Evaluates the preconditions with header names `<prefix>if-match` etc. Failing If-Match/If-Unmodified-Since throws
 * PreconditionFailed; a matching If-None-Match or a false If-Modified-Since returns `not-modified` (304 on GET, 412
 * for copy sources, where S3 has no 304).
 */
export function evaluatePreconditions(headers: IncomingHttpHeaders, meta: ObjectMeta, prefix = ''): PreconditionResult {
  const ifMatch = single(headers, `${prefix}if-match`);
  const ifNoneMatch = single(headers, `${prefix}if-none-match`);
  const ifModifiedSince = single(headers, `${prefix}if-modified-since`);
  const ifUnmodifiedSince = single(headers, `${prefix}if-unmodified-since`);
  if (ifMatch !== undefined) {
    if (!etagMatches(ifMatch, meta.etag)) throw new S3Error('PreconditionFailed');
  } else if (ifUnmodifiedSince !== undefined && modifiedAfter(meta, ifUnmodifiedSince) === true) {
    throw new S3Error('PreconditionFailed');
  }
  if (ifNoneMatch !== undefined) {
    if (etagMatches(ifNoneMatch, meta.etag)) return 'not-modified';
  } else if (ifModifiedSince !== undefined && modifiedAfter(meta, ifModifiedSince) === false) {
    return 'not-modified';
  }
  return 'ok';
}
