import { createHash } from 'node:crypto';
import { type FakeContentStore, type FakeFile, type FakeRepo, lfsPointerText } from './fake-hf-content.ts';

/** Fields of a Hub answer; the fake builds them from the fixture (shapes: `hf/model-info.blobs.shape.json`, `hf/tree.shape.json`). */
type Json = Record<string, unknown>;

const FIXED_DATE = '2025-01-01T00:00:00.000Z';

const objectId = (text: string): string => createHash('sha1').update(text).digest('hex').slice(0, 24);

const byPath = (a: { path: string }, b: { path: string }): number => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

/** The `lfs` block of a sibling (`sha256`) or tree entry (`oid`). */
function lfsBlock(file: FakeFile, hashKey: 'sha256' | 'oid'): Json {
  const sha256 = file.sha256 ?? '';
  return { [hashKey]: sha256, size: file.size, pointerSize: Buffer.byteLength(lfsPointerText(sha256, file.size)) };
}

/** `config` of model info: the architecture keys of `config.json`, when it is JSON. */
function configSummary(files: FakeFile[], content: FakeContentStore): Json | undefined {
  const config = files.find((file) => file.path === 'config.json');
  if (!config) return undefined;
  try {
    const parsed = JSON.parse(content.bytes(config).toString('utf8'));
    return { architectures: parsed.architectures, model_type: parsed.model_type };
  } catch {
    return undefined;
  }
}

/** GET /api/models/{id}[/revision/{rev}]: full model info, `blobs` adds sizes and `lfs`, `expand` keeps named fields. */
export function modelInfo(
  repo: FakeRepo,
  sha: string,
  files: FakeFile[],
  content: FakeContentStore,
  options: { blobs: boolean; expand: string[] },
): Json {
  const siblings = [...files].sort(byPath).map((file) => {
    if (!options.blobs) return { rfilename: file.path };
    const sibling: Json = { rfilename: file.path, blobId: file.gitOid, size: file.size };
    if (file.lfs) sibling.lfs = lfsBlock(file, 'sha256');
    return sibling;
  });
  const modelType = configSummary(files, content)?.model_type;
  const hasSafetensors = files.some((file) => file.path.endsWith('.safetensors'));
  const tags = [repo.library_name, hasSafetensors ? 'safetensors' : undefined, modelType];
  const info: Json = {
    _id: objectId(repo.id),
    id: repo.id,
    private: repo.private,
    pipeline_tag: repo.pipeline_tag,
    library_name: repo.library_name,
    tags: [...tags, repo.pipeline_tag].filter((tag) => typeof tag === 'string'),
    downloads: 0,
    likes: 0,
    modelId: repo.id,
    author: repo.id.includes('/') ? repo.id.split('/')[0] : undefined,
    sha,
    lastModified: FIXED_DATE,
    gated: repo.gated,
    disabled: false,
    config: configSummary(files, content),
    cardData: { license: 'apache-2.0' },
    siblings,
    spaces: [],
    createdAt: FIXED_DATE,
    safetensors: repo.safetensorsParameters
      ? {
          parameters: repo.safetensorsParameters,
          total: Object.values(repo.safetensorsParameters).reduce((sum, count) => sum + count, 0),
        }
      : undefined,
    usedStorage: files.reduce((sum, file) => sum + file.size, 0),
  };
  const kept = options.expand.length > 0 ? new Set(['_id', 'id', ...options.expand]) : undefined;
  return Object.fromEntries(
    Object.entries(info).filter(([key, value]) => value !== undefined && (!kept || kept.has(key))),
  );
}

/** Tree entries below `dir` (repo root when empty): direct children, or every descendant when `recursive`. */
export function treeEntries(files: FakeFile[], dir: string, recursive: boolean): Json[] | undefined {
  const base = dir === '' ? '' : `${dir}/`;
  const entries = new Map<string, Json>();
  for (const file of files) {
    if (!file.path.startsWith(base)) continue;
    const parts = file.path.slice(base.length).split('/');
    const depth = recursive ? parts.length : 1;
    for (let i = 1; i <= depth; i++) {
      const path = base + parts.slice(0, i).join('/');
      if (i < parts.length) {
        const oid = createHash('sha1').update(`tree:${path}`).digest('hex');
        entries.set(path, { type: 'directory', oid, size: 0, path });
      } else {
        const entry: Json = { type: 'file', oid: file.gitOid, size: file.size };
        if (file.lfs) entry.lfs = lfsBlock(file, 'oid');
        entry.path = path;
        entries.set(path, entry);
      }
    }
  }
  if (entries.size === 0 && dir !== '') return undefined;
  return [...entries.values()].sort((a, b) => byPath(a as { path: string }, b as { path: string }));
}

/** GET /api/whoami-v2 body for a valid fixture token (shape `whoami_v2_ok`). */
export function whoamiBody(token: { displayName: string; role: string }): Json {
  return {
    type: 'user',
    id: objectId(`user:${token.displayName}`),
    name: 'fixture-user',
    fullname: 'Fixture User',
    emailVerified: true,
    isPro: false,
    canPay: false,
    avatarUrl: '/avatars/fixture.svg',
    orgs: [],
    auth: {
      type: 'access_token',
      accessToken: { displayName: token.displayName, role: token.role, createdAt: FIXED_DATE },
    },
  };
}
