import type { Stats } from 'node:fs';
import { constants } from 'node:fs';
import { type FileHandle, lstat, open, realpath } from 'node:fs/promises';
import { isAbsolute, join, posix } from 'node:path';
import { AppError } from '@platform/kernel/http/errors.ts';
import { localFsError } from './local-errors.ts';

/** 403 for every path that is, or might become, a way out of the root (spec "Bad input and security"). */
export const pathOutsideRoot = () => new AppError(403, 'path_outside_root', 'the path leads outside the storage root');

/** A path checked against its root. */
export interface SafePath {
  /** the normalised relative path ('' = the root itself) */
  relative: string;
  /** where to act: the real target when following, else the real parent joined with the leaf (or missing segments) */
  absolute: string;
  /** the target's stats (lstat when not following); undefined when nothing exists there yet */
  stats: Stats | undefined;
}

const hasTraversal = (path: string): boolean =>
  path.includes('\0') ||
  isAbsolute(path) ||
  path.startsWith('\\') ||
  posix.normalize(path).split(/[\\/]/).includes('..');

/** The path with percent-escapes decoded (up to three layers), for the double-encoding check. */
function percentDecoded(path: string): string[] {
  const layers: string[] = [];
  let current = path;
  for (let layer = 0; layer < 3 && current.includes('%'); layer++) {
    try {
      current = decodeURIComponent(current);
    } catch {
      break;
    }
    layers.push(current);
  }
  return layers;
}

/**
 * The decoded request path as a clean relative path: no NUL, not absolute, no `..` segment after normalisation — also
 * once percent-decoded, so `..%2f` cannot turn into a traversal further down the line (spec "Local storage").
 */
export function normaliseRelativePath(requested: string): string {
  if ([requested, ...percentDecoded(requested)].some(hasTraversal)) throw pathOutsideRoot();
  const normalised = posix.normalize(requested).replace(/\/+$/, '');
  return normalised === '.' ? '' : normalised;
}

/** Whether a real path is the real root or below it. */
export function isInsideRoot(rootReal: string, real: string): boolean {
  return real === rootReal || real.startsWith(rootReal.endsWith('/') ? rootReal : `${rootReal}/`);
}

function assertInside(rootReal: string, real: string): void {
  if (!isInsideRoot(rootReal, real)) throw pathOutsideRoot();
}

/** Opens a real path without following a symlink in its last component (a swap after the checks fails with ELOOP). */
export async function openNoFollow(absolute: string, flags: number = constants.O_RDONLY): Promise<FileHandle> {
  try {
    // O_NONBLOCK: a FIFO planted in the root must not hang the request.
    return await open(absolute, flags | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    throw localFsError(error);
  }
}

/** Stats of the real target, taken through an O_NOFOLLOW descriptor. */
async function statNoFollow(absolute: string): Promise<Stats> {
  const handle = await openNoFollow(absolute);
  try {
    return await handle.stat();
  } finally {
    await handle.close();
  }
}

async function realpathOrUndefined(path: string): Promise<string | undefined> {
  try {
    return await realpath(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw localFsError(error);
  }
}

/**
 * Resolves a request path under a root (spec 01-odh-tec "Local storage"): the realpath of the deepest existing
 * ancestor must be the root's realpath or lie below it. With `followFinal` a symlink in the last component is followed
 * only when its realpath stays inside; without it the link itself is the target (delete, overwrite, mkdir).
 */
export async function resolveSafePath(
  rootReal: string,
  requested: string,
  options: { followFinal: boolean },
): Promise<SafePath> {
  const relative = normaliseRelativePath(requested);
  if (relative === '') return { relative, absolute: rootReal, stats: await statNoFollow(rootReal) };
  const segments = relative.split('/');
  const leaf = segments.pop()!;
  for (let depth = segments.length; depth > 0; depth--) {
    const real = await realpathOrUndefined(join(rootReal, ...segments.slice(0, depth)));
    if (real === undefined) continue;
    assertInside(rootReal, real);
    if (depth < segments.length)
      return { relative, absolute: join(real, ...segments.slice(depth), leaf), stats: undefined };
    return resolveLeaf(rootReal, relative, join(real, leaf), options.followFinal);
  }
  // No parent segment exists yet: the root itself is the deepest existing ancestor.
  if (segments.length > 0) return { relative, absolute: join(rootReal, ...segments, leaf), stats: undefined };
  return resolveLeaf(rootReal, relative, join(rootReal, leaf), options.followFinal);
}

async function resolveLeaf(
  rootReal: string,
  relative: string,
  candidate: string,
  followFinal: boolean,
): Promise<SafePath> {
  let linkStats: Stats;
  try {
    linkStats = await lstat(candidate);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { relative, absolute: candidate, stats: undefined };
    throw localFsError(error);
  }
  if (!followFinal) return { relative, absolute: candidate, stats: linkStats };
  const real = linkStats.isSymbolicLink() ? await realpathOrUndefined(candidate) : candidate;
  // A dangling link leads nowhere: nothing to read there.
  if (real === undefined) return { relative, absolute: candidate, stats: undefined };
  assertInside(rootReal, real);
  return { relative, absolute: real, stats: await statNoFollow(real) };
}
