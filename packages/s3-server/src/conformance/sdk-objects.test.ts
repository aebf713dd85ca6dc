// AWS SDK v3 against the server: buckets, object CRUD, metadata, ranges, conditionals, copy and batch delete.
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketLocationCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { md5, rejectsWith, sha256, startHarness } from './harness.ts';

async function body(client: S3Client, Bucket: string, Key: string, extra: Record<string, unknown> = {}) {
  const response = await client.send(new GetObjectCommand({ Bucket, Key, ...extra }));
  return { response, bytes: Buffer.from(await response.Body!.transformToByteArray()) };
}

test('bucket lifecycle and its errors', async (t) => {
  const { client } = await startHarness(t, { buckets: ['preset'] });
  await client.send(new CreateBucketCommand({ Bucket: 'my.bucket' }));
  await rejectsWith(client.send(new CreateBucketCommand({ Bucket: 'my.bucket' })), {
    name: 'BucketAlreadyOwnedByYou',
    status: 409,
  });
  await rejectsWith(client.send(new CreateBucketCommand({ Bucket: 'Bad_Name' })), { name: 'InvalidBucketName' });
  const { Buckets } = await client.send(new ListBucketsCommand({}));
  assert.deepEqual(
    Buckets?.map((bucket) => bucket.Name),
    ['my.bucket', 'preset'],
  );
  await client.send(new HeadBucketCommand({ Bucket: 'my.bucket' }));
  assert.equal(
    (await client.send(new GetBucketLocationCommand({ Bucket: 'my.bucket' }))).LocationConstraint,
    undefined,
  );
  await client.send(new PutObjectCommand({ Bucket: 'my.bucket', Key: 'x', Body: 'x' }));
  await rejectsWith(client.send(new DeleteBucketCommand({ Bucket: 'my.bucket' })), { name: 'BucketNotEmpty' });
  await client.send(new DeleteObjectCommand({ Bucket: 'my.bucket', Key: 'x' }));
  await client.send(new DeleteBucketCommand({ Bucket: 'my.bucket' }));
  await rejectsWith(client.send(new HeadBucketCommand({ Bucket: 'my.bucket' })), { status: 404 });
  await rejectsWith(client.send(new GetObjectCommand({ Bucket: 'nope', Key: 'k' })), { name: 'NoSuchBucket' });
});

test('put, get, head and delete keep bytes, metadata, ETag and checksums', async (t) => {
  const { client, server } = await startHarness(t, { buckets: ['bkt'] });
  const key = "dir/Capture d'écran 日本.txt";
  const content = Buffer.from('hello, object storage\n'.repeat(1000));
  const put = await client.send(
    new PutObjectCommand({
      Bucket: 'bkt',
      Key: key,
      Body: content,
      ContentType: 'text/plain; charset=utf-8',
      Metadata: { sha256: sha256(content), note: 'café' },
      CacheControl: 'no-cache',
    }),
  );
  assert.equal(put.ETag, `"${md5(content)}"`);
  const { response, bytes } = await body(client, 'bkt', key, { ChecksumMode: 'ENABLED' });
  assert.deepEqual(bytes, content);
  assert.equal(response.ContentType, 'text/plain; charset=utf-8');
  assert.equal(response.Metadata?.sha256, sha256(content));
  assert.equal(response.CacheControl, 'no-cache');
  assert.equal(response.ContentLength, content.length);
  assert.ok(response.ChecksumCRC32, 'the SDK default CRC32 is stored and returned');
  const head = await client.send(new HeadObjectCommand({ Bucket: 'bkt', Key: key }));
  assert.equal(head.ETag, put.ETag);
  assert.ok(Math.abs(head.LastModified!.getTime() - Date.now()) < 60_000);

  // A stream body makes the SDK send aws-chunked with a CRC32 trailer; the stored object is the decoded payload.
  const streamed = Buffer.from('streamed body '.repeat(5000));
  await client.send(
    new PutObjectCommand({
      Bucket: 'bkt',
      Key: 'streamed',
      Body: Readable.from([streamed]),
      ContentLength: streamed.length,
    }),
  );
  assert.deepEqual((await body(client, 'bkt', 'streamed')).bytes, streamed);
  const streamedPut = server.stats.requestLog.find(
    (entry) => entry.op === 'PutObject' && entry.path.includes('streamed'),
  );
  assert.equal(streamedPut?.headers['x-amz-content-sha256'], 'STREAMING-UNSIGNED-PAYLOAD-TRAILER');
  assert.equal(streamedPut?.headers['x-amz-trailer'], 'x-amz-checksum-crc32');

  await client.send(new DeleteObjectCommand({ Bucket: 'bkt', Key: key }));
  await rejectsWith(client.send(new GetObjectCommand({ Bucket: 'bkt', Key: key })), { name: 'NoSuchKey' });
  await rejectsWith(client.send(new HeadObjectCommand({ Bucket: 'bkt', Key: key })), { status: 404 });
  await client.send(new DeleteObjectCommand({ Bucket: 'bkt', Key: 'never-existed' }));
});

