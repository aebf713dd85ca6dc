import { randomUUID } from 'node:crypto';
import { constants, type Stats } from 'node:fs';
import { lstat, mkdir, readdir, realpath, rename, rm, stat, statfs } from 'node:fs/promises';
import { basename, dirname, join, posix } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError } from '@platform/kernel/http/errors.ts';
import { fileExists, fileNotFound, insufficientStorage, localFsError } from './local-errors.ts';
import type { LocalRoot, StatfsFn } from './local-roots.ts';
import { usageOf } from './local-roots.ts';
import { isInsideRoot, openNoFollow, resolveSafePath } from './safe-path.ts';

const GiB = 1024 ** 3;
/** Free space kept back on the volume (spec "Local storage": 507 when size > free − 1 GiB). */
const RESERVED_BYTES = GiB;
/** In-progress writes: `.<name>.odh-tec-part-<uuid>`, hidden from listings. */
const PART_FILE = /^\..*\.odh-tec-part-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export type LocalEntryType = 'file' | 'directory' | 'symlink';

/** One directory entry or stat result; `path` is relative to the root. */
export interface LocalEntry {
  name: string;
  path: string;
  type: LocalEntryType;
  size: number;
  /** ISO 8601 */
  modified: string;
}

export interface LocalListing {
  files: LocalEntry[];
  currentPath: string;
  /** null at the root */
  parentPath: string | null;
  totalCount: number;
}

export interface WriteOptions {
  /** bytes expected (exact or an upper bound), checked against MAX_FILE_SIZE_GB and free space before any byte is written */
  size?: number;
  /** replace an existing file; otherwise 409 `file_exists` */
  overwrite?: boolean;
  /** runs once every byte is on disk, before the rename makes the file visible; throwing discards the write */
  beforeCommit?: () => Promise<void>;
}

export interface LocalDriverOptions {
  /** MAX_FILE_SIZE_GB in bytes; 0 = no limit */
  maxFileBytes: number;
  /** `fs.statfs` unless a test injects a fake */
  statfs?: StatfsFn;
}

const fileTooLarge = (maxFileBytes: number) =>
  new AppError(413, 'file_too_large', `files are limited to ${maxFileBytes} bytes (MAX_FILE_SIZE_GB)`);

const entryType = (stats: Stats): LocalEntryType =>
  stats.isSymbolicLink() ? 'symlink' : stats.isDirectory() ? 'directory' : 'file';

const parentOf = (relative: string): string | null => {
  if (relative === '') return null;
  const parent = posix.dirname(relative);
  return parent === '.' ? '' : parent;
};

const hasControlCharacter = (text: string): boolean =>
  [...text].some((char) => char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f);

/** Entries below a directory, not following symlinks (each link counts as one entry). */
async function countEntriesBelow(directory: string): Promise<number> {
  let count = 0;
  for (const entry of await readdir(directory, { withFileTypes: true })) {
    count += 1;
    if (entry.isDirectory()) count += await countEntriesBelow(join(directory, entry.name));
  }
  return count;
}

/**
 * A local folder as storage (spec 01-odh-tec M12): every path goes through the safe resolver, writes land atomically
 * through a part file and a rename. Storage-generic so the transfer engine can use it as a source or destination.
 */
export class LocalDriver {
  readonly root: LocalRoot;
  readonly #maxFileBytes: number;
  readonly #statfs: StatfsFn;

  constructor(root: LocalRoot, options: LocalDriverOptions) {
    this.root = root;
    this.#maxFileBytes = options.maxFileBytes;
    this.#statfs = options.statfs ?? statfs;
  }

