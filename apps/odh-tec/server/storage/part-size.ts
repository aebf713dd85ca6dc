/**
 * Multipart sizing (spec 01-odh-tec "Upload"): parts of at least 8 MiB, large enough that 9,000 parts cover the
 * object (S3 allows 10,000; the margin absorbs a size that was only an upper bound), at most 5 GiB; the upload queue
 * keeps about 64 MiB in flight per file. Upstream's fixed 5 MiB parts capped uploads at ≈ 48.8 GiB.
 */
const MiB = 1024 * 1024;
const MAX_PART = 5 * 1024 * MiB;
/** A known size up to this goes in one PutObject. */
export const SINGLE_PUT_MAX = 5 * MiB;

export function partSizeFor(size: number | undefined, minPartMiB = 8): number {
  const minimum = minPartMiB * MiB;
  if (size === undefined || size <= 0) return minimum;
  const needed = Math.ceil(Math.ceil(size / 9000) / MiB) * MiB;
  return Math.min(MAX_PART, Math.max(minimum, needed));
}

export function queueSizeFor(partSize: number, bufferMiB = 64): number {
  return Math.min(4, Math.max(1, Math.floor((bufferMiB * MiB) / partSize) - 1));
}
