// The kernel serves the built portal under its mount point (`/` or e.g. `/portal/`) and announces it in
// index.html (see ../index-html.ts); everything the SPA links to or fetches derives from it.
import { normalizeBasePath } from '../index-html.ts';

/** Minimal view of `document` so the rule can be exercised outside a browser. */
export interface MetaSource {
  querySelector(selector: string): { getAttribute(name: string): string | null } | null;
}

export function readBasePath(source: MetaSource | undefined = globalThis.document): string {
  const content = source?.querySelector('meta[name="platform-base-path"]')?.getAttribute('content');
  return normalizeBasePath(content ?? '/');
}

let cachedBasePath: string | undefined;

/** The base path of this page load (read once: the server fixes it when it serves index.html). */
export function basePath(): string {
  cachedBasePath ??= readBasePath();
  return cachedBasePath;
}

/** react-router wants its basename without the trailing slash (except for the root). */
export function routerBasename(base: string = basePath()): string {
  return base === '/' ? '/' : base.slice(0, -1);
}

/** Resolves an API path relative to the base path; absolute URLs (`https://…`) pass through unchanged. */
export function apiUrl(path: string, base: string = basePath()): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path)) return path;
  return `${base}${path.replace(/^\/+/, '')}`;
}
