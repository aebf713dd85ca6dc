import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import {
  assertAnonymousRefused,
  assertCrossUserRefused,
  buildTestApp,
  describeEachEngine,
  type TestPlatform,
  type TestUser,
} from '@platform/testing';
import { odhTecApp } from '../odh-tec.app.ts';
import { encodeKey } from '../storage/key-codec.ts';
import { addPeerConnection, type S3Peer, startS3Peer } from '../testing/s3-peer.ts';

const API = '/odh-tec/api';

describeEachEngine('odh-tec browsing through a connection', ({ newDatabaseUrl }) => {
  let platform: TestPlatform;
  let peer: S3Peer;
  let owner: TestUser;

  const get = (url: string, user: TestUser = owner) => platform.app.inject({ url, headers: user.headers });
  const keysIn = async (prefix: string): Promise<string[]> => {
    const answer = await peer.client.send(new ListObjectsV2Command({ Bucket: 'models', Prefix: prefix }));
    return (answer.Contents ?? []).map((object) => object.Key!);
  };

  before(async () => {
    peer = await startS3Peer();
    platform = await buildTestApp({ apps: [odhTecApp], databaseUrl: await newDatabaseUrl() });
    owner = await platform.createUser('browser');
    await addPeerConnection(platform, owner, peer);
  });
  after(async () => {
    await platform.close();
    await peer.close();
  });

  test('lists the buckets of the location', async () => {
    const response = await get(`${API}/buckets?location=peer`);
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(response.json().listDenied, false);
    assert.equal(response.json().defaultBucket, 'models');
    assert.deepEqual(
      response.json().buckets.map((bucket: { Name: string }) => bucket.Name),
      ['models'],
    );
  });

  test('pages through a prefix: every key and folder exactly once, folders counting toward the page', async () => {
    const expected = new Set<string>();
    for (let index = 0; index < 23; index++) {
      const key = `p/file-${String(index).padStart(2, '0')}.bin`;
      await peer.put('models', key);
      expected.add(key);
    }
    for (const folder of ['p/sub-a/', 'p/sub-b/', 'p/sub-c/']) {
      await peer.put('models', `${folder}inner.txt`);
      expected.add(folder);
    }
    const seen: string[] = [];
    let token: string | null = null;
    let pages = 0;
    do {
      const query = new URLSearchParams({
        location: 'peer',
        maxKeys: '7',
        ...(token ? { continuationToken: token } : {}),
      });
      const response = await get(`${API}/objects/models/${encodeKey('p/')}?${query}`);
      assert.equal(response.statusCode, 200, response.body);
      const page = response.json();
      const entries = [
        ...page.objects.map((o: { Key: string }) => o.Key),
        ...page.prefixes.map((p: { Prefix: string }) => p.Prefix),
      ];
      assert.ok(entries.length <= 7, `page of ${entries.length}`);
      seen.push(...entries);
      token = page.nextContinuationToken;
      assert.equal(page.isTruncated, token !== null);
      pages++;
    } while (token);
    assert.equal(pages, 4);
    assert.equal(seen.length, new Set(seen).size, 'no entry is listed twice');
    assert.deepEqual(new Set(seen), expected);
  });

  test('deleting a key deletes exactly that key, never its prefix siblings', async () => {
    for (const key of ['a.txt', 'a.txt.bak', 'a.txt2/x']) await peer.put('models', key);
    const response = await platform.app.inject({
      method: 'DELETE',
      url: `${API}/objects/models/${encodeKey('a.txt')}?location=peer`,
      headers: owner.headers,
    });
    assert.equal(response.statusCode, 200, response.body);
    assert.deepEqual(response.json(), { deleted: true, count: 1 });
    assert.deepEqual(await keysIn('a.txt'), ['a.txt.bak', 'a.txt2/x']);
    const again = await platform.app.inject({
      method: 'DELETE',
      url: `${API}/objects/models/${encodeKey('a.txt')}?location=peer`,
      headers: owner.headers,
    });
    assert.equal(again.statusCode, 404);
    assert.equal(again.json().error.code, 'object_not_found');
    const audit = await platform.kernel.audit.repository.list({ action: 'odh-tec.object.delete', limit: 10 });
    assert.ok(audit.some((entry) => entry.targetId === 'peer/models/a.txt'));
  });

  test('a Unicode key resolves the same from base64url and from percent-encoded standard base64', async () => {
    const key = "dir/Capture d'écran 日本.txt";
    await peer.put('models', key);
    const standard = encodeURIComponent(Buffer.from(key, 'utf8').toString('base64'));
    assert.notEqual(standard, encodeKey(key));
    const listed = await get(`${API}/objects/models/${encodeKey('dir/')}?location=peer`);
    assert.deepEqual(
      listed.json().objects.map((o: { Key: string }) => o.Key),
      [key],
    );
    const response = await platform.app.inject({
      method: 'DELETE',
      url: `${API}/objects/models/${standard}?location=peer`,
      headers: owner.headers,
    });
    assert.equal(response.statusCode, 200, response.body);
    assert.deepEqual(await keysIn('dir/'), []);
  });

  test('a created folder is listed while its marker stays hidden; deleting it removes only its contents', async () => {
    const created = await platform.app.inject({
      method: 'POST',
      url: `${API}/objects/folder/models/${encodeKey('f/')}?location=peer`,
      headers: owner.headers,
    });
    assert.equal(created.statusCode, 201, created.body);
    assert.deepEqual(created.json(), { key: 'f/.s3keep' });
    const top = await get(`${API}/objects/models/there_is_no_prefix?location=peer`);
    assert.ok(top.json().prefixes.some((entry: { Prefix: string }) => entry.Prefix === 'f/'));
    const inside = await get(`${API}/objects/models/${encodeKey('f/')}?location=peer`);
    assert.deepEqual(
      { objects: inside.json().objects, hiddenCount: inside.json().hiddenCount },
      { objects: [], hiddenCount: 1 },
    );

    for (let index = 0; index < 5; index++) await peer.put('models', `f/item-${index}`);
    await peer.put('models', 'foobar/kept');
    // Stores that insist on Content-MD5 for DeleteObjects (older MinIO, Ceph) must still work.
    peer.server.setSwitches({ strictContentMD5: true });
    const deleted = await platform.app.inject({
      method: 'DELETE',
      url: `${API}/objects/models/${encodeKey('f/')}?location=peer`,
      headers: owner.headers,
    });
    peer.server.setSwitches({ strictContentMD5: false });
    assert.deepEqual(deleted.json(), { deleted: true, count: 6 }, deleted.body);
    assert.deepEqual(await keysIn('f'), ['foobar/kept']);
    const batches = peer.server.stats.requestLog.filter((entry) => entry.op === 'DeleteObjects');
    assert.ok(batches.length > 0);
    for (const entry of batches) assert.match(entry.headers['content-md5'] ?? '', /^[A-Za-z0-9+/]{22}==$/);
  });

  test('bad input answers 4xx with the error shape', async () => {
    const cases: [string, 'GET' | 'DELETE' | 'POST', string, number, string][] = [
      ['bad base64', 'GET', `${API}/objects/models/${'!!!'}?location=peer`, 400, 'invalid_encoded_key'],
      [
        'not UTF-8',
        'DELETE',
        `${API}/objects/models/${Buffer.from([0xff, 0xfe]).toString('base64url')}?location=peer`,
        400,
        'invalid_encoded_key',
      ],
      ['long key', 'DELETE', `${API}/objects/models/${encodeKey('k'.repeat(1025))}?location=peer`, 400, 'key_too_long'],
      ['bucket name', 'GET', `${API}/objects/Bad_Bucket?location=peer`, 400, 'invalid_bucket_name'],
      ['IPv4 bucket', 'GET', `${API}/objects/192.168.1.1?location=peer`, 400, 'invalid_bucket_name'],
      ['page size', 'GET', `${API}/objects/models?location=peer&maxKeys=0`, 400, 'validation_failed'],
      ['no location', 'GET', `${API}/buckets`, 404, 'location_not_found'],
      ['unknown location', 'GET', `${API}/objects/models?location=nowhere`, 404, 'location_not_found'],
      ['missing bucket', 'GET', `${API}/objects/no-such-bucket?location=peer`, 404, 'bucket_not_found'],
      [
        'folder ..',
        'POST',
        `${API}/objects/folder/models/${encodeKey('x/../')}?location=peer`,
        400,
        'invalid_folder_name',
      ],
      [
        'folder control',
        'POST',
        `${API}/objects/folder/models/${encodeKey('bad\u0007name/')}?location=peer`,
        400,
        'invalid_folder_name',
      ],
    ];
    for (const [name, method, url, status, code] of cases) {
      const response = await platform.app.inject({ method, url, headers: owner.headers });
      assert.equal(response.statusCode, status, `${name}: ${response.body}`);
      assert.equal(response.json().error.code, code, name);
      assert.equal(typeof response.json().error.message, 'string');
    }
  });

  test('a storage that is down answers 502 storage_unreachable', async () => {
    const closed = await startS3Peer();
    const connection = closed.connection('gone');
    await closed.close();
    await platform.app.inject({
      method: 'POST',
      url: `${API}/settings/connections`,
      payload: connection,
      headers: owner.headers,
    });
    const response = await get(`${API}/buckets?location=gone`);
    assert.equal(response.statusCode, 502, response.body);
    assert.equal(response.json().error.code, 'storage_unreachable');
  });

  test('every route but the status probe and the notebook kernels shim refuses anonymous requests', async () => {
    const publicRoutes = await assertAnonymousRefused(platform, '/odh-tec/');
    assert.deepEqual(publicRoutes.map((route) => `${route.method} ${route.url}`).sort(), [
      'GET /odh-tec/api',
      'GET /odh-tec/api/kernels',
      'GET /odh-tec/api/terminals',
    ]);
    assert.deepEqual((await platform.app.inject({ url: `${API}` })).json(), { status: 'ok' });
  });

  test("another user cannot browse, change or delete through a user's connection", async () => {
    const stranger = await platform.createUser('browse-stranger');
    await peer.put('models', 'private/secret.txt');
    await assertCrossUserRefused(platform, owner, stranger, {
      read: { method: 'GET', url: `${API}/objects/models/${encodeKey('private/')}?location=peer` },
      attempts: [
        { method: 'GET', url: `${API}/buckets?location=peer` },
        { method: 'GET', url: `${API}/objects/models?location=peer` },
        { method: 'DELETE', url: `${API}/objects/models/${encodeKey('private/secret.txt')}?location=peer` },
        { method: 'DELETE', url: `${API}/objects/models/${encodeKey('private/')}?location=peer` },
        { method: 'POST', url: `${API}/objects/folder/models/${encodeKey('private/planted/')}?location=peer` },
        {
          method: 'POST',
          url: `${API}/vram/model-config`,
          payload: { type: 'object', locationId: 'peer', bucket: 'models', key: 'private/secret.txt' },
        },
      ],
    });
    assert.deepEqual(await keysIn('private/'), ['private/secret.txt']);
  });
});
