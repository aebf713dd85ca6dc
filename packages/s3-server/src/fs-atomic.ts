// Crash-safe file writes: data goes to `<dir>/tmp`, is fsynced, then renamed into place, so a reader never sees a
// partially written object or metadata file.
import { randomBytes } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export const STREAM_HIGH_WATER_MARK = 64 * 1024;

export function uniqueName(): string {
  return randomBytes(12).toString('hex');
}

export interface TempFile {
  path: string;
  /** Flushes (fsync) on close. */
  stream: WriteStream;
}

export function createTempFile(tmpDir: string, fsync: boolean): TempFile {
  const path = join(tmpDir, uniqueName());
  return {
    path,
    stream: createWriteStream(path, { flags: 'wx', flush: fsync, highWaterMark: STREAM_HIGH_WATER_MARK }),
  };
}

export async function moveInto(source: string, target: string): Promise<void> {
  await mkdir(dirname(target), { recursive: true });
  await rename(source, target);
}

export async function writeJsonAtomic(tmpDir: string, target: string, value: unknown, fsync: boolean): Promise<void> {
  const temp = join(tmpDir, uniqueName());
  const handle = await open(temp, 'wx');
  try {
    await handle.writeFile(JSON.stringify(value));
    if (fsync) await handle.sync();
  } finally {
    await handle.close();
  }
  await moveInto(temp, target);
}

export async function removeQuietly(path: string): Promise<void> {
  await rm(path, { recursive: true, force: true });
}
