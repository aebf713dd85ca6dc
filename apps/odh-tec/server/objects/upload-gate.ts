import { Transform, type TransformCallback } from 'node:stream';
import type { AppError } from '@platform/kernel/http/errors.ts';

/**
 * The last stage before the storage writer: fails as soon as more bytes arrive than allowed, and holds back the end
 * of the body until `beforeEnd` has checked the whole request (size, checksum, no second file). A failed check errors
 * the body, so a multipart upload is aborted instead of completed and the object never becomes visible.
 */
export class UploadGate extends Transform {
  /** The check that failed, kept so the route answers with it rather than with the writer's abort error. */
  failure?: AppError;
  #bytes = 0;
  readonly #limit: number;
  readonly #overLimit: (received: number) => AppError;
  readonly #beforeEnd: () => Promise<void>;

  constructor(limit: number, overLimit: (received: number) => AppError, beforeEnd: () => Promise<void>) {
    super();
    this.#limit = limit;
    this.#overLimit = overLimit;
    this.#beforeEnd = beforeEnd;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#bytes += chunk.length;
    if (this.#bytes > this.#limit) {
      this.failure = this.#overLimit(this.#bytes);
      callback(this.failure);
      return;
    }
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    this.#beforeEnd().then(
      () => callback(),
      (error: AppError) => {
        this.failure = error;
        callback(error);
      },
    );
  }
}
