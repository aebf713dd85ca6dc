// AWS Signature Version 4 verification for S3: header auth and presigned query auth
// (https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-authenticating-requests.html).
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { S3Error } from './s3-error.ts';

export const ALGORITHM = 'AWS4-HMAC-SHA256';
export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
/** S3 rejects requests whose time differs from the server's by more than 15 minutes. */
const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;
/** Presigned URLs live at most 7 days (sigv4-query-string-auth.html, `X-Amz-Expires`). */
const MAX_PRESIGN_SECONDS = 7 * 24 * 3600;

export interface Credential {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface SignableRequest {
  method: string;
  /** Path exactly as sent, still percent-encoded. */
  rawPath: string;
  /** Query string without `?`, still percent-encoded. */
  rawQuery: string;
  /** Lower-case header names with every value received. */
  headers: Record<string, string[] | undefined>;
}

export interface AuthContext {
  accessKeyId: string;
  signingKey: Buffer;
  amzDate: string;
  scope: string;
  /** The request signature; the seed of the chunk-signature chain for streaming payloads. */
  signature: string;
  /** `x-amz-content-sha256` as declared (hex digest, `UNSIGNED-PAYLOAD` or a `STREAMING-…` mode). */
  payloadHash: string;
}

export const sha256Hex = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string): Buffer => createHmac('sha256', key).update(data).digest();

