// How the server turns the built index.html into the page it sends. Kept free of DOM types so the
// kernel can import it (`@platform/web/index-html.ts`) and the rule lives in one place.

/** Announces the mount point (`/` or e.g. `/portal/`) to the SPA: router basename and API URLs derive from it. */
export const basePathMetaTag = '<meta name="platform-base-path" content="/">';

/**
 * Asset URLs in index.html are relative (`./assets/…`, Vite `base: './'`); this element makes them
 * resolve against the mount point rather than the current deep link (`/portal/admin/users` would
 * otherwise load `/portal/admin/assets/…`).
 */
export const baseElementTag = '<base href="/">';

/** Ensures exactly one leading and one trailing slash: `portal` → `/portal/`, `` → `/`. */
export function normalizeBasePath(value: string): string {
  const trimmed = value.trim().replace(/^\/+|\/+$/g, '');
  return trimmed ? `/${trimmed}/` : '/';
}

/** index.html as the server must send it for every non-API GET: both literals rewritten to the mount point. */
export function injectBasePath(html: string, base: string): string {
  const attribute = normalizeBasePath(base).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  return html
    .replace(basePathMetaTag, `<meta name="platform-base-path" content="${attribute}">`)
    .replace(baseElementTag, `<base href="${attribute}">`);
}
