// What every handler receives, and the response helpers they share.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ObjectMeta, ObjectStore } from './object-store.ts';
import type { AuthContext, Credential } from './sigv4.ts';
import type { StatsRecorder } from './stats.ts';
import type { UploadStore } from './upload-store.ts';

export interface Fault {
  /** Operation name as in `stats.requests`, e.g. `PutObject`, `UploadPart`. */
  op: string;
  /** S3 error code to answer with. */
  code: string;
  /** Fail every n-th request of that operation. */
  every: number;
}

/** Behaviour toggles for tests that imitate stricter or weaker S3 implementations. */
export interface S3Switches {
  /** ListBuckets → AccessDenied, as with credentials scoped to one bucket. */
  denyListBuckets: boolean;
  /** Any `x-amz-checksum-*` header or trailer → 501 NotImplemented, as Cloudflare R2 answered. */
  rejectChecksumHeaders: boolean;
  /** DeleteObjects without `Content-MD5` → MissingContentMD5, as AWS did before flexible checksums. */
  strictContentMD5: boolean;
  minPartSize: number;
  putObjectMaxBytes: number;
  copyObjectMaxBytes: number;
  /** Delay before each request is handled. */
  latencyMs: number;
  faults: Fault[];
}

export const DEFAULT_SWITCHES: S3Switches = {
  denyListBuckets: false,
  rejectChecksumHeaders: false,
  strictContentMD5: false,
  minPartSize: 5 * 1024 * 1024,
  putObjectMaxBytes: 5 * 1024 ** 3,
  copyObjectMaxBytes: 5 * 1024 ** 3,
  latencyMs: 0,
  faults: [],
};

export interface S3Service {
  store: ObjectStore;
  uploads: UploadStore;
  switches: S3Switches;
  stats: StatsRecorder;
  region: string;
}

export interface S3Context {
  req: IncomingMessage;
  res: ServerResponse;
  service: S3Service;
  requestId: string;
  op: string;
  bucket: string;
  key: string;
  query: URLSearchParams;
  auth: AuthContext;
}

export type Handler = (ctx: S3Context) => Promise<void>;

export type { Credential };

export function header(ctx: S3Context, name: string): string | undefined {
  const value = ctx.req.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

export function sendXml(ctx: S3Context, xml: string, status = 200): void {
  const body = Buffer.from(xml);
  ctx.res.writeHead(status, { 'Content-Type': 'application/xml', 'Content-Length': body.length });
  ctx.res.end(ctx.req.method === 'HEAD' ? undefined : body);
  ctx.service.stats.addBytesOut(ctx.op, body.length);
}

export function sendEmpty(ctx: S3Context, status = 200, headers: Record<string, string | number> = {}): void {
  ctx.res.writeHead(status, { ...headers, 'Content-Length': 0 });
  ctx.res.end();
}

export const quoteEtag = (etag: string): string => `"${etag}"`;
export const unquoteEtag = (etag: string): string => etag.trim().replace(/^"|"$/g, '');
export const httpDate = (iso: string): string => new Date(iso).toUTCString();

/** Standard headers kept from the upload and returned on GET/HEAD. */
export const STORED_SYSTEM_HEADERS = [
  'cache-control',
  'content-disposition',
  'content-encoding',
  'content-language',
  'expires',
] as const;

/** Headers describing an object on GET and HEAD. */
export function objectHeaders(meta: ObjectMeta): Record<string, string | number> {
  const headers: Record<string, string | number> = {
    ETag: quoteEtag(meta.etag),
    'Last-Modified': httpDate(meta.lastModified),
    'Content-Type': meta.contentType,
    'Accept-Ranges': 'bytes',
    ...meta.systemHeaders,
    ...meta.userMetadata,
  };
  if (meta.parts) headers['x-amz-mp-parts-count'] = meta.parts.length;
  return headers;
}

/** `x-amz-meta-*` request headers, with the prefix and lower-case names. */
export function userMetadataFrom(ctx: S3Context): Record<string, string> {
  const metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(ctx.req.headers)) {
    if (name.startsWith('x-amz-meta-') && value !== undefined) metadata[name] = String(value);
  }
  return metadata;
}

export function systemHeadersFrom(ctx: S3Context): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name of STORED_SYSTEM_HEADERS) {
    let value = header(ctx, name);
    // aws-chunked is a transfer detail of the request, not a property of the stored object.
    if (name === 'content-encoding' && value) {
      value = value
        .split(',')
        .map((coding) => coding.trim())
        .filter((coding) => coding && coding !== 'aws-chunked')
        .join(',');
    }
    if (value) headers[name] = value;
  }
  return headers;
}
