// S3 error codes and their HTTP statuses, from the "Error responses" table of the Amazon S3 API Reference
// (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html).

const STATUS_BY_CODE: Record<string, number> = {
  AccessDenied: 403,
  AuthorizationHeaderMalformed: 400,
  AuthorizationQueryParametersError: 400,
  BadDigest: 400,
  BucketAlreadyOwnedByYou: 409,
  BucketNotEmpty: 409,
  EntityTooLarge: 400,
  EntityTooSmall: 400,
  IncompleteBody: 400,
  InternalError: 500,
  InvalidAccessKeyId: 403,
  InvalidArgument: 400,
  InvalidBucketName: 400,
  InvalidDigest: 400,
  InvalidPart: 400,
  InvalidPartOrder: 400,
  InvalidRange: 416,
  InvalidRequest: 400,
  InvalidURI: 400,
  KeyTooLongError: 400,
  MalformedXML: 400,
  MethodNotAllowed: 405,
  MissingContentLength: 411,
  MissingContentMD5: 400,
  NoSuchBucket: 404,
  NoSuchBucketPolicy: 404,
  NoSuchCORSConfiguration: 404,
  NoSuchKey: 404,
  NoSuchLifecycleConfiguration: 404,
  NoSuchTagSet: 404,
  NoSuchUpload: 404,
  NotImplemented: 501,
  NotModified: 304,
  PreconditionFailed: 412,
  RequestTimeTooSkewed: 403,
  SignatureDoesNotMatch: 403,
  SlowDown: 503,
  XAmzContentSHA256Mismatch: 400,
};

const DEFAULT_MESSAGES: Record<string, string> = {
  AccessDenied: 'Access Denied',
  BucketAlreadyOwnedByYou: 'Your previous request to create the named bucket succeeded and you already own it.',
  BucketNotEmpty: 'The bucket you tried to delete is not empty',
  InvalidPart: 'One or more of the specified parts could not be found or the ETag did not match.',
  InvalidPartOrder: 'The list of parts was not in ascending order.',
  EntityTooSmall: 'Your proposed upload is smaller than the minimum allowed object size.',
  InvalidRange: 'The requested range is not satisfiable',
  MalformedXML: 'The XML you provided was not well-formed or did not validate against our published schema.',
  NoSuchBucket: 'The specified bucket does not exist',
  NoSuchKey: 'The specified key does not exist.',
  NoSuchUpload: 'The specified upload does not exist.',
  PreconditionFailed: 'At least one of the pre-conditions you specified did not hold',
  SignatureDoesNotMatch:
    'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
  InvalidAccessKeyId: 'The AWS Access Key Id you provided does not exist in our records.',
  RequestTimeTooSkewed: "The difference between the request time and the server's time is too large.",
};

export class S3Error extends Error {
  readonly code: string;
  readonly status: number;
  /** Extra headers for the error response, e.g. `Content-Range` on 416. */
  readonly headers: Record<string, string>;

  constructor(code: string, message?: string, headers: Record<string, string> = {}) {
    super(message ?? DEFAULT_MESSAGES[code] ?? code);
    this.code = code;
    this.status = STATUS_BY_CODE[code] ?? 400;
    this.headers = headers;
  }
}

export function isS3Error(error: unknown): error is S3Error {
  return error instanceof S3Error;
}
