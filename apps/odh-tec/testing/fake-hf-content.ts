import { createHash, hash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One file of a fake repository, as `hf/fake-repos.json` describes it. */
export interface FakeFile {
  path: string;
  size: number;
  gitOid: string;
  lfs?: boolean;
  sha256?: string;
  text?: string;
  fromFixture?: string;
  seed?: string;
  safetensors?: { headerJson: string; dataSeed: string };
}

/** One repository of the fixture; single-commit repos carry `files`, multi-commit repos `commits`. */
export interface FakeRepo {
  id: string;
  private: boolean;
  gated: false | 'auto' | 'manual';
  pipeline_tag?: string;
  library_name?: string;
  acceptedTokens?: string[];
  visibleToTokens?: string[];
  refs: Record<string, string>;
  files?: FakeFile[];
  commits?: Record<string, { files: FakeFile[] }>;
  safetensorsParameters?: Record<string, number>;
}

/** The parsed `hf/fake-repos.json` document. */
export interface FakeReposDocument {
  repos: FakeRepo[];
  tokens: Record<string, { displayName: string; role: string } | null>;
}

/** gen(seed,size) of the fixture's `_about`: SHA-256(seed+":"+n) blocks concatenated, truncated to size. */
export function generateBytes(seed: string, size: number): Buffer {
  const out = Buffer.allocUnsafe(size);
  for (let n = 0, offset = 0; offset < size; n++, offset += 32) {
    // One-shot `hash` is about twice as fast as createHash per 32-byte block (12 MiB = 393,216 blocks).
    hash('sha256', `${seed}:${n}`, 'buffer').copy(out, offset, 0, Math.min(32, size - offset));
  }
  return out;
}

/** Git blob id: SHA-1 of `"blob <size>\0"` + content. */
export function gitBlobOid(content: Buffer): string {
  return createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');
}

/** The git-lfs pointer text whose blob id is an LFS file's `gitOid` (fixture `_about`). */
export function lfsPointerText(sha256: string, size: number): string {
  return `version https://git-lfs.github.com/spec/v1\noid sha256:${sha256}\nsize ${size}\n`;
}

/** Builds the bytes of one fixture file; `fixtureRoot` is the `odh-tec` shared-data folder (for `fromFixture`). */
export function buildFileBytes(file: FakeFile, fixtureRoot: string): Buffer {
  if (file.text !== undefined) return Buffer.from(file.text, 'utf8');
  if (file.fromFixture !== undefined) return readFileSync(join(fixtureRoot, file.fromFixture));
  if (file.safetensors) {
    const header = Buffer.from(file.safetensors.headerJson, 'utf8');
    const length = Buffer.alloc(8);
    length.writeBigUInt64LE(BigInt(header.length));
    const dataLength = file.size - 8 - header.length;
    return Buffer.concat([length, header, generateBytes(file.safetensors.dataSeed, dataLength)]);
  }
  if (file.seed !== undefined) return generateBytes(file.seed, file.size);
  throw new Error(`fake hub: no content rule for ${file.path}`);
}

/** Caches file bytes by git oid, so the 12 MiB safetensors file is generated once per fake. */
export class FakeContentStore {
  private readonly byOid = new Map<string, Buffer>();
  private readonly bySha256 = new Map<string, FakeFile>();
  private readonly fixtureRoot: string;

  constructor(fixtureRoot: string) {
    this.fixtureRoot = fixtureRoot;
  }

  /** Bytes of a file (generated on first use). */
  bytes(file: FakeFile): Buffer {
    let bytes = this.byOid.get(file.gitOid);
    if (!bytes) {
      bytes = buildFileBytes(file, this.fixtureRoot);
      this.byOid.set(file.gitOid, bytes);
    }
    return bytes;
  }

  /** Registers an LFS file so the CDN can serve it by SHA-256. */
  registerLfs(file: FakeFile): void {
    if (file.lfs && file.sha256) this.bySha256.set(file.sha256, file);
  }

  /** The LFS file with that SHA-256, if any. */
  lfsFile(sha256: string): FakeFile | undefined {
    return this.bySha256.get(sha256);
  }
}

/** Normalises a repo to `sha → files`, whether the fixture lists `files` or `commits`. */
export function commitsOf(repo: FakeRepo): Map<string, FakeFile[]> {
  const commits = new Map<string, FakeFile[]>();
  if (repo.commits) for (const [sha, commit] of Object.entries(repo.commits)) commits.set(sha, commit.files);
  else if (repo.files) commits.set(repo.refs.main, repo.files);
  return commits;
}

/** A synthetic commit for `advanceMainAfterFiles`: the same files with another README (spec "Fake Hub (tests)"). */
export function advancedCommit(repo: FakeRepo, files: FakeFile[]): { sha: string; files: FakeFile[] } {
  const text = `# ${repo.id.split('/').pop()}\n\nTest fixture repository (advanced main).\n`;
  const readme: FakeFile = {
    path: 'README.md',
    size: Buffer.byteLength(text),
    text,
    gitOid: gitBlobOid(Buffer.from(text)),
  };
  const sha = createHash('sha1').update(`advanced:${repo.id}:${repo.refs.main}`).digest('hex');
  return { sha, files: [...files.filter((file) => file.path !== 'README.md'), readme] };
}
