import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { sharedData } from '@platform/testing/shared-data.ts';
import {
  authenticate,
  awsUriEncode,
  canonicalQuery,
  canonicalUri,
  parseAmzDate,
  type SignableRequest,
} from './sigv4.ts';

interface Vector {
  name: string;
  method?: string;
  host?: string;
  path?: string;
  query?: string;
  headers?: Record<string, string>;
  signedHeaders?: string;
  signature?: string;
}

interface Vectors {
  credentials: { accessKeyId: string; secretAccessKey: string; amzDate: string; scope: string };
  vectors: Vector[];
}

function loadVectors(dir: string): Vectors {
  return JSON.parse(readFileSync(join(dir, 'sigv4-vectors.json'), 'utf8')) as Vectors;
}

function headerRequest(vectors: Vectors, vector: Vector, signature = vector.signature): SignableRequest {
  const headers: SignableRequest['headers'] = { host: [vector.host!] };
  for (const [name, value] of Object.entries(vector.headers ?? {})) headers[name.toLowerCase()] = [value];
  const { accessKeyId, scope } = vectors.credentials;
  headers.authorization = [
    `AWS4-HMAC-SHA256 Credential=${accessKeyId}/${scope},SignedHeaders=${vector.signedHeaders},Signature=${signature}`,
  ];
  return { method: vector.method!, rawPath: encodeURI(vector.path!), rawQuery: vector.query ?? '', headers };
}

function presignedRequest(vector: Vector, signature = vector.signature): SignableRequest {
  return {
    method: vector.method!,
    rawPath: vector.path!,
    rawQuery: `${vector.query}&X-Amz-Signature=${signature}`,
    headers: { host: [vector.host!] },
  };
}

/** Flips the last hex digit: a one-character change that must break the signature. */
const tamper = (signature: string): string => signature.slice(0, -1) + (signature.endsWith('0') ? '1' : '0');

test('AWS published header-auth vectors verify, and a one-character change fails', (t) => {
  const dir = sharedData(t, 'odh-tec', 's3');
  if (!dir) return;
  const vectors = loadVectors(dir);
  const now = parseAmzDate(vectors.credentials.amzDate);
  const credentials = [vectors.credentials];
  const headerVectors = vectors.vectors.filter((vector) => vector.headers?.['x-amz-date'] && vector.signature);
  assert.ok(headerVectors.length >= 4);
  for (const vector of headerVectors) {
    const auth = authenticate(headerRequest(vectors, vector), credentials, now);
    assert.equal(auth.signature, vector.signature, vector.name);
    assert.throws(
      () => authenticate(headerRequest(vectors, vector, tamper(vector.signature!)), credentials, now),
      { code: 'SignatureDoesNotMatch' },
      vector.name,
    );
  }
});

test('the AWS presigned-URL vector verifies while valid and expires after X-Amz-Expires', (t) => {
  const dir = sharedData(t, 'odh-tec', 's3');
  if (!dir) return;
  const vectors = loadVectors(dir);
  const vector = vectors.vectors.find((candidate) => candidate.name === 'presigned-get')!;
  const signedAt = parseAmzDate(vectors.credentials.amzDate);
  const credentials = [vectors.credentials];
  assert.equal(authenticate(presignedRequest(vector), credentials, signedAt + 1000).payloadHash, 'UNSIGNED-PAYLOAD');
  assert.throws(() => authenticate(presignedRequest(vector, tamper(vector.signature!)), credentials, signedAt), {
    code: 'SignatureDoesNotMatch',
  });
  assert.throws(() => authenticate(presignedRequest(vector), credentials, signedAt + 86_401_000), {
    code: 'AccessDenied',
  });
});

test('authentication errors carry the S3 codes', (t) => {
  const dir = sharedData(t, 'odh-tec', 's3');
  if (!dir) return;
  const vectors = loadVectors(dir);
  const vector = vectors.vectors.find((candidate) => candidate.name === 'get-object-range')!;
  const now = parseAmzDate(vectors.credentials.amzDate);
  const request = headerRequest(vectors, vector);
  assert.throws(() => authenticate(request, [{ accessKeyId: 'OTHER', secretAccessKey: 'x' }], now), {
    code: 'InvalidAccessKeyId',
  });
  assert.throws(() => authenticate(request, [vectors.credentials], now + 16 * 60 * 1000), {
    code: 'RequestTimeTooSkewed',
  });
  const sigV2 = { ...request, headers: { ...request.headers, authorization: ['AWS AKIAIOSFODNN7EXAMPLE:abc='] } };
  assert.throws(() => authenticate(sigV2, [vectors.credentials], now), { code: 'AccessDenied' });
});

/** Captures the request the SDK signed instead of sending it. */
async function signWithSdk(credentials: { accessKeyId: string; secretAccessKey: string }) {
  let captured:
    | { method: string; path: string; query: Record<string, unknown>; headers: Record<string, string> }
    | undefined;
  const client = new S3Client({
    endpoint: 'http://127.0.0.1:9000',
    forcePathStyle: true,
    region: 'eu-west-3',
    credentials,
    requestHandler: {
      handle: async (request: typeof captured) => {
        captured = request;
        throw new Error('captured');
      },
    },
  });
  await assert.rejects(
    client.send(
      new ListObjectsV2Command({ Bucket: 'bucket', Prefix: "dir/Capture d'écran 日本 (1)!*", Delimiter: '/' }),
    ),
  );
  return captured!;
}

test('signatures made by the AWS SDK signer verify, including odd characters in the query', async () => {
  const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret/with+chars' };
  const signed = await signWithSdk(credentials);
  const rawQuery = Object.entries(signed.query)
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(String(value))}`)
    .join('&');
  const headers: SignableRequest['headers'] = {};
  for (const [name, value] of Object.entries(signed.headers)) headers[name.toLowerCase()] = [value];
  const now = parseAmzDate(headers['x-amz-date']![0]);
  const request = { method: signed.method, rawPath: signed.path, rawQuery, headers };
  assert.equal(authenticate(request, [credentials], now).scope.split('/')[1], 'eu-west-3');
  assert.throws(() => authenticate({ ...request, rawQuery: `${rawQuery}&x=1` }, [credentials], now), {
    code: 'SignatureDoesNotMatch',
  });
});

test('canonical URI and query follow the SigV4 encoding rules', () => {
  assert.equal(awsUriEncode("a b/c!*'()~-_."), 'a%20b%2Fc%21%2A%27%28%29~-_.');
  assert.equal(awsUriEncode('a b/c', true), 'a%20b/c');
  assert.equal(canonicalUri('/test$file.text'), '/test%24file.text');
  assert.equal(canonicalUri('/b/a%20b/%E6%97%A5~x'), '/b/a%20b/%E6%97%A5~x');
  assert.equal(canonicalUri("/b/it's(1)"), '/b/it%27s%281%29');
  assert.equal(canonicalQuery('prefix=J&max-keys=2'), 'max-keys=2&prefix=J');
  assert.equal(canonicalQuery('uploads'), 'uploads=');
  assert.equal(canonicalQuery('a=1&X-Amz-Signature=abc', 'X-Amz-Signature'), 'a=1');
});
