import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { sharedDataDir } from '@platform/testing/shared-data.ts';
import { modelInfo, treeEntries, whoamiBody } from './fake-hf-api.ts';
import {
  advancedCommit,
  commitsOf,
  FakeContentStore,
  type FakeFile,
  type FakeRepo,
  type FakeReposDocument,
} from './fake-hf-content.ts';

/** Fault and behaviour switches of the fake (spec "Fake Hub (tests)"). */
export interface FakeHubSwitches {
  /** Tree pages of 3 entries instead of 1000. */
  smallPages?: boolean;
  /** The first n Hub requests answer 429 with `Retry-After: 1`. */
  rateLimitFirst?: number;
  /** Flip the byte at this file offset in CDN bodies. */
  corruptByteAt?: number;
  /** CDN bodies announce the full length but the connection drops after this file offset. */
  truncateAt?: number;
  /** After n file downloads (resolve GETs) `main` points to a synthetic commit with another README. */
  advanceMainAfterFiles?: number;
  /** Resolve answers carry an `X-Repo-Commit` that is not the resolved commit. */
  wrongCommitHeader?: boolean;
  /** Delay before every answer, both origins. */
  latencyMs?: number;
}

/** One request the fake saw; `path` is the URL path without the query. */
export interface FakeHubLogEntry {
  origin: 'hub' | 'cdn';
  method: string;
  path: string;
  authorization: boolean;
}

export interface FakeHub {
  endpoint: string;
  cdnOrigin: string;
  log: FakeHubLogEntry[];
  close(): Promise<void>;
  setSwitches(patch: FakeHubSwitches): void;
}

export interface FakeHubOptions {
  repos: FakeReposDocument;
  switches?: FakeHubSwitches;
  /** The `odh-tec` shared-data folder (`fromFixture` paths are relative to it). */
  fixtureRoot?: string;
}

const NORMAL_PAGE_SIZE = 1000;
const SMALL_PAGE_SIZE = 3;
const EXPOSED = 'X-Repo-Commit,X-Request-Id,X-Error-Code,X-Error-Message,ETag,Link';

class HubError {
  readonly status: number;
  readonly code: string | undefined;
  readonly message: string;
  constructor(status: number, code: string | undefined, message: string) {
    this.status = status;
    this.code = code;
    this.message = message;
  }
}

const listen = (server: Server): Promise<string> =>
  new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
  });

const closeServer = (server: Server): Promise<void> =>
  new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(res.req.method === 'HEAD' ? undefined : text);
}

