// Service and bucket operations: ListBuckets, Create/Head/Delete bucket, listings and the bucket sub-resources that
// clients probe (location, versioning, acl, policy, cors, lifecycle, tagging, requestPayment).
import { listPage } from './listing.ts';
import type { ObjectMeta } from './object-store.ts';
import { receiveSmallBody } from './request-body.ts';
import { type Handler, header, quoteEtag, type S3Context, sendEmpty, sendXml } from './s3-context.ts';
import { S3Error } from './s3-error.ts';
import { awsUriEncode } from './sigv4.ts';
import { parseXml, toXml, type XmlNode } from './xml.ts';

export const OWNER = { ID: '75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a', DisplayName: 'local' };
const MAX_KEYS = 1000;

export const listBuckets: Handler = async (ctx) => {
  if (ctx.service.switches.denyListBuckets) throw new S3Error('AccessDenied');
  const buckets = ctx.service.store.listBuckets().map(({ name, created }) => ({ Name: name, CreationDate: created }));
  sendXml(ctx, toXml('ListAllMyBucketsResult', { Owner: OWNER, Buckets: { Bucket: buckets } }));
};

export const createBucket: Handler = async (ctx) => {
  const body = await receiveSmallBody(ctx);
  if (body.length > 0) {
    // CreateBucketConfiguration only names a location constraint, which a single-region server ignores.
    try {
      parseXml(body.toString('utf8'));
    } catch {
      throw new S3Error('MalformedXML');
    }
  }
  await ctx.service.store.createBucket(ctx.bucket);
  sendEmpty(ctx, 200, { Location: `/${ctx.bucket}` });
};

export const headBucket: Handler = async (ctx) => {
  ctx.service.store.bucket(ctx.bucket);
  sendEmpty(ctx, 200, { 'x-amz-bucket-region': ctx.service.region });
};

export const deleteBucket: Handler = async (ctx) => {
  ctx.service.store.bucket(ctx.bucket);
  for (const upload of ctx.service.uploads.list(ctx.bucket)) await ctx.service.uploads.remove(upload);
  await ctx.service.store.deleteBucket(ctx.bucket);
  sendEmpty(ctx, 204);
};

export const getBucketLocation: Handler = async (ctx) => {
  ctx.service.store.bucket(ctx.bucket);
  // us-east-1 is reported as an empty LocationConstraint (GetBucketLocation API reference).
  const region = ctx.service.region === 'us-east-1' ? '' : ctx.service.region;
  sendXml(
    ctx,
    `<?xml version="1.0" encoding="UTF-8"?><LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${region}</LocationConstraint>`,
  );
};

export const getBucketVersioning: Handler = async (ctx) => {
  ctx.service.store.bucket(ctx.bucket);
  sendXml(ctx, toXml('VersioningConfiguration', {}));
};

export const getAcl: Handler = async (ctx) => {
  ctx.service.store.bucket(ctx.bucket);
  if (ctx.key) ctx.service.store.head(ctx.bucket, ctx.key);
  sendXml(
    ctx,
    toXml('AccessControlPolicy', {
      Owner: OWNER,
      AccessControlList: { Grant: { Grantee: OWNER, Permission: 'FULL_CONTROL' } },
    }).replace('<Grantee>', '<Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser">'),
  );
};

/** Only the canned `private` ACL is accepted: it is what every object here already has. */
export const putAcl: Handler = async (ctx) => {
  ctx.service.store.bucket(ctx.bucket);
  if (ctx.key) ctx.service.store.head(ctx.bucket, ctx.key);
  await receiveSmallBody(ctx);
  const canned = header(ctx, 'x-amz-acl');
  if (canned !== undefined && canned !== 'private')
    throw new S3Error('NotImplemented', `ACL ${canned} is not implemented`);
  sendEmpty(ctx);
};

/** Sub-resources that are never configured here answer like an unconfigured AWS bucket. */
export function notConfigured(code: string): Handler {
  return async (ctx) => {
    ctx.service.store.bucket(ctx.bucket);
    throw new S3Error(code, `The ${code.replace(/^NoSuch/, '')} does not exist`);
  };
}

export const getObjectTagging: Handler = async (ctx) => {
  ctx.service.store.head(ctx.bucket, ctx.key);
  sendXml(ctx, toXml('Tagging', { TagSet: {} }));
};

