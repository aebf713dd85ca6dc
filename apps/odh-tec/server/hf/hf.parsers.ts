/** One repository file as the import needs it: size, git blob id, and the LFS SHA-256 when stored in LFS. */
export interface HfFile {
  path: string;
  size: number;
  blobId: string;
  lfsSha256?: string;
}

/** What `modelInfo` keeps of `GET /api/models/{id}/revision/{rev}`. */
export interface HfModelSummary {
  id: string;
  sha: string;
  private: boolean;
  gated: false | string;
  /** undefined when the answer had no sizes (no `blobs=true`); the client then lists the tree. */
  files: HfFile[] | undefined;
  safetensorsTotal?: number;
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const malformed = (what: string): Error => new Error(`unexpected Hub answer: ${what}`);

/** Siblings with `size` and `blobId` (blobs=true) → files; undefined when any sibling lacks them. */
export function parseSiblings(siblings: unknown): HfFile[] | undefined {
  if (!Array.isArray(siblings)) return undefined;
  const files: HfFile[] = [];
  for (const sibling of siblings) {
    if (!isObject(sibling) || typeof sibling.rfilename !== 'string') throw malformed('sibling without rfilename');
    if (typeof sibling.size !== 'number' || typeof sibling.blobId !== 'string') return undefined;
    const file: HfFile = { path: sibling.rfilename, size: sibling.size, blobId: sibling.blobId };
    if (isObject(sibling.lfs) && typeof sibling.lfs.sha256 === 'string') file.lfsSha256 = sibling.lfs.sha256;
    files.push(file);
  }
  return files;
}

/** Model info → summary; works on `expand[]` answers too, which carry `id` but not `modelId`. */
export function parseModelInfo(body: unknown): HfModelSummary {
  if (!isObject(body) || typeof body.id !== 'string') throw malformed('model info without id');
  const safetensors = isObject(body.safetensors) ? body.safetensors : undefined;
  const gated = body.gated;
  return {
    id: body.id,
    sha: typeof body.sha === 'string' ? body.sha : '',
    private: body.private === true,
    gated: typeof gated === 'string' ? gated : gated === true ? 'auto' : false,
    files: parseSiblings(body.siblings),
    ...(typeof safetensors?.total === 'number' ? { safetensorsTotal: safetensors.total } : {}),
  };
}

/** Tree entries (`/tree/{rev}`) → files; directories are dropped, `lfs.oid` is the SHA-256. */
export function parseTreeEntries(entries: unknown): HfFile[] {
  if (!Array.isArray(entries)) throw malformed('tree page is not an array');
  const files: HfFile[] = [];
  for (const entry of entries) {
    if (!isObject(entry) || typeof entry.path !== 'string') throw malformed('tree entry without path');
    if (entry.type !== 'file') continue;
    if (typeof entry.size !== 'number' || typeof entry.oid !== 'string') throw malformed(`tree entry ${entry.path}`);
    const file: HfFile = { path: entry.path, size: entry.size, blobId: entry.oid };
    if (isObject(entry.lfs) && typeof entry.lfs.oid === 'string') file.lfsSha256 = entry.lfs.oid;
    files.push(file);
  }
  return files;
}

/** The `rel="next"` target of a `Link` header (tree pagination, as huggingface.js list-files follows it). */
export function parseNextLink(link: string | string[] | undefined): string | undefined {
  const header = Array.isArray(link) ? link.join(', ') : link;
  if (!header) return undefined;
  for (const part of header.split(',')) {
    const match = /<([^>]+)>\s*;(.*)$/.exec(part.trim());
    if (match && /\brel="?next"?/.test(match[2])) return match[1];
  }
  return undefined;
}

/** whoami-v2 → the fields the token test shows. */
export function parseWhoami(body: unknown): { name: string; displayName?: string; role?: string } {
  if (!isObject(body) || typeof body.name !== 'string') throw malformed('whoami without name');
  const auth = isObject(body.auth) ? body.auth : {};
  const token = isObject(auth.accessToken) ? auth.accessToken : {};
  return {
    name: body.name,
    ...(typeof token.displayName === 'string' ? { displayName: token.displayName } : {}),
    ...(typeof token.role === 'string' ? { role: token.role } : {}),
  };
}
