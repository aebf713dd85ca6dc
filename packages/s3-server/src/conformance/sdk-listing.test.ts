// AWS SDK v3 listings: ListObjectsV2 and ListObjects (v1) paging, delimiters, encoding and UTF-8 order; restart.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ListObjectsCommand,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { startS3Server } from '../s3-server.ts';
import { CREDENTIALS, rejectsWith, sdkClient, startHarness } from './harness.ts';

async function putAll(client: S3Client, keys: string[]): Promise<void> {
  // Small batches keep the 2-core test machine responsive.
  for (let index = 0; index < keys.length; index += 50) {
    await Promise.all(
      keys.slice(index, index + 50).map((Key) => client.send(new PutObjectCommand({ Bucket: 'lst', Key, Body: Key }))),
    );
  }
}

test('ListObjectsV2 pages 2,500 keys and 3 prefixes with MaxKeys counting prefixes and no duplicates', async (t) => {
  const { client } = await startHarness(t, { buckets: ['lst'], fsync: false });
  const keys = Array.from({ length: 2500 }, (_, index) => `p/file-${String(index).padStart(5, '0')}`);
  await putAll(client, [...keys, 'p/sub1/a', 'p/sub2/b', 'p/sub3/c', 'q/outside']);
  const seen: string[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const page: ListObjectsV2CommandOutput = await client.send(
      new ListObjectsV2Command({
        Bucket: 'lst',
        Prefix: 'p/',
        Delimiter: '/',
        MaxKeys: 1000,
        ContinuationToken: token,
      }),
    );
    const entries = [
      ...(page.Contents ?? []).map((item) => item.Key!),
      ...(page.CommonPrefixes ?? []).map((item) => item.Prefix!),
    ];
    assert.equal(page.KeyCount, entries.length);
    assert.ok(entries.length <= 1000);
    seen.push(...entries);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
    pages++;
  } while (token);
  assert.equal(pages, 3);
  assert.equal(new Set(seen).size, seen.length);
  assert.deepEqual(new Set(seen), new Set([...keys, 'p/sub1/', 'p/sub2/', 'p/sub3/']));
});

test('ListObjectsV2: MaxKeys=3 counts common prefixes, StartAfter, EncodingType=url and UTF-8 order', async (t) => {
  const { client } = await startHarness(t, { buckets: ['lst'] });
  const odd = ['u/a\uFFFD', 'u/a\u{1F600}', 'u/a b+c', 'u/a%'];
  await putAll(client, ['d1/x', 'd1/y', 'd2/x', 'f1', 'f2', ...odd]);
  const first = await client.send(new ListObjectsV2Command({ Bucket: 'lst', Delimiter: '/', MaxKeys: 3 }));
  assert.deepEqual(
    first.CommonPrefixes?.map((item) => item.Prefix),
    ['d1/', 'd2/'],
  );
  assert.deepEqual(
    first.Contents?.map((item) => item.Key),
    ['f1'],
  );
  assert.equal(first.KeyCount, 3);
  assert.equal(first.IsTruncated, true);
  const rest = await client.send(
    new ListObjectsV2Command({ Bucket: 'lst', Delimiter: '/', ContinuationToken: first.NextContinuationToken }),
  );
  assert.deepEqual(
    rest.Contents?.map((item) => item.Key),
    ['f2'],
  );
  assert.deepEqual(
    rest.CommonPrefixes?.map((item) => item.Prefix),
    ['u/'],
  );
  const all = await client.send(new ListObjectsV2Command({ Bucket: 'lst' }));
  // UTF-8 byte order: U+FFFD (EF BF BD) sorts before U+1F600 (F0 9F 98 80), unlike UTF-16 order.
  const expectedOrder = ['d1/x', 'd1/y', 'd2/x', 'f1', 'f2', 'u/a b+c', 'u/a%', 'u/a\uFFFD', 'u/a\u{1F600}'];
  assert.deepEqual(
    all.Contents?.map((item) => item.Key),
    expectedOrder,
  );
  const after = await client.send(new ListObjectsV2Command({ Bucket: 'lst', StartAfter: 'd1/y' }));
  assert.deepEqual(
    after.Contents?.map((item) => item.Key),
    expectedOrder.slice(2),
  );
  assert.equal(after.StartAfter, 'd1/y');
  const encoded = await client.send(new ListObjectsV2Command({ Bucket: 'lst', Prefix: 'u/a', EncodingType: 'url' }));
  assert.equal(encoded.EncodingType, 'url');
  assert.deepEqual(
    encoded.Contents?.map((item) => decodeURIComponent(item.Key!)),
    expectedOrder.slice(5),
  );
  assert.ok(encoded.Contents?.every((item) => !/[ +%](?![0-9A-F]{2})/.test(item.Key!)));
  await rejectsWith(client.send(new ListObjectsV2Command({ Bucket: 'lst', ContinuationToken: '!!' })), {
    name: 'InvalidArgument',
  });
  await rejectsWith(client.send(new ListObjectsV2Command({ Bucket: 'missing' })), { name: 'NoSuchBucket' });
});

test('ListObjects v1 pages with Marker, and NextMarker when a delimiter is given', async (t) => {
  const { client } = await startHarness(t, { buckets: ['lst'] });
  await putAll(client, ['a', 'b/1', 'b/2', 'c', 'd']);
  const first = await client.send(new ListObjectsCommand({ Bucket: 'lst', MaxKeys: 2 }));
  assert.deepEqual(
    first.Contents?.map((item) => item.Key),
    ['a', 'b/1'],
  );
  assert.equal(first.IsTruncated, true);
  assert.equal(first.NextMarker, undefined);
  const second = await client.send(new ListObjectsCommand({ Bucket: 'lst', Marker: 'b/1' }));
  assert.deepEqual(
    second.Contents?.map((item) => item.Key),
    ['b/2', 'c', 'd'],
  );
  const grouped = await client.send(new ListObjectsCommand({ Bucket: 'lst', Delimiter: '/', MaxKeys: 2 }));
  assert.deepEqual(
    grouped.CommonPrefixes?.map((item) => item.Prefix),
    ['b/'],
  );
  assert.equal(grouped.NextMarker, 'b/');
  const rest = await client.send(new ListObjectsCommand({ Bucket: 'lst', Delimiter: '/', Marker: grouped.NextMarker }));
  assert.deepEqual(
    rest.Contents?.map((item) => item.Key),
    ['c', 'd'],
  );
  assert.equal(rest.CommonPrefixes, undefined);
});

test('objects and buckets survive a restart on the same directory', async (t) => {
  const { client, dir, server } = await startHarness(t, { buckets: ['lst'] });
  await putAll(client, ['keep/1', 'keep/2']);
  await server.close();
  const restarted = await startS3Server({ dir, credentials: [CREDENTIALS] });
  const again = sdkClient(restarted.url);
  t.after(async () => {
    again.destroy();
    await restarted.close();
  });
  const listed = await again.send(new ListObjectsV2Command({ Bucket: 'lst' }));
  assert.deepEqual(
    listed.Contents?.map((item) => item.Key),
    ['keep/1', 'keep/2'],
  );
});
