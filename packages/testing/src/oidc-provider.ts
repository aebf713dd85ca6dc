import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
// @ts-expect-error oidc-provider publishes no type declarations; ProviderInstance below describes what is used here.
import Provider from 'oidc-provider';

export interface OidcAccount {
  sub: string;
  email: string;
  emailVerified?: boolean;
  name: string;
}

export interface OidcProviderOptions {
  clientId: string;
  /** Unset → a public client (token endpoint auth `none`). */
  clientSecret?: string;
  redirectUris: string[];
  accounts: OidcAccount[];
}

export interface OidcProvider {
  /** `http://127.0.0.1:<port>` */
  issuer: string;
  authorizationEndpoint: string;
  stop(): Promise<void>;
}

interface InteractionDetails {
  uid: string;
  prompt: { name: string; details: { missingOIDCScope?: string[]; missingOIDCClaims?: string[] } };
  params: { client_id: string };
  session?: { accountId?: string };
  grantId?: string;
}

interface GrantInstance {
  addOIDCScope(scope: string): void;
  addOIDCClaims(claims: string[]): void;
  save(): Promise<string>;
}

interface ProviderInstance {
  callback(): (request: IncomingMessage, response: ServerResponse) => void;
  urlFor(route: string): string;
  interactionDetails(request: IncomingMessage, response: ServerResponse): Promise<InteractionDetails>;
  interactionFinished(request: IncomingMessage, response: ServerResponse, result: object): Promise<void>;
  Grant: {
    new (properties: { accountId: string; clientId: string }): GrantInstance;
    find(id: string): Promise<GrantInstance | undefined>;
  };
}

/** Per-provider storage, so providers in one process never see each other's codes, sessions or grants. */
function memoryAdapterFactory() {
  const store = new Map<string, { payload: Record<string, unknown>; expiresAt: number }>();
  const live = (key: string) => {
    const entry = store.get(key);
    if (entry && entry.expiresAt <= Date.now()) store.delete(key);
    return store.get(key)?.payload;
  };
  return (model: string) => ({
    async upsert(id: string, payload: Record<string, unknown>, expiresIn?: number) {
      store.set(`${model}:${id}`, { payload, expiresAt: expiresIn ? Date.now() + expiresIn * 1000 : Infinity });
    },
    async find(id: string) {
      return live(`${model}:${id}`);
    },
    async findByUid(uid: string) {
      for (const key of store.keys()) if (key.startsWith(`${model}:`) && live(key)?.uid === uid) return live(key);
      return undefined;
    },
    async findByUserCode(userCode: string) {
      for (const key of store.keys())
        if (key.startsWith(`${model}:`) && live(key)?.userCode === userCode) return live(key);
      return undefined;
    },
    async consume(id: string) {
      const payload = live(`${model}:${id}`);
      if (payload) payload.consumed = Math.floor(Date.now() / 1000);
    },
    async destroy(id: string) {
      store.delete(`${model}:${id}`);
    },
    async revokeByGrantId(grantId: string) {
      for (const [key, entry] of store) if (entry.payload.grantId === grantId) store.delete(key);
    },
  });
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);