/** Parses `bytes=a-b`, `bytes=a-`, `bytes=-n`; undefined = whole body, null = unsatisfiable. */
function parseRange(header: string | undefined, size: number): { start: number; end: number } | undefined | null {
  if (!header) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return null;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    return suffix === 0 ? null : { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(match[1]);
  const end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  return start >= size || end < start ? null : { start, end };
}

/** Starts the fake Hub and fake CDN on two loopback ports (two origins, so redirects cross origins). */
export async function startFakeHub(options: FakeHubOptions): Promise<FakeHub> {
  const switches: FakeHubSwitches = { ...options.switches };
  const content = new FakeContentStore(options.fixtureRoot ?? join(sharedDataDir(), 'odh-tec'));
  const repos = options.repos.repos.map((repo) => ({ repo, commits: commitsOf(repo) }));
  const log: FakeHubLogEntry[] = [];
  let hubRequests = 0;
  let filesServed = 0;
  let mainAdvanced = false;
  for (const { repo, commits } of repos) {
    const main = commits.get(repo.refs.main);
    if (main) {
      const advanced = advancedCommit(repo, main);
      commits.set(advanced.sha, advanced.files);
    }
    for (const files of commits.values()) for (const file of files) content.registerLfs(file);
  }

  const tokenOf = (req: IncomingMessage): string | undefined =>
    /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];

  /** Splits `<repo id>/<rest>` by the longest fixture id that prefixes the segments. */
  function findRepo(segments: string[]) {
    for (const count of [2, 1]) {
      const found = repos.find((entry) => entry.repo.id === segments.slice(0, count).join('/'));
      if (found) return { ...found, rest: segments.slice(count) };
    }
    throw new HubError(401, 'RepoNotFound', 'Repository not found');
  }

  /** Private repos are invisible without a listed token; gates apply to file downloads only. */
  function checkAccess(repo: FakeRepo, token: string | undefined, download: boolean): void {
    if (repo.private && !(token && repo.visibleToTokens?.includes(token))) {
      throw new HubError(token ? 404 : 401, 'RepoNotFound', 'Repository not found');
    }
    if (download && repo.gated !== false && !(token && repo.acceptedTokens?.includes(token))) {
      const message = `Access to model ${repo.id} is restricted and you are not in the authorized list. Visit https://huggingface.co/${repo.id} to ask for access.`;
      throw new HubError(token ? 403 : 401, 'GatedRepo', message);
    }
  }

  function resolveRevision(repo: FakeRepo, commits: Map<string, FakeFile[]>, rev: string) {
    let sha = repo.refs[rev] ?? (commits.has(rev) ? rev : undefined);
    if (rev === 'main' && mainAdvanced) sha = advancedCommit(repo, commits.get(repo.refs.main) ?? []).sha;
    const files = sha ? commits.get(sha) : undefined;
    if (!sha || !files) throw new HubError(404, 'RevisionNotFound', `Invalid rev id: ${rev}`);
    return { sha, files };
  }

  function serveResolve(req: IncomingMessage, res: ServerResponse, segments: string[], token: string | undefined) {
    const { repo, commits, rest } = findRepo(segments);
    if (rest[0] !== 'resolve' || rest.length < 3) throw new HubError(404, undefined, 'Not Found');
    checkAccess(repo, token, true);
    const { sha, files } = resolveRevision(repo, commits, rest[1]);
    const file = files.find((candidate) => candidate.path === rest.slice(2).join('/'));
    if (!file) throw new HubError(404, 'EntryNotFound', 'Entry not found');
    const commitHeader = switches.wrongCommitHeader ? createHash('sha1').update(`wrong:${sha}`).digest('hex') : sha;
    if (req.method === 'GET') {
      filesServed++;
      if (switches.advanceMainAfterFiles !== undefined && filesServed >= switches.advanceMainAfterFiles) {
        mainAdvanced = true;
      }
    }
    if (file.lfs && file.sha256) {
      const signature = createHash('sha256').update(`${file.sha256}:${filesServed}`).digest('hex');
      res.writeHead(302, {
        Location: `${cdnOrigin}/lfs/${file.sha256}?X-Amz-Expires=3600&X-Amz-Signature=${signature}`,
        'X-Linked-Size': String(file.size),
        'X-Linked-Etag': `"${file.sha256}"`,
        'X-Repo-Commit': commitHeader,
        ETag: `"${file.sha256}"`,
        'Access-Control-Expose-Headers': EXPOSED,
      });
      res.end();
      return;
    }
    const bytes = content.bytes(file);
    res.writeHead(200, {
      'Content-Type': 'application/octet-stream',
      'Content-Length': bytes.length,
      ETag: `"${file.gitOid}"`,
      'X-Repo-Commit': commitHeader,
      'Access-Control-Expose-Headers': EXPOSED,
    });
    res.end(req.method === 'HEAD' ? undefined : bytes);
  }

  function serveApi(res: ServerResponse, url: URL, segments: string[], token: string | undefined) {
    const { repo, commits, rest } = findRepo(segments);
    checkAccess(repo, token, false);
    if (rest.length === 0 || (rest[0] === 'revision' && rest.length === 2)) {
      const { sha, files } = resolveRevision(repo, commits, rest[1] ?? 'main');
      const expand = [...url.searchParams.getAll('expand[]'), ...url.searchParams.getAll('expand')];
      const blobs = url.searchParams.get('blobs') === 'true';
      sendJson(res, 200, modelInfo(repo, sha, files, content, { blobs, expand }));
      return;
    }
    if (rest[0] !== 'tree' || rest.length < 2) throw new HubError(404, undefined, 'Not Found');
    const { files } = resolveRevision(repo, commits, rest[1]);
    const entries = treeEntries(files, rest.slice(2).join('/'), url.searchParams.get('recursive') === 'true');
    if (!entries) throw new HubError(404, 'EntryNotFound', 'Entry not found');
    const pageSize = switches.smallPages ? SMALL_PAGE_SIZE : NORMAL_PAGE_SIZE;
    const offset = Number(url.searchParams.get('cursor') ?? '0');
    const headers: Record<string, string> = {};
    if (offset + pageSize < entries.length) {
      const next = new URL(url.pathname + url.search, endpoint);
      next.searchParams.set('cursor', String(offset + pageSize));
      headers.Link = `<${next.href}>; rel="next"`;
    }
    sendJson(res, 200, entries.slice(offset, offset + pageSize), headers);
  }

  function serveWhoami(res: ServerResponse, token: string | undefined) {
    if (!token) throw new HubError(401, undefined, 'Invalid username or password.');
    sendJson(res, 200, whoamiBody(options.repos.tokens[token] as { displayName: string; role: string }));
  }

  async function handleHub(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', endpoint);
    hubRequests++;
    if (hubRequests <= (switches.rateLimitFirst ?? 0)) {
      sendJson(
        res,
        429,
        { error: 'Too Many Requests' },
        {
          'Retry-After': '1',
          'RateLimit-Policy': '"fixed window";"resolvers";q=3000;w=300',
        },
      );
      return;
    }
    try {
      const token = tokenOf(req);
      if (token !== undefined && !options.repos.tokens[token]) {
        throw new HubError(401, undefined, 'Invalid credentials in Authorization header');
      }
      const segments = url.pathname.split('/').slice(1).map(decodeURIComponent);
      if (url.pathname === '/api/whoami-v2') serveWhoami(res, token);
      else if (segments[0] === 'api' && segments[1] === 'models') serveApi(res, url, segments.slice(2), token);
      else if (req.method === 'GET' || req.method === 'HEAD') serveResolve(req, res, segments, token);
      else throw new HubError(405, undefined, 'Method Not Allowed');
    } catch (error) {
      if (!(error instanceof HubError)) throw error;
      const headers: Record<string, string> = error.code
        ? { 'X-Error-Code': error.code, 'X-Error-Message': error.message }
        : {};
      sendJson(res, error.status, { error: error.message }, headers);
    }
  }

  function handleCdn(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', cdnOrigin);
    const file = /^\/lfs\/([0-9a-f]{64})$/.exec(url.pathname) ? content.lfsFile(url.pathname.slice(5)) : undefined;
    if (!file) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('NoSuchKey');
      return;
    }
    const bytes = content.bytes(file);
    const range = parseRange(req.headers.range, bytes.length);
    if (range === null) {
      res.writeHead(416, { 'Content-Range': `bytes */${bytes.length}` }).end();
      return;
    }
    const { start, end } = range ?? { start: 0, end: bytes.length - 1 };
    const body = Buffer.from(bytes.subarray(start, end + 1));
    const corrupt = switches.corruptByteAt;
    if (corrupt !== undefined && corrupt >= start && corrupt <= end) body[corrupt - start] ^= 0xff;
    res.writeHead(range ? 206 : 200, {
      'Content-Type': 'application/octet-stream',
      'Content-Length': body.length,
      'Accept-Ranges': 'bytes',
      ETag: `"cdn-${createHash('md5')
        .update(file.sha256 ?? '')
        .digest('hex')}"`,
      ...(range ? { 'Content-Range': `bytes ${start}-${end}/${bytes.length}` } : {}),
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    const truncate = switches.truncateAt;
    if (truncate !== undefined && truncate >= start && truncate <= end) {
      res.write(body.subarray(0, truncate - start), () => res.destroy());
      return;
    }
    res.end(body);
  }

  const withLog = (origin: 'hub' | 'cdn', handler: (req: IncomingMessage, res: ServerResponse) => unknown) =>
    createServer(async (req, res) => {
      log.push({
        origin,
        method: req.method ?? 'GET',
        path: (req.url ?? '/').split('?')[0],
        authorization: req.headers.authorization !== undefined,
      });
      if (switches.latencyMs) await sleep(switches.latencyMs);
      try {
        await handler(req, res);
      } catch (error) {
        if (!res.headersSent) sendJson(res, 500, { error: String(error) });
        else res.destroy();
      }
    });

  const hubServer = withLog('hub', handleHub);
  const cdnServer = withLog('cdn', handleCdn);
  const endpoint = await listen(hubServer);
  const cdnOrigin = await listen(cdnServer);
  return {
    endpoint,
    cdnOrigin,
    log,
    close: async () => {
      await Promise.all([closeServer(hubServer), closeServer(cdnServer)]);
    },
    setSwitches: (patch) => Object.assign(switches, patch),
  };
}
