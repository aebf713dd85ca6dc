import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { buildTestApp, describeEachEngine, type TestPlatform, type TestUser } from '@platform/testing';
import { embeddedS3Of } from '../embedded/embedded-s3.ts';
import { odhTecApp } from '../odh-tec.app.ts';
import { encodeKey } from '../storage/key-codec.ts';
import { addPeerConnection, PEER_ACCESS_KEY, PEER_SECRET, type S3Peer, startS3Peer } from '../testing/s3-peer.ts';

const API = '/odh-tec/api';

describeEachEngine('odh-tec locations in embedded mode', ({ newDatabaseUrl }) => {
  let platform: TestPlatform;
  let peer: S3Peer;
  let owner: TestUser;
  let other: TestUser;
  let closed = false;

  before(async () => {
    peer = await startS3Peer();
    // startBackground runs the app's start hook, which starts the embedded S3 server under the test DATA_DIR.
    platform = await buildTestApp({ apps: [odhTecApp], databaseUrl: await newDatabaseUrl(), startBackground: true });
    owner = await platform.createUser('loc-owner');
    other = await platform.createUser('loc-other', ['viewer']);
    await addPeerConnection(platform, owner, peer);
  });
  after(async () => {
    if (!closed) await platform.close();
    await peer.close();
  });

  test('lists embedded (the default) with its models bucket, then the user’s own connections', async () => {
    const response = await platform.app.inject({ url: `${API}/locations`, headers: owner.headers });
    assert.equal(response.statusCode, 200, response.body);
    const { hostname, port } = new URL(peer.server.url);
    assert.deepEqual(response.json(), {
      defaultLocationId: 'embedded',
      locations: [
        {
          id: 'embedded',
          name: 'Embedded storage',
          type: 'embedded',
          source: 'builtin',
          available: true,
          readOnly: false,
          defaultBucket: 'models',
        },
        {
          id: 'peer',
          name: 'Peer peer',
          type: 's3',
          source: 'db',
          available: true,
          readOnly: false,
          defaultBucket: 'models',
          endpointHost: `${hostname}:${port}`,
        },
      ],
    });
    const others = await platform.app.inject({ url: `${API}/locations`, headers: other.headers });
    assert.deepEqual(
      others.json().locations.map((location: { id: string }) => location.id),
      ['embedded'],
    );
    assert.equal((await platform.app.inject({ url: `${API}/locations` })).statusCode, 401);
  });

  test('without ?location, buckets, folders and listings go to the embedded store', async () => {
    const buckets = await platform.app.inject({ url: `${API}/buckets`, headers: owner.headers });
    assert.equal(buckets.statusCode, 200, buckets.body);
    assert.deepEqual(
      buckets.json().buckets.map((bucket: { Name: string }) => bucket.Name),
      ['models'],
    );
    const folder = await platform.app.inject({
      method: 'POST',
      url: `${API}/objects/folder/models/${encodeKey('datasets/')}`,
      headers: owner.headers,
    });
    assert.equal(folder.statusCode, 201, folder.body);
    const embedded = embeddedS3Of(platform.kernel)!;
    const stored = await embedded.client.send(new ListObjectsV2Command({ Bucket: 'models' }));
    assert.deepEqual(
      stored.Contents?.map((object) => object.Key),
      ['datasets/.s3keep'],
    );
    const listed = await platform.app.inject({
      url: `${API}/objects/models/there_is_no_prefix`,
      headers: other.headers,
    });
    assert.equal(listed.statusCode, 200, listed.body);
    assert.deepEqual(listed.json().prefixes, [{ Prefix: 'datasets/' }]);
    const peerKeys = await peer.client.send(new ListObjectsV2Command({ Bucket: 'models' }));
    assert.equal(peerKeys.KeyCount, 0, 'the peer connection was not touched');
  });

  test('the embedded server listens on loopback until the platform closes', async () => {
    const embedded = embeddedS3Of(platform.kernel)!;
    assert.equal(new URL(embedded.url).hostname, '127.0.0.1');
    const probe = await fetch(embedded.url);
    assert.equal(probe.status, 403, 'an unsigned request reaches the server and is refused');
    await probe.arrayBuffer();
    closed = true;
    await platform.close();
    assert.equal(embeddedS3Of(platform.kernel), undefined);
    await assert.rejects(fetch(embedded.url));
  });
});

describe('odh-tec locations without the embedded store', () => {
  let peer: S3Peer;
  before(async () => {
    peer = await startS3Peer();
    await peer.put('models', 'from-env.txt');
  });
  after(() => peer.close());

  test('ODH_TEC_EMBEDDED_S3=false leaves no embedded location, and the server is not started', async (t) => {
    const platform = await buildTestApp({
      apps: [odhTecApp],
      startBackground: true,
      env: { ODH_TEC_EMBEDDED_S3: 'false' },
    });
    t.after(() => platform.close());
    assert.equal(embeddedS3Of(platform.kernel), undefined);
    const user = await platform.createUser('no-embedded');
    const locations = await platform.app.inject({ url: `${API}/locations`, headers: user.headers });
    assert.deepEqual(locations.json(), { defaultLocationId: 'embedded', locations: [] });
    const listed = await platform.app.inject({ url: `${API}/objects/models`, headers: user.headers });
    assert.equal(listed.statusCode, 404);
    assert.equal(listed.json().error.code, 'location_not_found');
  });

  test('an injected Data Connection is the env location `default`, used when ?location is omitted', async (t) => {
    const platform = await buildTestApp({
      apps: [odhTecApp],
      env: {
        AWS_S3_ENDPOINT: peer.server.url,
        AWS_ACCESS_KEY_ID: PEER_ACCESS_KEY,
        AWS_SECRET_ACCESS_KEY: PEER_SECRET,
        AWS_S3_BUCKET: 'models',
      },
    });
    t.after(() => platform.close());
    const user = await platform.createUser('env-user', ['viewer']);
    const locations = await platform.app.inject({ url: `${API}/locations`, headers: user.headers });
    assert.equal(locations.json().defaultLocationId, 'default');
    assert.deepEqual(
      locations.json().locations.map((location: { id: string; source: string }) => [location.id, location.source]),
      [['default', 'env']],
    );
    const listed = await platform.app.inject({ url: `${API}/objects/models`, headers: user.headers });
    assert.equal(listed.statusCode, 200, listed.body);
    assert.deepEqual(
      listed.json().objects.map((object: { Key: string }) => object.Key),
      ['from-env.txt'],
    );
    const named = await platform.app.inject({ url: `${API}/buckets?location=default`, headers: user.headers });
    assert.equal(named.json().defaultBucket, 'models');
  });
});
