/**
 * Layout of chunked AES-256-GCM file encryption (platform spec "Crypto and secrets"; Fernet itself is
 * unsuited to large files, see pyca/cryptography#2358).
 *
 * The plaintext is cut into chunks of `chunkSize` bytes (64 KiB); the last one holds the remainder and
 * may be full or, for an empty file, empty, so a file always has at least one chunk. Each chunk is
 * stored as AES-256-GCM ciphertext ‖ 16-byte tag, back to back, with no framing: chunk i starts at
 * i × (chunkSize + 16), which is what makes ranged reads possible.
 *
 * The header is stored beside the object (a DB column), not in the chunk stream:
 *   magic "PFC1"[4] ‖ version u8 ‖ chunkSize u32be ‖ noncePrefix[8]   (17 bytes)
 * Chunk i uses nonce = noncePrefix ‖ u32be(i) and AAD = header ‖ u32be(i) ‖ finalFlag(0x00|0x01).
 * Binding the index stops reordering, binding the final flag stops truncation at a chunk boundary
 * (the new last chunk was sealed as non-final), and binding the header stops edits to it.
 * Each file has its own random data key, so nonces never repeat under one key.
 */
import { randomBytes } from 'node:crypto';
import { IntegrityError } from './errors.ts';

export const CHUNK_SIZE = 64 * 1024;
export const TAG_LENGTH = 16;
export const DATA_KEY_LENGTH = 32;

const MAGIC = Buffer.from('PFC1', 'ascii');
const FORMAT_VERSION = 1;
const NONCE_PREFIX_LENGTH = 8;
export const CIPHER_HEADER_LENGTH = MAGIC.length + 1 + 4 + NONCE_PREFIX_LENGTH;
/** A u32 chunk index keeps nonces 12 bytes long; at 64 KiB that allows files up to 256 TiB. */
export const MAX_CHUNK_INDEX = 0xffff_ffff;
const MAX_CHUNK_SIZE = 16 * 1024 * 1024;

export interface CipherHeader {
  /** The serialized header, as stored and as bound into every chunk's AAD. */
  bytes: Buffer;
  chunkSize: number;
  noncePrefix: Buffer;
}

/** A header for a new file: current format, 64 KiB chunks, random nonce prefix. */
export function createCipherHeader(): CipherHeader {
  const bytes = Buffer.alloc(CIPHER_HEADER_LENGTH);
  MAGIC.copy(bytes, 0);
  bytes[MAGIC.length] = FORMAT_VERSION;
  bytes.writeUInt32BE(CHUNK_SIZE, MAGIC.length + 1);
  randomBytes(NONCE_PREFIX_LENGTH).copy(bytes, MAGIC.length + 5);
  return parseCipherHeader(bytes);
}

/** Reads a stored header; anything unrecognised is an integrity failure, since headers are only ever written by us. */
export function parseCipherHeader(stored: Uint8Array): CipherHeader {
  const bytes = Buffer.from(stored);
  if (bytes.length !== CIPHER_HEADER_LENGTH || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new IntegrityError('unrecognised cipher header');
  }
  if (bytes[MAGIC.length] !== FORMAT_VERSION) throw new IntegrityError('unsupported cipher header version');
  const chunkSize = bytes.readUInt32BE(MAGIC.length + 1);
  if (chunkSize < 1 || chunkSize > MAX_CHUNK_SIZE) throw new IntegrityError('invalid chunk size in cipher header');
  return { bytes, chunkSize, noncePrefix: bytes.subarray(MAGIC.length + 5) };
}

/** The 12-byte GCM nonce of chunk `index`: noncePrefix ‖ u32be(index). */
export function chunkNonce(header: CipherHeader, index: number): Buffer {
  const nonce = Buffer.alloc(NONCE_PREFIX_LENGTH + 4);
  header.noncePrefix.copy(nonce, 0);
  nonce.writeUInt32BE(index, NONCE_PREFIX_LENGTH);
  return nonce;
}

