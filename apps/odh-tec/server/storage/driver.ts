import type { Readable } from 'node:stream';

/** What the transfer engine needs of a storage place: an S3 bucket or a local root, addressed by relative paths. */
export interface StorageDriver {
  readonly kind: 's3' | 'local';
  /** Every file below `prefix` (recursive), paths relative to the driver's root. */
  listFiles(prefix: string, signal?: AbortSignal): Promise<{ path: string; size: number }[]>;
  /** Size and stored SHA-256 (S3 `x-amz-meta-sha256`) of one file, undefined when absent. */
  stat(path: string): Promise<{ size: number; sha256?: string } | undefined>;
  read(path: string, signal?: AbortSignal): Promise<Readable>;
  /** Writes a stream; `size` is exact when known. Resolves when the data is durable. */
  write(path: string, body: Readable, options: WriteOptions): Promise<{ etag?: string }>;
  delete(path: string): Promise<void>;
  /** Stores the SHA-256 computed while writing with an object that did not know it up front (S3 metadata). */
  recordSha256?(path: string, sha256: string, size: number): Promise<void>;
}

export interface WriteOptions {
  size?: number;
  /** Stored with the object (`x-amz-meta-sha256`) when known before writing. */
  sha256?: string;
  contentType?: string;
  signal?: AbortSignal;
  /** Bytes accepted by the destination so far. */
  onProgress?: (stored: number) => void;
}
