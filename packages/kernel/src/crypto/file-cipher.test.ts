import assert from 'node:assert/strict';
import { createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { Readable, type Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
  CHUNK_SIZE,
  ciphertextLength,
  ciphertextRangeFor,
  parseCipherHeader,
  plaintextLength,
  TAG_LENGTH,
} from './chunk-layout.ts';
import { IntegrityError } from './errors.ts';
import { generateKey } from './fernet.ts';
import {
  createFileDecryptor,
  createFileEncryption,
  createRangeDecryptor,
  type StoredFile,
  unwrapDataKey,
} from './file-cipher.ts';
import { MultiFernet } from './multi-fernet.ts';

const SEALED = CHUNK_SIZE + TAG_LENGTH;
const keyring = new MultiFernet([generateKey()]);

/** Cuts a buffer into irregular pieces so stream boundaries never line up with chunk boundaries. */
function* irregularPieces(bytes: Buffer): Generator<Buffer> {
  const sizes = [1, 1000, 70_000, 65_536, 17, 33_333];
  for (let offset = 0, i = 0; offset < bytes.length; i += 1) {
    const size = sizes[i % sizes.length];
    yield bytes.subarray(offset, offset + size);
    offset += size;
  }
}

/** Runs pieces through a transform; on failure reports both the error and what was emitted before it. */
async function runThrough(pieces: Iterable<Buffer>, transform: Transform) {
  const output: Buffer[] = [];
  let error: unknown;
  try {
    await pipeline(Readable.from(pieces), transform, async (source: AsyncIterable<Buffer>) => {
      for await (const piece of source) output.push(piece);
    });
  } catch (caught) {
    error = caught;
  }
  return { output: Buffer.concat(output), error };
}

async function encryptFile(plaintext: Buffer) {
  const encryption = createFileEncryption(keyring);
  const { output, error } = await runThrough(irregularPieces(plaintext), encryption.encryptor);
  assert.equal(error, undefined);
  const file: StoredFile = { header: encryption.header, dataKey: unwrapDataKey(keyring, encryption.wrappedDataKey) };
  return { file, stored: output, wrappedDataKey: encryption.wrappedDataKey };
}

async function decryptFile(file: StoredFile, stored: Buffer, length: number) {
  return runThrough(irregularPieces(stored), createFileDecryptor(file, length));
}

function assertIntegrityError(error: unknown, chunkIndex?: number): void {
  assert.ok(error instanceof IntegrityError, `expected IntegrityError, got ${String(error)}`);
  assert.equal(error.code, 'INTEGRITY_ERROR');
  if (chunkIndex !== undefined) assert.equal(error.chunkIndex, chunkIndex);
}

const chunkOf = (stored: Buffer, index: number) => stored.subarray(index * SEALED, (index + 1) * SEALED);

describe('chunk stream lengths', () => {
  const cases: [number, number][] = [
    [0, 16],
    [1, 17],
    [65_535, 65_551],
    [65_536, 65_552],
    [65_537, 65_569],
    [3 * 65_536 + 7, 3 * 65_552 + 23],
  ];
  it('maps plaintext lengths to stored lengths and back', () => {
    for (const [plain, stored] of cases) {
      assert.equal(ciphertextLength(plain), stored, `ciphertextLength(${plain})`);
      assert.equal(plaintextLength(stored), plain, `plaintextLength(${stored})`);
    }
  });

  it('rejects stored lengths no plaintext produces', () => {
    for (const stored of [0, 15, 65_553, 65_567, 65_568, 2 * 65_552 + 16]) {
      assert.throws(() => plaintextLength(stored), RangeError, `plaintextLength(${stored})`);
    }
  });
});

describe('file cipher', () => {
  for (const size of [0, 1, 65_535, 65_536, 65_537, 3 * 65_536 + 7]) {
    it(`round-trips ${size} bytes`, async () => {
      const plaintext = randomBytes(size);
      const { file, stored } = await encryptFile(plaintext);
      assert.equal(stored.length, ciphertextLength(size));
      if (size >= 32) assert.equal(stored.indexOf(plaintext.subarray(0, 32)), -1, 'plaintext visible in storage');
      const { output, error } = await decryptFile(file, stored, size);
      assert.equal(error, undefined);
      assert.deepEqual(output, plaintext);
    });
  }

  it('seals chunk i with nonce = prefix ‖ u32be(i) and AAD = header ‖ u32be(i) ‖ final flag', async () => {
    // The documented layout, rebuilt by hand, as another implementation (Python AESGCM) would use it.
    const plaintext = randomBytes(2 * CHUNK_SIZE + 5);
    const { file, stored } = await encryptFile(plaintext);
    const header = Buffer.from(file.header);
    assert.equal(header.subarray(0, 4).toString('ascii'), 'PFC1');
    assert.equal(header.readUInt32BE(5), CHUNK_SIZE);
    const openByHand = (index: number, isFinal: boolean, sealed: Buffer) => {
      const nonce = Buffer.concat([header.subarray(9, 17), Buffer.from([0, 0, 0, index])]);
      const decipher = createDecipheriv('aes-256-gcm', file.dataKey, nonce);
      decipher.setAAD(Buffer.concat([header, Buffer.from([0, 0, 0, index, isFinal ? 1 : 0])]));
      decipher.setAuthTag(sealed.subarray(sealed.length - TAG_LENGTH));
      return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG_LENGTH)), decipher.final()]);
    };
    assert.deepEqual(openByHand(1, false, chunkOf(stored, 1)), plaintext.subarray(CHUNK_SIZE, 2 * CHUNK_SIZE));
    assert.deepEqual(openByHand(2, true, stored.subarray(2 * SEALED)), plaintext.subarray(2 * CHUNK_SIZE));
  });

  it('uses a fresh data key and header per file', async () => {
    const plaintext = randomBytes(100);
    const first = await encryptFile(plaintext);
    const second = await encryptFile(plaintext);
    assert.notDeepEqual(first.file.dataKey, second.file.dataKey);
    assert.notDeepEqual(first.file.header, second.file.header);
    assert.notDeepEqual(first.stored, second.stored);
  });

  it('keeps files readable after the wrapped data key is rotated, without touching the stored chunks', async () => {
    const oldKey = generateKey();
    const newKey = generateKey();
    const plaintext = randomBytes(70_000);
    const encryption = createFileEncryption(new MultiFernet([oldKey]));
    const { output: stored } = await runThrough([plaintext], encryption.encryptor);
    const rewrapped = new MultiFernet([newKey, oldKey]).rotate(encryption.wrappedDataKey);
    assert.throws(() => unwrapDataKey(new MultiFernet([oldKey]), rewrapped));
    const dataKey = unwrapDataKey(new MultiFernet([newKey]), rewrapped);
    const { output, error } = await decryptFile({ header: encryption.header, dataKey }, stored, plaintext.length);
    assert.equal(error, undefined);
    assert.deepEqual(output, plaintext);
  });
});

