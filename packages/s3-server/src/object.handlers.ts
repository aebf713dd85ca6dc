// Object operations: Put/Get/Head/Delete, CopyObject and DeleteObjects.
import { pipeline } from 'node:stream/promises';
import { type ChecksumAlgorithm, checksumHeaderName } from './checksums.ts';
import { createTempFile, removeQuietly } from './fs-atomic.ts';
import type { ObjectMeta } from './object-store.ts';
import { evaluatePreconditions } from './preconditions.ts';
import { parseRange } from './range.ts';
import { copyWithDigests, type ReceivedBody, receiveBody, receiveSmallBody } from './request-body.ts';
import {
  type Handler,
  header,
  objectHeaders,
  quoteEtag,
  type S3Context,
  sendEmpty,
  sendXml,
  systemHeadersFrom,
  userMetadataFrom,
} from './s3-context.ts';
import { S3Error } from './s3-error.ts';
import { childElements, childText, parseXml, toXml, type XmlElement } from './xml.ts';

const DEFAULT_CONTENT_TYPE = 'binary/octet-stream';
const MAX_DELETE_KEYS = 1000;

function checksumResponseHeaders(checksums: ReceivedBody['checksums']): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [algorithm, value] of Object.entries(checksums)) {
    headers[checksumHeaderName(algorithm as ChecksumAlgorithm)] = value;
  }
  return headers;
}

/** Streams a body into a temp file, then hands the file to `commit`; the temp file never outlives a failure. */
export async function receiveToTempFile<T>(
  ctx: S3Context,
  options: Parameters<typeof receiveBody>[2],
  commit: (body: ReceivedBody, tempPath: string) => Promise<T>,
): Promise<T> {
  const stopWriting = ctx.service.stats.startWriting(ctx.bucket, ctx.key);
  const temp = createTempFile(ctx.service.store.tmpDir, ctx.service.store.fsync);
  try {
    const body = await receiveBody(ctx, temp.stream, options);
    return await commit(body, temp.path);
  } catch (error) {
    temp.stream.destroy();
    await removeQuietly(temp.path);
    throw error;
  } finally {
    stopWriting();
  }
}

export const putObject: Handler = async (ctx) => {
  ctx.service.store.bucket(ctx.bucket);
  const maxBytes = ctx.service.switches.putObjectMaxBytes;
  const meta = await receiveToTempFile(ctx, { maxBytes }, (body, tempPath) =>
    ctx.service.store.commitFile(
      ctx.bucket,
      {
        key: ctx.key,
        size: body.size,
        etag: body.md5Hex,
        contentType: header(ctx, 'content-type') ?? DEFAULT_CONTENT_TYPE,
        userMetadata: userMetadataFrom(ctx),
        systemHeaders: systemHeadersFrom(ctx),
        checksums: body.checksums,
        checksumType: Object.keys(body.checksums).length ? 'FULL_OBJECT' : undefined,
      },
      tempPath,
    ),
  );
  sendEmpty(ctx, 200, { ETag: quoteEtag(meta.etag), ...checksumResponseHeaders(meta.checksums) });
};

const RESPONSE_OVERRIDES: Record<string, string> = {
  'response-content-type': 'Content-Type',
  'response-content-language': 'Content-Language',
  'response-expires': 'Expires',
  'response-cache-control': 'Cache-Control',
  'response-content-disposition': 'Content-Disposition',
  'response-content-encoding': 'Content-Encoding',
};

async function getOrHead(ctx: S3Context, withBody: boolean): Promise<void> {
  const meta = ctx.service.store.head(ctx.bucket, ctx.key);
  if (evaluatePreconditions(ctx.req.headers, meta) === 'not-modified') {
    ctx.res.writeHead(304, { ETag: quoteEtag(meta.etag), 'Last-Modified': objectHeaders(meta)['Last-Modified'] });
    ctx.res.end();
    return;
  }
  const range = parseRange(header(ctx, 'range'), meta.size);
  const headers = objectHeaders(meta);
  for (const [parameter, name] of Object.entries(RESPONSE_OVERRIDES)) {
    const value = ctx.query.get(parameter);
    if (value !== null) headers[name] = value;
  }
  // Checksums describe the whole object, so S3 returns them only for full reads that asked for them.
  if (!range && header(ctx, 'x-amz-checksum-mode')?.toUpperCase() === 'ENABLED') {
    Object.assign(headers, checksumResponseHeaders(meta.checksums));
    if (meta.checksumType) headers['x-amz-checksum-type'] = meta.checksumType;
  }
  headers['Content-Length'] = range ? range.end - range.start + 1 : meta.size;
  if (range) headers['Content-Range'] = `bytes ${range.start}-${range.end}/${meta.size}`;
  ctx.res.writeHead(range ? 206 : 200, headers);
  if (!withBody || meta.size === 0) {
    ctx.res.end();
    return;
  }
  await pipeline(ctx.service.store.read(ctx.bucket, meta, range), ctx.res);
  ctx.service.stats.addBytesOut(ctx.op, Number(headers['Content-Length']));
}

export const getObject: Handler = (ctx) => getOrHead(ctx, true);
export const headObject: Handler = (ctx) => getOrHead(ctx, false);

export const deleteObject: Handler = async (ctx) => {
  await ctx.service.store.delete(ctx.bucket, ctx.key);
  sendEmpty(ctx, 204);
};

