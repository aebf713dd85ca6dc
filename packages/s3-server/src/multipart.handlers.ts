// Multipart uploads (https://docs.aws.amazon.com/AmazonS3/latest/userguide/mpuoverview.html): Create, UploadPart,
// UploadPartCopy, Complete, Abort, ListParts and ListMultipartUploads.
import { createHash } from 'node:crypto';
import { OWNER } from './bucket.handlers.ts';
import { type ChecksumAlgorithm, checksumHeaderName, compositeChecksum, isChecksumAlgorithm } from './checksums.ts';
import { createTempFile, removeQuietly } from './fs-atomic.ts';
import { compareUtf8 } from './key-order.ts';
import { copySourceOf, receiveToTempFile } from './object.handlers.ts';
import { copyWithDigests, receiveSmallBody } from './request-body.ts';
import {
  type Handler,
  header,
  quoteEtag,
  type S3Context,
  sendEmpty,
  sendXml,
  systemHeadersFrom,
  unquoteEtag,
  userMetadataFrom,
} from './s3-context.ts';
import { S3Error } from './s3-error.ts';
import type { PartMeta, Upload } from './upload-store.ts';
import { childElements, childText, parseXml, toXml, type XmlElement, type XmlNode } from './xml.ts';

const MAX_PART_NUMBER = 10_000;
const MAX_LISTED = 1000;

const checksumElement = (algorithm: ChecksumAlgorithm): string => `Checksum${algorithm.toUpperCase()}`;

function checksumFields(checksums: Partial<Record<ChecksumAlgorithm, string>>): XmlNode {
  const fields: XmlNode = {};
  for (const [algorithm, value] of Object.entries(checksums))
    fields[checksumElement(algorithm as ChecksumAlgorithm)] = value;
  return fields;
}

function uploadOf(ctx: S3Context): Upload {
  ctx.service.store.bucket(ctx.bucket);
  return ctx.service.uploads.get(ctx.bucket, ctx.key, ctx.query.get('uploadId') ?? '');
}

function partNumberOf(ctx: S3Context): number {
  const raw = ctx.query.get('partNumber') ?? '';
  const partNumber = Number(raw);
  if (!/^\d+$/.test(raw) || partNumber < 1 || partNumber > MAX_PART_NUMBER) {
    throw new S3Error('InvalidArgument', 'Part number must be an integer between 1 and 10000, inclusive');
  }
  return partNumber;
}

function positiveIntegerParameter(ctx: S3Context, name: string, fallback: number): number {
  const raw = ctx.query.get(name);
  if (raw === null) return fallback;
  if (!/^\d+$/.test(raw)) throw new S3Error('InvalidArgument', `Provided ${name} not valid`);
  return Math.min(Number(raw), MAX_LISTED);
}

export const createMultipartUpload: Handler = async (ctx) => {
  ctx.service.store.bucket(ctx.bucket);
  const algorithm = header(ctx, 'x-amz-checksum-algorithm')?.toLowerCase();
  if (algorithm !== undefined && !isChecksumAlgorithm(algorithm)) {
    throw new S3Error('InvalidRequest', 'Checksum algorithm provided is unsupported');
  }
  const upload = await ctx.service.uploads.create({
    bucket: ctx.bucket,
    key: ctx.key,
    contentType: header(ctx, 'content-type') ?? 'binary/octet-stream',
    userMetadata: userMetadataFrom(ctx),
    systemHeaders: systemHeadersFrom(ctx),
    checksumAlgorithm: algorithm,
  });
  if (algorithm) ctx.res.setHeader('x-amz-checksum-algorithm', algorithm.toUpperCase());
  sendXml(ctx, toXml('InitiateMultipartUploadResult', { Bucket: ctx.bucket, Key: ctx.key, UploadId: upload.id }));
};

export const uploadPart: Handler = async (ctx) => {
  const partNumber = partNumberOf(ctx);
  const upload = uploadOf(ctx);
  const options = { maxBytes: ctx.service.switches.putObjectMaxBytes, checksumAlgorithm: upload.checksumAlgorithm };
  const part = await receiveToTempFile(ctx, options, (body, tempPath) =>
    ctx.service.uploads.putPart(
      upload,
      { partNumber, etag: body.md5Hex, size: body.size, checksums: body.checksums },
      tempPath,
    ),
  );
  const headers: Record<string, string> = { ETag: quoteEtag(part.etag) };
  for (const [algorithm, value] of Object.entries(part.checksums)) {
    headers[checksumHeaderName(algorithm as ChecksumAlgorithm)] = value;
  }
  sendEmpty(ctx, 200, headers);
};