describe('file cipher tamper detection', () => {
  const size = 3 * CHUNK_SIZE + 7; // chunks 0..2 full, chunk 3 holds 7 bytes
  const plaintext = randomBytes(size);
  const encrypted = encryptFile(plaintext);

  const flipByte = (stored: Buffer, offset: number) => {
    const copy = Buffer.from(stored);
    copy[offset] ^= 0x80;
    return copy;
  };

  it('fails on a flipped byte in chunk 0 before releasing any plaintext', async () => {
    const { file, stored } = await encrypted;
    const { output, error } = await decryptFile(file, flipByte(stored, 10), size);
    assertIntegrityError(error, 0);
    assert.equal(output.length, 0);
  });

  it('fails on a flipped byte in a middle chunk after releasing only the verified chunks before it', async () => {
    const { file, stored } = await encrypted;
    const { output, error } = await decryptFile(file, flipByte(stored, 2 * SEALED + 40_000), size);
    assertIntegrityError(error, 2);
    assert.deepEqual(output, plaintext.subarray(0, 2 * CHUNK_SIZE));
  });

  it('fails on a flipped tag byte of the last chunk', async () => {
    const { file, stored } = await encrypted;
    const { error } = await decryptFile(file, flipByte(stored, stored.length - 1), size);
    assertIntegrityError(error, 3);
  });

  it('fails when the last chunk is dropped, whether or not the recorded length was changed to match', async () => {
    const { file, stored } = await encrypted;
    const truncated = stored.subarray(0, 3 * SEALED);
    assertIntegrityError((await decryptFile(file, truncated, size)).error, 3);
    // Chunk 2 was sealed as non-final, so it cannot pose as the end of a 3-chunk file.
    assertIntegrityError((await decryptFile(file, truncated, 3 * CHUNK_SIZE)).error, 2);
  });

  it('fails when the stream stops inside a chunk', async () => {
    const { file, stored } = await encrypted;
    assertIntegrityError((await decryptFile(file, stored.subarray(0, stored.length - 1), size)).error, 3);
  });

  it('fails when chunks are swapped', async () => {
    const { file, stored } = await encrypted;
    const swapped = Buffer.concat([chunkOf(stored, 1), chunkOf(stored, 0), stored.subarray(2 * SEALED)]);
    assertIntegrityError((await decryptFile(file, swapped, size)).error, 0);
  });

  it('fails on bytes appended after the last chunk', async () => {
    const { file, stored } = await encrypted;
    assertIntegrityError((await decryptFile(file, Buffer.concat([stored, Buffer.from([0])]), size)).error);
  });

  it('fails when the recorded length claims more chunks than were written', async () => {
    const { file, stored } = await encrypted;
    const { error } = await decryptFile(file, stored, size + CHUNK_SIZE);
    assertIntegrityError(error, 3);
  });

  it('fails under another data key or an edited header', async () => {
    const { file, stored } = await encrypted;
    assertIntegrityError((await decryptFile({ ...file, dataKey: randomBytes(32) }, stored, size)).error, 0);
    const editedHeader = Buffer.from(file.header);
    editedHeader[12] ^= 0x01; // inside the nonce prefix
    assertIntegrityError((await decryptFile({ ...file, header: editedHeader }, stored, size)).error, 0);
    const badMagic = Buffer.from(file.header);
    badMagic[0] ^= 0x01;
    assert.throws(() => parseCipherHeader(badMagic), IntegrityError);
  });
});

