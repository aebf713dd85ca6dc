import { createCipheriv, createHash, type Hash } from 'node:crypto';
import { Readable } from 'node:stream';

const CHUNK = 1024 * 1024;
const ZEROS = Buffer.alloc(CHUNK);

/** A seeded byte source and the SHA-256 of what it has produced so far. */
export interface SeededSource {
  /** Yields `size` bytes in 1 MiB chunks, hashing each on the way out. */
  chunks(): Generator<Buffer>;
  /** A byte stream over `chunks()`, for clients that take a Readable. */
  readable(): Readable;
  /** Hex SHA-256 of every byte yielded; call once the stream has ended. */
  sha256(): string;
}

/**
 * Bench data generated on the fly (spec 01-odh-tec "Performance targets": seeded PRNG, never 2 GiB in memory): the
 * AES-256-CTR keystream of the seed, which reproduces byte for byte and costs far less CPU than hashing it.
 */
export function seededSource(seed: string, size: number): SeededSource {
  const hash: Hash = createHash('sha256');
  let digest: string | undefined;
  function* chunks(): Generator<Buffer> {
    const cipher = createCipheriv('aes-256-ctr', createHash('sha256').update(seed).digest(), Buffer.alloc(16));
    for (let sent = 0; sent < size; sent += CHUNK) {
      const chunk = cipher.update(sent + CHUNK <= size ? ZEROS : ZEROS.subarray(0, size - sent));
      hash.update(chunk);
      yield chunk;
    }
  }
  return {
    chunks,
    readable: () => Readable.from(chunks(), { objectMode: false }),
    sha256: () => {
      digest ??= hash.digest('hex');
      return digest;
    },
  };
}

/** Counts and hashes a download while discarding it. */
export class DiscardingSink {
  readonly #hash = createHash('sha256');
  bytes = 0;

  add(chunk: Uint8Array): void {
    this.bytes += chunk.byteLength;
    this.#hash.update(chunk);
  }

  sha256(): string {
    return this.#hash.digest('hex');
  }
}