export const getRequestPayment: Handler = async (ctx) => {
  ctx.service.store.bucket(ctx.bucket);
  sendXml(ctx, toXml('RequestPaymentConfiguration', { Payer: 'BucketOwner' }));
};

function maxKeysOf(ctx: S3Context, name: string): number {
  const raw = ctx.query.get(name);
  if (raw === null) return MAX_KEYS;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value))
    throw new S3Error('InvalidArgument', `Provided ${name} not valid`);
  return Math.min(value, MAX_KEYS);
}

function encoderOf(ctx: S3Context): (text: string) => string {
  const encoding = ctx.query.get('encoding-type');
  if (encoding === null) return (text) => text;
  if (encoding !== 'url') throw new S3Error('InvalidArgument', 'Invalid Encoding Method specified in Request');
  return (text) => awsUriEncode(text, true);
}

function contentsOf(objects: ObjectMeta[], encode: (text: string) => string, withOwner: boolean): XmlNode[] {
  return objects.map((meta) => ({
    Key: encode(meta.key),
    LastModified: meta.lastModified,
    ETag: quoteEtag(meta.etag),
    Size: meta.size,
    StorageClass: 'STANDARD',
    Owner: withOwner ? OWNER : undefined,
  }));
}

export const listObjectsV2: Handler = async (ctx) => {
  const bucket = ctx.service.store.bucket(ctx.bucket);
  const encode = encoderOf(ctx);
  const prefix = ctx.query.get('prefix') ?? '';
  const delimiter = ctx.query.get('delimiter') ?? '';
  const maxKeys = maxKeysOf(ctx, 'max-keys');
  const token = ctx.query.get('continuation-token') ?? undefined;
  const startAfter = ctx.query.get('start-after') ?? undefined;
  let after = startAfter;
  if (token !== undefined) {
    after = Buffer.from(token, 'base64url').toString('utf8');
    if (!token || Buffer.from(after, 'utf8').toString('base64url') !== token) {
      throw new S3Error('InvalidArgument', 'The continuation token provided is incorrect');
    }
  }
  const page = listPage(bucket.objects, { prefix, delimiter, maxKeys, after });
  sendXml(
    ctx,
    toXml('ListBucketResult', {
      Name: ctx.bucket,
      Prefix: encode(prefix),
      Delimiter: delimiter ? encode(delimiter) : undefined,
      MaxKeys: maxKeys,
      EncodingType: ctx.query.get('encoding-type') ?? undefined,
      KeyCount: page.contents.length + page.commonPrefixes.length,
      IsTruncated: page.isTruncated,
      ContinuationToken: token,
      NextContinuationToken:
        page.isTruncated && page.lastEntry ? Buffer.from(page.lastEntry, 'utf8').toString('base64url') : undefined,
      StartAfter: startAfter === undefined ? undefined : encode(startAfter),
      Contents: contentsOf(page.contents, encode, ctx.query.get('fetch-owner') === 'true'),
      CommonPrefixes: page.commonPrefixes.map((commonPrefix) => ({ Prefix: encode(commonPrefix) })),
    }),
  );
};

export const listObjectsV1: Handler = async (ctx) => {
  const bucket = ctx.service.store.bucket(ctx.bucket);
  const encode = encoderOf(ctx);
  const prefix = ctx.query.get('prefix') ?? '';
  const delimiter = ctx.query.get('delimiter') ?? '';
  const marker = ctx.query.get('marker') ?? '';
  const maxKeys = maxKeysOf(ctx, 'max-keys');
  const page = listPage(bucket.objects, { prefix, delimiter, maxKeys, after: marker || undefined });
  sendXml(
    ctx,
    toXml('ListBucketResult', {
      Name: ctx.bucket,
      Prefix: encode(prefix),
      Marker: encode(marker),
      // Without a delimiter clients continue from the last key; S3 only sends NextMarker with one.
      NextMarker: page.isTruncated && delimiter && page.lastEntry ? encode(page.lastEntry) : undefined,
      MaxKeys: maxKeys,
      Delimiter: delimiter ? encode(delimiter) : undefined,
      EncodingType: ctx.query.get('encoding-type') ?? undefined,
      IsTruncated: page.isTruncated,
      Contents: contentsOf(page.contents, encode, true),
      CommonPrefixes: page.commonPrefixes.map((commonPrefix) => ({ Prefix: encode(commonPrefix) })),
    }),
  );
};
