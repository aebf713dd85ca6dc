/**
 * Streaming file encryption with bounded memory: AES-256-GCM over 64 KiB chunks (layout in
 * `chunk-layout.ts`), under a random per-file data key that is stored wrapped by (Multi)Fernet.
 * Key rotation re-wraps the data key only; the stored chunks never change.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { ByteQueue } from './byte-queue.ts';
import {
  type CipherHeader,
  type CipherRange,
  chunkAad,
  chunkCount,
  chunkNonce,
  createCipherHeader,
  DATA_KEY_LENGTH,
  MAX_CHUNK_INDEX,
  parseCipherHeader,
  TAG_LENGTH,
  wholeFileRange,
} from './chunk-layout.ts';
import { IntegrityError, InvalidTokenError } from './errors.ts';

/** What wraps data keys: a `Fernet` or a `MultiFernet`. */
export interface KeyWrapper {
  encrypt(plaintext: Uint8Array): string;
  decrypt(token: string): Buffer;
}

export interface FileEncryption {
  /** The cipher header, to store beside the object (`storage_objects.cipher_header`). */
  header: Buffer;
  /** The data key as a Fernet token, to store beside the object (`storage_objects.wrapped_dek`). */
  wrappedDataKey: string;
  /** Plaintext in, chunk stream out. */
  encryptor: Transform;
}

/** Starts encrypting one file: a fresh data key and header, and the stream that seals its chunks. */
export function createFileEncryption(keyWrapper: KeyWrapper): FileEncryption {
  const header = createCipherHeader();
  const dataKey = randomBytes(DATA_KEY_LENGTH);
  return {
    header: header.bytes,
    wrappedDataKey: keyWrapper.encrypt(dataKey),
    encryptor: new ChunkEncryptor(header, dataKey),
  };
}

/** Recovers a file's data key; throws `InvalidTokenError` if no key authenticates it. */
export function unwrapDataKey(keyWrapper: KeyWrapper, wrappedDataKey: string): Buffer {
  const dataKey = keyWrapper.decrypt(wrappedDataKey);
  if (dataKey.length !== DATA_KEY_LENGTH) throw new InvalidTokenError('length');
  return dataKey;
}

export interface StoredFile {
  /** The stored cipher header. */
  header: Uint8Array;
  /** The unwrapped data key (`unwrapDataKey`). */
  dataKey: Uint8Array;
}

/**
 * Chunk stream in, plaintext out, for a whole file of known plaintext length (`storage_objects.size_bytes`).
 * Each chunk is released only after its tag verifies; tampering, reordering, truncation or trailing
 * bytes make the stream fail with `IntegrityError`.
 */
export function createFileDecryptor(file: StoredFile, plaintextLength: number): Transform {
  const header = parseCipherHeader(file.header);
  return new ChunkDecryptor(header, file.dataKey, wholeFileRange(plaintextLength, header.chunkSize));
}

/**
 * Stored bytes [range.ciphertextStart, range.ciphertextEnd] in (e.g. an S3 ranged GET), exactly the
 * plaintext bytes the range was computed for (`ciphertextRangeFor`) out, each covering chunk verified.
 */
export function createRangeDecryptor(file: StoredFile, range: CipherRange): Transform {
  const header = parseCipherHeader(file.header);
  if (header.chunkSize !== range.chunkSize) throw new RangeError('range was computed for another chunk size');
  return new ChunkDecryptor(header, file.dataKey, range);
}

/** Seals one chunk: ciphertext ‖ tag. */
function sealChunk(header: CipherHeader, dataKey: Uint8Array, index: number, isFinal: boolean, plaintext: Buffer) {
  const cipher = createCipheriv('aes-256-gcm', dataKey, chunkNonce(header, index), { authTagLength: TAG_LENGTH });
  cipher.setAAD(chunkAad(header, index, isFinal));
  const ciphertext = cipher.update(plaintext);
  cipher.final();
  return { ciphertext, tag: cipher.getAuthTag() };
}