/** `x-amz-copy-source-range: bytes=first-last`, both inclusive and inside the source. */
function copyRangeOf(ctx: S3Context, size: number): { start: number; end: number } {
  const raw = header(ctx, 'x-amz-copy-source-range');
  if (raw === undefined) return { start: 0, end: size - 1 };
  const match = /^bytes=(\d+)-(\d+)$/.exec(raw.trim());
  if (!match || Number(match[2]) < Number(match[1])) {
    throw new S3Error(
      'InvalidArgument',
      'The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy',
    );
  }
  const range = { start: Number(match[1]), end: Number(match[2]) };
  if (range.end >= size) throw new S3Error('InvalidRange', undefined, { 'Content-Range': `bytes */${size}` });
  return range;
}

export const uploadPartCopy: Handler = async (ctx) => {
  const partNumber = partNumberOf(ctx);
  const upload = uploadOf(ctx);
  const source = copySourceOf(ctx);
  const range = copyRangeOf(ctx, source.meta.size);
  if (range.end - range.start + 1 > ctx.service.switches.copyObjectMaxBytes) {
    throw new S3Error(
      'InvalidRequest',
      'The specified copy range is larger than the maximum allowable size for a copy',
    );
  }
  const algorithms = upload.checksumAlgorithm ? [upload.checksumAlgorithm] : [];
  const stopWriting = ctx.service.stats.startWriting(ctx.bucket, ctx.key);
  const temp = createTempFile(ctx.service.store.tmpDir, ctx.service.store.fsync);
  let part: PartMeta;
  try {
    const reader = ctx.service.store.read(source.bucket, source.meta, range);
    const body = await copyWithDigests(reader, temp.stream, algorithms);
    part = await ctx.service.uploads.putPart(
      upload,
      { partNumber, etag: body.md5Hex, size: body.size, checksums: body.checksums },
      temp.path,
    );
  } catch (error) {
    temp.stream.destroy();
    await removeQuietly(temp.path);
    throw error;
  } finally {
    stopWriting();
  }
  sendXml(
    ctx,
    toXml('CopyPartResult', {
      ETag: quoteEtag(part.etag),
      LastModified: part.lastModified,
      ...checksumFields(part.checksums),
    }),
  );
};

interface RequestedPart {
  partNumber: number;
  etag: string;
  checksums: Partial<Record<ChecksumAlgorithm, string>>;
}

function parseCompleteRequest(body: Buffer): RequestedPart[] {
  let root: XmlElement;
  try {
    root = parseXml(body.toString('utf8'));
  } catch {
    throw new S3Error('MalformedXML');
  }
  const parts = root.name === 'CompleteMultipartUpload' ? childElements(root, 'Part') : [];
  if (parts.length === 0) throw new S3Error('MalformedXML');
  return parts.map((part) => {
    const partNumber = Number(childText(part, 'PartNumber'));
    const etag = childText(part, 'ETag');
    if (!Number.isInteger(partNumber) || etag === undefined) throw new S3Error('MalformedXML');
    const checksums: RequestedPart['checksums'] = {};
    for (const child of part.children) {
      const algorithm = child.name.replace(/^Checksum/, '').toLowerCase();
      if (child.name.startsWith('Checksum') && isChecksumAlgorithm(algorithm)) checksums[algorithm] = child.text.trim();
    }
    return { partNumber, etag: unquoteEtag(etag), checksums };
  });
}

export const completeMultipartUpload: Handler = async (ctx) => {
  const upload = uploadOf(ctx);
  const requested = parseCompleteRequest(await receiveSmallBody(ctx));
  const chosen: PartMeta[] = [];
  for (const [index, want] of requested.entries()) {
    if (index > 0 && want.partNumber <= requested[index - 1].partNumber) throw new S3Error('InvalidPartOrder');
    const stored = upload.parts.get(want.partNumber);
    if (!stored || stored.etag !== want.etag) throw new S3Error('InvalidPart');
    for (const [algorithm, value] of Object.entries(want.checksums)) {
      if (stored.checksums[algorithm as ChecksumAlgorithm] !== value) {
        throw new S3Error('InvalidPart', `The ${algorithm.toUpperCase()} of part ${want.partNumber} does not match`);
      }
    }
    chosen.push(stored);
  }
  const minPartSize = ctx.service.switches.minPartSize;
  for (const part of chosen.slice(0, -1)) {
    if (part.size < minPartSize) {
      throw new S3Error(
        'EntityTooSmall',
        `Part ${part.partNumber} is ${part.size} bytes, below the minimum of ${minPartSize}`,
      );
    }
  }
  const md5s = Buffer.concat(chosen.map((part) => Buffer.from(part.etag, 'hex')));
  const etag = `${createHash('md5').update(md5s).digest('hex')}-${chosen.length}`;
  const algorithm = upload.checksumAlgorithm;
  const checksums: Partial<Record<ChecksumAlgorithm, string>> = {};
  if (algorithm && chosen.every((part) => part.checksums[algorithm])) {
    checksums[algorithm] = compositeChecksum(
      algorithm,
      chosen.map((part) => part.checksums[algorithm]!),
    );
  }
  const meta = await ctx.service.store.commitParts(
    ctx.bucket,
    {
      key: ctx.key,
      size: chosen.reduce((total, part) => total + part.size, 0),
      etag,
      contentType: upload.contentType,
      userMetadata: upload.userMetadata,
      systemHeaders: upload.systemHeaders,
      checksums,
      checksumType: Object.keys(checksums).length ? 'COMPOSITE' : undefined,
      parts: chosen.map((part) => part.size),
    },
    chosen.map((part) => ({ file: part.file, size: part.size })),
  );
  await ctx.service.uploads.remove(upload);
  sendXml(
    ctx,
    toXml('CompleteMultipartUploadResult', {
      Location: `/${ctx.bucket}/${encodeURIComponent(ctx.key)}`,
      Bucket: ctx.bucket,
      Key: ctx.key,
      ETag: quoteEtag(meta.etag),
      ...checksumFields(checksums),
    }),
  );
};

