import type { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { StorageDriver, WriteOptions } from './driver.ts';
import { partSizeFor, queueSizeFor, SINGLE_PUT_MAX } from './part-size.ts';
import { s3CodeOf } from './storage-errors.ts';

/** Folder markers (spec M7) are not files of a transfer. */
const FOLDER_MARKER = '.s3keep';

export type S3DriverOptions = { minPartMiB?: number; bufferMiB?: number; copyObjectMaxBytes?: number };

/**
 * `x-amz-copy-source` as `bucket/key` with each segment percent-encoded and `/` kept (upstream sent it raw, which
 * broke keys with spaces, `+` or non-ASCII characters; spec "Transfers").
 */
export const copySource = (bucket: string, key: string): string =>
  `${bucket}/${key}`.split('/').map(encodeURIComponent).join('/');

/** One bucket of an S3 location as a transfer endpoint; paths are keys below `prefix`. */
export class S3Driver implements StorageDriver {
  readonly kind = 's3' as const;
  readonly client: S3Client;
  readonly bucket: string;
  readonly #options: Required<S3DriverOptions>;

  constructor(client: S3Client, bucket: string, options: S3DriverOptions = {}) {
    this.client = client;
    this.bucket = bucket;
    this.#options = {
      minPartMiB: options.minPartMiB ?? 8,
      bufferMiB: options.bufferMiB ?? 64,
      copyObjectMaxBytes: options.copyObjectMaxBytes ?? 5 * 1024 ** 3,
    };
  }

  async listFiles(prefix: string, signal?: AbortSignal): Promise<{ path: string; size: number }[]> {
    const files: { path: string; size: number }[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }),
        { abortSignal: signal },
      );
      for (const object of page.Contents ?? []) {
        const key = object.Key ?? '';
        if (key.endsWith(`/${FOLDER_MARKER}`) || key === FOLDER_MARKER || key.endsWith('/')) continue;
        files.push({ path: key, size: object.Size ?? 0 });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return files;
  }

  async stat(path: string): Promise<{ size: number; sha256?: string } | undefined> {
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: path }));
      return { size: head.ContentLength ?? 0, ...(head.Metadata?.sha256 ? { sha256: head.Metadata.sha256 } : {}) };
    } catch (error) {
      const code = s3CodeOf(error);
      if (code === 'NotFound' || code === 'NoSuchKey') return undefined;
      throw error;
    }
  }

  async read(path: string, signal?: AbortSignal): Promise<Readable> {
    const object = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: path }), {
      abortSignal: signal,
    });
    return object.Body as Readable;
  }

  async write(path: string, body: Readable, options: WriteOptions): Promise<{ etag?: string }> {
    const metadata = options.sha256 ? { sha256: options.sha256 } : undefined;
    const common = { Bucket: this.bucket, Key: path, Metadata: metadata, ContentType: options.contentType };
    if (options.size !== undefined && options.size <= SINGLE_PUT_MAX) {
      const put = await this.client.send(new PutObjectCommand({ ...common, Body: body, ContentLength: options.size }), {
        abortSignal: options.signal,
      });
      options.onProgress?.(options.size);
      return { etag: put.ETag };
    }
    const partSize = partSizeFor(options.size, this.#options.minPartMiB);
    const upload = new Upload({
      client: this.client,
      params: { ...common, Body: body },
      partSize,
      queueSize: queueSizeFor(partSize, this.#options.bufferMiB),
      leavePartsOnError: false,
    });
    upload.on('httpUploadProgress', (progress) => {
      if (progress.loaded !== undefined) options.onProgress?.(progress.loaded);
    });
    const abort = (): void => {
      void upload.abort();
    };
    options.signal?.addEventListener('abort', abort, { once: true });
    try {
      const done = await upload.done();
      return { etag: done.ETag };
    } finally {
      options.signal?.removeEventListener('abort', abort);
    }
  }

  async delete(path: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: path }));
  }

  /** Rewrites the object's metadata in place (a self-copy with REPLACE), keeping its content type. */
  async recordSha256(path: string, sha256: string, size: number): Promise<void> {
    const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: path }));
    const metadata = { ...head.Metadata, sha256 };
    if (size <= this.#options.copyObjectMaxBytes) {
      await this.client.send(
        new CopyObjectCommand({
          Bucket: this.bucket,
          Key: path,
          CopySource: copySource(this.bucket, path),
          MetadataDirective: 'REPLACE',
          Metadata: metadata,
          ContentType: head.ContentType,
        }),
      );
      return;
    }
    await this.copyFrom(this, path, path, size, undefined, metadata);
  }

  /**
   * Server-side copy inside one endpoint: CopyObject up to the copy limit, beyond it a multipart upload of
   * UploadPartCopy ranges (4 at a time), because CopyObject refuses sources over 5 GiB (upstream defect).
   */
  async copyFrom(
    source: S3Driver,
    sourcePath: string,
    destPath: string,
    size: number,
    signal?: AbortSignal,
    metadata?: Record<string, string>,
  ) {
    if (size <= this.#options.copyObjectMaxBytes && !metadata) {
      const copied = await this.client.send(
        new CopyObjectCommand({
          Bucket: this.bucket,
          Key: destPath,
          CopySource: copySource(source.bucket, sourcePath),
          MetadataDirective: 'COPY',
        }),
        { abortSignal: signal },
      );
      return { etag: copied.CopyObjectResult?.ETag };
    }
    const sourceStat = await source.stat(sourcePath);
    const created = await this.client.send(
      new CreateMultipartUploadCommand({
        Bucket: this.bucket,
        Key: destPath,
        Metadata: metadata ?? (sourceStat?.sha256 ? { sha256: sourceStat.sha256 } : undefined),
      }),
    );
    const uploadId = created.UploadId!;
    try {
      // Parts sized as uploads (≤ 5 GiB, the UploadPartCopy maximum), independent of the CopyObject limit.
      const partSize = partSizeFor(size, this.#options.minPartMiB);
      const count = Math.ceil(size / partSize);
      const etags: string[] = new Array(count);
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < count) {
          const index = next++;
          const start = index * partSize;
          const end = Math.min(size, start + partSize) - 1;
          const part = await this.client.send(
            new UploadPartCopyCommand({
              Bucket: this.bucket,
              Key: destPath,
              UploadId: uploadId,
              PartNumber: index + 1,
              CopySource: copySource(source.bucket, sourcePath),
              CopySourceRange: `bytes=${start}-${end}`,
            }),
            { abortSignal: signal },
          );
          etags[index] = part.CopyPartResult?.ETag ?? '';
        }
      };
      await Promise.all(Array.from({ length: Math.min(4, count) }, worker));
      const done = await this.client.send(
        new CompleteMultipartUploadCommand({
          Bucket: this.bucket,
          Key: destPath,
          UploadId: uploadId,
          MultipartUpload: { Parts: etags.map((ETag, k) => ({ ETag, PartNumber: k + 1 })) },
        }),
      );
      return { etag: done.ETag };
    } catch (error) {
      await this.client
        .send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: destPath, UploadId: uploadId }))
        .catch(() => {});
      throw error;
    }
  }
}
