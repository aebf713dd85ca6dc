import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createObjectStorageClient } from '@platform/kernel/storage/object-storage.ts';
import { type RunningS3Server, startS3Server } from '@platform/s3-server';
import type { TestPlatform, TestUser } from '@platform/testing';

/** Credentials of the test S3 peer; the secret is long enough to show a four-character hint. */
export const PEER_ACCESS_KEY = 'odh-tec-test-key';
export const PEER_SECRET = 'peer-secret-Zq7fW2xK9mB4';

export interface S3Peer {
  server: RunningS3Server;
  /** A direct client, for arranging and checking objects behind the app's back. */
  client: S3Client;
  /** A create-connection body for this peer. */
  connection(id: string, overrides?: Record<string, unknown>): Record<string, unknown>;
  put(bucket: string, key: string, body?: string): Promise<void>;
  close(): Promise<void>;
}

/** The embedded S3 server on 127.0.0.1:<random> with a `models` bucket, in a temp folder removed at close. */
export async function startS3Peer(): Promise<S3Peer> {
  const dir = mkdtempSync(join(tmpdir(), 'odh-tec-s3-'));
  const server = await startS3Server({
    dir,
    host: '127.0.0.1',
    port: 0,
    fsync: false,
    credentials: [{ accessKeyId: PEER_ACCESS_KEY, secretAccessKey: PEER_SECRET }],
    buckets: ['models'],
  });
  const client = createObjectStorageClient({
    endpoint: server.url,
    accessKeyId: PEER_ACCESS_KEY,
    secretAccessKey: PEER_SECRET,
  });
  return {
    server,
    client,
    connection: (id, overrides = {}) => ({
      id,
      name: `Peer ${id}`,
      endpoint: server.url,
      accessKeyId: PEER_ACCESS_KEY,
      secretAccessKey: PEER_SECRET,
      defaultBucket: 'models',
      ...overrides,
    }),
    async put(bucket, key, body = key) {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    },
    async close() {
      client.destroy();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Registers a peer as an S3 connection of `user` through the API, as a user would (`POST /settings/connections`). */
export async function addPeerConnection(
  platform: TestPlatform,
  user: TestUser,
  peer: S3Peer,
  id = 'peer',
  api = '/odh-tec/api',
): Promise<void> {
  const created = await platform.app.inject({
    method: 'POST',
    url: `${api}/settings/connections`,
    payload: peer.connection(id),
    headers: user.headers,
  });
  assert.equal(created.statusCode, 201, created.body);
}
