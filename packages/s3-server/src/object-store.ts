// Buckets and objects on the local filesystem. Keys never become paths: an object lives under the SHA-256 of its key
// (`buckets/<b>/objects/<h[0..2]>/<h>.meta.json`), so `..`, `/`, Unicode or 1024-byte keys can neither escape the
// data directory nor collide; the real key is inside the metadata. Each bucket keeps a sorted in-memory index,
// rebuilt from the metadata files at start.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { ChecksumAlgorithm } from './checksums.ts';
import { moveInto, removeQuietly, STREAM_HIGH_WATER_MARK, uniqueName, writeJsonAtomic } from './fs-atomic.ts';
import { SortedMap } from './key-order.ts';
import type { ByteRange } from './range.ts';
import { S3Error } from './s3-error.ts';

/** One stored file holding a contiguous piece of the object; multipart objects keep one per part. */
export interface Segment {
  /** Relative to the bucket directory. */
  file: string;
  size: number;
}

export interface ObjectMeta {
  key: string;
  size: number;
  /** MD5 hex, or `<md5 of part md5s>-<N>` for multipart objects; unquoted. */
  etag: string;
  contentType: string;
  /** `x-amz-meta-*` headers with the prefix, lower-case names. */
  userMetadata: Record<string, string>;
  /** Content-Encoding, Content-Disposition, Cache-Control, Content-Language, Expires as given at upload. */
  systemHeaders: Record<string, string>;
  checksums: Partial<Record<ChecksumAlgorithm, string>>;
  checksumType?: 'FULL_OBJECT' | 'COMPOSITE';
  lastModified: string;
  segments: Segment[];
  /** Part sizes for multipart objects (`partNumber` in GET/HEAD). */
  parts?: number[];
}

export interface Bucket {
  name: string;
  created: string;
  objects: SortedMap<ObjectMeta>;
}

export type NewObject = Omit<ObjectMeta, 'segments' | 'lastModified'>;

const BUCKET_NAME = /^(?!\d+\.\d+\.\d+\.\d+$)(?!xn--)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** Bucket naming rules (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html). */
export function isValidBucketName(name: string): boolean {
  return BUCKET_NAME.test(name) && !name.includes('..') && !name.includes('.-') && !name.includes('-.');
}

const keyHash = (key: string): string => createHash('sha256').update(key, 'utf8').digest('hex');

export class ObjectStore {
  readonly tmpDir: string;
  private readonly bucketsDir: string;
  private readonly buckets = new Map<string, Bucket>();
  /** Serialises commits per key so metadata renames and index updates happen in the same order. */
  private readonly keyLocks = new Map<string, Promise<unknown>>();

  /** When false, writes skip fsync: for tests that create thousands of throwaway objects. */
  readonly fsync: boolean;

  constructor(dir: string, fsync = true) {
    this.fsync = fsync;
    this.tmpDir = join(dir, 'tmp');
    this.bucketsDir = join(dir, 'buckets');
  }

  async open(): Promise<void> {
    await removeQuietly(this.tmpDir);
    await mkdir(this.tmpDir, { recursive: true });
    await mkdir(this.bucketsDir, { recursive: true });
    for (const name of await readdir(this.bucketsDir)) {
      const bucketFile = join(this.bucketsDir, name, 'bucket.json');
      const info = JSON.parse(await readFile(bucketFile, 'utf8').catch(() => 'null')) as { created: string } | null;
      if (!info) continue;
      const bucket: Bucket = { name, created: info.created, objects: new SortedMap() };
      const objectsDir = join(this.bucketsDir, name, 'objects');
      for (const shard of await readdir(objectsDir).catch(() => [] as string[])) {
        for (const file of await readdir(join(objectsDir, shard))) {
          if (!file.endsWith('.meta.json')) continue;
          const meta = JSON.parse(await readFile(join(objectsDir, shard, file), 'utf8')) as ObjectMeta;
          bucket.objects.set(meta.key, meta);
        }
      }
      this.buckets.set(name, bucket);
    }
  }

