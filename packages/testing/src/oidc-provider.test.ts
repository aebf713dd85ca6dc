import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import * as client from 'openid-client';
import { BrowserSession, type OidcProvider, signInAtProvider, startOidcProvider } from './oidc-provider.ts';

// Never requested: the relying party here is this test, which reads the code off the redirect URL.
const redirectUri = 'http://127.0.0.1:9/callback';
const ada = { sub: 'ada-1', email: 'ada@example.test', name: 'Ada Lovelace' };
const bob = { sub: 'bob-2', email: 'bob@example.test', name: 'Bob <b>', emailVerified: false };

describe('local OIDC provider', () => {
  let provider: OidcProvider;
  let configuration: client.Configuration;

  before(async () => {
    provider = await startOidcProvider({
      clientId: 'platform',
      clientSecret: 'provider-test-secret',
      redirectUris: [redirectUri],
      accounts: [ada, bob],
    });
    configuration = await client.discovery(new URL(provider.issuer), 'platform', 'provider-test-secret', undefined, {
      execute: [client.allowInsecureRequests],
    });
  });
  after(() => provider.stop());

  const authorizationUrl = async (pkce: boolean) => {
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const url = client.buildAuthorizationUrl(configuration, {
      redirect_uri: redirectUri,
      scope: 'openid email profile',
      state,
      ...(pkce
        ? { code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' }
        : {}),
    });
    return { url, verifier, state };
  };

  test('discovery names the issuer and offers only the S256 code challenge method', async () => {
    const metadata = configuration.serverMetadata();
    assert.equal(metadata.issuer, provider.issuer);
    assert.equal(metadata.authorization_endpoint, provider.authorizationEndpoint);
    assert.deepEqual(metadata.code_challenge_methods_supported, ['S256']);
  });

  test('a code + PKCE sign-in yields an ID token for the chosen account and its claims from UserInfo', async () => {
    const browser = new BrowserSession();
    const { url, verifier, state } = await authorizationUrl(true);
    const callback = await signInAtProvider(browser, provider, url, bob, (next) => next.href.startsWith(redirectUri));
    assert.equal(callback.searchParams.get('state'), state);
    assert.ok(callback.searchParams.get('code'));
    const tokens = await client.authorizationCodeGrant(configuration, callback, {
      pkceCodeVerifier: verifier,
      expectedState: state,
    });
    assert.equal(tokens.claims()?.sub, bob.sub);
    assert.equal(tokens.claims()?.email, undefined, 'like a conforming provider, profile claims come from UserInfo');
    const profile = await client.fetchUserInfo(configuration, tokens.access_token, bob.sub);
    assert.equal(profile.email, bob.email);
    assert.equal(profile.email_verified, false);
    assert.equal(profile.name, bob.name);
    const visited = browser.visits.map((visit) => visit.url).join('\n');
    assert.match(visited, /\/interaction\/[\w-]+\/login/, 'the account was chosen on the picker');
    assert.ok(!visited.includes(tokens.access_token), 'no token travels in a URL');
  });

  test('a code is not redeemed with another PKCE verifier', async () => {
    const { url, state } = await authorizationUrl(true);
    const callback = await signInAtProvider(new BrowserSession(), provider, url, ada, (next) =>
      next.href.startsWith(redirectUri),
    );
    await assert.rejects(
      client.authorizationCodeGrant(configuration, callback, {
        pkceCodeVerifier: client.randomPKCECodeVerifier(),
        expectedState: state,
      }),
      (error: Error & { code?: string; error?: string }) => error.error === 'invalid_grant',
    );
  });

  test('an authorization request without a code challenge is refused back to the client', async () => {
    const { url } = await authorizationUrl(false);
    const response = await new BrowserSession().request(url);
    const location = new URL(response.headers.get('location') ?? '', provider.issuer);
    assert.equal(location.href.startsWith(redirectUri), true);
    assert.equal(location.searchParams.get('error'), 'invalid_request');
    assert.match(location.searchParams.get('error_description') ?? '', /requires PKCE/);
  });

  test('the account picker lists every account (escaped) and refuses an unknown one', async () => {
    const browser = new BrowserSession();
    const { url } = await authorizationUrl(true);
    const picker = await signInAtProvider(browser, provider, url, ada, (next) =>
      next.pathname.startsWith('/interaction/'),
    );
    const page = await (await browser.request(picker)).text();
    assert.match(page, /Sign in as ada@example\.test/);
    assert.match(page, /Sign in as bob@example\.test/);
    assert.ok(!page.includes('<b>'));
    const refused = await browser.request(new URL(`${picker.pathname}/login`, picker), { form: { sub: 'mallory' } });
    assert.equal(refused.status, 400);
    assert.match(await refused.text(), /unknown account mallory/);
  });
});

describe('BrowserSession cookie jar', () => {
  test('sends cookies by host and path, and forgets expired ones', async (t) => {
    const server = createServer((request, response) => {
      if (request.url === '/set') {
        response.setHeader('set-cookie', [
          'scoped=1; Path=/app; HttpOnly',
          'site=2; Path=/',
          'other=3; Path=/application',
        ]);
      }
      if (request.url === '/app/clear') response.setHeader('set-cookie', 'scoped=; Path=/app; Max-Age=0');
      response.end(request.headers.cookie ?? '');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const browser = new BrowserSession();
    await (await browser.request(new URL('/set', base))).text();
    assert.equal(await (await browser.request(new URL('/app/page', base))).text(), 'scoped=1; site=2');
    assert.equal(await (await browser.request(new URL('/elsewhere', base))).text(), 'site=2');
    await (await browser.request(new URL('/app/clear', base))).text();
    assert.equal(await (await browser.request(new URL('/app/page', base))).text(), 'site=2');
    assert.equal(browser.setCookies.length, 4);
    assert.deepEqual(
      browser.visits.map((visit) => new URL(visit.url).pathname),
      ['/set', '/app/page', '/elsewhere', '/app/clear', '/app/page'],
    );
  });
});
