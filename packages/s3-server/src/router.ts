// Maps a path-style request (method, bucket, key, sub-resource query parameters) to its S3 operation, following the
// request syntax sections of the S3 API reference. Anything not listed is 501 NotImplemented.
import {
  createBucket,
  deleteBucket,
  getAcl,
  getBucketLocation,
  getBucketVersioning,
  getObjectTagging,
  getRequestPayment,
  headBucket,
  listBuckets,
  listObjectsV1,
  listObjectsV2,
  notConfigured,
  putAcl,
} from './bucket.handlers.ts';
import {
  abortMultipartUpload,
  completeMultipartUpload,
  createMultipartUpload,
  listMultipartUploads,
  listParts,
  uploadPart,
  uploadPartCopy,
} from './multipart.handlers.ts';
import { copyObject, deleteObject, deleteObjects, getObject, headObject, putObject } from './object.handlers.ts';
import type { Handler } from './s3-context.ts';

export interface Route {
  op: string;
  handler: Handler;
}

const route = (op: string, handler: Handler): Route => ({ op, handler });

const BUCKET_GET: [string, Route][] = [
  ['location', route('GetBucketLocation', getBucketLocation)],
  ['versioning', route('GetBucketVersioning', getBucketVersioning)],
  ['acl', route('GetBucketAcl', getAcl)],
  ['policy', route('GetBucketPolicy', notConfigured('NoSuchBucketPolicy'))],
  ['cors', route('GetBucketCors', notConfigured('NoSuchCORSConfiguration'))],
  ['lifecycle', route('GetBucketLifecycleConfiguration', notConfigured('NoSuchLifecycleConfiguration'))],
  ['tagging', route('GetBucketTagging', notConfigured('NoSuchTagSet'))],
  ['requestPayment', route('GetBucketRequestPayment', getRequestPayment)],
  ['uploads', route('ListMultipartUploads', listMultipartUploads)],
];

/** Query parameters that only tune a request and never select an operation. */
const NON_SUBRESOURCE = new Set([
  'prefix',
  'delimiter',
  'marker',
  'max-keys',
  'encoding-type',
  'list-type',
  'continuation-token',
  'start-after',
  'fetch-owner',
  'partNumber',
  'uploadId',
  'versionId',
  'x-id',
  'response-content-type',
  'response-content-language',
  'response-expires',
  'response-cache-control',
  'response-content-disposition',
  'response-content-encoding',
  'part-number-marker',
  'max-parts',
  'key-marker',
  'upload-id-marker',
  'max-uploads',
]);

function firstSubresource(query: URLSearchParams): string | undefined {
  for (const name of query.keys()) {
    if (!NON_SUBRESOURCE.has(name) && !name.startsWith('X-Amz-')) return name;
  }
  return undefined;
}

export function resolveRoute(
  method: string,
  bucket: string,
  key: string,
  query: URLSearchParams,
  headers: Record<string, unknown>,
): Route | undefined {
  const subresource = firstSubresource(query);
  if (!bucket) return method === 'GET' && !subresource ? route('ListBuckets', listBuckets) : undefined;
  if (!key) {
    if (method === 'GET') {
      if (subresource) return BUCKET_GET.find(([name]) => name === subresource)?.[1];
      return query.get('list-type') === '2'
        ? route('ListObjectsV2', listObjectsV2)
        : route('ListObjects', listObjectsV1);
    }
    if (method === 'PUT' && !subresource) return route('CreateBucket', createBucket);
    if (method === 'PUT' && subresource === 'acl') return route('PutBucketAcl', putAcl);
    if (method === 'HEAD' && !subresource) return route('HeadBucket', headBucket);
    if (method === 'DELETE' && !subresource) return route('DeleteBucket', deleteBucket);
    if (method === 'POST' && subresource === 'delete') return route('DeleteObjects', deleteObjects);
    return undefined;
  }
  const uploadId = query.has('uploadId');
  const copy = headers['x-amz-copy-source'] !== undefined;
  switch (method) {
    case 'GET':
      if (subresource === 'acl') return route('GetObjectAcl', getAcl);
      if (subresource === 'tagging') return route('GetObjectTagging', getObjectTagging);
      if (subresource) return undefined;
      return uploadId ? route('ListParts', listParts) : route('GetObject', getObject);
    case 'HEAD':
      return subresource ? undefined : route('HeadObject', headObject);
    case 'PUT':
      if (subresource === 'acl') return route('PutObjectAcl', putAcl);
      if (subresource) return undefined;
      if (uploadId) return copy ? route('UploadPartCopy', uploadPartCopy) : route('UploadPart', uploadPart);
      return copy ? route('CopyObject', copyObject) : route('PutObject', putObject);
    case 'POST':
      if (subresource === 'uploads') return route('CreateMultipartUpload', createMultipartUpload);
      if (!subresource && uploadId) return route('CompleteMultipartUpload', completeMultipartUpload);
      return undefined;
    case 'DELETE':
      if (subresource) return undefined;
      return uploadId ? route('AbortMultipartUpload', abortMultipartUpload) : route('DeleteObject', deleteObject);
    default:
      return undefined;
  }
}
