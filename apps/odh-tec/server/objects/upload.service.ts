import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { auditContextOf } from '@platform/kernel/audit/audit-context.ts';
import { AppError } from '@platform/kernel/http/errors.ts';
import type { Kernel } from '@platform/kernel/kernel.ts';
import { and, desc, eq, inArray } from 'drizzle-orm';
import type { FastifyRequest } from 'fastify';
import type { LocationService, OpenLocation } from '../locations/location.service.ts';
import { PERMISSIONS } from '../odh-tec.permissions.ts';
import { SINGLE_PUT_MAX } from '../storage/part-size.ts';
import { S3Driver } from '../storage/s3.driver.ts';
import { storageError } from '../storage/storage-errors.ts';
import { assertBucketName } from '../storage/storage-names.ts';
import { HashingStream } from '../transfers/hashing-stream.ts';
import { fileView, summaryOf, type TransferEngine } from '../transfers/transfer.engine.ts';
import type { TransferRepository } from '../transfers/transfer.repository.ts';
import {
  type TransferFileRow,
  type TransferRow,
  type TransferStatus,
  transferFiles,
  transfers,
} from '../transfers/transfer.tables.ts';
import { abortLeftoverUploads } from './multipart-sweep.ts';
import {
  declaredSha256,
  declaredSize,
  readUploadForm,
  resolveUploadKey,
  type UploadForm,
  type UploadQueryValues,
} from './upload-form.ts';
import { UploadGate } from './upload-gate.ts';

const GiB = 1024 ** 3;
const DEFAULT_MAX_FILE_GB = 20;
const PROGRESS_WRITE_MS = 500;
/** Spec "Upload": an upload waiting for a scheduler slot is held by back-pressure for at most 5 min. */
const QUEUE_TIMEOUT_MS = 5 * 60_000;
const RUNNING: TransferStatus[] = ['queued', 'active', 'cancelling'];

/** MAX_FILE_SIZE_GB in bytes (fractions allowed; 0 = no limit). */
export function maxFileBytesOf(env: Record<string, string | undefined>): number {
  const raw = env.MAX_FILE_SIZE_GB?.trim();
  const gb = raw ? Number(raw) : DEFAULT_MAX_FILE_GB;
  return Number.isFinite(gb) && gb >= 0 ? Math.floor(gb * GiB) : DEFAULT_MAX_FILE_GB * GiB;
}

const tooLarge = () => new AppError(413, 'file_too_large', 'the file exceeds MAX_FILE_SIZE_GB');
const sizeMismatch = (declared: number, received: number) =>
  new AppError(
    400,
    'size_mismatch',
    `the file does not have its declared size of ${declared} bytes (received ${received})`,
  );
/** 499 (client closed request): the upload was cancelled or its client went away (spec "Upload"). */
const aborted = () => new AppError(499, 'upload_aborted', 'the upload was aborted');

export interface UploadResult {
  message: 'Object uploaded successfully';
  jobId: string;
  location: string;
  bucket: string;
  key: string;
  size: number;
  etag: string;
  sha256: string;
}

/** One upload of a user, newest first, as the upstream per-key aliases see it. */
export type KeyedUpload = { transfer: TransferRow; file: TransferFileRow };

/**
 * Browser uploads (spec 01-odh-tec M8, "Upload"): each request is an `upload` transfer owned by the user, run in
 * this process under a scheduler slot and cancellable through the transfer API; the file part streams through a
 * SHA-256 counter into the bucket without buffering the whole file.
 */
export class UploadService {
  readonly #kernel: Kernel;
  readonly #locations: LocationService;
  readonly #engine: TransferEngine;
  readonly #maxFileBytes: number;

  constructor(kernel: Kernel, locations: LocationService, engine: TransferEngine) {
    this.#kernel = kernel;
    this.#locations = locations;
    this.#engine = engine;
    this.#maxFileBytes = maxFileBytesOf(kernel.config.env);
  }

  get maxFileBytes(): number {
    return this.#maxFileBytes;
  }

