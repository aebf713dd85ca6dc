// Wire-level conformance: signed and trailer aws-chunked bodies, digests, presigned URLs, auth failures, error XML,
// switches and faults.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  GetBucketAclCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  ListBucketsCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { sharedData } from '@platform/testing/shared-data.ts';
import { sha256Hex } from '../sigv4.ts';
import { CREDENTIALS, rejectsWith, sdkClient, startHarness } from './harness.ts';
import { presignGet, send, signedChunkedBody, signHeaders } from './raw-client.ts';

const errorCode = (body: Buffer): string | undefined => /<Code>([^<]*)<\/Code>/.exec(body.toString())?.[1];

test('signed aws-chunked uploads are verified chunk by chunk and stored decoded', async (t) => {
  const { server, client } = await startHarness(t, { buckets: ['wire'] });
  const chunks = [Buffer.alloc(65536, 'a'), Buffer.alloc(1024, 'b')];
  const put = (tamper: boolean) => {
    const auth = signHeaders(server.url, {
      method: 'PUT',
      path: '/wire/chunked.txt',
      payloadHash: 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
      headers: { 'content-encoding': 'aws-chunked', 'x-amz-decoded-content-length': '66560' },
    });
    const body = signedChunkedBody(auth, chunks);
    if (tamper) body[body.length - 100] ^= 1;
    return send(`${server.url}/wire/chunked.txt`, 'PUT', auth.headers, body);
  };
  assert.equal((await put(false)).status, 200);
  const stored = await client.send(new GetObjectCommand({ Bucket: 'wire', Key: 'chunked.txt' }));
  assert.deepEqual(Buffer.from(await stored.Body!.transformToByteArray()), Buffer.concat(chunks));
  assert.equal(stored.ContentEncoding, undefined);
  const tampered = await put(true);
  assert.equal(tampered.status, 403);
  assert.equal(errorCode(tampered.body), 'SignatureDoesNotMatch');
});

test('the SDK unsigned-trailer body stores exactly its payload; a wrong CRC32 trailer is BadDigest', async (t) => {
  const dir = sharedData(t, 'odh-tec', 's3');
  if (!dir) return;
  const fixture = JSON.parse(readFileSync(join(dir, 'sigv4-vectors.json'), 'utf8')) as {
    vectors: { name: string; headers?: Record<string, string>; rawBody?: string; decodedBody?: string }[];
  };
  const vector = fixture.vectors.find((candidate) => candidate.name === 'unsigned-trailer-crc32')!;
  const { server, client } = await startHarness(t, { buckets: ['wire'] });
  const put = (key: string, rawBody: string) => {
    const { 'x-amz-content-sha256': payloadHash, ...headers } = Object.fromEntries(
      Object.entries(vector.headers!).map(([name, value]) => [name.toLowerCase(), value]),
    );
    const signed = signHeaders(server.url, { method: 'PUT', path: `/wire/${key}`, payloadHash, headers });
    return send(`${server.url}/wire/${key}`, 'PUT', signed.headers, Buffer.from(rawBody));
  };
  const ok = await put('trailer', vector.rawBody!);
  assert.equal(ok.status, 200);
  const stored = await client.send(new GetObjectCommand({ Bucket: 'wire', Key: 'trailer', ChecksumMode: 'ENABLED' }));
  assert.equal(await stored.Body!.transformToString(), vector.decodedBody);
  assert.equal(stored.ChecksumCRC32, 'PQ7dvA==');
  const bad = await put('bad-trailer', vector.rawBody!.replace('PQ7dvA==', 'AAAAAA=='));
  assert.equal(bad.status, 400);
  assert.equal(errorCode(bad.body), 'BadDigest');
  await rejectsWith(client.send(new GetObjectCommand({ Bucket: 'wire', Key: 'bad-trailer' })), { name: 'NoSuchKey' });
});

test('payload hash, Content-MD5 and checksum headers are verified', async (t) => {
  const { server } = await startHarness(t, { buckets: ['wire'] });
  const body = Buffer.from('digest me');
  const put = (payloadHash: string, headers: Record<string, string> = {}) => {
    const signed = signHeaders(server.url, { method: 'PUT', path: '/wire/d', payloadHash, headers });
    return send(`${server.url}/wire/d`, 'PUT', signed.headers, body);
  };
  assert.equal((await put(sha256Hex(body))).status, 200);
  const cases: [string, Record<string, string>, number, string][] = [
    [sha256Hex('other'), {}, 400, 'XAmzContentSHA256Mismatch'],
    ['UNSIGNED-PAYLOAD', { 'content-md5': Buffer.alloc(16).toString('base64') }, 400, 'BadDigest'],
    ['UNSIGNED-PAYLOAD', { 'content-md5': 'not-base64!' }, 400, 'InvalidDigest'],
    ['UNSIGNED-PAYLOAD', { 'x-amz-checksum-sha256': Buffer.alloc(32).toString('base64') }, 400, 'BadDigest'],
    ['UNSIGNED-PAYLOAD', { 'x-amz-checksum-crc32c': 'AAAA' }, 400, 'InvalidDigest'],
    ['STREAMING-UNSIGNED-PAYLOAD-TRAILER', { 'content-encoding': 'aws-chunked' }, 411, 'MissingContentLength'],
  ];
  for (const [payloadHash, headers, status, code] of cases) {
    const response = await put(payloadHash, headers);
    assert.equal(response.status, status, code);
    assert.equal(errorCode(response.body), code);
  }
});