/** Opens one sealed chunk (ciphertext ‖ tag), or throws `IntegrityError`. */
export function openChunk(
  header: CipherHeader,
  dataKey: Uint8Array,
  index: number,
  isFinal: boolean,
  sealed: Buffer,
): Buffer {
  if (sealed.length < TAG_LENGTH) throw new IntegrityError('chunk shorter than its tag', index);
  const tagOffset = sealed.length - TAG_LENGTH;
  const decipher = createDecipheriv('aes-256-gcm', dataKey, chunkNonce(header, index), { authTagLength: TAG_LENGTH });
  decipher.setAAD(chunkAad(header, index, isFinal));
  decipher.setAuthTag(sealed.subarray(tagOffset));
  const plaintext = decipher.update(sealed.subarray(0, tagOffset));
  try {
    decipher.final();
  } catch {
    throw new IntegrityError('chunk failed authentication', index);
  }
  return plaintext;
}

class ChunkEncryptor extends Transform {
  readonly #header: CipherHeader;
  readonly #dataKey: Uint8Array;
  readonly #pending = new ByteQueue();
  /** Reused for chunks that straddle incoming buffers; the cipher reads it synchronously. */
  readonly #scratch: Buffer;
  #nextIndex = 0;

  constructor(header: CipherHeader, dataKey: Uint8Array) {
    super();
    this.#header = header;
    this.#dataKey = dataKey;
    this.#scratch = Buffer.allocUnsafe(header.chunkSize);
  }

  override _transform(data: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#pending.push(data);
    try {
      // A full chunk is sealed as non-final only once a byte beyond it proves more data follows.
      while (this.#pending.length > this.#header.chunkSize) {
        this.#seal(this.#pending.take(this.#header.chunkSize, this.#scratch), false);
      }
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    try {
      this.#seal(this.#pending.take(this.#pending.length, this.#scratch), true);
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  #seal(plaintext: Buffer, isFinal: boolean): void {
    if (this.#nextIndex > MAX_CHUNK_INDEX) throw new RangeError('file too large for the chunk index');
    const { ciphertext, tag } = sealChunk(this.#header, this.#dataKey, this.#nextIndex, isFinal, plaintext);
    this.#nextIndex += 1;
    if (ciphertext.length > 0) this.push(ciphertext);
    this.push(tag);
  }
}

class ChunkDecryptor extends Transform {
  readonly #header: CipherHeader;
  readonly #dataKey: Uint8Array;
  readonly #range: CipherRange;
  readonly #finalIndex: number;
  readonly #pending = new ByteQueue();
  /** Reused for sealed chunks that straddle incoming buffers; the decipher reads it synchronously. */
  readonly #scratch: Buffer;
  #nextIndex: number;
  #toSkip: number;
  #toDeliver: number;

  constructor(header: CipherHeader, dataKey: Uint8Array, range: CipherRange) {
    super();
    this.#header = header;
    this.#dataKey = dataKey;
    this.#range = range;
    this.#finalIndex = chunkCount(range.plaintextLength, header.chunkSize) - 1;
    this.#scratch = Buffer.allocUnsafe(header.chunkSize + TAG_LENGTH);
    this.#nextIndex = range.firstChunk;
    this.#toSkip = range.skip;
    this.#toDeliver = range.length;
  }

  override _transform(data: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#pending.push(data);
    try {
      this.#openAvailableChunks();
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    if (this.#nextIndex <= this.#range.lastChunk) {
      callback(new IntegrityError('encrypted stream ended early', this.#nextIndex));
      return;
    }
    callback();
  }

  #openAvailableChunks(): void {
    while (this.#pending.length > 0) {
      if (this.#nextIndex > this.#range.lastChunk) throw new IntegrityError('unexpected bytes after the last chunk');
      const sealedLength = this.#sealedLength(this.#nextIndex);
      if (this.#pending.length < sealedLength) return;
      const index = this.#nextIndex;
      const sealed = this.#pending.take(sealedLength, this.#scratch);
      const plaintext = openChunk(this.#header, this.#dataKey, index, index === this.#finalIndex, sealed);
      this.#nextIndex += 1;
      this.#deliver(plaintext);
    }
  }

  #sealedLength(index: number): number {
    const { chunkSize } = this.#header;
    const plaintextLength = index < this.#finalIndex ? chunkSize : this.#range.plaintextLength - index * chunkSize;
    return plaintextLength + TAG_LENGTH;
  }

  #deliver(plaintext: Buffer): void {
    const start = Math.min(this.#toSkip, plaintext.length);
    this.#toSkip -= start;
    const end = Math.min(plaintext.length, start + this.#toDeliver);
    this.#toDeliver -= end - start;
    if (end > start) this.push(plaintext.subarray(start, end));
  }
}
