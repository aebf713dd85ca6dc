import { AppError } from '@platform/kernel/http/errors.ts';

/** Outbound proxies; empty strings mean "none" (spec 01-odh-tec "Outbound network"). */
export interface ProxySettings {
  httpProxy: string;
  httpsProxy: string;
  noProxy: string;
}

const PASSWORD_MASK = '****';

const invalidProxyUrl = (field: string) =>
  new AppError(400, 'invalid_proxy_url', `${field} must be an http:// or https:// URL`, { field });

/** Throws 400 `invalid_proxy_url` unless the value is empty or an http(s) URL. */
export function assertProxyUrl(field: string, value: string): void {
  if (value === '') return;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalidProxyUrl(field);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalidProxyUrl(field);
}

/** A proxy URL with its password replaced by `****`: proxy credentials are secrets too. */
export function maskProxyUrl(value: string): string {
  if (!value) return value;
  try {
    const url = new URL(value);
    if (!url.password) return value;
    url.password = PASSWORD_MASK;
    return url.toString();
  } catch {
    return value;
  }
}

/**
 * A proxy URL sent back with the masked password keeps the stored password, like every other write-only secret
 * (spec "Settings and secrets").
 */
export function unmaskProxyUrl(value: string, stored: string): string {
  if (!value || !stored) return value;
  try {
    const url = new URL(value);
    const previous = new URL(stored);
    if (url.password !== PASSWORD_MASK || url.host !== previous.host || url.username !== previous.username) {
      return value;
    }
    url.password = previous.password;
    return url.toString();
  } catch {
    return value;
  }
}

/**
 * Saved proxies with a change applied: omitted fields keep their value, a masked password keeps the saved one; the
 * result is validated (400 `invalid_proxy_url`).
 */
export function mergeProxy(saved: ProxySettings, change: Partial<ProxySettings>): ProxySettings {
  const proxy: ProxySettings = {
    httpProxy: unmaskProxyUrl(change.httpProxy?.trim() ?? saved.httpProxy, saved.httpProxy),
    httpsProxy: unmaskProxyUrl(change.httpsProxy?.trim() ?? saved.httpsProxy, saved.httpsProxy),
    noProxy: change.noProxy?.trim() ?? saved.noProxy,
  };
  assertProxyUrl('httpProxy', proxy.httpProxy);
  assertProxyUrl('httpsProxy', proxy.httpsProxy);
  return proxy;
}

/** The proxy settings as shown to clients and written to the audit log. */
export const maskedProxy = (proxy: ProxySettings): ProxySettings => ({
  httpProxy: maskProxyUrl(proxy.httpProxy),
  httpsProxy: maskProxyUrl(proxy.httpsProxy),
  noProxy: proxy.noProxy,
});

/** The proxy settings from `HTTP_PROXY`, `HTTPS_PROXY`, `NO_PROXY` (upper or lower case, spec "Configuration"). */
export function proxyFromEnv(env: Record<string, string | undefined>): ProxySettings {
  const read = (name: string) => (env[name] ?? env[name.toLowerCase()] ?? '').trim();
  return { httpProxy: read('HTTP_PROXY'), httpsProxy: read('HTTPS_PROXY'), noProxy: read('NO_PROXY') };
}

/** `host`, `host:port`, `[v6]:port` or a bare IPv6 address; a leading `.` or `*.` is dropped. */
function splitNoProxyEntry(entry: string): { name: string; entryPort?: string } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (bracketed) return { name: bracketed[1]!, entryPort: bracketed[2] };
  const colons = entry.split(':').length - 1;
  const [host, entryPort] = colons === 1 ? entry.split(':') : [entry, undefined];
  return { name: host!.replace(/^\*?\./, ''), entryPort };
}

const defaultPort = (protocol: string) => (protocol === 'https:' ? '443' : '80');

/** True when `NO_PROXY` names the URL's host: `*`, a domain (and its subdomains, with or without `.`/`*.`), an IP, each optionally with `:port`. */
export function bypassesProxy(target: URL, noProxy: string): boolean {
  const host = target.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = target.port || defaultPort(target.protocol);
  for (const raw of noProxy.split(/[\s,]+/)) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry === '*') return true;
    const { name, entryPort } = splitNoProxyEntry(entry);
    if (entryPort && entryPort !== port) continue;
    if (host === name || host.endsWith(`.${name}`)) return true;
  }
  return false;
}

/** The proxy URL to use for a target, or undefined for a direct connection. */
export function proxyFor(target: URL, proxy: ProxySettings): string | undefined {
  if (bypassesProxy(target, proxy.noProxy)) return undefined;
  const chosen = target.protocol === 'https:' ? proxy.httpsProxy : proxy.httpProxy;
  return chosen || undefined;
}
