import { constants } from 'node:fs';
import { access, statfs } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import type { LocationView } from '../locations/location.schema.ts';

/** One local folder offered as a location (spec 01-odh-tec M1, "Local storage"). */
export interface LocalRoot {
  /** `local-<i>`, the index in LOCAL_STORAGE_PATHS */
  id: string;
  /** the folder's basename */
  name: string;
  /** the configured absolute path (not yet resolved through symlinks) */
  root: string;
}

/** The subset of `fs.statfs` results the app uses; tests inject fakes of this shape. */
export interface FsUsage {
  bsize: number;
  blocks: number;
  bavail: number;
}
export type StatfsFn = (path: string) => Promise<FsUsage>;

/** Parses `LOCAL_STORAGE_PATHS` (comma list; blanks ignored) into `local-0…` roots. */
export function parseLocalRoots(env: Record<string, string | undefined>): LocalRoot[] {
  const paths = (env.LOCAL_STORAGE_PATHS ?? '')
    .split(',')
    .map((path) => path.trim())
    .filter(Boolean);
  return paths.map((path, index) => {
    const root = resolve(path);
    return { id: `local-${index}`, name: basename(root) || root, root };
  });
}

/** Total and free (for unprivileged users) bytes of the filesystem holding `path`. */
export async function usageOf(
  path: string,
  statfsFn: StatfsFn = statfs,
): Promise<{ totalBytes: number; freeBytes: number }> {
  const stats = await statfsFn(path);
  return { totalBytes: stats.blocks * stats.bsize, freeBytes: stats.bavail * stats.bsize };
}

/** A root as GET `/api/locations` shows it: `available` = the directory is readable; usage only when it is. */
export async function localLocationView(root: LocalRoot): Promise<LocationView> {
  const view: LocationView = {
    id: root.id,
    name: root.name,
    type: 'local',
    source: 'env',
    available: false,
    readOnly: false,
  };
  try {
    await access(root.root, constants.R_OK | constants.X_OK);
    return { ...view, available: true, usage: await usageOf(root.root) };
  } catch {
    return view;
  }
}

/** Every configured local root as a location view, in LOCAL_STORAGE_PATHS order. */
export const localLocationViews = (env: Record<string, string | undefined>): Promise<LocationView[]> =>
  Promise.all(parseLocalRoots(env).map(localLocationView));

const GiB = 1024 ** 3;
const DEFAULT_MAX_FILE_GB = 20;

/** MAX_FILE_SIZE_GB in bytes (fractions allowed; 0 = no limit). */
export function maxFileBytesOf(env: Record<string, string | undefined>): number {
  const raw = env.MAX_FILE_SIZE_GB?.trim();
  const gb = raw ? Number(raw) : DEFAULT_MAX_FILE_GB;
  return Number.isFinite(gb) && gb >= 0 ? Math.floor(gb * GiB) : DEFAULT_MAX_FILE_GB * GiB;
}