/** URI encoding of the SigV4 canonical form: everything but RFC 3986 unreserved characters, upper-case hex. */
export function awsUriEncode(text: string, keepSlash = false): string {
  const encoded = encodeURIComponent(text).replace(
    /[!'()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return keepSlash ? encoded.replace(/%2F/g, '/') : encoded;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** S3 canonical URIs encode each path segment once; clients differ in what they leave unescaped, so re-encode. */
export function canonicalUri(rawPath: string): string {
  return rawPath
    .split('/')
    .map((segment) => awsUriEncode(safeDecode(segment)))
    .join('/');
}

export function canonicalQuery(rawQuery: string, exclude?: string): string {
  if (!rawQuery) return '';
  const pairs = rawQuery
    .split('&')
    .filter(Boolean)
    .map((pair) => {
      const equals = pair.indexOf('=');
      const name = safeDecode(equals === -1 ? pair : pair.slice(0, equals));
      const value = equals === -1 ? '' : safeDecode(pair.slice(equals + 1));
      return [awsUriEncode(name), awsUriEncode(value)] as const;
    })
    .filter(([name]) => name !== exclude);
  pairs.sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  return pairs.map(([name, value]) => `${name}=${value}`).join('&');
}

export function canonicalHeaders(headers: SignableRequest['headers'], signedHeaders: string[]): string {
  return signedHeaders
    .map((name) => {
      const values = (headers[name] ?? []).map((value) => value.trim().replace(/\s+/g, ' '));
      return `${name}:${values.join(',')}\n`;
    })
    .join('');
}

export function canonicalRequest(
  request: SignableRequest,
  signedHeaders: string[],
  payloadHash: string,
  excludeQuery?: string,
): string {
  return [
    request.method,
    canonicalUri(request.rawPath),
    canonicalQuery(request.rawQuery, excludeQuery),
    canonicalHeaders(request.headers, signedHeaders),
    signedHeaders.join(';'),
    payloadHash,
  ].join('\n');
}

export function deriveSigningKey(secretAccessKey: string, date: string, region: string, service: string): Buffer {
  const dateKey = hmac(`AWS4${secretAccessKey}`, date);
  return hmac(hmac(hmac(dateKey, region), service), 'aws4_request');
}

export function stringToSign(amzDate: string, scope: string, canonical: string): string {
  return [ALGORITHM, amzDate, scope, sha256Hex(canonical)].join('\n');
}

export function sign(signingKey: Buffer, text: string): string {
  return createHmac('sha256', signingKey).update(text).digest('hex');
}

export function signaturesEqual(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** `YYYYMMDDTHHMMSSZ` → epoch milliseconds, or NaN. */
export function parseAmzDate(amzDate: string): number {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
  if (!match) return Number.NaN;
  const [, y, mo, d, h, mi, s] = match.map(Number);
  return Date.UTC(y, mo - 1, d, h, mi, s);
}

function toAmzDate(epochMs: number): string {
  return new Date(epochMs)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

interface ParsedCredential {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
}

function parseCredential(value: string, errorCode: string): ParsedCredential {
  const parts = value.split('/');
  if (parts.length < 5 || parts.at(-1) !== 'aws4_request') throw new S3Error(errorCode, 'Malformed credential');
  const [date, region, service] = parts.slice(-4);
  return { accessKeyId: parts.slice(0, -4).join('/'), date, region, service };
}

function lookup(credentials: Credential[], accessKeyId: string): Credential {
  const found = credentials.find((credential) => credential.accessKeyId === accessKeyId);
  if (!found) throw new S3Error('InvalidAccessKeyId');
  return found;
}

function first(request: SignableRequest, name: string): string | undefined {
  return request.headers[name]?.[0];
}

/** Verifies header or presigned SigV4 auth and returns what the body decoder needs to continue the chain. */
export function authenticate(request: SignableRequest, credentials: Credential[], now: number): AuthContext {
  const authorization = first(request, 'authorization');
  const query = new URLSearchParams(request.rawQuery);
  if (authorization?.startsWith(ALGORITHM)) return authenticateHeader(request, authorization, credentials, now);
  if (query.get('X-Amz-Algorithm') === ALGORITHM) return authenticatePresigned(request, query, credentials, now);
  if (authorization?.startsWith('AWS ') || query.has('Signature')) {
    throw new S3Error('AccessDenied', 'Signature Version 2 is not supported; use AWS4-HMAC-SHA256');
  }
  throw new S3Error('AccessDenied', 'Anonymous access is not allowed');
}

function authenticateHeader(
  request: SignableRequest,
  authorization: string,
  credentials: Credential[],
  now: number,
): AuthContext {
  const fields = new Map<string, string>();
  for (const part of authorization.slice(ALGORITHM.length).split(',')) {
    const equals = part.indexOf('=');
    if (equals !== -1) fields.set(part.slice(0, equals).trim(), part.slice(equals + 1).trim());
  }
  const credentialField = fields.get('Credential');
  const signedHeadersField = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (!credentialField || !signedHeadersField || !signature) {
    throw new S3Error('AuthorizationHeaderMalformed', 'The authorization header is malformed');
  }
  const credential = parseCredential(credentialField, 'AuthorizationHeaderMalformed');
  const secret = lookup(credentials, credential.accessKeyId);
  const amzHeader = first(request, 'x-amz-date');
  const dateHeader = first(request, 'date');
  const requestTime = amzHeader ? parseAmzDate(amzHeader) : dateHeader ? Date.parse(dateHeader) : Number.NaN;
  if (Number.isNaN(requestTime))
    throw new S3Error('AccessDenied', 'AWS authentication requires a valid Date or x-amz-date header');
  if (Math.abs(now - requestTime) > MAX_CLOCK_SKEW_MS) throw new S3Error('RequestTimeTooSkewed');
  const amzDate = amzHeader ?? toAmzDate(requestTime);
  const payloadHash = first(request, 'x-amz-content-sha256') ?? UNSIGNED_PAYLOAD;
  const signedHeaders = signedHeadersField.split(';');
  const scope = `${credential.date}/${credential.region}/${credential.service}/aws4_request`;
  const signingKey = deriveSigningKey(secret.secretAccessKey, credential.date, credential.region, credential.service);
  const canonical = canonicalRequest(request, signedHeaders, payloadHash);
  const expected = sign(signingKey, stringToSign(amzDate, scope, canonical));
  if (!signaturesEqual(expected, signature)) throw new S3Error('SignatureDoesNotMatch');
  return { accessKeyId: credential.accessKeyId, signingKey, amzDate, scope, signature, payloadHash };
}

function authenticatePresigned(
  request: SignableRequest,
  query: URLSearchParams,
  credentials: Credential[],
  now: number,
): AuthContext {
  const credentialField = query.get('X-Amz-Credential');
  const amzDate = query.get('X-Amz-Date');
  const signedHeadersField = query.get('X-Amz-SignedHeaders');
  const signature = query.get('X-Amz-Signature');
  const expires = Number(query.get('X-Amz-Expires'));
  if (!credentialField || !amzDate || !signedHeadersField || !signature) {
    throw new S3Error('AuthorizationQueryParametersError', 'Query-string authentication requires X-Amz-* parameters');
  }
  if (!Number.isInteger(expires) || expires < 1 || expires > MAX_PRESIGN_SECONDS) {
    throw new S3Error('AuthorizationQueryParametersError', 'X-Amz-Expires must be between 1 and 604800 seconds');
  }
  const credential = parseCredential(credentialField, 'AuthorizationQueryParametersError');
  const secret = lookup(credentials, credential.accessKeyId);
  const signedAt = parseAmzDate(amzDate);
  if (Number.isNaN(signedAt)) throw new S3Error('AuthorizationQueryParametersError', 'Invalid X-Amz-Date');
  if (now > signedAt + expires * 1000) throw new S3Error('AccessDenied', 'Request has expired');
  if (signedAt - now > MAX_CLOCK_SKEW_MS) throw new S3Error('AccessDenied', 'Request is not valid yet');
  const payloadHash = query.get('X-Amz-Content-Sha256') ?? UNSIGNED_PAYLOAD;
  const scope = `${credential.date}/${credential.region}/${credential.service}/aws4_request`;
  const signingKey = deriveSigningKey(secret.secretAccessKey, credential.date, credential.region, credential.service);
  const canonical = canonicalRequest(request, signedHeadersField.split(';'), payloadHash, 'X-Amz-Signature');
  const expected = sign(signingKey, stringToSign(amzDate, scope, canonical));
  if (!signaturesEqual(expected, signature)) throw new S3Error('SignatureDoesNotMatch');
  return { accessKeyId: credential.accessKeyId, signingKey, amzDate, scope, signature, payloadHash };
}

/** String to sign of one aws-chunked chunk (sigv4-streaming.html): chained from the previous signature. */
export function chunkStringToSign(auth: AuthContext, previousSignature: string, chunkSha256: string): string {
  return ['AWS4-HMAC-SHA256-PAYLOAD', auth.amzDate, auth.scope, previousSignature, EMPTY_SHA256, chunkSha256].join(
    '\n',
  );
}

/** String to sign of the trailing headers (sigv4-streaming-trailers.html). */
export function trailerStringToSign(auth: AuthContext, previousSignature: string, trailerSha256: string): string {
  return ['AWS4-HMAC-SHA256-TRAILER', auth.amzDate, auth.scope, previousSignature, trailerSha256].join('\n');
}
