import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import {
  assertCrossUserRefused,
  buildTestApp,
  describeEachEngine,
  type TestPlatform,
  type TestUser,
} from '@platform/testing';
import { odhTecApp } from '../odh-tec.app.ts';
import { type S3Peer, startS3Peer } from '../testing/s3-peer.ts';

const API = '/odh-tec/api';

describeEachEngine('odh-tec buckets', ({ newDatabaseUrl }) => {
  let platform: TestPlatform;
  let peer: S3Peer;
  let owner: TestUser;
  const call = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown, user: TestUser = owner) =>
    platform.app.inject({ method, url, payload: payload as never, headers: user.headers });
  const bucketNames = async (): Promise<string[]> =>
    (await call('GET', `${API}/buckets?location=peer`)).json().buckets.map((bucket: { Name: string }) => bucket.Name);

  before(async () => {
    peer = await startS3Peer();
    platform = await buildTestApp({ apps: [odhTecApp], databaseUrl: await newDatabaseUrl() });
    owner = await platform.createUser('bucket-admin');
    await call('POST', `${API}/settings/connections`, peer.connection('peer'));
  });
  after(async () => {
    await platform.close();
    await peer.close();
  });

  test('a dotted bucket is created, refuses a duplicate, refuses deletion while not empty, then is deleted', async () => {
    const created = await call('POST', `${API}/buckets?location=peer`, { bucketName: 'my.bucket' });
    assert.equal(created.statusCode, 201, created.body);
    assert.deepEqual(created.json(), { message: 'Bucket created successfully', bucket: { Name: 'my.bucket' } });
    assert.deepEqual(await bucketNames(), ['models', 'my.bucket']);

    const duplicate = await call('POST', `${API}/buckets?location=peer`, { bucketName: 'my.bucket' });
    assert.deepEqual([duplicate.statusCode, duplicate.json().error.code], [409, 'bucket_exists']);

    await peer.put('my.bucket', 'keep.txt');
    const notEmpty = await call('DELETE', `${API}/buckets/my.bucket?location=peer`);
    assert.deepEqual([notEmpty.statusCode, notEmpty.json().error.code], [409, 'bucket_not_empty']);

    await call('DELETE', `${API}/objects/my.bucket/${Buffer.from('keep.txt').toString('base64url')}?location=peer`);
    const deleted = await call('DELETE', `${API}/buckets/my.bucket?location=peer`);
    assert.deepEqual([deleted.statusCode, deleted.json()], [200, { message: 'Bucket deleted successfully' }]);
    await assert.rejects(peer.client.send(new HeadBucketCommand({ Bucket: 'my.bucket' })));

    const gone = await call('DELETE', `${API}/buckets/my.bucket?location=peer`);
    assert.deepEqual([gone.statusCode, gone.json().error.code], [404, 'bucket_not_found']);
    const audit = await platform.kernel.audit.repository.list({ target: 'peer/my.bucket', limit: 10 });
    assert.deepEqual(audit.map((entry) => entry.action).sort(), ['odh-tec.bucket.create', 'odh-tec.bucket.delete']);
  });

  test('invalid bucket names are refused before reaching the storage', async () => {
    const before = peer.server.stats.requestLog.length;
    for (const bucketName of ['Bad_Name', 'ab', 'a..b', '10.0.0.1', 'xn--bucket']) {
      const response = await call('POST', `${API}/buckets?location=peer`, { bucketName });
      assert.deepEqual([response.statusCode, response.json().error.code], [400, 'invalid_bucket_name'], bucketName);
    }
    const missingName = await call('POST', `${API}/buckets?location=peer`, {});
    assert.deepEqual([missingName.statusCode, missingName.json().error.code], [400, 'validation_failed']);
    assert.equal(peer.server.stats.requestLog.length, before);
  });

  test('credentials that may not list buckets still get the default bucket', async () => {
    peer.server.setSwitches({ denyListBuckets: true });
    try {
      const response = await call('GET', `${API}/buckets?location=peer`);
      assert.equal(response.statusCode, 200, response.body);
      assert.deepEqual(response.json(), {
        owner: null,
        defaultBucket: 'models',
        listDenied: true,
        buckets: [{ Name: 'models' }],
      });
      const tested = await call('POST', `${API}/settings/connections/peer/test`);
      assert.deepEqual([tested.json().ok, tested.json().listBuckets], [true, false]);
    } finally {
      peer.server.setSwitches({ denyListBuckets: false });
    }
  });

  test("another user can neither create nor delete buckets through a user's connection", async () => {
    const stranger = await platform.createUser('bucket-stranger');
    await assertCrossUserRefused(platform, owner, stranger, {
      read: { method: 'GET', url: `${API}/buckets?location=peer` },
      attempts: [
        { method: 'POST', url: `${API}/buckets?location=peer`, payload: { bucketName: 'planted' } },
        { method: 'DELETE', url: `${API}/buckets/models?location=peer` },
      ],
    });
  });
});
