import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { type RunningS3Server, startS3Server } from '@platform/s3-server';
import { AppError } from '../http/errors.ts';
import { createObjectStorageClient, resolveEndpoint } from './object-storage.ts';

const credentials = { accessKeyId: 'storage-test-key', secretAccessKey: 'storage-test-secret-0123456789' };
let s3: RunningS3Server;
let dir: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'object-storage-'));
  s3 = await startS3Server({ dataDir: dir, credentials: [credentials], buckets: ['models'], fsync: false });
});
after(async () => {
  await s3.close();
  rmSync(dir, { recursive: true, force: true });
});

const roundTrip = async (client: ReturnType<typeof createObjectStorageClient>, key: string) => {
  await client.send(new PutObjectCommand({ Bucket: 'models', Key: key, Body: `body of ${key}` }));
  const object = await client.send(new GetObjectCommand({ Bucket: 'models', Key: key }));
  return object.Body!.transformToString();
};

test('a path-style client reads and writes the embedded store', async () => {
  const client = createObjectStorageClient({ ...credentials, endpoint: s3.url });
  assert.equal(await roundTrip(client, 'a.txt'), 'body of a.txt');
  client.destroy();
});

test('checksum mode when_required works with a store that rejects checksum headers; when_supported does not', async () => {
  s3.setSwitches({ rejectChecksumHeaders: true });
  try {
    const strict = createObjectStorageClient({ ...credentials, endpoint: s3.url, checksumMode: 'when_required' });
    assert.equal(await roundTrip(strict, 'b.txt'), 'body of b.txt');
    const eager = createObjectStorageClient({ ...credentials, endpoint: s3.url, checksumMode: 'when_supported' });
    await assert.rejects(roundTrip(eager, 'c.txt'));
    strict.destroy();
    eager.destroy();
  } finally {
    s3.setSwitches({ rejectChecksumHeaders: false });
  }
});

test('retries ride out transient errors up to maxAttempts', async () => {
  s3.setSwitches({ faults: [{ op: 'ListObjectsV2', code: 'SlowDown', every: 2 }] });
  try {
    const patient = createObjectStorageClient({ ...credentials, endpoint: s3.url, maxAttempts: 3 });
    for (let round = 0; round < 4; round++) await patient.send(new ListObjectsV2Command({ Bucket: 'models' }));
    const hasty = createObjectStorageClient({ ...credentials, endpoint: s3.url, maxAttempts: 1 });
    const outcomes = await Promise.allSettled(
      [0, 1, 2, 3].map(() => hasty.send(new ListObjectsV2Command({ Bucket: 'models' }))),
    );
    assert.ok(
      outcomes.some((outcome) => outcome.status === 'rejected'),
      'without retries a SlowDown reaches the caller',
    );
    patient.destroy();
    hasty.destroy();
  } finally {
    s3.setSwitches({ faults: [] });
  }
});

test('a per-endpoint proxy carries that endpoint’s requests, and only those', async () => {
  let proxied = 0;
  // A minimal forward proxy: absolute-form requests are replayed to their target.
  const proxy: Server = createServer((incoming, outgoing) => {
    proxied++;
    const target = new URL(incoming.url!);
    const upstream = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        path: `${target.pathname}${target.search}`,
        method: incoming.method,
        headers: incoming.headers,
      },
      (response) => {
        outgoing.writeHead(response.statusCode!, response.headers);
        response.pipe(outgoing);
      },
    );
    incoming.pipe(upstream);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  try {
    const port = (proxy.address() as { port: number }).port;
    const viaProxy = createObjectStorageClient({
      ...credentials,
      endpoint: s3.url,
      proxyUrl: `http://127.0.0.1:${port}`,
    });
    assert.equal(await roundTrip(viaProxy, 'd.txt'), 'body of d.txt');
    assert.equal(proxied, 2, 'PUT and GET went through the proxy');
    const direct = createObjectStorageClient({ ...credentials, endpoint: s3.url });
    await roundTrip(direct, 'e.txt');
    assert.equal(proxied, 2, 'a client without a proxy setting is not proxied');
    viaProxy.destroy();
    direct.destroy();
  } finally {
    await new Promise((resolve) => proxy.close(resolve));
  }
});

test('bad settings are a 400 naming the field', () => {
  assert.throws(
    () => resolveEndpoint({ ...credentials, endpoint: 'ftp://nope', maxAttempts: 0 }),
    (error: unknown) =>
      error instanceof AppError &&
      error.statusCode === 400 &&
      /endpoint/.test(error.message) &&
      /maxAttempts/.test(error.message),
  );
  assert.equal(resolveEndpoint(credentials).forcePathStyle, true);
  assert.equal(resolveEndpoint(credentials).checksumMode, 'when_supported');
});
