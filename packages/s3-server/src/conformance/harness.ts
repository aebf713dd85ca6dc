// A fresh server in a temp directory per test, and an AWS SDK client pointed at it.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { S3Client } from '@aws-sdk/client-s3';
import { type RunningS3Server, type S3ServerOptions, startS3Server } from '../s3-server.ts';

export const CREDENTIALS = { accessKeyId: 'AKIDCONFORMANCE', secretAccessKey: 'conformance/secret+key' };

export interface Harness {
  server: RunningS3Server;
  dir: string;
  client: S3Client;
}

export async function startHarness(t: TestContext, options: Partial<S3ServerOptions> = {}): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), 's3-server-'));
  const server = await startS3Server({ dir, credentials: [CREDENTIALS], ...options });
  const client = sdkClient(server.url);
  t.after(async () => {
    client.destroy();
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });
  return { server, dir, client };
}

export function sdkClient(
  endpoint: string,
  overrides: Partial<ConstructorParameters<typeof S3Client>[0]> = {},
): S3Client {
  return new S3Client({
    endpoint,
    forcePathStyle: true,
    region: 'us-east-1',
    credentials: CREDENTIALS,
    maxAttempts: 1,
    ...overrides,
  });
}

export const sha256 = (data: Uint8Array | string): string => createHash('sha256').update(data).digest('hex');
export const md5 = (data: Uint8Array | string): string => createHash('md5').update(data).digest('hex');

/** Deterministic pseudo-random bytes (xorshift32), so multi-MiB fixtures need no files. */
export function pseudoRandomBytes(length: number, seed = 1): Buffer {
  const out = Buffer.alloc(length);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < length; i += 4) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    if (i + 4 <= length) out.writeUInt32LE(state, i);
    else for (let j = i; j < length; j++) out[j] = (state >>> ((j - i) * 8)) & 0xff;
  }
  return out;
}

/** Asserts an SDK call fails with the given S3 error code and/or HTTP status. */
export async function rejectsWith(
  promise: Promise<unknown>,
  expected: { name?: string; status?: number },
): Promise<void> {
  await assert.rejects(promise, (error: { name?: string; $metadata?: { httpStatusCode?: number } }) => {
    if (expected.name !== undefined) assert.equal(error.name, expected.name);
    if (expected.status !== undefined) assert.equal(error.$metadata?.httpStatusCode, expected.status);
    return true;
  });
}