/** The additional authenticated data of chunk `index`: header ‖ u32be(index) ‖ final flag. */
export function chunkAad(header: CipherHeader, index: number, isFinal: boolean): Buffer {
  const aad = Buffer.alloc(header.bytes.length + 5);
  header.bytes.copy(aad, 0);
  aad.writeUInt32BE(index, header.bytes.length);
  aad[header.bytes.length + 4] = isFinal ? 1 : 0;
  return aad;
}

function assertLength(value: number, name: string): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name} must be a non-negative integer`);
}

/** Number of chunks a plaintext of this length is stored in (at least one). */
export function chunkCount(plaintextLength: number, chunkSize = CHUNK_SIZE): number {
  assertLength(plaintextLength, 'plaintextLength');
  return Math.max(1, Math.ceil(plaintextLength / chunkSize));
}

/** Bytes of the stored chunk stream for a plaintext of this length. */
export function ciphertextLength(plaintextLength: number, chunkSize = CHUNK_SIZE): number {
  return plaintextLength + chunkCount(plaintextLength, chunkSize) * TAG_LENGTH;
}

/** Plaintext length of a stored chunk stream; throws RangeError for a length no plaintext produces. */
export function plaintextLength(storedLength: number, chunkSize = CHUNK_SIZE): number {
  assertLength(storedLength, 'ciphertextLength');
  const chunks = Math.max(1, Math.ceil(storedLength / (chunkSize + TAG_LENGTH)));
  const plaintext = storedLength - chunks * TAG_LENGTH;
  if (plaintext < 0 || ciphertextLength(plaintext, chunkSize) !== storedLength) {
    throw new RangeError(`${storedLength} is not the length of a chunked ciphertext`);
  }
  return plaintext;
}

/** Which stored bytes cover a plaintext byte range, and how to cut the requested bytes out of those chunks. */
export interface CipherRange {
  /** Total plaintext length of the file (decides which chunk is the final one). */
  plaintextLength: number;
  chunkSize: number;
  firstChunk: number;
  lastChunk: number;
  /** First stored byte to fetch (inclusive), e.g. for an HTTP/S3 `Range: bytes=start-end`. */
  ciphertextStart: number;
  /** Last stored byte to fetch (inclusive). */
  ciphertextEnd: number;
  /** Plaintext bytes to drop from the start of `firstChunk`. */
  skip: number;
  /** Plaintext bytes to deliver. */
  length: number;
}

/** Maps the plaintext range [start, endInclusive] of a file onto its stored chunk stream. */
export function ciphertextRangeFor(
  fileLength: number,
  start: number,
  endInclusive: number,
  chunkSize = CHUNK_SIZE,
): CipherRange {
  assertLength(start, 'start');
  assertLength(endInclusive, 'endInclusive');
  if (start > endInclusive || endInclusive >= fileLength) {
    throw new RangeError(`range ${start}-${endInclusive} is not within a ${fileLength}-byte file`);
  }
  const sealedChunkSize = chunkSize + TAG_LENGTH;
  const firstChunk = Math.floor(start / chunkSize);
  const lastChunk = Math.floor(endInclusive / chunkSize);
  return {
    plaintextLength: fileLength,
    chunkSize,
    firstChunk,
    lastChunk,
    ciphertextStart: firstChunk * sealedChunkSize,
    ciphertextEnd: Math.min((lastChunk + 1) * sealedChunkSize, ciphertextLength(fileLength, chunkSize)) - 1,
    skip: start - firstChunk * chunkSize,
    length: endInclusive - start + 1,
  };
}

/** The range covering a whole file, including the single empty chunk of an empty file. */
export function wholeFileRange(fileLength: number, chunkSize = CHUNK_SIZE): CipherRange {
  return {
    plaintextLength: fileLength,
    chunkSize,
    firstChunk: 0,
    lastChunk: chunkCount(fileLength, chunkSize) - 1,
    ciphertextStart: 0,
    ciphertextEnd: ciphertextLength(fileLength, chunkSize) - 1,
    skip: 0,
    length: fileLength,
  };
}
