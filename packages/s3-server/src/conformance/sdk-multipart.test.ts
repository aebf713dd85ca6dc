// AWS SDK v3 multipart: lib-storage uploads, the low-level calls, ETag rules, part checks and UploadPartCopy.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { md5, pseudoRandomBytes, rejectsWith, sha256, startHarness } from './harness.ts';

const MiB = 1024 * 1024;

async function download(client: S3Client, Key: string): Promise<Buffer> {
  const response = await client.send(new GetObjectCommand({ Bucket: 'mpu', Key, ChecksumMode: 'ENABLED' }));
  return Buffer.from(await response.Body!.transformToByteArray());
}

function multipartEtag(parts: Buffer[]): string {
  const digests = Buffer.concat(parts.map((part) => Buffer.from(md5(part), 'hex')));
  return `"${md5(digests)}-${parts.length}"`;
}

test('lib-storage uploads 12 MiB in 5 MiB parts; GET and ranges stream across parts', async (t) => {
  const { client, server } = await startHarness(t, { buckets: ['mpu'] });
  const data = pseudoRandomBytes(12 * MiB, 7);
  const upload = new Upload({
    client,
    params: {
      Bucket: 'mpu',
      Key: 'big/file.bin',
      Body: data,
      ContentType: 'application/x-big',
      Metadata: { origin: 'sdk' },
    },
    partSize: 5 * MiB,
    queueSize: 2,
  });
  const result = await upload.done();
  const parts = [data.subarray(0, 5 * MiB), data.subarray(5 * MiB, 10 * MiB), data.subarray(10 * MiB)];
  assert.equal(result.ETag, multipartEtag(parts));
  assert.equal(server.stats.requests.UploadPart, 3);
  assert.ok(server.stats.peakKeysWriting >= 1);
  assert.equal(server.stats.currentKeysWriting, 0);
  assert.equal(sha256(await download(client, 'big/file.bin')), sha256(data));
  const head = await client.send(new HeadObjectCommand({ Bucket: 'mpu', Key: 'big/file.bin' }));
  assert.equal(head.ContentType, 'application/x-big');
  assert.deepEqual(head.Metadata, { origin: 'sdk' });
  assert.equal(head.ContentLength, data.length);
  const across = await client.send(
    new GetObjectCommand({ Bucket: 'mpu', Key: 'big/file.bin', Range: `bytes=${5 * MiB - 10}-${5 * MiB + 9}` }),
  );
  assert.deepEqual(Buffer.from(await across.Body!.transformToByteArray()), data.subarray(5 * MiB - 10, 5 * MiB + 10));
});

test('low-level multipart: ETag "-2", ListParts, ListMultipartUploads, part checks and Abort', async (t) => {
  const { client } = await startHarness(t, { buckets: ['mpu'] });
  const { UploadId } = await client.send(
    new CreateMultipartUploadCommand({ Bucket: 'mpu', Key: 'm', ContentType: 'text/x-m' }),
  );
  const part1 = pseudoRandomBytes(5 * MiB, 1);
  const part2 = Buffer.from('tail');
  const small = Buffer.alloc(4 * MiB, 1);
  const send = (PartNumber: number, Body: Buffer) =>
    client.send(new UploadPartCommand({ Bucket: 'mpu', Key: 'm', UploadId, PartNumber, Body }));
  const etag1 = (await send(1, part1)).ETag!;
  const etag2 = (await send(2, part2)).ETag!;
  const etag3 = (await send(3, small)).ETag!;
  await rejectsWith(send(0, part2), { name: 'InvalidArgument' });
  await rejectsWith(send(10001, part2), { name: 'InvalidArgument' });

  const parts = await client.send(new ListPartsCommand({ Bucket: 'mpu', Key: 'm', UploadId }));
  assert.deepEqual(
    parts.Parts?.map((part) => [part.PartNumber, part.Size, part.ETag]),
    [
      [1, 5 * MiB, etag1],
      [2, 4, etag2],
      [3, 4 * MiB, etag3],
    ],
  );
  const listed = await client.send(new ListMultipartUploadsCommand({ Bucket: 'mpu' }));
  assert.deepEqual(
    listed.Uploads?.map((upload) => [upload.Key, upload.UploadId]),
    [['m', UploadId]],
  );

  const complete = (Parts: { PartNumber: number; ETag: string }[]) =>
    client.send(new CompleteMultipartUploadCommand({ Bucket: 'mpu', Key: 'm', UploadId, MultipartUpload: { Parts } }));
  await rejectsWith(complete([{ PartNumber: 1, ETag: '"00000000000000000000000000000000"' }]), { name: 'InvalidPart' });
  await rejectsWith(complete([{ PartNumber: 9, ETag: etag1 }]), { name: 'InvalidPart' });
  await rejectsWith(
    complete([
      { PartNumber: 2, ETag: etag2 },
      { PartNumber: 1, ETag: etag1 },
    ]),
    { name: 'InvalidPartOrder' },
  );
  const etag4 = (await send(4, part2)).ETag!;
  // A 4 MiB part that is not the last one is below the 5 MiB minimum.
  await rejectsWith(
    complete([
      { PartNumber: 3, ETag: etag3 },
      { PartNumber: 4, ETag: etag4 },
    ]),
    { name: 'EntityTooSmall' },
  );
  const done = await complete([
    { PartNumber: 1, ETag: etag1 },
    { PartNumber: 2, ETag: etag2 },
  ]);
  assert.equal(done.ETag, multipartEtag([part1, part2]));
  assert.match(done.ETag!, /^"[0-9a-f]{32}-2"$/);
  assert.deepEqual(await download(client, 'm'), Buffer.concat([part1, part2]));
  assert.equal((await client.send(new HeadObjectCommand({ Bucket: 'mpu', Key: 'm' }))).ContentType, 'text/x-m');
  assert.equal((await client.send(new ListMultipartUploadsCommand({ Bucket: 'mpu' }))).Uploads, undefined);
  await rejectsWith(client.send(new ListPartsCommand({ Bucket: 'mpu', Key: 'm', UploadId })), { name: 'NoSuchUpload' });

  const aborted = await client.send(new CreateMultipartUploadCommand({ Bucket: 'mpu', Key: 'gone' }));
  await client.send(
    new UploadPartCommand({ Bucket: 'mpu', Key: 'gone', UploadId: aborted.UploadId, PartNumber: 1, Body: 'x' }),
  );
  await client.send(new AbortMultipartUploadCommand({ Bucket: 'mpu', Key: 'gone', UploadId: aborted.UploadId }));
  await rejectsWith(
    client.send(
      new UploadPartCommand({ Bucket: 'mpu', Key: 'gone', UploadId: aborted.UploadId, PartNumber: 2, Body: 'y' }),
    ),
    { name: 'NoSuchUpload', status: 404 },
  );
  await rejectsWith(client.send(new AbortMultipartUploadCommand({ Bucket: 'mpu', Key: 'gone', UploadId: 'nope' })), {
    name: 'NoSuchUpload',
  });
});

