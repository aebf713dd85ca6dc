import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { buildTestApp, describeEachEngine, type TestPlatform, type TestUser } from '@platform/testing';
import { odhTecApp } from '../odh-tec.app.ts';
import { type S3Peer, startS3Peer } from '../testing/s3-peer.ts';
import { type LoopbackServer, startForwardProxy, startTarget } from './loopback-stubs.ts';
import { TESTS_PER_MINUTE } from './settings.routes.ts';

const API = '/odh-tec/api';

describeEachEngine('odh-tec proxy test, disclaimer and bookmarks', ({ newDatabaseUrl }) => {
  let platform: TestPlatform;
  let peer: S3Peer;
  let proxy: LoopbackServer;
  let target: LoopbackServer;
  const call = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, user: TestUser, payload?: unknown) =>
    platform.app.inject({ method, url, payload: payload as never, headers: user.headers });

  before(async () => {
    peer = await startS3Peer();
    proxy = await startForwardProxy();
    target = await startTarget();
    platform = await buildTestApp({ apps: [odhTecApp], databaseUrl: await newDatabaseUrl() });
  });
  after(async () => {
    await platform.close();
    await Promise.all([peer.close(), proxy.close(), target.close()]);
  });

  test('the proxy test goes through the proxy unless NO_PROXY names the host, and follows no redirect', async () => {
    const user = await platform.createUser('proxy-tester');
    const viaProxy = await call('POST', `${API}/settings/proxy/test`, user, {
      httpProxy: proxy.url,
      noProxy: 'example.test',
      testUrl: `${target.url}/`,
    });
    assert.equal(viaProxy.statusCode, 200, viaProxy.body);
    assert.deepEqual(
      { ...(viaProxy.json() as object), elapsedMs: 0 },
      { ok: true, status: 200, viaProxy: true, elapsedMs: 0 },
    );
    assert.deepEqual(proxy.seen, [`GET ${target.url}/`]);

    const direct = await call('POST', `${API}/settings/proxy/test`, user, {
      httpProxy: proxy.url,
      noProxy: '127.0.0.1',
      testUrl: `${target.url}/redirect`,
    });
    assert.deepEqual(
      { ...(direct.json() as object), elapsedMs: 0 },
      { ok: true, status: 302, viaProxy: false, elapsedMs: 0 },
    );
    assert.equal(proxy.seen.length, 1, 'NO_PROXY bypassed the proxy');
    assert.deepEqual(target.seen.slice(-1), ['GET /redirect'], 'the redirect was not followed');

    const missing = await call('POST', `${API}/settings/proxy/test`, user, { testUrl: `${target.url}/missing` });
    assert.deepEqual([missing.json().ok, missing.json().status], [false, 404]);
    const refused = await call('POST', `${API}/settings/proxy/test`, user, { testUrl: 'http://127.0.0.1:1/' });
    assert.deepEqual([refused.json().ok, refused.json().status, refused.json().code], [false, null, 'ECONNREFUSED']);

    const alias = await call('POST', `${API}/settings/test-proxy`, user, {
      httpProxy: proxy.url,
      testUrl: `${target.url}/`,
    });
    assert.deepEqual(alias.json(), { message: 'Connection successful' });
    const aliasFailed = await call('POST', `${API}/settings/test-proxy`, user, { testUrl: `${target.url}/missing` });
    assert.deepEqual([aliasFailed.statusCode, aliasFailed.json().error.code], [400, 'connection_test_failed']);
    assert.deepEqual(aliasFailed.json().error.details, { status: 404 });
  });

  test('the proxy test refuses file://, link-local and metadata addresses, and bad proxy URLs', async () => {
    const user = await platform.createUser('proxy-refusals');
    const cases: [Record<string, string>, string][] = [
      [{ testUrl: 'file:///etc/passwd' }, 'url_not_allowed'],
      [{ testUrl: 'http://169.254.169.254/latest/meta-data/' }, 'url_not_allowed'],
      [{ testUrl: 'http://[fe80::1]/' }, 'url_not_allowed'],
      [{ testUrl: 'http://[fd00:ec2::254]/' }, 'url_not_allowed'],
      [{ testUrl: 'http://[::ffff:169.254.169.254]/' }, 'url_not_allowed'],
      [{ testUrl: 'not a url' }, 'url_not_allowed'],
      [{ testUrl: `${target.url}/`, httpProxy: 'socks5://127.0.0.1:1080' }, 'invalid_proxy_url'],
    ];
    for (const [payload, code] of cases) {
      const response = await call('POST', `${API}/settings/proxy/test`, user, payload);
      assert.deepEqual([response.statusCode, response.json().error.code], [400, code], JSON.stringify(payload));
    }
    assert.ok(!target.seen.includes('GET /latest/meta-data/'));
  });

  test(`outbound tests are limited to ${TESTS_PER_MINUTE} per minute and user, all test routes together`, async () => {
    const user = await platform.createUser('proxy-hammer');
    const neighbour = await platform.createUser('proxy-neighbour');
    const routes = [`${API}/settings/proxy/test`, `${API}/settings/test-proxy`];
    for (let attempt = 0; attempt < TESTS_PER_MINUTE; attempt += 1) {
      const response = await call('POST', routes[attempt % 2]!, user, { testUrl: 'file:///x' });
      assert.equal(response.statusCode, 400);
    }
    const limited = await call('POST', `${API}/settings/huggingface/test`, user, {});
    assert.deepEqual([limited.statusCode, limited.json().error.code], [429, 'rate_limited']);
    const other = await call('POST', routes[0]!, neighbour, { testUrl: 'file:///x' });
    assert.equal(other.statusCode, 400, 'another user keeps their own budget');
  });

  test('the disclaimer is accepted per user', async () => {
    const first = await platform.createUser('disclaimer-first');
    const second = await platform.createUser('disclaimer-second', ['viewer']);
    assert.deepEqual((await call('GET', `${API}/disclaimer`, first)).json(), { disclaimer: { status: 'unknown' } });
    const accepted = await call('PUT', `${API}/disclaimer`, second, { status: 'accepted' });
    assert.deepEqual(accepted.json(), { disclaimer: { status: 'accepted' } });
    assert.deepEqual((await call('GET', `${API}/disclaimer`, second)).json(), { disclaimer: { status: 'accepted' } });
    assert.deepEqual((await call('GET', `${API}/disclaimer`, first)).json(), { disclaimer: { status: 'unknown' } });
    const wrong = await call('PUT', `${API}/disclaimer`, first, { status: 'declined' });
    assert.deepEqual([wrong.statusCode, wrong.json().error.code], [400, 'validation_failed']);
  });

  test('bookmarks: PUT checks access, listings mark them, a denied ListBuckets still shows them', async () => {
    const owner = await platform.createUser('bookmark-owner');
    const other = await platform.createUser('bookmark-other');
    await call('POST', `${API}/settings/connections`, owner, peer.connection('marks'));
    await peer.client.send(new CreateBucketCommand({ Bucket: 'team.data' }));

    const missing = await call('PUT', `${API}/buckets/bookmarks/no-such-bucket?location=marks`, owner);
    assert.deepEqual([missing.statusCode, missing.json().error.code], [404, 'bucket_not_found']);
    const invalid = await call('PUT', `${API}/buckets/bookmarks/Bad_Name?location=marks`, owner);
    assert.deepEqual([invalid.statusCode, invalid.json().error.code], [400, 'invalid_bucket_name']);
    const foreign = await call('PUT', `${API}/buckets/bookmarks/team.data?location=marks`, other);
    assert.equal(foreign.statusCode, 404, 'another user cannot bookmark through my connection');

    assert.equal((await call('PUT', `${API}/buckets/bookmarks/team.data?location=marks`, owner)).statusCode, 204);
    assert.equal((await call('PUT', `${API}/buckets/bookmarks/team.data?location=marks`, owner)).statusCode, 204);
    const listed = await call('GET', `${API}/buckets?location=marks`, owner);
    assert.deepEqual(
      listed.json().buckets.map((bucket: { Name: string; bookmarked?: boolean }) => [bucket.Name, bucket.bookmarked]),
      [
        ['models', undefined],
        ['team.data', true],
      ],
    );

    peer.server.setSwitches({ denyListBuckets: true });
    try {
      const denied = await call('GET', `${API}/buckets?location=marks`, owner);
      assert.deepEqual(denied.json(), {
        owner: null,
        defaultBucket: 'models',
        listDenied: true,
        buckets: [{ Name: 'models' }, { Name: 'team.data', bookmarked: true }],
      });
      assert.equal((await call('DELETE', `${API}/buckets/bookmarks/team.data?location=marks`, owner)).statusCode, 204);
      const after = await call('GET', `${API}/buckets?location=marks`, owner);
      assert.deepEqual(after.json().buckets, [{ Name: 'models' }]);
    } finally {
      peer.server.setSwitches({ denyListBuckets: false });
    }
  });
});
