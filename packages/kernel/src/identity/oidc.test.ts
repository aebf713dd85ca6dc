import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { buildTestApp, describeEachEngine, type TestPlatform } from '@platform/testing';
import { freePort } from '@platform/testing/build-test-app.ts';
import {
  BrowserSession,
  completeOidcLogin,
  type OidcLoginResult,
  type OidcProvider,
  startOidcProvider,
} from '@platform/testing/oidc-provider.ts';
import { SESSION_COOKIE } from './authenticate.plugin.ts';

/** A JSON body read from a real HTTP response. */
// biome-ignore lint/suspicious/noExplicitAny: test assertions read arbitrary fields.
type Json = Record<string, any>;

const ada = { sub: 'u-ada', email: 'Ada@Example.test', name: 'Ada Lovelace' };
const grace = { sub: 'u-grace', email: 'grace@example.test', name: 'Grace Hopper' };
const mallory = { sub: 'u-mallory', email: 'mallory@elsewhere.test', name: 'Mallory' };
const eve = { sub: 'u-eve', email: 'eve@example.test', name: 'Eve', emailVerified: false };

const sessionCookieOf = (result: OidcLoginResult) =>
  result.setCookies.find(
    ({ header }) => header.startsWith(`${SESSION_COOKIE}=`) && !header.startsWith(`${SESSION_COOKIE}=;`),
  );

describeEachEngine('OIDC sign-in against a local provider', ({ newDatabaseUrl }) => {
  let provider: OidcProvider;
  let platform: TestPlatform;
  let base: string;

  before(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    provider = await startOidcProvider({
      clientId: 'platform-portal',
      clientSecret: 'oidc-test-client-secret',
      redirectUris: [`${base}/auth/oidc/callback`],
      accounts: [ada, grace, mallory, eve],
    });
    platform = await buildTestApp({
      databaseUrl: await newDatabaseUrl(),
      listen: true,
      port,
      env: {
        AUTH_MODE: 'oidc',
        PUBLIC_URL: base,
        OIDC_ISSUER: provider.issuer,
        OIDC_CLIENT_ID: 'platform-portal',
        OIDC_CLIENT_SECRET: 'oidc-test-client-secret',
        OIDC_PROVIDER_NAME: 'Example SSO',
        OIDC_ALLOWED_DOMAINS: 'example.test',
        ADMIN_EMAILS: 'Grace@example.test',
      },
    });
  });
  after(async () => {
    await platform?.close();
    await provider?.stop();
  });

  const me = (cookies: string) => fetch(`${base}/auth/me`, { headers: { cookie: cookies } });

  test('sign-in completes with PKCE S256, sets an HttpOnly SameSite=Lax session, and puts no token in any URL', async () => {
    const result = await completeOidcLogin(base, provider, ada, { returnTo: '/odh-tec/buckets' });
    assert.equal(result.status, 302, result.body);
    assert.equal(result.finalLocation, '/odh-tec/buckets');

    const authorization = result.visitedUrls.find((url) => url.startsWith(`${provider.authorizationEndpoint}?`));
    assert.ok(authorization, 'the browser went through the provider authorization endpoint');
    const params = new URL(authorization).searchParams;
    assert.equal(params.get('response_type'), 'code');
    assert.equal(params.get('code_challenge_method'), 'S256');
    assert.match(params.get('code_challenge') ?? '', /^[A-Za-z0-9_-]{43}$/, 'a SHA-256 challenge, base64url');
    assert.equal(params.get('redirect_uri'), `${base}/auth/oidc/callback`);
    assert.ok(params.get('state') && params.get('nonce'));

    const session = sessionCookieOf(result);
    assert.ok(session, 'the callback set a session cookie');
    assert.equal(new URL(session.url).pathname, '/auth/oidc/callback');
    assert.match(session.header, /;\s*HttpOnly/i);
    assert.match(session.header, /;\s*SameSite=Lax/i);
    assert.match(session.header, /;\s*Path=\/(;|$)/);
    const sessionToken = session.header.split(';')[0]!.slice(SESSION_COOKIE.length + 1);
    assert.ok(sessionToken.length >= 20);

    for (const url of result.visitedUrls) {
      for (const secret of ['access_token', 'id_token', 'refresh_token', 'code_verifier', sessionToken]) {
        assert.ok(!url.includes(secret), `${url} must not carry ${secret}`);
      }
    }
    assert.ok(
      !result.browser.cookieHeader(new URL(`${base}/auth/oidc/callback`)).includes('platform_oidc_flow'),
      'the one-time flow cookie is gone after the callback',
    );

    const response = await me(result.cookies);
    assert.equal(response.status, 200);
    const user = (await response.json()) as Json;
    assert.equal(user.email, 'ada@example.test');
    assert.equal(user.displayName, 'Ada Lovelace');
    assert.equal(user.via, 'session');
    assert.equal(user.isAdmin, false);
    assert.deepEqual(user.roles, ['user']);
  });

  test('a second sign-in of the same subject maps to the same user', async () => {
    const first = (await (await me((await completeOidcLogin(base, provider, ada)).cookies)).json()) as Json;
    const second = (await (await me((await completeOidcLogin(base, provider, ada)).cookies)).json()) as Json;
    assert.equal(second.id, first.id);
    assert.equal(second.username, first.username);
  });

  test('a forged state is refused with the error shape and no session', async () => {
    const result = await completeOidcLogin(base, provider, ada, {
      tamperCallback: (url) => url.searchParams.set('state', 'forged-state'),
    });
    assert.ok(result.status >= 400 && result.status < 500, `status ${result.status}`);
    const { error } = JSON.parse(result.body);
    assert.equal(error.code, 'oidc_failed');
    assert.equal(typeof error.message, 'string');
    assert.equal(sessionCookieOf(result), undefined);
  });

  test('a callback without the flow cookie of this browser is refused', async () => {
    const response = await new BrowserSession().request(new URL(`${base}/auth/oidc/callback?code=stolen&state=x`));
    assert.equal(response.status, 400);
    assert.equal(((await response.json()) as Json).error.code, 'oidc_flow_missing');
  });

  test('OIDC_ALLOWED_DOMAINS refuses another domain and an unverified e-mail with 403 domain_not_allowed', async () => {
    for (const outsider of [mallory, eve]) {
      const result = await completeOidcLogin(base, provider, outsider);
      assert.equal(result.status, 403, outsider.email);
      assert.equal(JSON.parse(result.body).error.code, 'domain_not_allowed');
      assert.equal(sessionCookieOf(result), undefined);
    }
  });

  test('ADMIN_EMAILS makes that user an admin on first sign-in', async () => {
    const user = (await (await me((await completeOidcLogin(base, provider, grace)).cookies)).json()) as Json;
    assert.equal(user.email, 'grace@example.test');
    assert.equal(user.isAdmin, true);
    assert.deepEqual(user.roles, ['admin']);
  });

  test('/auth/providers lists the provider button', async () => {
    const response = await platform.app.inject({ url: '/auth/providers' });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), {
      mode: 'oidc',
      local: true,
      providers: [{ id: 'oidc', name: 'Example SSO', loginUrl: 'auth/oidc/login' }],
    });
  });
});
