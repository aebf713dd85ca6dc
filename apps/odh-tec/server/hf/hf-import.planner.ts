import { badRequest } from '@platform/kernel/http/errors.ts';
import picomatch from 'picomatch';
import type { HfClient } from './hf.client.ts';
import type { HfFile } from './hf.parsers.ts';

// Spec "Hugging Face import": single-segment legacy ids (`gpt2`) are allowed.
const MODEL_ID = /^[A-Za-z0-9][\w.-]{0,95}(\/[\w.-]{1,96})?$/;
const REVISION = /^[\w./-]{1,255}$/;
const MANIFEST_NAME = '.odh-tec-import.json';

/** What the import route asks for (steps 1–3 run inside the request). */
export interface HfImportRequest {
  modelId: string;
  revision?: string;
  include?: string[];
  exclude?: string[];
  prefix?: string;
}

/** A selected file and the storage key it is written to. */
export interface HfPlannedFile extends HfFile {
  key: string;
}

/** Result of steps 1–4: the pinned commit and the files to copy. */
export interface HfImportPlan {
  modelId: string;
  revision: string;
  commit: string;
  prefix: string;
  files: HfPlannedFile[];
  manifestKey: string;
}

/** The `.odh-tec-import.json` document (spec step 6). */
export interface HfImportManifest {
  modelId: string;
  revision: string;
  commit: string;
  endpoint: string;
  importedAt: string;
  files: { path: string; size: number; sha256?: string; gitOid: string }[];
}

/** 400 `invalid_model_id` unless `org/name` or a legacy single-segment id. */
export function validateModelId(modelId: unknown): string {
  if (typeof modelId !== 'string' || !MODEL_ID.test(modelId)) {
    throw badRequest('modelId must look like org/name', { modelId }, 'invalid_model_id');
  }
  return modelId;
}

/** 400 `invalid_revision` unless a branch, tag or commit made of `[\w./-]`. */
export function validateRevision(revision: unknown): string {
  if (typeof revision !== 'string' || !REVISION.test(revision)) {
    throw badRequest('revision may only contain letters, digits, _ . / -', { revision }, 'invalid_revision');
  }
  return revision;
}

function compileGlobs(globs: string[], field: 'include' | 'exclude'): (path: string) => boolean {
  const matchers = globs.map((glob) => {
    try {
      // strictBrackets makes an unbalanced bracket an error instead of a literal, so typos surface as 400s.
      return picomatch(glob, { dot: true, strictBrackets: true });
    } catch (error) {
      throw badRequest(`invalid ${field} glob: ${glob}`, { glob, reason: (error as Error).message }, 'invalid_glob');
    }
  });
  return (path) => matchers.some((matches) => matches(path));
}

/** Step 2 as a predicate: include (default `**`) then exclude (default none), `dot:true`; bad globs → 400 `invalid_glob`. */
export function compileSelection(include?: string[], exclude?: string[]): (path: string) => boolean {
  const included = compileGlobs(include && include.length > 0 ? include : ['**'], 'include');
  const excluded = compileGlobs(exclude ?? [], 'exclude');
  return (path) => included(path) && !excluded(path);
}

/** Prefix without leading `/`, with a trailing `/` when non-empty (spec step 4). */
export function normalizePrefix(prefix: string | undefined): string {
  const trimmed = (prefix ?? '').replace(/^\/+/, '').replace(/\/+$/, '');
  return trimmed === '' ? '' : `${trimmed}/`;
}

/** Storage key `<prefix>/<modelId>/<path>`. */
export function destinationKey(prefix: string | undefined, modelId: string, path: string): string {
  return `${normalizePrefix(prefix)}${modelId}/${path}`;
}

/** Step 3: gated or private repos must let the token HEAD the first selected file; 401/403 fail before any write. */
export async function checkAccess(
  client: HfClient,
  info: { id: string; sha: string; private: boolean; gated: false | string },
  files: HfFile[],
): Promise<void> {
  if ((info.gated === false && !info.private) || files.length === 0) return;
  await client.head(info.id, info.sha, files[0].path);
}

/** Steps 1–4: validate, fetch model info at the revision, pin the commit, filter, pre-check the gate, assign keys. */
export async function planHfImport(client: HfClient, request: HfImportRequest): Promise<HfImportPlan> {
  const modelId = validateModelId(request.modelId);
  const revision = validateRevision(request.revision ?? 'main');
  // Globs are compiled before any Hub call so a typo never costs a request.
  const isSelected = compileSelection(request.include, request.exclude);
  const info = await client.modelInfo(modelId, revision);
  const selected = info.files.filter((file) => isSelected(file.path));
  await checkAccess(client, { ...info, id: modelId }, selected);
  const prefix = normalizePrefix(request.prefix);
  return {
    modelId,
    revision,
    commit: info.sha,
    prefix,
    files: selected.map((file) => ({ ...file, key: destinationKey(prefix, modelId, file.path) })),
    manifestKey: destinationKey(prefix, modelId, MANIFEST_NAME),
  };
}

/** Step 6: the manifest for the files that were written. */
export function buildManifest(input: {
  modelId: string;
  revision: string;
  commit: string;
  endpoint: string;
  importedAt: Date;
  files: HfFile[];
}): HfImportManifest {
  return {
    modelId: input.modelId,
    revision: input.revision,
    commit: input.commit,
    endpoint: input.endpoint,
    importedAt: input.importedAt.toISOString(),
    files: input.files.map((file) => ({
      path: file.path,
      size: file.size,
      ...(file.lfsSha256 ? { sha256: file.lfsSha256 } : {}),
      gitOid: file.blobId,
    })),
  };
}
