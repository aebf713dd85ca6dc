/**
 * RFC 5987 `value-chars`: everything but `attr-char` percent-encoded. `encodeURIComponent` leaves `'()*` alone, which
 * are not attr-chars (RFC 5987 §3.2.1).
 */
const encodeRfc5987 = (value: string): string =>
  encodeURIComponent(value).replace(/['()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);

/** The quoted-string fallback for old clients: printable ASCII only, quotes and backslashes replaced too. */
const asciiFallback = (value: string): string => value.replace(/[^\x20-\x7e]|["\\]/g, '_');

/** The file name a download is saved as: the key's last segment. */
export function fileNameOfKey(key: string): string {
  const segments = key.split('/').filter(Boolean);
  return segments.at(-1) ?? 'download';
}

/**
 * `attachment` with both an ASCII `filename` and the exact UTF-8 `filename*` (RFC 6266 §4.3): clients that know
 * `filename*` use it, the rest fall back to the ASCII name. Upstream sent Latin-1 names that broke on other scripts.
 */
export function attachmentDisposition(fileName: string): string {
  return `attachment; filename="${asciiFallback(fileName)}"; filename*=UTF-8''${encodeRfc5987(fileName)}`;
}
