import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { buildTestApp, describeEachEngine, type TestPlatform, type TestUser } from '@platform/testing';
import { sql } from 'drizzle-orm';
import { sha256Hex } from './secret-token.ts';

describeEachEngine('identity', ({ newDatabaseUrl }) => {
  let platform: TestPlatform;
  let admin: TestUser;

  before(async () => {
    platform = await buildTestApp({ databaseUrl: await newDatabaseUrl() });
    admin = await platform.createUser('root', ['admin']);
  });
  after(() => platform.close());

  const login = (username: string, password: string, ip = '127.0.0.1') =>
    platform.app.inject({ method: 'POST', url: '/auth/login', payload: { username, password }, remoteAddress: ip });

  test('a wrong password answers 401, and repeated failures are rate limited with Retry-After', async () => {
    await platform.kernel.identity.createUser({ username: 'alice', password: 'correct-horse', roles: ['user'] });
    const wrong = await login('alice', 'nope', '10.0.0.7');
    assert.equal(wrong.statusCode, 401);
    assert.equal(wrong.json().error.code, 'invalid_credentials');
    for (let attempt = 0; attempt < 4; attempt++)
      assert.equal((await login('alice', 'nope', '10.0.0.7')).statusCode, 401);
    const limited = await login('alice', 'correct-horse', '10.0.0.7');
    assert.equal(limited.statusCode, 429);
    assert.equal(limited.json().error.code, 'rate_limited');
    assert.ok(Number(limited.headers['retry-after']) > 0);
    // Another address is not locked out by someone else's guessing.
    assert.equal((await login('alice', 'correct-horse', '10.0.0.8')).statusCode, 200);
  });

  test('sign-in sets an HttpOnly SameSite=Lax session cookie that /auth/me accepts; logout ends it', async () => {
    await platform.kernel.identity.createUser({ username: 'bob', password: 'bob-password', roles: ['user'] });
    const response = await login('bob', 'bob-password');
    assert.equal(response.statusCode, 200);
    const setCookie = String(response.headers['set-cookie']);
    assert.match(setCookie, /platform_session=/);
    assert.match(setCookie, /HttpOnly/);
    assert.match(setCookie, /SameSite=Lax/);
    const cookie = setCookie.split(';')[0]!;
    const me = await platform.app.inject({ url: '/auth/me', headers: { cookie } });
    assert.equal(me.json().username, 'bob');
    assert.equal(me.json().isAdmin, false);
    await platform.app.inject({ method: 'POST', url: '/auth/logout', headers: { cookie } });
    assert.equal((await platform.app.inject({ url: '/auth/me', headers: { cookie } })).statusCode, 401);
  });

  test('deactivation and role changes take effect on the next request', async () => {
    const carol = await platform.createUser('carol');
    const users = () => platform.app.inject({ url: '/platform/api/users', headers: carol.headers });
    assert.equal((await users()).statusCode, 403);
    const promote = await platform.app.inject({
      method: 'PATCH',
      url: `/platform/api/users/${carol.id}`,
      headers: admin.headers,
      payload: { roles: ['admin'] },
    });
    assert.equal(promote.statusCode, 200);
    assert.equal((await users()).statusCode, 200);
    await platform.app.inject({
      method: 'PATCH',
      url: `/platform/api/users/${carol.id}`,
      headers: admin.headers,
      payload: { roles: ['user'] },
    });
    assert.equal((await users()).statusCode, 403);
    await platform.app.inject({
      method: 'PATCH',
      url: `/platform/api/users/${carol.id}`,
      headers: admin.headers,
      payload: { active: false },
    });
    assert.equal((await platform.app.inject({ url: '/auth/me', headers: carol.headers })).statusCode, 401);
  });

  test('API tokens are shown once, stored only as hashes, scoped, expiring and revocable', async () => {
    const dave = await platform.createUser('dave');
    const created = await platform.app.inject({
      method: 'POST',
      url: '/auth/tokens',
      headers: dave.headers,
      payload: { name: 'ci', scopes: ['platform:jobs:read'], expiresInDays: 1 },
    });
    assert.equal(created.statusCode, 201);
    const { token, item } = created.json();
    assert.match(token, /^plt_/);
    const listed = await platform.app.inject({ url: '/auth/tokens', headers: dave.headers });
    assert.ok(!listed.body.includes(token), 'the token is never shown again');
    const rows = await platform.database.rows<Record<string, unknown>>(
      sql`select * from kernel.api_tokens where id = ${item.id}`,
    );
    assert.equal(rows[0]!.token_hash, sha256Hex(token));
    assert.ok(!JSON.stringify(rows).includes(token), 'the token itself is not stored');

    const bearer = { authorization: `Bearer ${token}` };
    assert.equal((await platform.app.inject({ url: '/platform/api/jobs', headers: bearer })).statusCode, 200);
    const outOfScope = await platform.app.inject({
      method: 'POST',
      url: '/auth/tokens',
      headers: bearer,
      payload: { name: 'x', scopes: ['platform:jobs:read'] },
    });
    assert.equal(outOfScope.statusCode, 403, 'a token cannot do what its scopes do not cover');

    await platform.database.rows(
      sql`update kernel.api_tokens set expires_at = now() - interval '1 second' where id = ${item.id}`,
    );
    assert.equal((await platform.app.inject({ url: '/platform/api/jobs', headers: bearer })).statusCode, 401);

    const second = (
      await platform.app.inject({
        method: 'POST',
        url: '/auth/tokens',
        headers: dave.headers,
        payload: { name: 'b', scopes: ['platform:jobs:read'] },
      })
    ).json();
    const revoke = await platform.app.inject({
      method: 'DELETE',
      url: `/auth/tokens/${second.item.id}`,
      headers: dave.headers,
    });
    assert.equal(revoke.statusCode, 204);
    assert.equal(
      (await platform.app.inject({ url: '/platform/api/jobs', headers: { authorization: `Bearer ${second.token}` } }))
        .statusCode,
      401,
    );

    const tooWide = await platform.app.inject({
      method: 'POST',
      url: '/auth/tokens',
      headers: dave.headers,
      payload: { name: 'w', scopes: ['platform:admin:manage'] },
    });
    assert.equal(tooWide.statusCode, 400);
    assert.equal(tooWide.json().error.code, 'scope_not_allowed');
  });

  test('a stranger cannot revoke or see another user’s token', async () => {
    const erin = await platform.createUser('erin');
    const frank = await platform.createUser('frank');
    const { item } = (
      await platform.app.inject({
        method: 'POST',
        url: '/auth/tokens',
        headers: erin.headers,
        payload: { name: 'e', scopes: ['platform:jobs:read'] },
      })
    ).json();
    assert.equal(
      (await platform.app.inject({ method: 'DELETE', url: `/auth/tokens/${item.id}`, headers: frank.headers }))
        .statusCode,
      404,
    );
    const frankTokens = (await platform.app.inject({ url: '/auth/tokens', headers: frank.headers })).json();
    assert.equal(frankTokens.items.length, 0);
    const erinTokens = (await platform.app.inject({ url: '/auth/tokens', headers: erin.headers })).json();
    assert.equal(erinTokens.items.length, 1);
  });

  test('the first-start sign-in link works exactly once', async () => {
    const fresh = await buildTestApp({ databaseUrl: await newDatabaseUrl() });
    try {
      const link = await fresh.kernel.identity.ensureFirstAdmin('/');
      assert.ok(link);
      assert.equal(await fresh.kernel.identity.ensureFirstAdmin('/'), undefined, 'only when no user exists');
      const secret = new URL(link).hash.replace('#one-time=', '');
      const first = await fresh.app.inject({ method: 'POST', url: '/auth/one-time', payload: { token: secret } });
      assert.equal(first.statusCode, 200);
      assert.equal(first.json().user.username, 'admin');
      assert.equal(first.json().user.isAdmin, true);
      const again = await fresh.app.inject({ method: 'POST', url: '/auth/one-time', payload: { token: secret } });
      assert.equal(again.statusCode, 401);
      assert.equal(again.json().error.code, 'link_invalid');
    } finally {
      await fresh.close();
    }
  });

  test('administration is audited, and the audit log filters by action', async () => {
    const created = await platform.app.inject({
      method: 'POST',
      url: '/platform/api/users',
      headers: admin.headers,
      payload: { username: 'grace', password: 'grace-password', roles: ['viewer'] },
    });
    assert.equal(created.statusCode, 201);
    assert.ok(!created.body.includes('password_hash') && !created.body.includes('grace-password'));
    const audit = await platform.app.inject({ url: '/platform/api/audit?action=user.create', headers: admin.headers });
    const entry = audit.json().items.find((item: { targetId: string }) => item.targetId === created.json().id);
    assert.equal(entry.actorName, 'root');
    assert.ok(!JSON.stringify(audit.json()).includes('grace-password'));
    const page = await platform.app.inject({ url: '/platform/api/audit?limit=1', headers: admin.headers });
    assert.equal(page.json().items.length, 1);
    assert.ok(page.json().nextCursor);
  });

  test('cookie-authenticated writes from a foreign origin are refused', async () => {
    const henry = await platform.createUser('henry');
    const response = await platform.app.inject({
      method: 'POST',
      url: '/auth/tokens',
      headers: { ...henry.headers, origin: 'https://evil.example' },
      payload: { name: 'x', scopes: ['platform:jobs:read'] },
    });
    assert.equal(response.statusCode, 403);
    assert.equal(response.json().error.code, 'csrf_rejected');
    const crossSite = await platform.app.inject({
      method: 'POST',
      url: '/auth/tokens',
      headers: { ...henry.headers, 'sec-fetch-site': 'cross-site' },
      payload: { name: 'y', scopes: ['platform:jobs:read'] },
    });
    assert.equal(crossSite.statusCode, 403);
    assert.equal(crossSite.json().error.code, 'csrf_rejected');
    const sameOrigin = await platform.app.inject({
      method: 'POST',
      url: '/auth/tokens',
      headers: { ...henry.headers, 'sec-fetch-site': 'same-origin' },
      payload: { name: 'z', scopes: ['platform:jobs:read'] },
    });
    assert.equal(sameOrigin.statusCode, 201, sameOrigin.body);
    // A script with an API token is not a browser riding on ambient credentials: no origin rule applies.
    const token = sameOrigin.json().token;
    const scripted = await platform.app.inject({
      method: 'POST',
      url: '/auth/tokens',
      headers: { authorization: `Bearer ${token}`, origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
      payload: { name: 'w', scopes: ['platform:jobs:read'] },
    });
    // (Its scope does not cover token management: refused for that reason, not as a cross-site request.)
    assert.equal(scripted.json().error.code, 'forbidden', scripted.body);
  });

  test('bad input gets a 4xx with the error shape, never a 500', async () => {
    const cases = [
      { method: 'POST', url: '/auth/login', payload: 'not json', headers: { 'content-type': 'application/json' } },
      { method: 'POST', url: '/auth/login', payload: { username: '', password: 'x' } },
      { method: 'PATCH', url: '/platform/api/users/not-a-uuid', payload: {}, headers: admin.headers },
      {
        method: 'POST',
        url: '/platform/api/users',
        payload: { username: 'x', roles: ['no-such-role'] },
        headers: admin.headers,
      },
      { method: 'GET', url: '/platform/api/audit?limit=100000', headers: admin.headers },
    ] as const;
    for (const request of cases) {
      const response = await platform.app.inject(request as never);
      assert.ok(response.statusCode >= 400 && response.statusCode < 500, `${request.url}: ${response.statusCode}`);
      assert.equal(typeof response.json().error.code, 'string');
    }
  });
});
