/** Image formats recognised by their first bytes; a file name or a stored Content-Type is never trusted for previews. */
const IMAGE_SIGNATURES: { type: string; matches: (head: Uint8Array) => boolean }[] = [
  { type: 'image/png', matches: (h) => startsWith(h, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) },
  { type: 'image/jpeg', matches: (h) => startsWith(h, [0xff, 0xd8, 0xff]) },
  { type: 'image/gif', matches: (h) => ascii(h, 0, 6) === 'GIF87a' || ascii(h, 0, 6) === 'GIF89a' },
  { type: 'image/webp', matches: (h) => ascii(h, 0, 4) === 'RIFF' && ascii(h, 8, 12) === 'WEBP' },
];

const startsWith = (head: Uint8Array, signature: number[]): boolean =>
  head.length >= signature.length && signature.every((byte, index) => head[index] === byte);

const ascii = (head: Uint8Array, start: number, end: number): string =>
  head.length >= end ? String.fromCharCode(...head.subarray(start, end)) : '';

/**
 * Whether the head of an object is UTF-8 text: it decodes strictly and holds no NUL. A head cut short by the preview
 * limit may end inside a character, which streaming mode leaves pending instead of rejecting.
 */
function isUtf8Text(head: Uint8Array, truncated: boolean): boolean {
  if (head.includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: truncated });
    return true;
  } catch {
    return false;
  }
}

/**
 * The Content-Type a preview is served with (spec 01-odh-tec "Download / preview"): images by magic bytes, SVG by
 * name and content, other UTF-8 text as `text/plain` (so HTML is shown as source, never rendered), else binary.
 */
export function previewContentType(key: string, head: Uint8Array, truncated: boolean): string {
  const image = IMAGE_SIGNATURES.find((signature) => signature.matches(head));
  if (image) return image.type;
  if (!isUtf8Text(head, truncated)) return 'application/octet-stream';
  if (/\.svg$/i.test(key) && /<svg[\s>]/i.test(new TextDecoder().decode(head))) return 'image/svg+xml';
  return 'text/plain; charset=utf-8';
}
