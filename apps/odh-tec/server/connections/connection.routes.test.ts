import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertCrossUserRefused, buildTestApp, describeEachEngine, type TestPlatform } from '@platform/testing';
import { sql } from 'drizzle-orm';
import { odhTecApp } from '../odh-tec.app.ts';
import { PEER_SECRET, type S3Peer, startS3Peer } from '../testing/s3-peer.ts';

const BASE = '/odh-tec/api/settings/connections';

describeEachEngine('odh-tec S3 connections', ({ newDatabaseUrl }) => {
  let platform: TestPlatform;
  let peer: S3Peer;

  before(async () => {
    peer = await startS3Peer();
    platform = await buildTestApp({ apps: [odhTecApp], databaseUrl: await newDatabaseUrl() });
  });
  after(async () => {
    await platform.close();
    await peer.close();
  });

  test('create, list, get, update and delete; the secret is never returned and never audited', async () => {
    const owner = await platform.createUser('conn-owner');
    const responses: string[] = [];
    const call = async (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown) => {
      const response = await platform.app.inject({ method, url, payload: payload as never, headers: owner.headers });
      responses.push(response.body);
      return response;
    };

    const created = await call('POST', BASE, peer.connection('minio', { region: 'eu-west-1' }));
    assert.equal(created.statusCode, 201, created.body);
    assert.equal(created.json().secretAccessKey, `****${PEER_SECRET.slice(-4)}`);
    assert.equal(created.json().region, 'eu-west-1');
    assert.equal(created.json().version, 1);

    const listed = await call('GET', BASE);
    assert.deepEqual(
      listed.json().items.map((item: { id: string }) => item.id),
      ['minio'],
    );
    const read = await call('GET', `${BASE}/minio`);
    assert.equal(read.statusCode, 200);
    assert.equal(read.json().endpoint, peer.server.url);

    // The masked value sent back keeps the stored secret (spec acceptance 15): the saved connection still works.
    const { id: _id, ...settings } = peer.connection('minio', { name: 'Renamed' });
    const updated = await call('PUT', `${BASE}/minio`, {
      ...settings,
      secretAccessKey: read.json().secretAccessKey,
      version: 1,
    });
    assert.equal(updated.statusCode, 200, updated.body);
    assert.equal(updated.json().name, 'Renamed');
    assert.equal(updated.json().version, 2);
    const tested = await call('POST', `${BASE}/minio/test`);
    assert.deepEqual(tested.json().ok, true, tested.body);
    assert.equal(tested.json().listBuckets, true);

    const stale = await call('PUT', `${BASE}/minio`, { ...settings, version: 1 });
    assert.equal(stale.statusCode, 409);
    assert.equal(stale.json().error.code, 'version_conflict');

    const duplicate = await call('POST', BASE, peer.connection('minio'));
    assert.equal(duplicate.statusCode, 409);
    assert.equal(duplicate.json().error.code, 'connection_exists');

    const deleted = await call('DELETE', `${BASE}/minio`);
    assert.equal(deleted.statusCode, 204);
    assert.equal((await call('GET', `${BASE}/minio`)).statusCode, 404);

    for (const body of responses) assert.ok(!body.includes(PEER_SECRET), `a response carried the secret: ${body}`);
    const audit = await platform.kernel.audit.repository.list({ target: 'minio', limit: 50 });
    assert.deepEqual(audit.map((entry) => entry.action).sort(), [
      'odh-tec.connection.create',
      'odh-tec.connection.delete',
      'odh-tec.connection.update',
    ]);
    const auditText = JSON.stringify(audit);
    assert.ok(!auditText.includes(PEER_SECRET) && !auditText.includes(PEER_SECRET.slice(-4)), auditText);
  });

  test('the secret is stored encrypted and a new one replaces it', async () => {
    const owner = await platform.createUser('conn-rotator');
    await platform.app.inject({
      method: 'POST',
      url: BASE,
      payload: peer.connection('rotating'),
      headers: owner.headers,
    });
    const { id: _id, ...settings } = peer.connection('rotating');
    const changed = await platform.app.inject({
      method: 'PUT',
      url: `${BASE}/rotating`,
      payload: { ...settings, secretAccessKey: 'a-wrong-secret-0000', version: 1 },
      headers: owner.headers,
    });
    assert.equal(changed.json().secretAccessKey, '****0000');
    const rows = await platform.database.rows<{ secret_access_key_enc: string }>(
      sql`select secret_access_key_enc from "odh-tec".s3_connections where id = 'rotating'`,
    );
    assert.ok(!rows[0]!.secret_access_key_enc.includes('a-wrong-secret'));
    assert.equal(platform.kernel.secrets.decrypt(rows[0]!.secret_access_key_enc).toString(), 'a-wrong-secret-0000');
    const tested = await platform.app.inject({ method: 'POST', url: `${BASE}/rotating/test`, headers: owner.headers });
    assert.equal(tested.json().ok, false);
    assert.equal(tested.json().code, 'SignatureDoesNotMatch');
  });

  test('unsaved settings can be tested', async () => {
    const owner = await platform.createUser('conn-tester');
    const { id: _id, ...settings } = peer.connection('unsaved');
    const good = await platform.app.inject({
      method: 'POST',
      url: `${BASE}/test`,
      payload: settings,
      headers: owner.headers,
    });
    assert.equal(good.json().ok, true, good.body);
    const wrongKey = await platform.app.inject({
      method: 'POST',
      url: `${BASE}/test`,
      payload: { ...settings, accessKeyId: 'nobody' },
      headers: owner.headers,
    });
    assert.deepEqual({ ok: wrongKey.json().ok, code: wrongKey.json().code }, { ok: false, code: 'InvalidAccessKeyId' });
  });

  test('bad input answers 400 with the error shape', async () => {
    const owner = await platform.createUser('conn-bad-input');
    const cases: [Record<string, unknown>, string][] = [
      [peer.connection('Not A Slug'), 'validation_failed'],
      [peer.connection('embedded'), 'validation_failed'],
      [peer.connection('local-0'), 'validation_failed'],
      [peer.connection('ftp', { endpoint: 'ftp://example.test' }), 'validation_failed'],
      [peer.connection('no-secret', { secretAccessKey: '' }), 'validation_failed'],
      [peer.connection('long-name', { name: 'x'.repeat(201) }), 'validation_failed'],
      [peer.connection('bad-bucket', { defaultBucket: 'Bad_Bucket' }), 'invalid_bucket_name'],
      [peer.connection('bad-mode', { checksumMode: 'always' }), 'validation_failed'],
    ];
    for (const [payload, code] of cases) {
      const response = await platform.app.inject({
        method: 'POST',
        url: BASE,
        payload: payload as never,
        headers: owner.headers,
      });
      assert.equal(response.statusCode, 400, `${JSON.stringify(payload)} → ${response.statusCode}`);
      assert.equal(response.json().error.code, code, response.body);
    }
    const listed = await platform.app.inject({ url: BASE, headers: owner.headers });
    assert.deepEqual(listed.json().items, []);
  });

  test("another user can neither see nor touch a user's connection", async () => {
    const owner = await platform.createUser('conn-private');
    const stranger = await platform.createUser('conn-stranger');
    await platform.app.inject({
      method: 'POST',
      url: BASE,
      payload: peer.connection('private'),
      headers: owner.headers,
    });
    const { id: _id, ...settings } = peer.connection('private', { name: 'Hijacked' });
    await assertCrossUserRefused(platform, owner, stranger, {
      read: { method: 'GET', url: `${BASE}/private` },
      attempts: [
        { method: 'PUT', url: `${BASE}/private`, payload: { ...settings, version: 1 } },
        { method: 'POST', url: `${BASE}/private/test` },
        { method: 'DELETE', url: `${BASE}/private` },
      ],
    });
    const strangerList = await platform.app.inject({ url: BASE, headers: stranger.headers });
    assert.deepEqual(strangerList.json().items, []);
    const missing = await platform.app.inject({ url: `${BASE}/never-created`, headers: stranger.headers });
    const foreign = await platform.app.inject({ url: `${BASE}/private`, headers: stranger.headers });
    assert.deepEqual(foreign.json(), missing.json(), 'a foreign id looks exactly like a missing one');
  });
});