test('presigned GET URLs work until they expire', async (t) => {
  const { server, client } = await startHarness(t, { buckets: ['wire'] });
  await client.send(new PutObjectCommand({ Bucket: 'wire', Key: 'shared file.txt', Body: 'presigned' }));
  const valid = await send(presignGet(server.url, '/wire/shared%20file.txt', 60), 'GET', {});
  assert.equal(valid.status, 200);
  assert.equal(valid.body.toString(), 'presigned');
  const expired = await send(presignGet(server.url, '/wire/shared%20file.txt', 60, Date.now() - 120_000), 'GET', {});
  assert.equal(expired.status, 403);
  assert.equal(errorCode(expired.body), 'AccessDenied');
  const tooLong = await send(presignGet(server.url, '/wire/shared%20file.txt', 8 * 24 * 3600), 'GET', {});
  assert.equal(errorCode(tooLong.body), 'AuthorizationQueryParametersError');
});

test('authentication failures and the error document', async (t) => {
  const { server } = await startHarness(t, { buckets: ['wire'] });
  const wrongSecret = sdkClient(server.url, { credentials: { ...CREDENTIALS, secretAccessKey: 'wrong' } });
  const unknownKey = sdkClient(server.url, { credentials: { ...CREDENTIALS, accessKeyId: 'NOPE' } });
  const skewed = sdkClient(server.url, { systemClockOffset: 20 * 60 * 1000 });
  t.after(() => {
    for (const client of [wrongSecret, unknownKey, skewed]) client.destroy();
  });
  await rejectsWith(wrongSecret.send(new ListBucketsCommand({})), { name: 'SignatureDoesNotMatch', status: 403 });
  await rejectsWith(unknownKey.send(new ListBucketsCommand({})), { name: 'InvalidAccessKeyId', status: 403 });
  await rejectsWith(skewed.send(new ListBucketsCommand({})), { name: 'RequestTimeTooSkewed', status: 403 });

  const anonymous = await send(`${server.url}/wire/missing`, 'GET', {});
  assert.equal(anonymous.status, 403);
  assert.match(
    anonymous.body.toString(),
    /^<\?xml version="1\.0" encoding="UTF-8"\?><Error><Code>AccessDenied<\/Code><Message>[^<]+<\/Message><Resource>\/wire\/missing<\/Resource><RequestId>[0-9A-F]+<\/RequestId><\/Error>$/,
  );
  assert.ok(anonymous.headers['x-amz-request-id']);
  const sigV2 = await send(`${server.url}/wire`, 'GET', { authorization: 'AWS AKID:c2lnbmF0dXJl' });
  assert.equal(errorCode(sigV2.body), 'AccessDenied');
  const signedGet = (path: string, query: string) => {
    const signed = signHeaders(server.url, { method: 'GET', path, query, payloadHash: sha256Hex('') });
    return send(`${server.url}${path}?${query}`, 'GET', signed.headers);
  };
  const website = await signedGet('/wire', 'website');
  assert.equal(website.status, 501);
  assert.equal(errorCode(website.body), 'NotImplemented');
  for (const [query, code] of [
    ['policy', 'NoSuchBucketPolicy'],
    ['cors', 'NoSuchCORSConfiguration'],
    ['lifecycle', 'NoSuchLifecycleConfiguration'],
    ['tagging', 'NoSuchTagSet'],
  ]) {
    const response = await signedGet('/wire', query);
    assert.equal(response.status, 404, query);
    assert.equal(errorCode(response.body), code);
  }
  assert.match((await signedGet('/wire', 'requestPayment')).body.toString(), /<Payer>BucketOwner<\/Payer>/);
});

test('bucket versioning and ACL answer like an unversioned private bucket', async (t) => {
  const { client } = await startHarness(t, { buckets: ['wire'] });
  assert.equal((await client.send(new GetBucketVersioningCommand({ Bucket: 'wire' }))).Status, undefined);
  const acl = await client.send(new GetBucketAclCommand({ Bucket: 'wire' }));
  assert.equal(acl.Grants?.[0]?.Permission, 'FULL_CONTROL');
  assert.equal(acl.Grants?.[0]?.Grantee?.Type, 'CanonicalUser');
});

test('switches: denyListBuckets, rejectChecksumHeaders, faults', async (t) => {
  const { client, server } = await startHarness(t, { buckets: ['wire'] });
  server.setSwitches({ denyListBuckets: true });
  await rejectsWith(client.send(new ListBucketsCommand({})), { name: 'AccessDenied' });

  server.setSwitches({ rejectChecksumHeaders: true });
  await rejectsWith(client.send(new PutObjectCommand({ Bucket: 'wire', Key: 'k', Body: 'x' })), {
    name: 'NotImplemented',
    status: 501,
  });
  const whenRequired = sdkClient(server.url, { requestChecksumCalculation: 'WHEN_REQUIRED' });
  t.after(() => whenRequired.destroy());
  await whenRequired.send(new PutObjectCommand({ Bucket: 'wire', Key: 'k', Body: 'x' }));

  server.setSwitches({ faults: [{ op: 'GetObject', code: 'SlowDown', every: 2 }] });
  const get = () => whenRequired.send(new GetObjectCommand({ Bucket: 'wire', Key: 'k' }));
  await get();
  await rejectsWith(get(), { name: 'SlowDown', status: 503 });
  await get();
  assert.equal(server.stats.errors.SlowDown, 1);
  assert.ok(server.stats.requests.GetObject >= 3);
});
