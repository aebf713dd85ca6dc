import type { Readable } from 'node:stream';
import { AppError } from '@platform/kernel/http/errors.ts';
import type { StorageDriver, WriteOptions } from '../storage/driver.ts';
import type { LocalDriver } from './local.driver.ts';

const PAGE = 1000;
const isNotFound = (error: unknown): boolean => error instanceof AppError && error.statusCode === 404;

/**
 * A local root as a transfer endpoint. Conflict policies are decided by the transfer engine before writing, so
 * writes here always replace; paths still go through the local driver's traversal- and symlink-safe resolver.
 */
export class LocalStorageDriver implements StorageDriver {
  readonly kind = 'local' as const;
  readonly #local: LocalDriver;

  constructor(local: LocalDriver) {
    this.#local = local;
  }

  async listFiles(prefix: string, signal?: AbortSignal): Promise<{ path: string; size: number }[]> {
    const files: { path: string; size: number }[] = [];
    const walk = async (directory: string): Promise<void> => {
      for (let offset = 0; ; offset += PAGE) {
        signal?.throwIfAborted();
        const page = await this.#local.list(directory, { limit: PAGE, offset });
        for (const entry of page.files) {
          if (entry.type === 'directory') await walk(entry.path);
          else if (entry.type === 'file') files.push({ path: entry.path, size: entry.size });
        }
        if (offset + PAGE >= page.totalCount) return;
      }
    };
    try {
      await walk(prefix.replace(/\/+$/, ''));
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    return files;
  }

  async stat(path: string): Promise<{ size: number } | undefined> {
    try {
      const entry = await this.#local.stat(path);
      return entry.type === 'file' ? { size: entry.size } : undefined;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async read(path: string): Promise<Readable> {
    return (await this.#local.read(path)).stream;
  }

  async write(path: string, body: Readable, options: WriteOptions): Promise<{ etag?: string }> {
    const abort = (): void => {
      body.destroy(new Error('cancelled'));
    };
    options.signal?.addEventListener('abort', abort, { once: true });
    try {
      const written = await this.#local.write(path, body, { size: options.size, overwrite: true });
      options.onProgress?.(written.size);
      return {};
    } finally {
      options.signal?.removeEventListener('abort', abort);
    }
  }

  async delete(path: string): Promise<void> {
    await this.#local.delete(path);
  }
}
