import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

/** Passes bytes through while counting them and computing their SHA-256 (spec S5: end-to-end checksums). */
export class HashingStream extends Transform {
  readonly #hash = createHash('sha256');
  bytes = 0;
  readonly #onBytes?: (total: number) => void;

  constructor(onBytes?: (total: number) => void) {
    super();
    this.#onBytes = onBytes;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#hash.update(chunk);
    this.bytes += chunk.length;
    this.#onBytes?.(this.bytes);
    callback(null, chunk);
  }

  /** Hex digest; call once the stream has ended. */
  digest(): string {
    return this.#hash.digest('hex');
  }
}
