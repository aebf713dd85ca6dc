import { AppError } from '@platform/kernel/http/errors.ts';

interface SdkError {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

const AUTH_FAILURES = new Set(['InvalidAccessKeyId', 'SignatureDoesNotMatch', 'RequestTimeTooSkewed', 'InvalidToken']);
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
]);
const TIMEOUTS = new Set(['TimeoutError', 'RequestTimeout', 'ETIMEDOUT']);

/** The S3 error code of an SDK failure, or the network error code when no response arrived. */
export const s3CodeOf = (error: unknown): string => {
  const failure = error as SdkError;
  return failure.name && failure.name !== 'Error' ? failure.name : (failure.code ?? 'UnknownError');
};

/**
 * Maps an S3 SDK failure to the spec's error table (01-odh-tec "Bad input and security"): missing bucket/object → 404,
 * bucket exists / not empty → 409, denied → 403, bad credentials or down → 502, timeout → 504, anything else → 502 `storage_error` with the S3 code.
 */
export function storageError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const failure = error as SdkError;
  const code = s3CodeOf(error);
  const status = failure.$metadata?.httpStatusCode;
  if (code === 'NoSuchBucket') return new AppError(404, 'bucket_not_found', 'bucket not found');
  if (code === 'NoSuchKey' || (code === 'NotFound' && status === 404)) {
    return new AppError(404, 'object_not_found', 'object not found');
  }
  if (code === 'BucketAlreadyOwnedByYou' || code === 'BucketAlreadyExists') {
    return new AppError(409, 'bucket_exists', 'the bucket already exists');
  }
  if (code === 'BucketNotEmpty') return new AppError(409, 'bucket_not_empty', 'the bucket is not empty');
  if (code === 'AccessDenied' || code === 'Forbidden') {
    return new AppError(403, 'storage_access_denied', 'the storage denied access', { s3Code: code });
  }
  if (AUTH_FAILURES.has(code)) {
    return new AppError(502, 'storage_auth_failed', 'the storage rejected the credentials', { s3Code: code });
  }
  if (TIMEOUTS.has(code) || TIMEOUTS.has(failure.code ?? '')) {
    return new AppError(504, 'storage_timeout', 'the storage did not answer in time');
  }
  if (UNREACHABLE.has(failure.code ?? '') || UNREACHABLE.has(code)) {
    return new AppError(502, 'storage_unreachable', 'the storage cannot be reached');
  }
  return new AppError(502, 'storage_error', 'the storage answered with an error', { s3Code: code });
}
