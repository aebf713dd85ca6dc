import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { AppError } from '@platform/kernel/http/errors.ts';
import { ProxyAgent, request } from 'undici';
import { mergeProxy, type ProxySettings, proxyFor } from './proxy-config.ts';
import type { ProxyTestBody } from './settings.schema.ts';

/** Outbound checks of the settings page time out after this long (spec "Settings and secrets": 10 s). */
const CHECK_TIMEOUT_MS = 10_000;

/** Link-local and cloud metadata addresses a proxy test must never reach (spec "Outbound network"). */
const forbiddenAddresses = new BlockList();
forbiddenAddresses.addSubnet('169.254.0.0', 16, 'ipv4');
forbiddenAddresses.addSubnet('fe80::', 10, 'ipv6');
forbiddenAddresses.addAddress('fd00:ec2::254', 'ipv6');

const urlNotAllowed = (message: string) => new AppError(400, 'url_not_allowed', message);

const isForbiddenAddress = (address: string): boolean => {
  const family = isIP(address);
  if (family === 0) return false;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return forbiddenAddresses.check(mapped, 'ipv4');
  return forbiddenAddresses.check(address, family === 4 ? 'ipv4' : 'ipv6');
};

/**
 * Accepts only http(s) URLs whose host is not, and does not resolve to, a link-local or metadata address; else 400
 * `url_not_allowed`. A name that does not resolve here is left to the proxy.
 */
export async function assertTestUrlAllowed(testUrl: string): Promise<URL> {
  let url: URL;
  try {
    url = new URL(testUrl);
  } catch {
    throw urlNotAllowed('the test URL is not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw urlNotAllowed('only http and https URLs are tested');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isForbiddenAddress(host)) throw urlNotAllowed('link-local and metadata addresses are not allowed');
  if (isIP(host) === 0) {
    const resolved = await lookup(host, { all: true }).catch(() => []);
    if (resolved.some((entry) => isForbiddenAddress(entry.address))) {
      throw urlNotAllowed('the host resolves to a link-local or metadata address');
    }
  }
  return url;
}

export interface ProxyTestResult {
  ok: boolean;
  /** HTTP status of the answer, null when none arrived */
  status: number | null;
  viaProxy: boolean;
  elapsedMs: number;
  /** network error code when no answer arrived */
  code?: string;
}

/** One GET of the test URL through the proxy the settings choose for it (or directly); redirects are not followed, the body is discarded. */
export async function testProxy(proxy: ProxySettings, url: URL): Promise<ProxyTestResult> {
  const proxyUrl = proxyFor(url, proxy);
  const dispatcher = proxyUrl ? new ProxyAgent({ uri: proxyUrl, connectTimeout: CHECK_TIMEOUT_MS }) : undefined;
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const answer = await request(url, {
      method: 'GET',
      dispatcher,
      signal: AbortSignal.timeout(CHECK_TIMEOUT_MS),
    });
    await answer.body.dump();
    const status = answer.statusCode;
    return { ok: status >= 200 && status < 400, status, viaProxy: Boolean(proxyUrl), elapsedMs: elapsed() };
  } catch (error) {
    const failure = error as { code?: string; name?: string };
    const code = failure.name === 'TimeoutError' ? 'timeout' : (failure.code ?? 'network_error');
    return { ok: false, status: null, viaProxy: Boolean(proxyUrl), elapsedMs: elapsed(), code };
  } finally {
    await dispatcher?.close();
  }
}

export interface WhoAmI {
  accessTokenDisplayName: string;
  role: string;
}

/**
 * `GET <HF_ENDPOINT>/api/whoami-v2` with the token (none when empty): 401 → 400 `hf_invalid_token`, anything else
 * unexpected → 502 `hf_unreachable`. Redirects are not followed, so the token never reaches another origin.
 */
export async function whoami(endpoint: string, token: string): Promise<WhoAmI> {
  const unreachable = (detail: string) => new AppError(502, 'hf_unreachable', `the Hub did not answer: ${detail}`);
  let answer: Response;
  try {
    answer = await fetch(`${endpoint}/api/whoami-v2`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
      redirect: 'manual',
      signal: AbortSignal.timeout(CHECK_TIMEOUT_MS),
    });
  } catch (error) {
    throw unreachable((error as Error).name);
  }
  if (answer.status === 401) {
    await answer.body?.cancel();
    throw new AppError(400, 'hf_invalid_token', 'the Hub refused the token');
  }
  if (answer.status !== 200) {
    await answer.body?.cancel();
    throw unreachable(`status ${answer.status}`);
  }
  const body = (await answer.json().catch(() => ({}))) as {
    auth?: { accessToken?: { displayName?: string; role?: string } };
  };
  return {
    accessTokenDisplayName: body.auth?.accessToken?.displayName ?? '',
    role: body.auth?.accessToken?.role ?? '',
  };
}

/** The settings page's proxy test: the saved proxies overridden by the request's, validated, then `testProxy`. */
export async function runProxyTest(saved: ProxySettings, body: ProxyTestBody): Promise<ProxyTestResult> {
  const proxy = mergeProxy(saved, body);
  return testProxy(proxy, await assertTestUrlAllowed(body.testUrl.trim()));
}
