import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import {
  assertAnonymousRefused,
  buildTestApp,
  describeEachEngine,
  restartOn,
  type TestPlatform,
  type TestUser,
} from '@platform/testing';
import { odhTecApp } from '../odh-tec.app.ts';
import { PEER_ACCESS_KEY, PEER_SECRET, type S3Peer, startS3Peer } from '../testing/s3-peer.ts';
import { type LoopbackServer, startWhoamiStub } from './loopback-stubs.ts';
import { SETTINGS_CHANGED_SUBJECT, SettingsService } from './settings.service.ts';

const API = '/odh-tec/api';
const HF_TOKEN = 'tok-settings-Secret-9f3K';
const HF_TOKEN_2 = 'tok-rotated-Secret-77Qz';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

describeEachEngine('odh-tec settings', ({ newDatabaseUrl }) => {
  let platform: TestPlatform;
  let peer: S3Peer;
  let hub: LoopbackServer;
  let admin: TestUser;
  let viewer: TestUser;
  const logs: string[] = [];
  const responses: string[] = [];
  const call = async (method: Method, url: string, payload?: unknown, user: TestUser = admin) => {
    const response = await platform.app.inject({ method, url, payload: payload as never, headers: user.headers });
    responses.push(response.body);
    return response;
  };

  before(async () => {
    peer = await startS3Peer();
    hub = await startWhoamiStub(HF_TOKEN);
    platform = await buildTestApp({
      apps: [odhTecApp],
      databaseUrl: await newDatabaseUrl(),
      logStream: new Writable({
        write(chunk, _encoding, done) {
          logs.push(String(chunk));
          done();
        },
      }),
      env: {
        AWS_S3_ENDPOINT: peer.server.url,
        AWS_ACCESS_KEY_ID: PEER_ACCESS_KEY,
        AWS_SECRET_ACCESS_KEY: PEER_SECRET,
        AWS_S3_BUCKET: 'models',
        HF_ENDPOINT: `${hub.url}/`,
        MAX_CONCURRENT_TRANSFERS: '3',
        MAX_FILES_PER_PAGE: '5000',
        https_proxy: 'http://proxy.example.test:3128',
        NO_PROXY: 'localhost,.svc',
      },
    });
    admin = await platform.createUser('settings-admin');
    viewer = await platform.createUser('settings-viewer', ['viewer']);
  });
  after(async () => {
    await platform.close();
    await peer.close();
    await hub.close();
  });

  test('initial values come from the environment (an out-of-range value falls back to the default)', async () => {
    const response = await call('GET', `${API}/settings`, undefined, viewer);
    assert.equal(response.statusCode, 200, response.body);
    assert.deepEqual(response.json(), {
      connections: [],
      huggingface: { tokenSet: false, tokenHint: '', endpoint: hub.url },
      maxConcurrentTransfers: 3,
      maxFilesPerPage: 100,
      proxy: { httpProxy: '', httpsProxy: 'http://proxy.example.test:3128', noProxy: 'localhost,.svc' },
      defaultLocationId: 'default',
    });
  });

  test('the Hub token is write-only: masked, kept by the mask, replaced, cleared by ""; never logged or audited', async () => {
    assert.equal((await call('PUT', `${API}/settings/huggingface/token`, { hfToken: HF_TOKEN })).statusCode, 204);
    const masked = `****${HF_TOKEN.slice(-4)}`;
    assert.deepEqual((await call('GET', `${API}/settings`)).json().huggingface, {
      tokenSet: true,
      tokenHint: HF_TOKEN.slice(-4),
      endpoint: hub.url,
    });
    assert.deepEqual((await call('GET', `${API}/settings/huggingface`)).json(), { settings: { hfToken: masked } });

    // The mask sent back keeps the token: the saved one still passes whoami.
    assert.equal((await call('PUT', `${API}/settings/huggingface/token`, { hfToken: masked })).statusCode, 204);
    const tested = await call('POST', `${API}/settings/huggingface/test`, {});
    assert.deepEqual(tested.json(), { ok: true, accessTokenDisplayName: 'stub-read', role: 'read' });
    assert.equal(hub.seen.at(-1), `GET /api/whoami-v2 Bearer ${HF_TOKEN}`);

    const upstream = await call('PUT', `${API}/settings/huggingface`, { hfToken: HF_TOKEN_2 });
    assert.deepEqual(upstream.json(), { message: 'Settings updated successfully' });
    assert.equal((await call('GET', `${API}/settings`)).json().huggingface.tokenHint, HF_TOKEN_2.slice(-4));

    assert.equal((await call('PUT', `${API}/settings/huggingface/token`, { hfToken: '' })).statusCode, 204);
    assert.deepEqual((await call('GET', `${API}/settings/huggingface`)).json(), { settings: { hfToken: '' } });
    await call('PUT', `${API}/settings/huggingface/token`, { hfToken: HF_TOKEN });
    assert.equal((await call('DELETE', `${API}/settings/huggingface/token`)).statusCode, 204);
    assert.equal((await call('GET', `${API}/settings`)).json().huggingface.tokenSet, false);

    const audit = await platform.kernel.audit.repository.list({ target: 'hf_token', limit: 20 });
    assert.deepEqual(audit.map((entry) => entry.action).sort(), [
      'odh-tec.hf_token.clear',
      'odh-tec.hf_token.clear',
      'odh-tec.hf_token.set',
      'odh-tec.hf_token.set',
      'odh-tec.hf_token.set',
    ]);
    const leaks = [...responses, ...logs, JSON.stringify(audit)].filter(
      (text) => text.includes(HF_TOKEN) || text.includes(HF_TOKEN_2),
    );
    assert.deepEqual(leaks, [], 'a response, log line or audit entry carried the token');
    assert.ok(logs.length > 0, 'logs were captured');
  });

  test('the Hub test: a wrong token is 400 hf_invalid_token; the alias answers upstream shapes', async () => {
    const wrong = await call('POST', `${API}/settings/huggingface/test`, { hfToken: 'tok-wrong-0000' });
    assert.deepEqual([wrong.statusCode, wrong.json().error.code], [400, 'hf_invalid_token']);
    const good = await call('POST', `${API}/settings/test-huggingface`, { hfToken: HF_TOKEN });
    assert.deepEqual(good.json(), { message: 'Connection successful', accessTokenDisplayName: 'stub-read' });
    const failed = await call('POST', `${API}/settings/test-huggingface`, { hfToken: 'tok-wrong-0000' });
    assert.deepEqual([failed.statusCode, failed.json().error.code], [400, 'connection_test_failed']);
    assert.deepEqual(failed.json().error.details, { hfCode: 'hf_invalid_token' });
  });

  test('PATCH validates ranges and proxy URLs, persists, audits and announces the change on the bus', async () => {
    for (const payload of [
      { maxConcurrentTransfers: 0 },
      { maxConcurrentTransfers: 33 },
      { maxFilesPerPage: 9 },
      { maxFilesPerPage: 1001 },
      { maxConcurrentTransfers: 2.5 },
      { defaultLocationId: 'Not A Location' },
    ]) {
      const response = await call('PATCH', `${API}/settings`, payload);
      assert.deepEqual(
        [response.statusCode, response.json().error?.code],
        [400, 'validation_failed'],
        JSON.stringify(payload),
      );
    }
    for (const httpProxy of ['socks5://127.0.0.1:1080', 'not a url', 'file:///etc/passwd']) {
      const response = await call('PATCH', `${API}/settings`, { proxy: { httpProxy } });
      assert.deepEqual([response.statusCode, response.json().error.code], [400, 'invalid_proxy_url'], httpProxy);
    }

    // Another process: its own service instance learns about the change from the bus only.
    const otherProcess = new SettingsService(platform.kernel);
    await otherProcess.ready();
    const applied = new Promise<number>((resolve) =>
      otherProcess.onChange((now) => resolve(now.maxConcurrentTransfers)),
    );
    const announced = new Promise<unknown>((resolve) => {
      const subscription = platform.kernel.bus.subscribe(SETTINGS_CHANGED_SUBJECT, (message) => {
        subscription.unsubscribe();
        resolve(message.data);
      });
    });
    const patched = await call('PATCH', `${API}/settings`, {
      maxConcurrentTransfers: 7,
      maxFilesPerPage: 250,
      proxy: { httpProxy: 'http://user:pa55-proxy@127.0.0.1:3128', noProxy: '127.0.0.1' },
    });
    assert.equal(patched.statusCode, 200, patched.body);
    assert.deepEqual(
      { ...(patched.json() as object), connections: undefined, huggingface: undefined },
      {
        connections: undefined,
        huggingface: undefined,
        maxConcurrentTransfers: 7,
        maxFilesPerPage: 250,
        proxy: {
          httpProxy: 'http://user:****@127.0.0.1:3128/',
          httpsProxy: 'http://proxy.example.test:3128',
          noProxy: '127.0.0.1',
        },
        defaultLocationId: 'default',
      },
    );
    assert.deepEqual(await announced, { keys: ['maxConcurrentTransfers', 'maxFilesPerPage', 'proxy'] });
    assert.equal(await applied, 7);
    assert.equal(otherProcess.maxConcurrentTransfers(), 7);
    otherProcess.close();

    // The masked proxy password sent back keeps the stored one.
    await call('PATCH', `${API}/settings`, { proxy: { httpProxy: 'http://user:****@127.0.0.1:3128/' } });
    const service = new SettingsService(platform.kernel);
    await service.reload();
    assert.equal(service.get().proxy.httpProxy, 'http://user:pa55-proxy@127.0.0.1:3128/');

    const audit = await platform.kernel.audit.repository.list({ target: 'global', limit: 20 });
    assert.ok(audit.some((entry) => entry.action === 'odh-tec.settings.update'));
    assert.ok(!JSON.stringify(audit).includes('pa55-proxy'), 'the proxy password reached the audit log');
    assert.ok(!responses.some((body) => body.includes('pa55-proxy')), 'a response carried the proxy password');
  });

  test('defaultLocationId is persisted and used by /api/locations; null returns to the rule', async () => {
    const chosen = await call('PATCH', `${API}/settings`, { defaultLocationId: 'embedded' });
    assert.equal(chosen.json().defaultLocationId, 'embedded');
    assert.equal((await call('GET', `${API}/locations`)).json().defaultLocationId, 'embedded');
    const reset = await call('PATCH', `${API}/settings`, { defaultLocationId: null });
    assert.equal(reset.json().defaultLocationId, 'default');
  });

  test('v2.1.1 aliases: numbers and proxy with upstream bodies', async () => {
    assert.deepEqual(
      (await call('PUT', `${API}/settings/max-concurrent-transfers`, { maxConcurrentTransfers: 4 })).json(),
      { message: 'Settings updated successfully' },
    );
    assert.deepEqual((await call('GET', `${API}/settings/max-concurrent-transfers`, undefined, viewer)).json(), {
      maxConcurrentTransfers: 4,
    });
    const outOfRange = await call('PUT', `${API}/settings/max-concurrent-transfers`, { maxConcurrentTransfers: 64 });
    assert.deepEqual([outOfRange.statusCode, outOfRange.json().error.code], [400, 'validation_failed']);
    await call('PUT', `${API}/settings/max-files-per-page`, { maxFilesPerPage: 500 });
    assert.deepEqual((await call('GET', `${API}/settings/max-files-per-page`)).json(), { maxFilesPerPage: 500 });
    await call('PUT', `${API}/settings/proxy`, { httpProxy: '', httpsProxy: 'https://secure-proxy.test:8443' });
    assert.deepEqual((await call('GET', `${API}/settings/proxy`)).json(), {
      settings: { httpProxy: '', httpsProxy: 'https://secure-proxy.test:8443', noProxy: '127.0.0.1' },
    });
    const badProxy = await call('PUT', `${API}/settings/proxy`, { httpProxy: 'ftp://x' });
    assert.deepEqual([badProxy.statusCode, badProxy.json().error.code], [400, 'invalid_proxy_url']);
  });

  test('v2.1.1 /s3 maps to the connection `default`: env values masked, PUT writes a DB connection, test-s3', async () => {
    const fromEnv = await call('GET', `${API}/settings/s3`);
    assert.deepEqual(fromEnv.json(), {
      settings: {
        accessKeyId: PEER_ACCESS_KEY,
        secretAccessKey: `****${PEER_SECRET.slice(-4)}`,
        region: 'us-east-1',
        endpoint: peer.server.url,
        defaultBucket: 'models',
      },
    });
    const body = { ...fromEnv.json().settings, region: 'eu-west-1' };
    assert.deepEqual((await call('POST', `${API}/settings/test-s3`, body)).json(), {
      message: 'Connection successful',
    });
    // The masked env secret becomes the saved secret of the DB connection `default`.
    assert.deepEqual((await call('PUT', `${API}/settings/s3`, body)).json(), {
      message: 'Settings updated successfully',
    });
    const saved = await call('GET', `${API}/settings/connections/default`);
    assert.equal(saved.statusCode, 200, saved.body);
    assert.deepEqual(
      [saved.json().region, saved.json().secretAccessKey],
      ['eu-west-1', `****${PEER_SECRET.slice(-4)}`],
    );
    assert.equal((await call('POST', `${API}/settings/connections/default/test`)).json().ok, true);

    const wrong = await call('POST', `${API}/settings/test-s3`, { ...body, secretAccessKey: 'a-wrong-secret-0000' });
    assert.deepEqual([wrong.statusCode, wrong.json().error.code], [400, 'connection_test_failed']);
    assert.deepEqual(wrong.json().error.details, { s3Code: 'SignatureDoesNotMatch' });

    // Another user cannot overwrite somebody's `default` connection.
    const other = await platform.createUser('settings-other-admin');
    const refused = await call('PUT', `${API}/settings/s3`, body, other);
    assert.deepEqual([refused.statusCode, refused.json().error.code], [409, 'connection_exists']);

    const updated = await call('PUT', `${API}/settings/s3`, { ...body, defaultBucket: 'models', region: 'us-east-2' });
    assert.equal(updated.statusCode, 200);
    assert.equal((await call('GET', `${API}/settings/s3`)).json().settings.region, 'us-east-2');
    assert.ok(!responses.some((text) => text.includes(PEER_SECRET)), 'a response carried the S3 secret');
    assert.ok(!logs.some((line) => line.includes(PEER_SECRET)), 'a log line carried the S3 secret');
    await call('DELETE', `${API}/settings/connections/default`);
  });

  test('a viewer reads settings but every change is refused with 403', async () => {
    assert.equal((await call('GET', `${API}/settings`, undefined, viewer)).statusCode, 200);
    const changes: [Method, string, unknown][] = [
      ['PATCH', `${API}/settings`, { maxConcurrentTransfers: 5 }],
      ['PUT', `${API}/settings/huggingface/token`, { hfToken: 'tok-viewer-0000' }],
      ['DELETE', `${API}/settings/huggingface/token`, undefined],
      ['POST', `${API}/settings/huggingface/test`, {}],
      ['POST', `${API}/settings/proxy/test`, { testUrl: 'http://127.0.0.1/' }],
      ['PUT', `${API}/settings/s3`, { accessKeyId: 'x', endpoint: 'http://127.0.0.1:1' }],
      ['POST', `${API}/settings/test-s3`, { accessKeyId: 'x', endpoint: 'http://127.0.0.1:1' }],
      ['PUT', `${API}/settings/huggingface`, { hfToken: '' }],
      ['POST', `${API}/settings/test-huggingface`, {}],
      ['PUT', `${API}/settings/max-concurrent-transfers`, { maxConcurrentTransfers: 5 }],
      ['PUT', `${API}/settings/max-files-per-page`, { maxFilesPerPage: 50 }],
      ['PUT', `${API}/settings/proxy`, { httpProxy: '' }],
      ['POST', `${API}/settings/test-proxy`, { testUrl: 'http://127.0.0.1/' }],
    ];
    for (const [method, url, payload] of changes) {
      const response = await call(method, url, payload, viewer);
      assert.equal(response.statusCode, 403, `${method} ${url} by a viewer → ${response.statusCode}`);
    }
    assert.equal((await call('GET', `${API}/settings`)).json().maxConcurrentTransfers, 4);
  });

  test('anonymous requests are refused on every settings, disclaimer and bookmark route', async () => {
    for (const prefix of [`${API}/settings`, `${API}/disclaimer`, `${API}/buckets/bookmarks`]) {
      assert.deepEqual(await assertAnonymousRefused(platform, prefix), [], `${prefix} has public routes`);
    }
  });

  test('settings, the token and connections survive a restart', async () => {
    await call('PATCH', `${API}/settings`, { maxFilesPerPage: 321, defaultLocationId: 'embedded' });
    await call('PUT', `${API}/settings/huggingface/token`, { hfToken: HF_TOKEN });
    await call('POST', `${API}/settings/connections`, peer.connection('kept-peer'));
    const restarted = await restartOn(platform, [odhTecApp]);
    try {
      const read = await restarted.app.inject({ url: `${API}/settings`, headers: admin.headers });
      assert.equal(read.statusCode, 200, read.body);
      assert.equal(read.json().maxFilesPerPage, 321);
      assert.equal(read.json().maxConcurrentTransfers, 4);
      assert.equal(read.json().defaultLocationId, 'embedded');
      assert.deepEqual(
        read.json().connections.map((connection: { id: string }) => connection.id),
        ['kept-peer'],
      );
      assert.equal(read.json().connections[0].secretAccessKey, `****${PEER_SECRET.slice(-4)}`);
      const tested = await restarted.app.inject({
        method: 'POST',
        url: `${API}/settings/huggingface/test`,
        payload: {},
        headers: admin.headers,
      });
      assert.deepEqual(tested.json(), { ok: true, accessTokenDisplayName: 'stub-read', role: 'read' });
    } finally {
      await restarted.close();
    }
  });
});
