import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { AppError } from '@platform/kernel/http/errors.ts';
import type { HfFile } from './hf.parsers.ts';

/** How a file is checked: LFS files by SHA-256 of the content, others by their git blob id. */
export interface HfDigest {
  algorithm: 'sha256' | 'git-sha1';
  expected: string;
  actual: string;
  bytes: number;
}

/**
 * Hashes a download while it streams (spec "Hugging Face import" (5)): SHA-256 vs `lfs.sha256` for LFS files,
 * SHA-1 of `"blob <size>\0"+content` vs `blobId` otherwise. Feed chunks with `update`, then call `check`.
 */
export class HfHashTee {
  readonly file: HfFile;
  private readonly hash: Hash;
  private bytes = 0;

  constructor(file: HfFile) {
    this.file = file;
    if (file.lfsSha256) {
      this.hash = createHash('sha256');
    } else {
      // The git header needs the size up front; a short or long body then fails the comparison anyway.
      this.hash = createHash('sha1').update(`blob ${file.size}\0`);
    }
  }

  /** Adds one chunk of the file. */
  update(chunk: Uint8Array): void {
    this.bytes += chunk.length;
    this.hash.update(chunk);
  }

  /** Final digest; a size different from the listed one counts as a mismatch. */
  digest(): HfDigest & { ok: boolean } {
    const algorithm = this.file.lfsSha256 ? 'sha256' : 'git-sha1';
    const expected = this.file.lfsSha256 ?? this.file.blobId;
    const actual = this.hash.digest('hex');
    return { algorithm, expected, actual, bytes: this.bytes, ok: actual === expected && this.bytes === this.file.size };
  }

  /** Throws 422 `checksum_mismatch` when the streamed bytes are not the listed file. */
  check(): HfDigest {
    const { ok, ...digest } = this.digest();
    if (!ok) {
      throw new AppError(422, 'checksum_mismatch', `checksum mismatch for ${this.file.path}`, {
        path: this.file.path,
        ...digest,
        expectedBytes: this.file.size,
      });
    }
    return digest;
  }
}

/** A pass-through stream that verifies the file at its end: the pipeline fails with `checksum_mismatch`. */
export class HfVerifyStream extends Transform {
  readonly tee: HfHashTee;
  /** Set once the stream ended with matching bytes. */
  verified: HfDigest | undefined;

  constructor(file: HfFile) {
    super();
    this.tee = new HfHashTee(file);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.tee.update(chunk);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    try {
      this.verified = this.tee.check();
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }
}

/** `X-Repo-Commit` must be the commit pinned at the start, else 409 `hf_revision_changed` (spec step 5). */
export function assertPinnedCommit(commit: string | undefined, pinned: string, path: string): void {
  if (commit !== undefined && commit !== pinned) {
    throw new AppError(409, 'hf_revision_changed', `the Hub served ${path} from another commit`, {
      path,
      pinned,
      served: commit,
    });
  }
}
