// A minimal hand-signed HTTP client for wire-level cases the SDK never produces (signed aws-chunked bodies, bad
// digests, presigned URLs). It signs with the SigV4 functions that the unit tests check against AWS's published vectors.
import { request } from 'node:http';
import { canonicalRequest, chunkStringToSign, deriveSigningKey, sha256Hex, sign, stringToSign } from '../sigv4.ts';
import { CREDENTIALS } from './harness.ts';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export function send(
  url: string,
  method: string,
  headers: Record<string, string>,
  body?: Buffer,
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { method, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }),
      );
      response.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

const amzDateOf = (time: number): string =>
  new Date(time)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');

export interface SignOptions {
  method: string;
  /** Already percent-encoded path and query. */
  path: string;
  query?: string;
  headers?: Record<string, string>;
  payloadHash: string;
  secretAccessKey?: string;
  time?: number;
}

/** Returns the headers of a header-signed request plus what an aws-chunked body needs to chain chunk signatures. */
export function signHeaders(endpoint: string, options: SignOptions) {
  const amzDate = amzDateOf(options.time ?? Date.now());
  const date = amzDate.slice(0, 8);
  const scope = `${date}/us-east-1/s3/aws4_request`;
  const headers: Record<string, string> = {
    ...options.headers,
    host: new URL(endpoint).host,
    'x-amz-date': amzDate,
    'x-amz-content-sha256': options.payloadHash,
  };
  const signedHeaders = Object.keys(headers)
    .map((name) => name.toLowerCase())
    .sort();
  const lowered: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers)) lowered[name.toLowerCase()] = [value];
  const canonical = canonicalRequest(
    { method: options.method, rawPath: options.path, rawQuery: options.query ?? '', headers: lowered },
    signedHeaders,
    options.payloadHash,
  );
  const signingKey = deriveSigningKey(options.secretAccessKey ?? CREDENTIALS.secretAccessKey, date, 'us-east-1', 's3');
  const signature = sign(signingKey, stringToSign(amzDate, scope, canonical));
  headers.authorization = `AWS4-HMAC-SHA256 Credential=${CREDENTIALS.accessKeyId}/${scope}, SignedHeaders=${signedHeaders.join(';')}, Signature=${signature}`;
  return { headers, signingKey, amzDate, scope, signature };
}

/** Frames `chunks` as a signed aws-chunked body (sigv4-streaming.html), ending with the zero-length chunk. */
export function signedChunkedBody(
  auth: { signingKey: Buffer; amzDate: string; scope: string; signature: string },
  chunks: Buffer[],
): Buffer {
  const context = { ...auth, accessKeyId: CREDENTIALS.accessKeyId, payloadHash: '' };
  let previous = auth.signature;
  const framed: Buffer[] = [];
  for (const chunk of [...chunks, Buffer.alloc(0)]) {
    const signature = sign(auth.signingKey, chunkStringToSign(context, previous, sha256Hex(chunk)));
    framed.push(
      Buffer.from(`${chunk.length.toString(16)};chunk-signature=${signature}\r\n`),
      chunk,
      Buffer.from('\r\n'),
    );
    previous = signature;
  }
  return Buffer.concat(framed);
}

/** A presigned GET URL (sigv4-query-string-auth.html). */
export function presignGet(endpoint: string, path: string, expiresSeconds: number, time = Date.now()): string {
  const amzDate = amzDateOf(time);
  const date = amzDate.slice(0, 8);
  const scope = `${date}/us-east-1/s3/aws4_request`;
  const query = new URLSearchParams({
    'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
    'X-Amz-Credential': `${CREDENTIALS.accessKeyId}/${scope}`,
    'X-Amz-Date': amzDate,
    'X-Amz-Expires': String(expiresSeconds),
    'X-Amz-SignedHeaders': 'host',
  }).toString();
  const canonical = canonicalRequest(
    { method: 'GET', rawPath: path, rawQuery: query, headers: { host: [new URL(endpoint).host] } },
    ['host'],
    'UNSIGNED-PAYLOAD',
  );
  const signingKey = deriveSigningKey(CREDENTIALS.secretAccessKey, date, 'us-east-1', 's3');
  return `${endpoint}${path}?${query}&X-Amz-Signature=${sign(signingKey, stringToSign(amzDate, scope, canonical))}`;
}