export const abortMultipartUpload: Handler = async (ctx) => {
  await ctx.service.uploads.remove(uploadOf(ctx));
  sendEmpty(ctx, 204);
};

export const listParts: Handler = async (ctx) => {
  const upload = uploadOf(ctx);
  const marker = positiveIntegerParameter(ctx, 'part-number-marker', 0);
  const maxParts = positiveIntegerParameter(ctx, 'max-parts', MAX_LISTED);
  const remaining = [...upload.parts.values()]
    .filter((part) => part.partNumber > marker)
    .sort((a, b) => a.partNumber - b.partNumber);
  const page = remaining.slice(0, maxParts);
  const isTruncated = remaining.length > page.length;
  sendXml(
    ctx,
    toXml('ListPartsResult', {
      Bucket: ctx.bucket,
      Key: ctx.key,
      UploadId: upload.id,
      Initiator: OWNER,
      Owner: OWNER,
      StorageClass: 'STANDARD',
      PartNumberMarker: marker,
      NextPartNumberMarker: isTruncated ? page.at(-1)?.partNumber : undefined,
      MaxParts: maxParts,
      IsTruncated: isTruncated,
      ChecksumAlgorithm: upload.checksumAlgorithm?.toUpperCase(),
      Part: page.map((part) => ({
        PartNumber: part.partNumber,
        LastModified: part.lastModified,
        ETag: quoteEtag(part.etag),
        Size: part.size,
        ...checksumFields(part.checksums),
      })),
    }),
  );
};

export const listMultipartUploads: Handler = async (ctx) => {
  ctx.service.store.bucket(ctx.bucket);
  const prefix = ctx.query.get('prefix') ?? '';
  const keyMarker = ctx.query.get('key-marker') ?? '';
  const uploadIdMarker = ctx.query.get('upload-id-marker') ?? '';
  const maxUploads = positiveIntegerParameter(ctx, 'max-uploads', MAX_LISTED);
  const all = ctx.service.uploads.list(ctx.bucket).filter((upload) => upload.key.startsWith(prefix));
  let start = 0;
  if (keyMarker) {
    const markerIndex = all.findIndex((upload) => upload.key === keyMarker && upload.id === uploadIdMarker);
    start = markerIndex !== -1 ? markerIndex + 1 : all.findIndex((upload) => compareUtf8(upload.key, keyMarker) > 0);
    if (start === -1) start = all.length;
  }
  const page = all.slice(start, start + maxUploads);
  const isTruncated = start + page.length < all.length;
  const last = page.at(-1);
  sendXml(
    ctx,
    toXml('ListMultipartUploadsResult', {
      Bucket: ctx.bucket,
      KeyMarker: keyMarker,
      UploadIdMarker: uploadIdMarker,
      NextKeyMarker: isTruncated ? last?.key : undefined,
      NextUploadIdMarker: isTruncated ? last?.id : undefined,
      Prefix: prefix,
      MaxUploads: maxUploads,
      IsTruncated: isTruncated,
      Upload: page.map((upload) => ({
        Key: upload.key,
        UploadId: upload.id,
        Initiator: OWNER,
        Owner: OWNER,
        StorageClass: 'STANDARD',
        Initiated: upload.initiated,
        ChecksumAlgorithm: upload.checksumAlgorithm?.toUpperCase(),
      })),
    }),
  );
};