  listBuckets(): { name: string; created: string }[] {
    return [...this.buckets.values()]
      .map(({ name, created }) => ({ name, created }))
      .sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  hasBucket(name: string): boolean {
    return this.buckets.has(name);
  }

  bucket(name: string): Bucket {
    const bucket = this.buckets.get(name);
    if (!bucket) throw new S3Error('NoSuchBucket', undefined);
    return bucket;
  }

  async createBucket(name: string): Promise<void> {
    if (!isValidBucketName(name)) throw new S3Error('InvalidBucketName', 'The specified bucket is not valid.');
    if (this.buckets.has(name)) throw new S3Error('BucketAlreadyOwnedByYou');
    const created = new Date().toISOString();
    this.buckets.set(name, { name, created, objects: new SortedMap() });
    await writeJsonAtomic(this.tmpDir, join(this.bucketsDir, name, 'bucket.json'), { created }, this.fsync);
  }

  async deleteBucket(name: string): Promise<void> {
    const bucket = this.bucket(name);
    if (bucket.objects.size > 0) throw new S3Error('BucketNotEmpty');
    this.buckets.delete(name);
    await rm(join(this.bucketsDir, name), { recursive: true, force: true });
  }

  head(bucketName: string, key: string): ObjectMeta {
    const meta = this.bucket(bucketName).objects.get(key);
    if (!meta) throw new S3Error('NoSuchKey');
    return meta;
  }

  /** Streams `range` (inclusive) of the object across its segments with bounded buffering. */
  read(bucketName: string, meta: ObjectMeta, range?: ByteRange): Readable {
    const bucketDir = join(this.bucketsDir, bucketName);
    const start = range?.start ?? 0;
    const end = range?.end ?? meta.size - 1;
    async function* pieces(): AsyncGenerator<Buffer> {
      let offset = 0;
      for (const segment of meta.segments) {
        const segmentStart = offset;
        offset += segment.size;
        if (segment.size === 0 || offset - 1 < start || segmentStart > end) continue;
        yield* createReadStream(join(bucketDir, segment.file), {
          start: Math.max(start, segmentStart) - segmentStart,
          end: Math.min(end, offset - 1) - segmentStart,
          highWaterMark: STREAM_HIGH_WATER_MARK,
        });
      }
    }
    return Readable.from(pieces(), { objectMode: false, highWaterMark: STREAM_HIGH_WATER_MARK });
  }

  /** Makes a fully written temp file the object's content. */
  async commitFile(bucketName: string, object: NewObject, tempFile: string): Promise<ObjectMeta> {
    const hash = keyHash(object.key);
    const file = join('objects', hash.slice(0, 2), `${hash}.${uniqueName()}.data`);
    await moveInto(tempFile, join(this.bucketsDir, bucketName, file));
    return this.commitMeta(bucketName, object, [{ file, size: object.size }]);
  }

  /** Makes stored multipart part files the object's content by renaming them (no byte copy). */
  async commitParts(bucketName: string, object: NewObject, partFiles: Segment[]): Promise<ObjectMeta> {
    const hash = keyHash(object.key);
    const partsDir = join('objects', hash.slice(0, 2), `${hash}.${uniqueName()}.parts`);
    const segments: Segment[] = [];
    for (const [index, part] of partFiles.entries()) {
      const file = join(partsDir, String(index + 1));
      await moveInto(part.file, join(this.bucketsDir, bucketName, file));
      segments.push({ file, size: part.size });
    }
    return this.commitMeta(bucketName, object, segments);
  }

  private async commitMeta(bucketName: string, object: NewObject, segments: Segment[]): Promise<ObjectMeta> {
    const meta: ObjectMeta = { ...object, segments, lastModified: new Date().toISOString() };
    return this.withKeyLock(bucketName, object.key, async () => {
      const bucket = this.buckets.get(bucketName);
      if (!bucket) {
        await this.removeData(bucketName, segments);
        throw new S3Error('NoSuchBucket');
      }
      await writeJsonAtomic(this.tmpDir, this.metaPath(bucketName, object.key), meta, this.fsync);
      const previous = bucket.objects.get(object.key);
      bucket.objects.set(object.key, meta);
      if (previous) await this.removeData(bucketName, previous.segments);
      return meta;
    });
  }

  /**
   * Rewrites an object's metadata without touching its bytes: a CopyObject onto itself with `REPLACE` (how clients
   * change metadata) would otherwise re-write the whole object, gigabytes for a model file.
   */
  async replaceMetadata(
    bucketName: string,
    key: string,
    changes: Pick<ObjectMeta, 'contentType' | 'userMetadata' | 'systemHeaders'>,
  ): Promise<ObjectMeta> {
    return this.withKeyLock(bucketName, key, async () => {
      const bucket = this.buckets.get(bucketName);
      const previous = bucket?.objects.get(key);
      if (!bucket) throw new S3Error('NoSuchBucket');
      if (!previous) throw new S3Error('NoSuchKey');
      const meta: ObjectMeta = { ...previous, ...changes, lastModified: new Date().toISOString() };
      await writeJsonAtomic(this.tmpDir, this.metaPath(bucketName, key), meta, this.fsync);
      bucket.objects.set(key, meta);
      return meta;
    });
  }

  /** Deletes an object; deleting a missing key succeeds, as in S3. */
  async delete(bucketName: string, key: string): Promise<void> {
    this.bucket(bucketName);
    await this.withKeyLock(bucketName, key, async () => {
      const bucket = this.buckets.get(bucketName);
      const previous = bucket?.objects.get(key);
      if (!bucket || !previous) return;
      bucket.objects.delete(key);
      await rm(this.metaPath(bucketName, key), { force: true });
      await this.removeData(bucketName, previous.segments);
    });
  }

  private async removeData(bucketName: string, segments: Segment[]): Promise<void> {
    const bucketDir = join(this.bucketsDir, bucketName);
    for (const segment of segments) await rm(join(bucketDir, segment.file), { force: true });
    const partsDir = segments[0]?.file.match(/^(.*\.parts)\//)?.[1];
    if (partsDir) await removeQuietly(join(bucketDir, partsDir));
  }

  private metaPath(bucketName: string, key: string): string {
    const hash = keyHash(key);
    return join(this.bucketsDir, bucketName, 'objects', hash.slice(0, 2), `${hash}.meta.json`);
  }

  private async withKeyLock<T>(bucketName: string, key: string, action: () => Promise<T>): Promise<T> {
    const lockKey = `${bucketName}/${key}`;
    const previous = this.keyLocks.get(lockKey) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(action);
    this.keyLocks.set(lockKey, next);
    try {
      return await next;
    } finally {
      if (this.keyLocks.get(lockKey) === next) this.keyLocks.delete(lockKey);
    }
  }
}
