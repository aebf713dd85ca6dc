// Receives a request body into a sink while decoding aws-chunked framing and computing every digest the client
// asked us to check: the signed payload hash (`x-amz-content-sha256`), `Content-MD5`, and `x-amz-checksum-*` sent as
// headers or trailers. The caller commits what the sink wrote only when this resolves.
import { createHash, type Hash } from 'node:crypto';
import { type Readable, Transform, type TransformCallback, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AwsChunkedDecoder } from './aws-chunked.ts';
import {
  CHECKSUM_ALGORITHMS,
  CHECKSUM_BYTES,
  type ChecksumAlgorithm,
  type Checksummer,
  checksumHeaderName,
  createChecksummer,
  isChecksumAlgorithm,
} from './checksums.ts';
import { header, type S3Context } from './s3-context.ts';
import { S3Error } from './s3-error.ts';
import { UNSIGNED_PAYLOAD } from './sigv4.ts';

export interface ReceivedBody {
  size: number;
  md5Hex: string;
  /** Base64 values of every checksum computed (and, where the client sent one, verified). */
  checksums: Partial<Record<ChecksumAlgorithm, string>>;
}

export interface ReceiveOptions {
  /** Compute this checksum even if the client sent no value (multipart uploads that declared an algorithm). */
  checksumAlgorithm?: ChecksumAlgorithm;
  /** Larger bodies fail with EntityTooLarge. */
  maxBytes?: number;
}