/** `x-amz-copy-source`: `[/]bucket/key[?versionId=…]`, URL-encoded (CopyObject API reference). */
export function copySourceOf(ctx: S3Context): { bucket: string; meta: ObjectMeta } {
  const raw = header(ctx, 'x-amz-copy-source') ?? '';
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw.replace(/\?versionId=.*$/, '')).replace(/^\//, '');
  } catch {
    throw new S3Error('InvalidArgument', 'Invalid copy source encoding');
  }
  const slash = decoded.indexOf('/');
  if (slash <= 0 || slash === decoded.length - 1) throw new S3Error('InvalidArgument', 'Invalid copy source');
  const bucket = decoded.slice(0, slash);
  const meta = ctx.service.store.head(bucket, decoded.slice(slash + 1));
  if (evaluatePreconditions(ctx.req.headers, meta, 'x-amz-copy-source-') === 'not-modified') {
    throw new S3Error('PreconditionFailed');
  }
  return { bucket, meta };
}

export const copyObject: Handler = async (ctx) => {
  ctx.service.store.bucket(ctx.bucket);
  const source = copySourceOf(ctx);
  if (source.meta.size > ctx.service.switches.copyObjectMaxBytes) {
    throw new S3Error(
      'InvalidRequest',
      `The specified copy source is larger than the maximum allowable size for a copy source: ${ctx.service.switches.copyObjectMaxBytes}`,
    );
  }
  const directive = (header(ctx, 'x-amz-metadata-directive') ?? 'COPY').toUpperCase();
  if (directive !== 'COPY' && directive !== 'REPLACE')
    throw new S3Error('InvalidArgument', 'Unknown metadata directive.');
  if (directive === 'COPY' && source.bucket === ctx.bucket && source.meta.key === ctx.key) {
    throw new S3Error(
      'InvalidRequest',
      "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
    );
  }
  const replace = directive === 'REPLACE';
  if (replace && source.bucket === ctx.bucket && source.meta.key === ctx.key) {
    const meta = await ctx.service.store.replaceMetadata(ctx.bucket, ctx.key, {
      contentType: header(ctx, 'content-type') ?? DEFAULT_CONTENT_TYPE,
      userMetadata: userMetadataFrom(ctx),
      systemHeaders: systemHeadersFrom(ctx),
    });
    sendXml(ctx, toXml('CopyObjectResult', { LastModified: meta.lastModified, ETag: quoteEtag(meta.etag) }));
    return;
  }
  const algorithms = Object.keys(source.meta.checksums) as ChecksumAlgorithm[];
  const stopWriting = ctx.service.stats.startWriting(ctx.bucket, ctx.key);
  const temp = createTempFile(ctx.service.store.tmpDir, ctx.service.store.fsync);
  let meta: ObjectMeta;
  try {
    const body = await copyWithDigests(ctx.service.store.read(source.bucket, source.meta), temp.stream, algorithms);
    meta = await ctx.service.store.commitFile(
      ctx.bucket,
      {
        key: ctx.key,
        size: body.size,
        etag: body.md5Hex,
        contentType: replace ? (header(ctx, 'content-type') ?? DEFAULT_CONTENT_TYPE) : source.meta.contentType,
        userMetadata: replace ? userMetadataFrom(ctx) : source.meta.userMetadata,
        systemHeaders: replace ? systemHeadersFrom(ctx) : source.meta.systemHeaders,
        checksums: body.checksums,
        checksumType: algorithms.length ? 'FULL_OBJECT' : undefined,
      },
      temp.path,
    );
  } catch (error) {
    temp.stream.destroy();
    await removeQuietly(temp.path);
    throw error;
  } finally {
    stopWriting();
  }
  sendXml(ctx, toXml('CopyObjectResult', { LastModified: meta.lastModified, ETag: quoteEtag(meta.etag) }));
};

function parseDeleteRequest(body: Buffer): { quiet: boolean; keys: string[] } {
  let root: XmlElement;
  try {
    root = parseXml(body.toString('utf8'));
  } catch {
    throw new S3Error('MalformedXML');
  }
  if (root.name !== 'Delete') throw new S3Error('MalformedXML');
  const objects = childElements(root, 'Object');
  if (objects.length === 0 || objects.length > MAX_DELETE_KEYS) throw new S3Error('MalformedXML');
  const keys = objects.map((object) => {
    const key = childText(object, 'Key');
    if (key === undefined) throw new S3Error('MalformedXML');
    return key;
  });
  return { quiet: childText(root, 'Quiet')?.trim() === 'true', keys };
}

export const deleteObjects: Handler = async (ctx) => {
  ctx.service.store.bucket(ctx.bucket);
  if (ctx.service.switches.strictContentMD5 && header(ctx, 'content-md5') === undefined) {
    throw new S3Error('MissingContentMD5', 'Missing required header for this request: Content-MD5');
  }
  const { quiet, keys } = parseDeleteRequest(await receiveSmallBody(ctx));
  const deleted: { Key: string }[] = [];
  const errors: { Key: string; Code: string; Message: string }[] = [];
  for (const key of keys) {
    try {
      await ctx.service.store.delete(ctx.bucket, key);
      deleted.push({ Key: key });
    } catch (error) {
      errors.push({ Key: key, Code: 'InternalError', Message: (error as Error).message });
    }
  }
  sendXml(ctx, toXml('DeleteResult', { Deleted: quiet ? undefined : deleted, Error: errors }));
};