test('awkward keys stay inside the data directory and never collide', async (t) => {
  const { client, dir } = await startHarness(t, { buckets: ['bkt'] });
  const keys = ['../../escape', 'a/../b', '/leading', 'trailing/', 'a//b', '..', 'ü/ü', 'k'.repeat(1024)];
  for (const [index, key] of keys.entries())
    await client.send(new PutObjectCommand({ Bucket: 'bkt', Key: key, Body: `v${index}` }));
  for (const [index, key] of keys.entries())
    assert.equal((await body(client, 'bkt', key)).bytes.toString(), `v${index}`);
  await rejectsWith(client.send(new PutObjectCommand({ Bucket: 'bkt', Key: 'k'.repeat(1025), Body: 'x' })), {
    name: 'KeyTooLongError',
  });
  const files = await readdir(dir, { recursive: true });
  assert.ok(files.every((file) => !relative(dir, join(dir, file)).startsWith('..')));
  assert.ok(files.every((file) => !file.includes('escape') && !file.includes('leading')));
});

test('ranges: a-b, a-, -n, clipping and 416', async (t) => {
  const { client } = await startHarness(t, { buckets: ['bkt'] });
  const content = Buffer.from('0123456789abcdefghij');
  await client.send(new PutObjectCommand({ Bucket: 'bkt', Key: 'r', Body: content }));
  const cases: [string, string, string][] = [
    ['bytes=2-5', '2345', 'bytes 2-5/20'],
    ['bytes=15-', 'fghij', 'bytes 15-19/20'],
    ['bytes=-5', 'fghij', 'bytes 15-19/20'],
    ['bytes=0-0', '0', 'bytes 0-0/20'],
    ['bytes=18-100', 'ij', 'bytes 18-19/20'],
  ];
  for (const [range, expected, contentRange] of cases) {
    const { response, bytes } = await body(client, 'bkt', 'r', { Range: range });
    assert.equal(bytes.toString(), expected, range);
    assert.equal(response.ContentRange, contentRange);
    assert.equal(response.$metadata.httpStatusCode, 206);
  }
  assert.equal((await body(client, 'bkt', 'r', { Range: 'bytes=0-1,4-5' })).bytes.length, 20);
  for (const range of ['bytes=20-', 'bytes=999999999-', 'bytes=-0']) {
    await rejectsWith(client.send(new GetObjectCommand({ Bucket: 'bkt', Key: 'r', Range: range })), {
      name: 'InvalidRange',
      status: 416,
    });
  }
});

test('conditional GET: If-None-Match, If-Match, If-Modified-Since, If-Unmodified-Since', async (t) => {
  const { client } = await startHarness(t, { buckets: ['bkt'] });
  const { ETag } = await client.send(new PutObjectCommand({ Bucket: 'bkt', Key: 'c', Body: 'conditional' }));
  const get = (extra: Record<string, unknown>) =>
    client.send(new GetObjectCommand({ Bucket: 'bkt', Key: 'c', ...extra }));
  await rejectsWith(get({ IfNoneMatch: ETag }), { status: 304 });
  await rejectsWith(get({ IfMatch: '"0000"' }), { status: 412 });
  assert.equal((await get({ IfMatch: ETag })).$metadata.httpStatusCode, 200);
  await rejectsWith(get({ IfModifiedSince: new Date(Date.now() + 3600_000) }), { status: 304 });
  assert.equal((await get({ IfModifiedSince: new Date(Date.now() - 3600_000) })).$metadata.httpStatusCode, 200);
  await rejectsWith(get({ IfUnmodifiedSince: new Date(Date.now() - 3600_000) }), { status: 412 });
  const overridden = await get({ ResponseContentType: 'application/x-test', ResponseContentDisposition: 'attachment' });
  assert.equal(overridden.ContentType, 'application/x-test');
  assert.equal(overridden.ContentDisposition, 'attachment');
});