const SIGNED_STREAMING = new Set(['STREAMING-AWS4-HMAC-SHA256-PAYLOAD', 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER']);
const UNSIGNED_STREAMING = 'STREAMING-UNSIGNED-PAYLOAD-TRAILER';

/** R2-style refusal of flexible checksums, enabled by the `rejectChecksumHeaders` switch. */
export function rejectChecksumHeaders(ctx: S3Context): void {
  if (!ctx.service.switches.rejectChecksumHeaders) return;
  for (const [name, value] of Object.entries(ctx.req.headers)) {
    if (name.startsWith('x-amz-checksum-') || name === 'x-amz-sdk-checksum-algorithm' || name === 'x-amz-trailer') {
      throw new S3Error('NotImplemented', `Header '${name}' with value '${value}' not implemented`);
    }
  }
}

function decodeDigest(value: string, bytes: number, name: string): Buffer {
  const raw = Buffer.from(value, 'base64');
  if (raw.length !== bytes || raw.toString('base64') !== value.trim()) {
    throw new S3Error('InvalidDigest', `The ${name} you specified is not valid.`);
  }
  return raw;
}

class DigestingStream extends Transform {
  size = 0;
  readonly md5 = createHash('md5');
  readonly sha256?: Hash;
  readonly checksummers = new Map<ChecksumAlgorithm, Checksummer>();
  private readonly maxBytes: number;

  constructor(algorithms: Set<ChecksumAlgorithm>, withSha256: boolean, maxBytes: number) {
    super({ highWaterMark: 64 * 1024 });
    if (withSha256) this.sha256 = createHash('sha256');
    for (const algorithm of algorithms) this.checksummers.set(algorithm, createChecksummer(algorithm));
    this.maxBytes = maxBytes;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.size += chunk.length;
    if (this.size > this.maxBytes) {
      callback(new S3Error('EntityTooLarge'));
      return;
    }
    this.md5.update(chunk);
    this.sha256?.update(chunk);
    for (const checksummer of this.checksummers.values()) checksummer.update(chunk);
    callback(null, chunk);
  }
}

export async function receiveBody(ctx: S3Context, sink: Writable, options: ReceiveOptions = {}): Promise<ReceivedBody> {
  rejectChecksumHeaders(ctx);
  const payloadHash = ctx.auth.payloadHash;
  const streaming = payloadHash.startsWith('STREAMING-');
  if (streaming && !SIGNED_STREAMING.has(payloadHash) && payloadHash !== UNSIGNED_STREAMING) {
    throw new S3Error('NotImplemented', `x-amz-content-sha256 ${payloadHash} is not implemented`);
  }
  const signedPayload = /^[0-9a-f]{64}$/.test(payloadHash);
  if (!streaming && !signedPayload && payloadHash !== UNSIGNED_PAYLOAD) {
    throw new S3Error('InvalidArgument', 'x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-… or a SHA-256');
  }
  const decodedHeader = header(ctx, 'x-amz-decoded-content-length');
  if (streaming && decodedHeader === undefined) throw new S3Error('MissingContentLength');
  const declaredLength = Number(streaming ? decodedHeader : (header(ctx, 'content-length') ?? 0));
  const maxBytes = options.maxBytes ?? Number.POSITIVE_INFINITY;
  if (declaredLength > maxBytes) throw new S3Error('EntityTooLarge');

  const contentMd5 = header(ctx, 'content-md5');
  const expectedMd5 = contentMd5 === undefined ? undefined : decodeDigest(contentMd5, 16, 'Content-MD5');
  const algorithms = new Set<ChecksumAlgorithm>();
  const expectedChecksums = new Map<ChecksumAlgorithm, string>();
  for (const algorithm of CHECKSUM_ALGORITHMS) {
    const value = header(ctx, checksumHeaderName(algorithm));
    if (value === undefined) continue;
    decodeDigest(value, CHECKSUM_BYTES[algorithm], checksumHeaderName(algorithm));
    algorithms.add(algorithm);
    expectedChecksums.set(algorithm, value);
  }
  const trailerAlgorithms = (header(ctx, 'x-amz-trailer') ?? '')
    .split(',')
    .map((name) =>
      name
        .trim()
        .toLowerCase()
        .replace(/^x-amz-checksum-/, ''),
    )
    .filter(isChecksumAlgorithm);
  for (const algorithm of trailerAlgorithms) algorithms.add(algorithm);
  const sdkAlgorithm = header(ctx, 'x-amz-sdk-checksum-algorithm')?.toLowerCase();
  if (sdkAlgorithm && isChecksumAlgorithm(sdkAlgorithm)) algorithms.add(sdkAlgorithm);
  if (options.checksumAlgorithm) algorithms.add(options.checksumAlgorithm);

  const decoder = streaming
    ? new AwsChunkedDecoder({
        auth: SIGNED_STREAMING.has(payloadHash) ? ctx.auth : undefined,
        decodedLength: declaredLength,
      })
    : undefined;
  const digesting = new DigestingStream(algorithms, signedPayload, maxBytes);
  if (decoder) await pipeline(ctx.req, decoder, digesting, sink);
  else await pipeline(ctx.req, digesting, sink);
  ctx.service.stats.addBytesIn(ctx.op, digesting.size);

  if (signedPayload && digesting.sha256?.digest('hex') !== payloadHash) {
    throw new S3Error(
      'XAmzContentSHA256Mismatch',
      "The provided 'x-amz-content-sha256' header does not match what was computed.",
    );
  }
  const md5 = digesting.md5.digest();
  if (expectedMd5 && !md5.equals(expectedMd5)) {
    throw new S3Error('BadDigest', 'The Content-MD5 you specified did not match what we received.');
  }
  for (const algorithm of trailerAlgorithms) {
    const value = decoder?.trailers.get(checksumHeaderName(algorithm));
    if (value === undefined)
      throw new S3Error('IncompleteBody', `The trailer ${checksumHeaderName(algorithm)} is missing`);
    decodeDigest(value, CHECKSUM_BYTES[algorithm], checksumHeaderName(algorithm));
    expectedChecksums.set(algorithm, value);
  }
  const checksums: ReceivedBody['checksums'] = {};
  for (const [algorithm, checksummer] of digesting.checksummers) {
    const actual = checksummer.digest().toString('base64');
    const expected = expectedChecksums.get(algorithm);
    if (expected !== undefined && expected !== actual) {
      throw new S3Error(
        'BadDigest',
        `The ${algorithm.toUpperCase()} you specified did not match the calculated checksum.`,
      );
    }
    checksums[algorithm] = actual;
  }
  return { size: digesting.size, md5Hex: md5.toString('hex'), checksums };
}

/** Copies stored bytes (CopyObject, UploadPartCopy) while computing the digests a new object or part records. */
export async function copyWithDigests(
  source: Readable,
  sink: Writable,
  algorithms: Iterable<ChecksumAlgorithm>,
): Promise<ReceivedBody> {
  const digesting = new DigestingStream(new Set(algorithms), false, Number.POSITIVE_INFINITY);
  await pipeline(source, digesting, sink);
  const checksums: ReceivedBody['checksums'] = {};
  for (const [algorithm, checksummer] of digesting.checksummers)
    checksums[algorithm] = checksummer.digest().toString('base64');
  return { size: digesting.size, md5Hex: digesting.md5.digest('hex'), checksums };
}

/** Reads a small XML request body, with the same verification as object bodies. */
export async function receiveSmallBody(ctx: S3Context, limit = 2 * 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const collector = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk);
      callback();
    },
  });
  await receiveBody(ctx, collector, { maxBytes: limit });
  return Buffer.concat(chunks);
}