test('UploadPartCopy copies byte ranges of an existing object', async (t) => {
  const { client, server } = await startHarness(t, { buckets: ['mpu'] });
  const source = pseudoRandomBytes(12 * MiB, 3);
  await client.send(new PutObjectCommand({ Bucket: 'mpu', Key: 'src ü', Body: source }));
  server.setSwitches({ copyObjectMaxBytes: 7 * MiB });
  const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: 'mpu', Key: 'copy' }));
  const copyPart = (PartNumber: number, range: string) =>
    client.send(
      new UploadPartCopyCommand({
        Bucket: 'mpu',
        Key: 'copy',
        UploadId,
        PartNumber,
        CopySource: `mpu/${encodeURIComponent('src ü')}`,
        CopySourceRange: range,
      }),
    );
  const first = await copyPart(1, `bytes=0-${6 * MiB - 1}`);
  const second = await copyPart(2, `bytes=${6 * MiB}-${12 * MiB - 1}`);
  await rejectsWith(copyPart(3, `bytes=0-${12 * MiB - 1}`), { name: 'InvalidRequest' });
  await rejectsWith(copyPart(3, `bytes=0-${12 * MiB}`), { name: 'InvalidRange' });
  const done = await client.send(
    new CompleteMultipartUploadCommand({
      Bucket: 'mpu',
      Key: 'copy',
      UploadId,
      MultipartUpload: {
        Parts: [
          { PartNumber: 1, ETag: first.CopyPartResult!.ETag },
          { PartNumber: 2, ETag: second.CopyPartResult!.ETag },
        ],
      },
    }),
  );
  assert.equal(done.ETag, multipartEtag([source.subarray(0, 6 * MiB), source.subarray(6 * MiB)]));
  assert.equal(sha256(await download(client, 'copy')), sha256(source));
});

test('a declared CRC32 multipart upload gets per-part checksums and a composite object checksum', async (t) => {
  const { client } = await startHarness(t, { buckets: ['mpu'] });
  const { UploadId } = await client.send(
    new CreateMultipartUploadCommand({ Bucket: 'mpu', Key: 'crc', ChecksumAlgorithm: 'CRC32' }),
  );
  const bodies = [pseudoRandomBytes(5 * MiB, 11), Buffer.from('last part')];
  const parts = [];
  for (const [index, Body] of bodies.entries()) {
    const part = await client.send(
      new UploadPartCommand({
        Bucket: 'mpu',
        Key: 'crc',
        UploadId,
        PartNumber: index + 1,
        Body,
        ChecksumAlgorithm: 'CRC32',
      }),
    );
    assert.ok(part.ChecksumCRC32);
    parts.push({ PartNumber: index + 1, ETag: part.ETag, ChecksumCRC32: part.ChecksumCRC32 });
  }
  const done = await client.send(
    new CompleteMultipartUploadCommand({ Bucket: 'mpu', Key: 'crc', UploadId, MultipartUpload: { Parts: parts } }),
  );
  assert.match(done.ChecksumCRC32 ?? '', /^[A-Za-z0-9+/]{6}==-2$/);
  assert.deepEqual(await download(client, 'crc'), Buffer.concat(bodies));
});