describe('file cipher ranged reads', () => {
  const size = 5 * CHUNK_SIZE + 1234;
  const plaintext = randomBytes(size);
  const encrypted = encryptFile(plaintext);

  const readRange = async (stored: Buffer, file: StoredFile, start: number, end: number) => {
    const range = ciphertextRangeFor(size, start, end);
    // Exactly what an S3 ranged GET of `bytes=ciphertextStart-ciphertextEnd` returns.
    const fetched = stored.subarray(range.ciphertextStart, range.ciphertextEnd + 1);
    return runThrough(irregularPieces(fetched), createRangeDecryptor(file, range));
  };

  it('maps a plaintext range to the covering chunks', () => {
    assert.deepEqual(ciphertextRangeFor(size, CHUNK_SIZE, CHUNK_SIZE), {
      plaintextLength: size,
      chunkSize: CHUNK_SIZE,
      firstChunk: 1,
      lastChunk: 1,
      ciphertextStart: SEALED,
      ciphertextEnd: 2 * SEALED - 1,
      skip: 0,
      length: 1,
    });
    const tail = ciphertextRangeFor(size, size - 1, size - 1);
    assert.equal(tail.firstChunk, 5);
    assert.equal(tail.ciphertextEnd, ciphertextLength(size) - 1);
    assert.equal(tail.skip, 1233);
  });

  it('decrypts exactly the requested bytes for many ranges', async () => {
    const { file, stored } = await encrypted;
    const pairs: [number, number][] = [
      [0, 0],
      [0, size - 1],
      [size - 1, size - 1],
      [CHUNK_SIZE - 1, CHUNK_SIZE],
      [CHUNK_SIZE, CHUNK_SIZE],
      [CHUNK_SIZE, 2 * CHUNK_SIZE - 1],
      [1, CHUNK_SIZE - 2],
      [100, 200_000],
      [4 * CHUNK_SIZE + 7, size - 1],
      [5 * CHUNK_SIZE, size - 1],
    ];
    let seed = 12_345;
    const nextRandom = (limit: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed % limit;
    };
    for (let i = 0; i < 40; i += 1) {
      const start = nextRandom(size);
      pairs.push([start, start + nextRandom(size - start)]);
    }
    for (const [start, end] of pairs) {
      const { output, error } = await readRange(stored, file, start, end);
      assert.equal(error, undefined, `range ${start}-${end}`);
      assert.deepEqual(output, plaintext.subarray(start, end + 1), `range ${start}-${end}`);
    }
  });

  it('verifies every fetched chunk', async () => {
    const { file, stored } = await encrypted;
    const tampered = Buffer.from(stored);
    tampered[2 * SEALED + 5] ^= 0x01;
    const { error } = await readRange(tampered, file, CHUNK_SIZE + 10, 3 * CHUNK_SIZE);
    assertIntegrityError(error, 2);
    const { error: lastChunkError } = await readRange(
      stored,
      { ...file, dataKey: randomBytes(32) },
      size - 5,
      size - 1,
    );
    assertIntegrityError(lastChunkError, 5);
  });

  it('fails when a ranged fetch comes back short', async () => {
    const { file, stored } = await encrypted;
    const range = ciphertextRangeFor(size, 10, CHUNK_SIZE + 10);
    const short = stored.subarray(range.ciphertextStart, range.ciphertextEnd);
    const { error } = await runThrough([short], createRangeDecryptor(file, range));
    assertIntegrityError(error, 1);
  });

  it('rejects ranges outside the file', () => {
    assert.throws(() => ciphertextRangeFor(size, 10, 9), RangeError);
    assert.throws(() => ciphertextRangeFor(size, 0, size), RangeError);
    assert.throws(() => ciphertextRangeFor(0, 0, 0), RangeError);
    assert.throws(() => ciphertextRangeFor(size, -1, 3), RangeError);
  });
});