  /** The root's realpath, taken fresh: the folder may be mounted or replaced while the app runs. */
  async #rootReal(): Promise<string> {
    try {
      return await realpath(this.root.root);
    } catch {
      throw new AppError(404, 'location_not_found', `local storage ${this.root.id} is not available`);
    }
  }

  async #resolve(path: string, followFinal: boolean) {
    const rootReal = await this.#rootReal();
    return { rootReal, target: await resolveSafePath(rootReal, path, { followFinal }) };
  }

  /** One page of a directory: directories first, then files, each group by name. */
  async list(path: string, page: { limit: number; offset: number }): Promise<LocalListing> {
    const { rootReal, target } = await this.#resolve(path, true);
    if (!target.stats) throw fileNotFound();
    if (!target.stats.isDirectory()) throw new AppError(400, 'not_a_directory', 'the path is not a directory');
    const dirents = (
      await readdir(target.absolute, { withFileTypes: true }).catch((error) => {
        throw localFsError(error);
      })
    ).filter((entry) => !PART_FILE.test(entry.name));
    dirents.sort((a, b) => {
      if (a.isDirectory() !== b.isDirectory()) return a.isDirectory() ? -1 : 1;
      return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
    });
    const pageEntries = dirents.slice(page.offset, page.offset + page.limit);
    const files: LocalEntry[] = [];
    for (const dirent of pageEntries) {
      const entry = await this.#describe(rootReal, join(target.absolute, dirent.name), target.relative, dirent.name);
      if (entry) files.push(entry);
    }
    return { files, currentPath: target.relative, parentPath: parentOf(target.relative), totalCount: dirents.length };
  }

  /** A listing entry; a symlink shows its target's size and date only when the target stays inside the root. */
  async #describe(rootReal: string, absolute: string, parent: string, name: string): Promise<LocalEntry | undefined> {
    let stats: Stats;
    try {
      stats = await lstat(absolute);
    } catch {
      return undefined; // removed since readdir
    }
    let shown = stats;
    if (stats.isSymbolicLink()) {
      const real = await realpath(absolute).catch(() => undefined);
      if (real && isInsideRoot(rootReal, real)) shown = await stat(real).catch(() => stats);
    }
    return {
      name,
      path: parent === '' ? name : `${parent}/${name}`,
      type: entryType(stats),
      size: shown.isDirectory() || shown.isSymbolicLink() ? 0 : shown.size,
      modified: shown.mtime.toISOString(),
    };
  }

  /** What is at `path`, symlinks followed (inside the root only): type `file` or `directory`. */
  async stat(path: string): Promise<LocalEntry> {
    const { target } = await this.#resolve(path, true);
    if (!target.stats) throw fileNotFound();
    return {
      name: target.relative === '' ? this.root.name : basename(target.relative),
      path: target.relative,
      type: entryType(target.stats),
      size: target.stats.isDirectory() ? 0 : target.stats.size,
      modified: target.stats.mtime.toISOString(),
    };
  }

  /** A stream of a regular file, whole or the inclusive byte range `start..end`, opened with O_NOFOLLOW. */
  async read(
    path: string,
    range?: { start: number; end: number },
  ): Promise<{ stream: Readable; size: number; modified: Date }> {
    const { target } = await this.#resolve(path, true);
    if (!target.stats) throw fileNotFound();
    const handle = await openNoFollow(target.absolute);
    try {
      const stats = await handle.stat();
      if (!stats.isFile()) throw new AppError(400, 'not_a_file', 'the path is not a regular file');
      // The stream owns the descriptor from here on and closes it when it ends or is destroyed.
      const stream = handle.createReadStream(range ? { start: range.start, end: range.end } : {});
      return { stream, size: stats.size, modified: stats.mtime };
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  /**
   * Writes a stream to `path` atomically: bytes go to `.<name>.odh-tec-part-<uuid>` in the target directory (missing
   * parents are created), are flushed, then renamed over the target. 409 unless `overwrite`, 413 over
   * MAX_FILE_SIZE_GB, 507 when the declared size exceeds free space − 1 GiB or the disk fills up.
   */
  async write(path: string, source: Readable, options: WriteOptions = {}): Promise<{ path: string; size: number }> {
    const { target } = await this.#resolve(path, false);
    if (target.relative === '') throw fileExists();
    if (target.stats && (target.stats.isDirectory() || !options.overwrite)) throw fileExists();
    if (options.size !== undefined) {
      if (this.#maxFileBytes > 0 && options.size > this.#maxFileBytes) throw fileTooLarge(this.#maxFileBytes);
      const { freeBytes } = await this.usage();
      if (options.size > freeBytes - RESERVED_BYTES) {
        throw insufficientStorage(`${options.size} bytes do not fit: ${freeBytes} bytes free, 1 GiB kept in reserve`);
      }
    }
    const directory = dirname(target.absolute);
    const partFile = join(directory, `.${basename(target.absolute)}.odh-tec-part-${randomUUID()}`);
    let written = 0;
    try {
      await mkdir(directory, { recursive: true });
      const handle = await openNoFollow(partFile, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL);
      const maxFileBytes = this.#maxFileBytes;
      await pipeline(
        source,
        async function* countBytes(chunks: AsyncIterable<Buffer>) {
          for await (const chunk of chunks) {
            written += chunk.length;
            if (maxFileBytes > 0 && written > maxFileBytes) throw fileTooLarge(maxFileBytes);
            yield chunk;
          }
        },
        handle.createWriteStream({ flush: true }),
      );
      await options.beforeCommit?.();
      // Re-checked just before the rename: another writer may have created the file meanwhile.
      if (!options.overwrite && (await lstat(target.absolute).catch(() => undefined))) throw fileExists();
      await rename(partFile, target.absolute);
    } catch (error) {
      await rm(partFile, { force: true });
      throw localFsError(error);
    }
    return { path: target.relative, size: written };
  }

  /** Deletes a file, a symlink (never its target) or a whole directory tree; `itemCount` counts every entry removed. */
  async delete(path: string): Promise<{ itemCount: number }> {
    const { target } = await this.#resolve(path, false);
    if (target.relative === '') throw new AppError(400, 'invalid_path', 'the storage root itself cannot be deleted');
    if (!target.stats) throw fileNotFound();
    try {
      const itemCount = 1 + (target.stats.isDirectory() ? await countEntriesBelow(target.absolute) : 0);
      await rm(target.absolute, { recursive: true });
      return { itemCount };
    } catch (error) {
      throw localFsError(error);
    }
  }

  /** Creates a directory (and missing parents); 409 when something already exists there. */
  async mkdir(path: string): Promise<{ path: string }> {
    const { target } = await this.#resolve(path, false);
    if (target.relative === '' || target.stats) throw fileExists();
    if (hasControlCharacter(target.relative)) {
      throw new AppError(400, 'invalid_folder_name', 'folder names cannot contain control characters');
    }
    try {
      await mkdir(target.absolute, { recursive: true });
    } catch (error) {
      throw localFsError(error);
    }
    return { path: target.relative };
  }

  /** Total and free bytes of the volume holding the root. */
  async usage(): Promise<{ totalBytes: number; freeBytes: number }> {
    return usageOf(await this.#rootReal(), this.#statfs);
  }
}
