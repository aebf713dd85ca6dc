import { GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses } from '@platform/kernel/http/error-shape.schema.ts';
import { type Static, Type } from 'typebox';
import type { LocationService } from '../locations/location.service.ts';
import { PERMISSIONS } from '../odh-tec.permissions.ts';
import { decodeKey } from '../storage/key-codec.ts';
import { previewContentType } from '../storage/preview-type.ts';
import { storageErrorResponses } from '../storage/storage-error.schema.ts';
import { assertBucketName } from '../storage/storage-names.ts';
import { withLocation } from './location-client.ts';
import { BucketKeyParams, LocationQuery } from './object.schema.ts';
import { PARQUET_TRAILER_BYTES, parquetFooterLength, summarizeParquetFooter } from './parquet-footer.ts';
import { SAFETENSORS_PREFIX_BYTES, safetensorsHeaderLength, summarizeSafetensorsHeader } from './safetensors-header.ts';
import { csvHead, jsonlHead } from './table-head.ts';

const tags = ['odh-tec objects'];
/** Tabular heads read at most this much (spec S3: "first rows, ≤ 1 MiB read"). */
const TABLE_HEAD_BYTES = 1024 * 1024;
/** Enough for most safetensors headers in one request, and for magic bytes and a text check. */
const FIRST_READ_BYTES = 64 * 1024;
/** Footers with many row groups grow large; past this the file is only reported as binary. */
const MAX_PARQUET_FOOTER_BYTES = 16 * 1024 * 1024;

const Inspection = Type.Object({
  kind: Type.Union([
    Type.Literal('safetensors'),
    Type.Literal('parquet'),
    Type.Literal('jsonl'),
    Type.Literal('csv'),
    Type.Literal('text'),
    Type.Literal('image'),
    Type.Literal('binary'),
  ]),
  key: Type.String(),
  size: Type.Number(),
  /** image: the type found by magic bytes */
  contentType: Type.Optional(Type.String()),
  /** safetensors */
  tensors: Type.Optional(
    Type.Array(
      Type.Object({
        name: Type.String(),
        dtype: Type.String(),
        shape: Type.Array(Type.Integer()),
        parameters: Type.Number(),
      }),
    ),
  ),
  totalParameters: Type.Optional(Type.Number()),
  metadata: Type.Optional(Type.Record(Type.String(), Type.String())),
  headerBytes: Type.Optional(Type.Integer()),
  /** csv: the header row; rows: csv cells or jsonl records */
  columns: Type.Optional(Type.Array(Type.String())),
  rows: Type.Optional(Type.Array(Type.Unknown())),
  /** the head shown is not the whole file */
  truncated: Type.Optional(Type.Boolean()),
  /** parquet: from the footer */
  rowCount: Type.Optional(Type.Number()),
  rowGroups: Type.Optional(Type.Integer()),
  schema: Type.Optional(
    Type.Array(Type.Object({ name: Type.String(), type: Type.String(), repetition: Type.String() })),
  ),
  createdBy: Type.Optional(Type.String()),
  /** why a richer kind was not produced */
  note: Type.Optional(Type.String()),
});
type Inspection = Static<typeof Inspection>;

/** Reads bytes `start..end` (inclusive) with one ranged GET, pinned to the ETag seen by HeadObject. */
async function readRange(
  client: S3Client,
  bucket: string,
  key: string,
  etag: string | undefined,
  start: number,
  end: number,
) {
  const object = await client.send(
    new GetObjectCommand({ Bucket: bucket, Key: key, Range: `bytes=${start}-${end}`, IfMatch: etag }),
  );
  return object.Body!.transformToByteArray();
}

type RangeReader = (start: number, length: number) => Promise<Uint8Array>;