  get #repository(): TransferRepository {
    return this.#engine.repository;
  }

  /** Receives one multipart upload into `bucket`; `disconnected` aborts when the client goes away. */
  async upload(
    request: FastifyRequest,
    target: { bucket: string; routeKey?: string; query: UploadQueryValues },
    disconnected: AbortSignal,
  ): Promise<UploadResult> {
    const { userId } = request.authorize(PERMISSIONS.objectsWrite);
    assertBucketName(target.bucket);
    if (target.query.jobId && (await this.#repository.find(target.query.jobId))) {
      throw new AppError(409, 'transfer_exists', 'a transfer with this jobId already exists');
    }
    const location = await this.#locations.open(request, PERMISSIONS.objectsWrite, target.query.location);
    try {
      const form = await readUploadForm(request);
      const key = resolveUploadKey(target.routeKey, target.query, form);
      const size = declaredSize(target.query, form.fields);
      const sha256 = declaredSha256(target.query, form.fields);
      if (this.#maxFileBytes > 0 && size !== undefined && size > this.#maxFileBytes) throw tooLarge();
      const result = await this.#run(request, userId, location, form, {
        id: target.query.jobId ?? randomUUID(),
        bucket: target.bucket,
        key,
        size,
        sha256,
        bound: contentLengthOf(request),
        startedAt: Date.now(),
        disconnected,
      });
      await this.#kernel.audit.record(auditContextOf(request), {
        action: 'odh-tec.object.upload',
        targetType: 'odh-tec.object',
        targetId: `${location.id}/${target.bucket}/${key}`,
        after: { size: result.size, sha256: result.sha256, jobId: result.jobId },
      });
      return result;
    } finally {
      location.release();
    }
  }

  /** The user's uploads of `key` (any bucket), newest first; `running` keeps those not yet ended. */
  async uploadsOf(ownerId: string, key: string, options: { running?: boolean; limit?: number } = {}) {
    const conditions = [eq(transfers.ownerId, ownerId), eq(transfers.kind, 'upload'), eq(transferFiles.destPath, key)];
    if (options.running) conditions.push(inArray(transfers.status, RUNNING));
    const rows: KeyedUpload[] = await this.#repository.orm
      .select({ transfer: transfers, file: transferFiles })
      .from(transfers)
      .innerJoin(transferFiles, and(eq(transferFiles.transferId, transfers.id), eq(transferFiles.idx, 0)))
      .where(and(...conditions))
      .orderBy(desc(transfers.createdAt))
      .limit(options.limit ?? 20);
    return rows;
  }

  /** Cancels the user's running uploads of `key` (upstream `abort-upload`); false when none was running. */
  async abortUploads(request: FastifyRequest, key: string): Promise<boolean> {
    const { userId } = request.authorize(PERMISSIONS.objectsWrite);
    let any = false;
    for (const { transfer } of await this.uploadsOf(userId, key, { running: true })) {
      await this.#repository.setStatus(transfer.id, 'cancelling', {}, ['queued', 'active']);
      await this.#engine.requestCancel(transfer.id);
      any = true;
    }
    return any;
  }

  async #run(
    request: FastifyRequest,
    ownerId: string,
    location: OpenLocation,
    form: UploadForm,
    upload: {
      id: string;
      bucket: string;
      key: string;
      size?: number;
      sha256?: string;
      bound?: number;
      startedAt: number;
      disconnected: AbortSignal;
    },
  ): Promise<UploadResult> {
    const { id } = upload;
    const fileName = form.fields.relativePath ?? form.file.filename;
    await this.#repository.create(
      {
        id,
        ownerId,
        kind: 'upload',
        status: 'active',
        source: { type: 'upload', fileName },
        destination: { type: 's3', locationId: location.id, path: upload.bucket },
        startedAt: new Date(),
      },
      [
        {
          idx: 0,
          sourcePath: fileName,
          destPath: upload.key,
          size: upload.size ?? null,
          expectedSha256: upload.sha256 ?? null,
        },
      ],
    );
    const controller = new AbortController();
    const stopTracking = this.#engine.track(id, controller);
    const onDisconnect = () => controller.abort(new Error('client disconnected'));
    upload.disconnected.addEventListener('abort', onDisconnect, { once: true });
    if (upload.disconnected.aborted) onDisconnect();
    let release: (() => void) | undefined;
    try {
      release = await this.#acquireSlot(id, controller.signal);
      await this.#fileState(id, { status: 'transferring', attempts: 1, startedAt: new Date() });
      const stored = await this.#store(location, form, upload, controller.signal);
      await this.#fileState(id, {
        status: 'completed',
        loaded: stored.size,
        size: stored.size,
        actualSha256: stored.sha256,
        etag: stored.etag,
        destWritten: true,
        finishedAt: new Date(),
      });
      await this.#end(id, 'completed', { totalBytes: stored.size });
      return {
        message: 'Object uploaded successfully',
        jobId: id,
        location: location.id,
        bucket: upload.bucket,
        key: upload.key,
        ...stored,
      };
    } catch (error) {
      // A reset connection may fail the body stream before the response's close event arrives.
      if (request.raw.socket?.destroyed) onDisconnect();
      if (controller.signal.aborted) {
        await this.#fileState(id, { status: 'cancelled', finishedAt: new Date() });
        await this.#end(id, 'cancelled');
        request.log.info({ jobId: id }, 'upload aborted');
        throw aborted();
      }
      const failure = storageError(error);
      await this.#fileState(id, {
        status: 'error',
        errorCode: failure.code,
        errorMessage: failure.message,
        finishedAt: new Date(),
      });
      await this.#end(id, 'failed', { error: { code: failure.code, message: failure.message } });
      throw failure;
    } finally {
      release?.();
      stopTracking();
      upload.disconnected.removeEventListener('abort', onDisconnect);
      this.#engine.scheduler.forget(id);
    }
  }

  /** A scheduler slot, or 503 `transfer_queue_timeout` after 5 min of back-pressure (spec "Upload"). */
  async #acquireSlot(id: string, signal: AbortSignal): Promise<() => void> {
    const timeout = AbortSignal.timeout(QUEUE_TIMEOUT_MS);
    try {
      return await this.#engine.scheduler.acquire(id, AbortSignal.any([signal, timeout]));
    } catch (error) {
      if (!signal.aborted && timeout.aborted) {
        throw new AppError(503, 'transfer_queue_timeout', 'no transfer slot became free in time');
      }
      throw error;
    }
  }

  /**
   * Streams the file part into the bucket and returns what was stored. Every check (size, checksum, a second file
   * part) runs before the body ends, so a refused upload never becomes visible. A known size ≤ 5 MiB is collected
   * first and sent in one PutObject: its checksum is then known up front and no part of a refused file is written.
   */
  async #store(
    location: OpenLocation,
    form: UploadForm,
    upload: {
      id: string;
      bucket: string;
      key: string;
      size?: number;
      sha256?: string;
      bound?: number;
      startedAt: number;
    },
    signal: AbortSignal,
  ): Promise<{ size: number; etag: string; sha256: string }> {
    const env = this.#kernel.config.env;
    const driver = new S3Driver(location.client, upload.bucket, {
      copyObjectMaxBytes: Number(env.ODH_TEC_COPY_OBJECT_MAX_BYTES) || undefined,
      minPartMiB: Number(env.ODH_TEC_MIN_PART_MIB) || undefined,
      bufferMiB: Number(env.ODH_TEC_TRANSFER_BUFFER_MIB) || undefined,
    });
    const hashing = new HashingStream();
    let sha256 = '';
    const maxBytes = this.#maxFileBytes > 0 ? this.#maxFileBytes : Number.POSITIVE_INFINITY;
    const gate = new UploadGate(
      Math.min(upload.size ?? Number.POSITIVE_INFINITY, maxBytes),
      (received) =>
        upload.size !== undefined && upload.size < maxBytes ? sizeMismatch(upload.size, received) : tooLarge(),
      async () => {
        // Everything after the file part is read before the body ends: a second file refuses the whole upload.
        await form.drain();
        if (form.file.file.truncated) throw tooLarge();
        if (upload.size !== undefined && hashing.bytes !== upload.size) throw sizeMismatch(upload.size, hashing.bytes);
        sha256 = hashing.digest();
        if (upload.sha256 && upload.sha256 !== sha256) {
          throw new AppError(422, 'checksum_mismatch', 'the received bytes do not match the given sha256', {
            expected: upload.sha256,
            actual: sha256,
          });
        }
      },
    );
    const progress = this.#progressWriter(upload.id);
    if (upload.size !== undefined && upload.size <= SINGLE_PUT_MAX) {
      const chunks: Buffer[] = [];
      await pipeline(
        form.file.file,
        hashing,
        gate,
        async (body: AsyncIterable<Buffer>) => {
          for await (const chunk of body) chunks.push(chunk);
        },
        { signal },
      );
      const { etag } = await driver.write(upload.key, Readable.from([Buffer.concat(chunks)]), {
        size: upload.size,
        sha256,
        signal,
      });
      return { size: upload.size, etag: etag ?? '', sha256 };
    }
    // Without a declared size the Content-Length (the whole form) bounds the part size; being larger than the file,
    // it never selects a single PutObject.
    const { bound } = upload;
    const writeSize = upload.size ?? (bound !== undefined && bound > SINGLE_PUT_MAX ? bound : undefined);
    // A failed body also stops the writer, which would otherwise wait for the rest of a part.
    const bodyFailed = new AbortController();
    gate.once('error', (error) => bodyFailed.abort(error));
    const piped = pipeline(form.file.file, hashing, gate, { signal });
    const written = driver.write(upload.key, gate, {
      size: writeSize,
      sha256: upload.sha256,
      signal: AbortSignal.any([signal, bodyFailed.signal]),
      onProgress: progress.write,
    });
    const [pipedResult, writeResult] = await Promise.allSettled([piped, written]);
    await progress.settled();
    if (writeResult.status === 'rejected') {
      await abortLeftoverUploads(location.client, upload.bucket, upload.key, upload.startedAt);
      throw gate.failure ?? writeResult.reason;
    }
    if (pipedResult.status === 'rejected') throw pipedResult.reason;
    // Every object the app writes carries its SHA-256 (spec S5), also when the client did not send one.
    if (!upload.sha256) await driver.recordSha256(upload.key, sha256, hashing.bytes);
    return { size: hashing.bytes, etag: writeResult.value.etag ?? '', sha256 };
  }

  /** Writes the stored byte count to the file row at most every 500 ms; `settled` waits for the last write. */
  #progressWriter(id: string) {
    let last = 0;
    let pending: Promise<unknown> = Promise.resolve();
    return {
      write: (loaded: number): void => {
        const now = Date.now();
        if (now - last < PROGRESS_WRITE_MS) return;
        last = now;
        pending = pending.then(() => this.#repository.updateFile(id, 0, { loaded }).catch(() => {}));
      },
      settled: () => pending,
    };
  }

  /** A file state change, with the `file` event the canonical SSE stream relays (as the transfer engine does). */
  async #fileState(id: string, changes: Parameters<TransferRepository['updateFile']>[2]): Promise<void> {
    const updated = await this.#repository.updateFile(id, 0, changes);
    await this.#repository.refreshTotals(id);
    if (updated) await this.#repository.appendEvent(id, 'file', { jobId: id, file: fileView(updated) });
  }

  /** The terminal state and its `done` or `error` event, in the transfer engine's shapes. */
  async #end(
    id: string,
    status: 'completed' | 'failed' | 'cancelled',
    extra: { totalBytes?: number; error?: { code: string; message: string } } = {},
  ): Promise<void> {
    await this.#repository.refreshTotals(id);
    const row = await this.#repository.setStatus(id, status, {
      finishedAt: new Date(),
      errorCode: extra.error?.code ?? null,
      errorMessage: extra.error?.message ?? null,
      ...(extra.totalBytes !== undefined ? { totalBytes: extra.totalBytes } : {}),
    });
    const summary = summaryOf(row);
    if (status === 'failed') {
      await this.#repository.appendEvent(id, 'error', { jobId: id, status, ...extra.error, summary });
    } else await this.#repository.appendEvent(id, 'done', { jobId: id, status, summary });
  }
}

/** The request's Content-Length: the whole form, so an upper bound of the file's size. */
function contentLengthOf(request: FastifyRequest): number | undefined {
  const value = Number(request.headers['content-length']);
  return request.headers['content-length'] !== undefined && Number.isSafeInteger(value) && value >= 0
    ? value
    : undefined;
}