type CollectGarbage = (options?: { type: 'minor' | 'major' }) => void;

/** `gc()`, enabled at runtime because a test file cannot choose node's command-line flags. */
function exposeGarbageCollector(): CollectGarbage {
  setFlagsFromString('--expose-gc');
  const gc: unknown = runInNewContext('gc');
  assert.equal(typeof gc, 'function', 'gc() could not be exposed');
  return gc as CollectGarbage;
}

describe('file cipher memory', () => {
  it('streams 1 GiB through encrypt and decrypt with RSS growth under 32 MiB', async () => {
    const totalBytes = 1024 ** 3;
    const pieceSize = 100_000; // deliberately not a multiple of the chunk size
    const pattern = randomBytes(1024 * 1024);
    const inputHash = createHash('sha256');
    const outputHash = createHash('sha256');
    const gc = exposeGarbageCollector();

    // Plaintext generated piece by piece: the whole gigabyte never exists at once.
    function* generatePlaintext(): Generator<Buffer> {
      for (let offset = 0, index = 0; offset < totalBytes; offset += pieceSize, index += 1) {
        const piece = Buffer.allocUnsafe(Math.min(pieceSize, totalBytes - offset));
        pattern.copy(piece, 0, (index * 4099) % (pattern.length - pieceSize));
        piece.writeUInt32BE(index, 0);
        inputHash.update(piece);
        yield piece;
      }
    }

    gc();
    const baseline = process.memoryUsage.rss();
    let peak = baseline;
    let received = 0;
    let pieces = 0;
    const encryption = createFileEncryption(keyring);
    const file = { header: encryption.header, dataKey: unwrapDataKey(keyring, encryption.wrappedDataKey) };
    await pipeline(
      Readable.from(generatePlaintext()),
      encryption.encryptor,
      createFileDecryptor(file, totalBytes),
      async (source: AsyncIterable<Buffer>) => {
        for await (const piece of source) {
          outputHash.update(piece);
          received += piece.length;
          pieces += 1;
          if (pieces % 16 === 0) peak = Math.max(peak, process.memoryUsage.rss());
          // V8 lets ~64 MiB of dead ArrayBuffers pile up before collecting them (its external-memory soft
          // limit), whatever the stream code does. Frequent cheap young-generation collections plus a full one
          // every 128 pieces make the peak measure what the pipeline retains, which is what "bounded" means.
          if (pieces % 128 === 0) gc();
          else if (pieces % 8 === 0) gc({ type: 'minor' });
        }
      },
    );
    peak = Math.max(peak, process.memoryUsage.rss());

    assert.equal(received, totalBytes);
    assert.equal(outputHash.digest('hex'), inputHash.digest('hex'));
    const growthMiB = (peak - baseline) / 1024 ** 2;
    assert.ok(growthMiB < 32, `RSS grew by ${growthMiB.toFixed(1)} MiB`);
  });
});
