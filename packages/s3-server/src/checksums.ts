// The additional checksums S3 accepts (https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html):
// CRC32 (zlib), CRC32C (Castagnoli), CRC64NVME (NVMe CRC-64), SHA-1 and SHA-256, all transported as big-endian base64.
import { createHash, type Hash } from 'node:crypto';
import { crc32 } from 'node:zlib';

export const CHECKSUM_ALGORITHMS = ['crc32', 'crc32c', 'crc64nvme', 'sha1', 'sha256'] as const;
export type ChecksumAlgorithm = (typeof CHECKSUM_ALGORITHMS)[number];

export function isChecksumAlgorithm(name: string): name is ChecksumAlgorithm {
  return (CHECKSUM_ALGORITHMS as readonly string[]).includes(name);
}

/** Raw digest length in bytes, used to tell a malformed value (`InvalidDigest`) from a wrong one (`BadDigest`). */
export const CHECKSUM_BYTES: Record<ChecksumAlgorithm, number> = {
  crc32: 4,
  crc32c: 4,
  crc64nvme: 8,
  sha1: 20,
  sha256: 32,
};

export interface Checksummer {
  update(data: Uint8Array): void;
  digest(): Buffer;
}

/** Reflected CRC-32C table (polynomial 0x82F63B78, RFC 3720 §12.1). */
const CRC32C_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/**
 * Reflected CRC-64/NVME table (polynomial 0x9A6C9329AC4BC9B5), kept as two 32-bit halves so the inner loop stays in
 * small integers instead of BigInt.
 */
const CRC64_TABLE_HI = new Uint32Array(256);
const CRC64_TABLE_LO = new Uint32Array(256);
{
  const polynomial = 0x9a6c9329ac4bc9b5n;
  for (let n = 0; n < 256; n++) {
    let c = BigInt(n);
    for (let k = 0; k < 8; k++) c = c & 1n ? polynomial ^ (c >> 1n) : c >> 1n;
    CRC64_TABLE_HI[n] = Number(c >> 32n);
    CRC64_TABLE_LO[n] = Number(c & 0xffffffffn);
  }
}

function uint32Be(value: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(value >>> 0);
  return out;
}

class Crc32 implements Checksummer {
  private value = 0;
  update(data: Uint8Array): void {
    this.value = crc32(data, this.value);
  }
  digest(): Buffer {
    return uint32Be(this.value);
  }
}

class Crc32c implements Checksummer {
  private value = 0xffffffff;
  update(data: Uint8Array): void {
    let c = this.value;
    for (let i = 0; i < data.length; i++) c = CRC32C_TABLE[(c ^ data[i]) & 0xff] ^ (c >>> 8);
    this.value = c;
  }
  digest(): Buffer {
    return uint32Be(~this.value);
  }
}

class Crc64Nvme implements Checksummer {
  private hi = 0xffffffff;
  private lo = 0xffffffff;
  update(data: Uint8Array): void {
    let hi = this.hi;
    let lo = this.lo;
    for (let i = 0; i < data.length; i++) {
      const index = (lo ^ data[i]) & 0xff;
      lo = (((lo >>> 8) | (hi << 24)) ^ CRC64_TABLE_LO[index]) >>> 0;
      hi = ((hi >>> 8) ^ CRC64_TABLE_HI[index]) >>> 0;
    }
    this.hi = hi;
    this.lo = lo;
  }
  digest(): Buffer {
    return Buffer.concat([uint32Be(~this.hi), uint32Be(~this.lo)]);
  }
}

class NodeHash implements Checksummer {
  private readonly hash: Hash;
  constructor(algorithm: string) {
    this.hash = createHash(algorithm);
  }
  update(data: Uint8Array): void {
    this.hash.update(data);
  }
  digest(): Buffer {
    return this.hash.digest();
  }
}

export function createChecksummer(algorithm: ChecksumAlgorithm): Checksummer {
  switch (algorithm) {
    case 'crc32':
      return new Crc32();
    case 'crc32c':
      return new Crc32c();
    case 'crc64nvme':
      return new Crc64Nvme();
    default:
      return new NodeHash(algorithm);
  }
}

export function checksumOf(algorithm: ChecksumAlgorithm, data: Uint8Array): string {
  const checksummer = createChecksummer(algorithm);
  checksummer.update(data);
  return checksummer.digest().toString('base64');
}

/**
 * The multipart "composite" checksum: the checksum of the concatenated raw part checksums, suffixed with the part count
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html#large-object-checksums).
 */
export function compositeChecksum(algorithm: ChecksumAlgorithm, partChecksums: string[]): string {
  const raw = Buffer.concat(partChecksums.map((value) => Buffer.from(value, 'base64')));
  return `${checksumOf(algorithm, raw)}-${partChecksums.length}`;
}

export function checksumHeaderName(algorithm: ChecksumAlgorithm): string {
  return `x-amz-checksum-${algorithm}`;
}