/** Row count and schema from the Parquet footer: the file's tail, then the footer if it did not fit in it. */
async function inspectParquet(read: RangeReader, key: string, size: number): Promise<Inspection> {
  const tailBytes = Math.min(size, FIRST_READ_BYTES);
  const tail = await read(size - tailBytes, tailBytes);
  const length = parquetFooterLength(tail, size);
  if (length === undefined) return { kind: 'binary', key, size, note: 'no Parquet footer (PAR1) at the end' };
  if (length > MAX_PARQUET_FOOTER_BYTES)
    return { kind: 'binary', key, size, note: 'the Parquet footer is over 16 MiB' };
  const footer =
    length + PARQUET_TRAILER_BYTES <= tail.length
      ? tail.subarray(tail.length - PARQUET_TRAILER_BYTES - length, tail.length - PARQUET_TRAILER_BYTES)
      : await read(size - PARQUET_TRAILER_BYTES - length, length);
  try {
    return { kind: 'parquet', key, size, ...summarizeParquetFooter(footer) };
  } catch (error) {
    return { kind: 'binary', key, size, note: `unreadable Parquet footer: ${(error as Error).message}` };
  }
}

/** Inspects one object from ranged reads only, never the whole object (spec 01-odh-tec S3, acceptance 22). */
async function inspect(client: S3Client, bucket: string, key: string): Promise<Inspection> {
  const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  const size = head.ContentLength ?? 0;
  const read: RangeReader = (start, length) =>
    length > 0
      ? readRange(client, bucket, key, head.ETag, start, start + length - 1)
      : Promise.resolve(new Uint8Array(0));
  const lower = key.toLowerCase();
  if (lower.endsWith('.safetensors')) {
    const first = await read(0, Math.min(size, FIRST_READ_BYTES));
    const length = safetensorsHeaderLength(first, size);
    const end = SAFETENSORS_PREFIX_BYTES + length;
    const header =
      end <= first.length
        ? first.subarray(SAFETENSORS_PREFIX_BYTES, end)
        : await read(SAFETENSORS_PREFIX_BYTES, length);
    return { kind: 'safetensors', key, size, ...summarizeSafetensorsHeader(header) };
  }
  if (lower.endsWith('.parquet')) return inspectParquet(read, key, size);
  const tabular = /\.(jsonl|ndjson|csv|tsv)$/.exec(lower)?.[1];
  const bytes = await read(0, Math.min(size, tabular ? TABLE_HEAD_BYTES : FIRST_READ_BYTES));
  const truncated = size > bytes.length;
  const contentType = previewContentType(key, bytes, truncated);
  if (contentType.startsWith('image/')) return { kind: 'image', key, size, contentType };
  if (!contentType.startsWith('text/')) return { kind: 'binary', key, size };
  const text = new TextDecoder().decode(bytes);
  if (tabular === 'jsonl' || tabular === 'ndjson') {
    return { kind: 'jsonl', key, size, rows: jsonlHead(text, truncated), truncated };
  }
  if (tabular) {
    const [columns = [], ...rows] = csvHead(text, truncated, tabular === 'tsv' ? '\t' : ',');
    return { kind: 'csv', key, size, columns, rows, truncated };
  }
  return { kind: 'text', key, size, truncated };
}

/** What an object holds, for the View drawer: safetensors tensor table, JSONL/CSV head, text, image or binary. */
export const inspectRoutes: FastifyPluginAsyncTypebox<{ locations: LocationService }> = async (app, { locations }) => {
  app.get(
    '/api/objects/inspect/:bucketName/*',
    {
      schema: {
        tags,
        summary: 'Inspect an object (`:encodedKey`): safetensors header, table head, or its kind',
        params: BucketKeyParams,
        querystring: LocationQuery,
        response: { 200: Inspection, ...errorResponses, ...storageErrorResponses },
      },
    },
    async (request) => {
      const bucket = request.params.bucketName;
      assertBucketName(bucket);
      const key = decodeKey(request.params['*']);
      return withLocation(locations, request, PERMISSIONS.objectsRead, request.query.location, (client) =>
        inspect(client, bucket, key),
      );
    },
  );
};