async function readForm(request: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

interface StoredCookie {
  name: string;
  value: string;
  hostname: string;
  path: string;
}

/** RFC 6265 §5.1.4: `/a/b` is under `/a` and `/a/`, not under `/ab`. */
const pathMatches = (requestPath: string, cookiePath: string) =>
  requestPath === cookiePath ||
  (requestPath.startsWith(cookiePath) && (cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/'));

/**
 * A cookie-keeping HTTP client that follows no redirect by itself, so every hop can be inspected. Like a browser it
 * keys cookies by host name and path but not by port (RFC 6265 §8.5), honours Max-Age/Expires deletions, and
 * records every URL it requests and every Set-Cookie it receives.
 */
export class BrowserSession {
  readonly visits: { method: string; url: string; status: number }[] = [];
  readonly setCookies: { url: string; header: string }[] = [];
  readonly #jar = new Map<string, StoredCookie>();

  async request(url: URL, init: { form?: Record<string, string> } = {}): Promise<Response> {
    const method = init.form ? 'POST' : 'GET';
    const headers: Record<string, string> = {};
    const cookie = this.cookieHeader(url);
    if (cookie) headers.cookie = cookie;
    if (init.form) headers['content-type'] = 'application/x-www-form-urlencoded';
    const body = init.form ? new URLSearchParams(init.form).toString() : undefined;
    const response = await fetch(url, { method, headers, body, redirect: 'manual' });
    this.visits.push({ method, url: url.href, status: response.status });
    for (const header of response.headers.getSetCookie()) {
      this.setCookies.push({ url: url.href, header });
      this.#store(url, header);
    }
    return response;
  }

  /** The Cookie header this browser sends to `url`. */
  cookieHeader(url: URL): string {
    return [...this.#jar.values()]
      .filter((cookie) => cookie.hostname === url.hostname && pathMatches(url.pathname, cookie.path))
      .sort((a, b) => b.path.length - a.path.length)
      .map((cookie) => `${cookie.name}=${cookie.value}`)
      .join('; ');
  }

  #store(url: URL, header: string): void {
    const [pair = '', ...attributes] = header.split(';').map((part) => part.trim());
    const separator = pair.indexOf('=');
    if (separator <= 0) return;
    const name = pair.slice(0, separator);
    const value = pair.slice(separator + 1);
    const attribute = (wanted: string) =>
      attributes
        .map((item) => item.split('='))
        .find(([key]) => key?.toLowerCase() === wanted)
        ?.slice(1)
        .join('=');
    const path = attribute('path')?.startsWith('/')
      ? attribute('path')!
      : url.pathname.slice(0, Math.max(1, url.pathname.lastIndexOf('/')));
    const key = `${url.hostname} ${path} ${name}`;
    const maxAge = attribute('max-age');
    const expires = attribute('expires');
    const expired =
      (maxAge !== undefined && Number(maxAge) <= 0) || (expires !== undefined && Date.parse(expires) <= Date.now());
    if (expired) this.#jar.delete(key);
    else this.#jar.set(key, { name, value, hostname: url.hostname, path });
  }
}

/**
 * A real OpenID Provider (`oidc-provider`) on 127.0.0.1:<random> with one confidential client that must use PKCE S256.
 * Sign-in is a plain account picker (`/interaction/<uid>`: one form per account, POST `/interaction/<uid>/login`), so
 * tests sign in without a password and headless browsers can click a button; consent is granted automatically.
 */
export async function startOidcProvider(options: OidcProviderOptions): Promise<OidcProvider> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const accounts = new Map(options.accounts.map((account) => [account.sub, account]));
  const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });

  const provider: ProviderInstance = new Provider(issuer, {
    adapter: memoryAdapterFactory(),
    clients: [
      {
        client_id: options.clientId,
        client_secret: options.clientSecret,
        redirect_uris: options.redirectUris,
        grant_types: ['authorization_code'],
        response_types: ['code'],
        // openid-client posts the secret in the body by default (client_secret_post).
        token_endpoint_auth_method: options.clientSecret ? 'client_secret_post' : 'none',
      },
    ],
    jwks: { keys: [{ ...signingKey, use: 'sig', alg: 'RS256' }] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    // RFC 7636 everywhere: an authorization request without a S256 code challenge is refused.
    pkce: { required: () => true },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_context: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Interaction: 600, Session: 3600, Grant: 3600 },
    async findAccount(_context: unknown, sub: string) {
      const account = accounts.get(sub);
      if (!account) return undefined;
      return {
        accountId: sub,
        async claims() {
          return { sub, email: account.email, email_verified: account.emailVerified ?? true, name: account.name };
        },
      };
    },
    async renderError(context: { type: string; body: string }, output: Record<string, string>) {
      context.type = 'text/plain';
      context.body = `${output.error}: ${output.error_description ?? ''}`;
    },
  });
  const providerHandler = provider.callback();

  async function showAccountPicker(uid: string, response: ServerResponse) {
    const forms = options.accounts
      .map(
        (account) =>
          `<form method="post" action="/interaction/${escapeHtml(uid)}/login">` +
          `<input type="hidden" name="sub" value="${escapeHtml(account.sub)}">` +
          `<button type="submit">Sign in as ${escapeHtml(account.email)}</button></form>`,
      )
      .join('\n');
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(`<!doctype html><title>Sign in</title><h1>Choose an account</h1>\n${forms}\n`);
  }

  /** Grants exactly what the client asked for; the scripted user always agrees. */
  async function grantConsent(request: IncomingMessage, response: ServerResponse, details: InteractionDetails) {
    const accountId = details.session?.accountId;
    if (!accountId) throw new Error('consent without a signed-in account');
    const grant =
      (details.grantId ? await provider.Grant.find(details.grantId) : undefined) ??
      new provider.Grant({ accountId, clientId: details.params.client_id });
    const missing = details.prompt.details;
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    const grantId = await grant.save();
    await provider.interactionFinished(request, response, { consent: details.grantId ? {} : { grantId } });
  }

  async function handleInteraction(request: IncomingMessage, response: ServerResponse, uid: string, action?: string) {
    const details = await provider.interactionDetails(request, response);
    if (details.uid !== uid) throw new Error('interaction cookie does not belong to this page');
    if (request.method === 'GET' && !action && details.prompt.name === 'login') return showAccountPicker(uid, response);
    if (request.method === 'GET' && !action && details.prompt.name === 'consent')
      return grantConsent(request, response, details);
    if (request.method === 'POST' && action === 'login' && details.prompt.name === 'login') {
      const sub = (await readForm(request)).get('sub') ?? '';
      if (!accounts.has(sub)) {
        response.writeHead(400, { 'content-type': 'text/plain' });
        return response.end(`unknown account ${sub}`);
      }
      return provider.interactionFinished(request, response, { login: { accountId: sub } });
    }
    response.writeHead(405, { 'content-type': 'text/plain' });
    response.end(`${request.method} not expected during the ${details.prompt.name} prompt`);
  }

  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const match = /^\/interaction\/([\w-]+)(?:\/(\w+))?$/.exec(new URL(request.url ?? '/', issuer).pathname);
    if (!match) return providerHandler(request, response);
    handleInteraction(request, response, match[1]!, match[2]).catch((error: Error) => {
      // Expired or foreign interaction cookie: what a user would see as "start again".
      if (!response.headersSent) response.writeHead(400, { 'content-type': 'text/plain' });
      response.end(`interaction failed: ${error.message}`);
    });
  });

  return {
    issuer,
    authorizationEndpoint: provider.urlFor('authorization'),
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/**
 * Plays the browser from `start` through the provider: follows redirects, signs in as `account` on the account
 * picker, and stops at the first URL for which `isDone` holds, which it returns without requesting it.
 */
export async function signInAtProvider(
  browser: BrowserSession,
  provider: OidcProvider,
  start: URL,
  account: OidcAccount,
  isDone: (url: URL) => boolean,
): Promise<URL> {
  let url = start;
  for (let hop = 0; hop < 20; hop++) {
    if (isDone(url)) return url;
    let response = await browser.request(url);
    const onPicker = url.origin === provider.issuer && url.pathname.startsWith('/interaction/');
    if (response.status === 200 && onPicker) {
      await response.body?.cancel();
      response = await browser.request(new URL(`${url.pathname}/login`, url), { form: { sub: account.sub } });
    }
    const location = response.headers.get('location');
    if (response.status < 300 || response.status >= 400 || !location) {
      throw new Error(`sign-in stopped at ${url.href}: ${response.status} ${(await response.text()).slice(0, 300)}`);
    }
    await response.body?.cancel();
    url = new URL(location, url);
  }
  throw new Error(`sign-in did not reach its end within 20 redirects (last: ${url.href})`);
}

export interface OidcLoginResult {
  browser: BrowserSession;
  /** Every URL the browser requested, in order. */
  visitedUrls: string[];
  /** Every Set-Cookie header the browser received, with the URL that sent it. */
  setCookies: { url: string; header: string }[];
  /** The Cookie header the browser now sends to the platform. */
  cookies: string;
  /** Status, body and Location of the platform's `/auth/oidc/callback` response. */
  status: number;
  body: string;
  finalLocation: string | null;
}

/**
 * The whole browser side of an OIDC sign-in: `<platform>/auth/oidc/login` → provider authorization → account picker
 * → consent → `<platform>/auth/oidc/callback`. `tamperCallback` may rewrite the callback URL (forged `state`, ...).
 */
export async function completeOidcLogin(
  platformBaseUrl: string,
  provider: OidcProvider,
  account: OidcAccount,
  options: { browser?: BrowserSession; returnTo?: string; tamperCallback?: (url: URL) => void } = {},
): Promise<OidcLoginResult> {
  const browser = options.browser ?? new BrowserSession();
  const start = new URL('/auth/oidc/login', platformBaseUrl);
  if (options.returnTo) start.searchParams.set('returnTo', options.returnTo);
  const callbackUrl = new URL('/auth/oidc/callback', platformBaseUrl);
  const isCallback = (url: URL) => url.origin === callbackUrl.origin && url.pathname === callbackUrl.pathname;
  const callback = await signInAtProvider(browser, provider, start, account, isCallback);
  options.tamperCallback?.(callback);
  const response = await browser.request(callback);
  return {
    browser,
    visitedUrls: browser.visits.map((visit) => visit.url),
    setCookies: browser.setCookies,
    cookies: browser.cookieHeader(new URL(platformBaseUrl)),
    status: response.status,
    body: await response.text(),
    finalLocation: response.headers.get('location'),
  };
}