test('CopyObject: metadata directives, self-copy, source conditions and size limit', async (t) => {
  const { client, server } = await startHarness(t, { buckets: ['bkt', 'cbk'] });
  await client.send(
    new PutObjectCommand({
      Bucket: 'bkt',
      Key: 'src é',
      Body: 'copy me',
      ContentType: 'text/x-a',
      Metadata: { a: '1' },
    }),
  );
  const copied = await client.send(
    new CopyObjectCommand({ Bucket: 'cbk', Key: 'dst', CopySource: `bkt/${encodeURIComponent('src é')}` }),
  );
  assert.equal(copied.CopyObjectResult?.ETag, `"${md5('copy me')}"`);
  const kept = await client.send(new HeadObjectCommand({ Bucket: 'cbk', Key: 'dst' }));
  assert.equal(kept.ContentType, 'text/x-a');
  assert.deepEqual(kept.Metadata, { a: '1' });
  await client.send(
    new CopyObjectCommand({
      Bucket: 'cbk',
      Key: 'dst',
      CopySource: 'cbk/dst',
      MetadataDirective: 'REPLACE',
      ContentType: 'text/x-b',
      Metadata: { b: '2' },
    }),
  );
  const replaced = await client.send(new HeadObjectCommand({ Bucket: 'cbk', Key: 'dst' }));
  assert.equal(replaced.ContentType, 'text/x-b');
  assert.deepEqual(replaced.Metadata, { b: '2' });
  assert.equal((await body(client, 'cbk', 'dst')).bytes.toString(), 'copy me');
  await rejectsWith(client.send(new CopyObjectCommand({ Bucket: 'cbk', Key: 'dst', CopySource: 'cbk/dst' })), {
    name: 'InvalidRequest',
  });
  await rejectsWith(
    client.send(new CopyObjectCommand({ Bucket: 'cbk', Key: 'x', CopySource: 'cbk/dst', CopySourceIfMatch: '"nope"' })),
    { status: 412 },
  );
  await rejectsWith(client.send(new CopyObjectCommand({ Bucket: 'cbk', Key: 'x', CopySource: 'bkt/missing' })), {
    name: 'NoSuchKey',
  });
  server.setSwitches({ copyObjectMaxBytes: 4 });
  await rejectsWith(client.send(new CopyObjectCommand({ Bucket: 'cbk', Key: 'x', CopySource: 'cbk/dst' })), {
    name: 'InvalidRequest',
  });
});

test('DeleteObjects: verbose and quiet results, the 1000-key cap and strict Content-MD5', async (t) => {
  const { client, server } = await startHarness(t, { buckets: ['bkt'] });
  for (const key of ['a.txt', 'a.txt.bak', 'a.txt2/x'])
    await client.send(new PutObjectCommand({ Bucket: 'bkt', Key: key, Body: key }));
  const verbose = await client.send(
    new DeleteObjectsCommand({ Bucket: 'bkt', Delete: { Objects: [{ Key: 'a.txt' }, { Key: 'missing' }] } }),
  );
  assert.deepEqual(
    verbose.Deleted?.map((entry) => entry.Key),
    ['a.txt', 'missing'],
  );
  await client.send(new HeadObjectCommand({ Bucket: 'bkt', Key: 'a.txt.bak' }));
  await client.send(new HeadObjectCommand({ Bucket: 'bkt', Key: 'a.txt2/x' }));
  const quiet = await client.send(
    new DeleteObjectsCommand({ Bucket: 'bkt', Delete: { Quiet: true, Objects: [{ Key: 'a.txt.bak' }] } }),
  );
  assert.equal(quiet.Deleted, undefined);
  const tooMany = Array.from({ length: 1001 }, (_, index) => ({ Key: `k${index}` }));
  await rejectsWith(client.send(new DeleteObjectsCommand({ Bucket: 'bkt', Delete: { Objects: tooMany } })), {
    name: 'MalformedXML',
  });
  server.setSwitches({ strictContentMD5: true });
  await rejectsWith(
    client.send(new DeleteObjectsCommand({ Bucket: 'bkt', Delete: { Objects: [{ Key: 'a.txt2/x' }] } })),
    {
      name: 'MissingContentMD5',
    },
  );
});

test('a client that hangs up mid-download is counted, not reported as a server fault', async (t) => {
  const { client, server } = await startHarness(t, { buckets: ['hangup'] });
  await client.send(new PutObjectCommand({ Bucket: 'hangup', Key: 'big', Body: Buffer.alloc(8 * 1024 * 1024) }));
  const faults: unknown[] = [];
  t.mock.method(console, 'error', (...args: unknown[]) => faults.push(args));
  const got = await client.send(new GetObjectCommand({ Bucket: 'hangup', Key: 'big' }));
  (got.Body as Readable).destroy();
  const deadline = Date.now() + 10_000;
  while (!server.stats.errors.ClientDisconnected && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.equal(server.stats.errors.ClientDisconnected, 1);
  assert.deepEqual(faults, []);
  assert.equal(server.stats.errors.InternalError, undefined);
});
