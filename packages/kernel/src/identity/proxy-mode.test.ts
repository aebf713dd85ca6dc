import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { baseUrl, buildTestApp, describeEachEngine, type TestPlatform } from '@platform/testing';

/** A JSON body read from a real HTTP response. */
// biome-ignore lint/suspicious/noExplicitAny: test assertions read arbitrary fields.
type Json = Record<string, any>;

// What OpenShift's oauth-proxy sends in front of the platform.
const forwarded = { 'x-forwarded-user': 'oauth-ops', 'x-forwarded-email': 'Ops@Example.test' };

describeEachEngine('external sign-in modes', ({ newDatabaseUrl }) => {
  describe('AUTH_MODE=proxy', () => {
    let trusting: TestPlatform;
    let distrusting: TestPlatform;

    before(async () => {
      trusting = await buildTestApp({
        databaseUrl: await newDatabaseUrl(),
        listen: true,
        env: { AUTH_MODE: 'proxy', TRUSTED_PROXIES: '127.0.0.1' },
      });
      // 10.9.9.0/24 is only a configuration value here: no traffic goes there.
      distrusting = await buildTestApp({
        databaseUrl: await newDatabaseUrl(),
        listen: true,
        env: { AUTH_MODE: 'proxy', TRUSTED_PROXIES: '10.9.9.0/24' },
      });
    });
    after(async () => {
      await trusting?.close();
      await distrusting?.close();
    });

    test('forwarded identity over real HTTP from a trusted proxy address signs the user in', async () => {
      const first = await fetch(`${baseUrl(trusting)}/auth/me`, { headers: forwarded });
      assert.equal(first.status, 200);
      const user = (await first.json()) as Json;
      assert.equal(user.email, 'Ops@Example.test');
      assert.equal(user.displayName, 'oauth-ops');
      assert.equal(user.via, 'proxy');
      assert.equal(user.isAdmin, false);
      const again = (await (await fetch(`${baseUrl(trusting)}/auth/me`, { headers: forwarded })).json()) as Json;
      assert.equal(again.id, user.id, 'the same forwarded user maps to the same account');
    });

    test('a forwarded e-mail finds the existing account whatever its letter case', async () => {
      const lead = await trusting.kernel.identity.createUser({
        username: 'lead',
        email: 'lead@example.test',
        roles: ['admin'],
      });
      const response = await trusting.app.inject({
        url: '/auth/me',
        remoteAddress: '127.0.0.1',
        headers: { 'x-forwarded-user': 'team-lead', 'x-forwarded-email': 'Lead@Example.TEST' },
      });
      assert.equal(response.statusCode, 200);
      assert.equal(response.json().id, lead.id);
      assert.equal(response.json().isAdmin, true);
    });

    test('the same headers over real HTTP from an address that is not a trusted proxy are ignored', async () => {
      const response = await fetch(`${baseUrl(distrusting)}/auth/me`, { headers: forwarded });
      assert.equal(response.status, 401);
      assert.equal(((await response.json()) as Json).error.code, 'unauthorized');
    });

    test('only addresses on the list (CIDR ranges included) are believed', async () => {
      const me = (platform: TestPlatform, remoteAddress: string, headers: Record<string, string> = forwarded) =>
        platform.app.inject({ url: '/auth/me', remoteAddress, headers });
      assert.equal((await me(distrusting, '10.9.9.4')).statusCode, 200);
      assert.equal((await me(distrusting, '10.9.10.4')).statusCode, 401);
      assert.equal((await me(trusting, '203.0.113.9')).statusCode, 401);
      assert.equal((await me(trusting, '::ffff:127.0.0.1')).statusCode, 200, 'IPv4-mapped IPv6 is the same address');
      // A forged X-Forwarded-For cannot launder an untrusted peer into a trusted one.
      assert.equal(
        (await me(trusting, '203.0.113.9', { ...forwarded, 'x-forwarded-for': '127.0.0.1' })).statusCode,
        401,
      );
    });

    test('a trusted proxy without forwarded identity gets no session, and password sign-in is off', async () => {
      assert.equal((await trusting.app.inject({ url: '/auth/me', remoteAddress: '127.0.0.1' })).statusCode, 401);
      const login = await trusting.app.inject({
        method: 'POST',
        url: '/auth/login',
        payload: { username: 'admin', password: 'whatever-password' },
      });
      assert.equal(login.statusCode, 400);
      assert.equal(login.json().error.code, 'local_login_disabled');
    });
  });

  describe('AUTH_MODE=none', () => {
    let workbench: TestPlatform;

    before(async () => {
      workbench = await buildTestApp({ databaseUrl: await newDatabaseUrl(), listen: true, env: { AUTH_MODE: 'none' } });
    });
    after(() => workbench?.close());

    test('signs everyone in as the local admin, over HTTP and from any address', async () => {
      const response = await fetch(`${baseUrl(workbench)}/auth/me`);
      assert.equal(response.status, 200);
      const user = (await response.json()) as Json;
      assert.equal(user.username, 'admin');
      assert.equal(user.isAdmin, true);
      assert.equal(user.via, 'none');
      const elsewhere = await workbench.app.inject({ url: '/auth/me', remoteAddress: '198.51.100.7' });
      assert.equal(elsewhere.json().id, user.id);
      const users = await fetch(`${baseUrl(workbench)}/platform/api/users`);
      assert.equal(users.status, 200, 'the workbench user may administer the platform');
    });
  });
});
