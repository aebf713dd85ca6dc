import { pipeline } from 'node:stream/promises';
import type { Kernel } from '@platform/kernel/kernel.ts';
import type { LocationService } from '../locations/location.service.ts';
import type { StorageDriver } from '../storage/driver.ts';
import { S3Driver } from '../storage/s3.driver.ts';
import { storageError } from '../storage/storage-errors.ts';
import type { ConflictResolution } from './conflicts.ts';
import { HashingStream } from './hashing-stream.ts';
import { TransferScheduler } from './scheduler.ts';
import { TransferRepository } from './transfer.repository.ts';
import type { Endpoint, TransferFileRow, TransferRow } from './transfer.tables.ts';

/** Kernel job queue that runs server-side transfers (copies, Hugging Face imports). */
export const TRANSFER_QUEUE = 'odh-tec.transfer';
/** Bus subject asking the process that runs a transfer to stop it (spec "Transfers": within 1 s). */
export const cancelSubject = (id: string): string => `odh-tec.transfer.cancel.${id}`;

/** A file gets one retry before it counts as failed (spec: `failed` = a file in error after 2 attempts). */
const MAX_FILE_ATTEMPTS = 2;
const PROGRESS_WRITE_MS = 500;

/** An opened transfer endpoint: a driver over a bucket or local root, plus the prefix paths are resolved under. */
export interface OpenEndpoint {
  driver: StorageDriver;
  /** The store behind the driver (`s3:<location>`): two S3 endpoints of one store copy server-side. */
  store: string;
  release(): void;
}

export type LocalDriverFactory = (locationId: string) => StorageDriver;

/** Moves one file of a transfer to the destination: a copy from another endpoint, a Hub download, … */
export interface FileMover {
  move(file: TransferFileRow, destination: OpenEndpoint, signal: AbortSignal, attempt: number): Promise<void>;
  /** Runs once every file completed or was skipped (the import manifest). */
  complete?(destination: OpenEndpoint, files: TransferFileRow[]): Promise<void>;
  release(): void;
}

export type MoverFactory = (row: TransferRow, engine: TransferEngine) => Promise<FileMover>;

/** `<bucket>/<prefix>` of an S3 endpoint path. */
export function splitS3Path(path: string): { bucket: string; prefix: string } {
  const trimmed = path.replace(/^\/+/, '');
  const slash = trimmed.indexOf('/');
  return slash < 0
    ? { bucket: trimmed, prefix: '' }
    : { bucket: trimmed.slice(0, slash), prefix: trimmed.slice(slash + 1) };
}

/**
 * Runs transfers: opens endpoints for the job's owner, moves each file under a scheduler slot (server-side copy inside
 * one endpoint, streaming with SHA-256 otherwise), records file states and events for the SSE streams.
 */
export class TransferEngine {
  readonly repository: TransferRepository;
  readonly scheduler: TransferScheduler;
  readonly #kernel: Kernel;
  readonly #locations: LocationService;
  readonly #live = new Map<string, AbortController>();
  readonly #movers = new Map<TransferRow['kind'], MoverFactory>([['copy', (row) => this.#copyMover(row)]]);
  #localDrivers?: LocalDriverFactory;

  constructor(kernel: Kernel, locations: LocationService, limit: number) {
    this.#kernel = kernel;
    this.#locations = locations;
    this.repository = new TransferRepository(kernel.db.orm);
    this.scheduler = new TransferScheduler(limit);
  }

  /** Adds the runner of another transfer kind (the Hugging Face import). */
  useMover(kind: TransferRow['kind'], factory: MoverFactory): void {
    this.#movers.set(kind, factory);
  }

  async #copyMover(row: TransferRow): Promise<FileMover> {
    const source = await this.open(row.ownerId, row.source as Endpoint);
    return {
      move: (file, destination, signal, attempt) => this.#moveFile(row, file, source, destination, signal, attempt),
      release: () => source.release(),
    };
  }

  /** Local roots become transfer endpoints once the local storage module provides drivers. */
  useLocalDrivers(factory: LocalDriverFactory): void {
    this.#localDrivers = factory;
  }

  /** Listens for cancel requests from other processes. */
  listen(): () => void {
    const subscription = this.#kernel.bus.subscribe<{ id: string }>(cancelSubject('*'), (message) => {
      this.#live.get(message.data.id)?.abort(new Error('cancelled'));
    });
    return () => subscription.unsubscribe();
  }

  /** Registers work running in this process (a job run or an upload request) so a cancel can reach it. */
  track(id: string, controller: AbortController): () => void {
    this.#live.set(id, controller);
    return () => {
      if (this.#live.get(id) === controller) this.#live.delete(id);
    };
  }

  /** True while this process runs any transfer (the workbench kernels shim reports `busy`). */
  get busy(): boolean {
    return this.#live.size > 0;
  }

  async requestCancel(id: string): Promise<void> {
    this.#live.get(id)?.abort(new Error('cancelled'));
    await this.#kernel.bus.publish(cancelSubject(id), { id });
  }

  async open(ownerId: string, endpoint: Endpoint): Promise<OpenEndpoint> {
    if (endpoint.type === 'local') {
      if (!this.#localDrivers) throw storageError(new Error('local storage is not configured'));
      return { driver: this.#localDrivers(endpoint.locationId), store: `local:${endpoint.locationId}`, release() {} };
    }
    const location = await this.#locations.openForOwner(ownerId, endpoint.locationId);
    const { bucket } = splitS3Path(endpoint.path);
    const env = this.#kernel.config.env;
    const driver = new S3Driver(location.client, bucket, {
      copyObjectMaxBytes: Number(env.ODH_TEC_COPY_OBJECT_MAX_BYTES) || undefined,
      minPartMiB: Number(env.ODH_TEC_MIN_PART_MIB) || undefined,
      bufferMiB: Number(env.ODH_TEC_TRANSFER_BUFFER_MIB) || undefined,
    });
    return { driver, store: `s3:${endpoint.locationId}`, release: () => location.release() };
  }

  /** The kernel job handler: runs (or resumes) a copy transfer until every file ended or the job is cancelled. */
  async runJob(transferId: string, signal: AbortSignal): Promise<void> {
    const row = await this.repository.find(transferId);
    if (!row || ['completed', 'failed', 'cancelled'].includes(row.status)) return;
    if (row.status === 'cancelling') {
      await this.finish(transferId, AbortSignal.abort());
      return;
    }
    // The kernel re-queues the job of a stopped worker; with AUTO_RESUME_TRANSFERS=false it waits for a resume.
    if (row.status === 'interrupted' && this.#kernel.config.env.AUTO_RESUME_TRANSFERS === 'false') return;
    const controller = new AbortController();
    const stopTracking = this.track(transferId, controller);
    const onAbort = () => controller.abort(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      await this.repository.setStatus(transferId, 'active', { startedAt: row.startedAt ?? new Date() });
      await this.repository.requeueUnfinished(transferId);
      const factory = this.#movers.get(row.kind);
      if (!factory) throw new Error(`no runner for ${row.kind} transfers`);
      const mover = await factory(row, this);
      const destination = await this.open(row.ownerId, row.destination);
      try {
        const files = (await this.repository.files(transferId)).filter((f) => f.status === 'queued');
        await Promise.all(files.map((file) => this.#runFile(row, file, mover, destination, controller.signal)));
        const all = await this.repository.files(transferId);
        if (!controller.signal.aborted && all.every((f) => f.status === 'completed' || f.status === 'skipped')) {
          await mover.complete?.(destination, all);
        }
      } finally {
        mover.release();
        destination.release();
      }
      await this.finish(transferId, controller.signal);
    } catch (error) {
      if (controller.signal.aborted) await this.finish(transferId, controller.signal);
      else {
        const failure = storageError(error);
        await this.#end(transferId, 'failed', { code: failure.code, message: failure.message });
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      stopTracking();
      this.scheduler.forget(transferId);
    }
  }

  /** Settles a run: cancelled when asked, interrupted when the worker stopped, else completed or failed by files. */
  async finish(transferId: string, signal: AbortSignal): Promise<void> {
    const row = await this.repository.find(transferId);
    if (!row) return;
    if (signal.aborted && row.status !== 'cancelling') {
      // The worker is shutting down or lost its lease: the kernel re-queues the job, which resumes it.
      await this.repository.setStatus(transferId, 'interrupted');
      throw signal.reason instanceof Error ? signal.reason : new Error('interrupted');
    }
    const files = await this.repository.files(transferId);
    if (row.status === 'cancelling') {
      for (const file of files.filter((f) => f.status === 'queued' || f.status === 'transferring')) {
        await this.repository.updateFile(transferId, file.idx, { status: 'cancelled', finishedAt: new Date() });
      }
      await this.#end(transferId, 'cancelled');
      return;
    }
    const failed = files.filter((f) => f.status === 'error');
    if (failed.length) {
      await this.#end(transferId, 'failed', {
        code: failed[0].errorCode ?? 'file_failed',
        message: `${failed.length} of ${files.length} files failed`,
      });
    } else await this.#end(transferId, 'completed');
  }

  async #end(
    transferId: string,
    status: 'completed' | 'failed' | 'cancelled',
    error?: { code: string; message: string },
  ) {
    await this.repository.refreshTotals(transferId);
    const row = await this.repository.setStatus(transferId, status, {
      finishedAt: new Date(),
      secretEnc: null,
      errorCode: error?.code ?? null,
      errorMessage: error?.message ?? null,
    });
    const summary = summaryOf(row);
    if (status === 'failed') {
      await this.repository.appendEvent(transferId, 'error', { jobId: transferId, status, ...error, summary });
    } else await this.repository.appendEvent(transferId, 'done', { jobId: transferId, status, summary });
    this.#kernel.logger.info(
      { jobId: transferId, kind: row.kind, files: row.totalFiles, bytes: row.loadedBytes, result: status },
      'transfer ended',
    );
  }

  async #runFile(
    row: TransferRow,
    file: TransferFileRow,
    mover: FileMover,
    destination: OpenEndpoint,
    signal: AbortSignal,
  ): Promise<void> {
    let release: (() => void) | undefined;
    try {
      release = await this.scheduler.acquire(row.id, signal);
    } catch {
      return;
    }
    try {
      for (let attempt = file.attempts + 1; ; attempt++) {
        try {
          await mover.move(file, destination, signal, attempt);
          return;
        } catch (error) {
          if (signal.aborted) return;
          const failure = storageError(error);
          if (attempt >= file.attempts + MAX_FILE_ATTEMPTS) {
            await this.recordFile(row.id, file, {
              status: 'error',
              errorCode: failure.code,
              errorMessage: failure.message,
              finishedAt: new Date(),
            });
            return;
          }
        }
      }
    } finally {
      release();
    }
  }

  async #moveFile(
    row: TransferRow,
    file: TransferFileRow,
    source: OpenEndpoint,
    destination: OpenEndpoint,
    signal: AbortSignal,
    attempt: number,
  ): Promise<void> {
    const policy = (row.options.conflictResolution as ConflictResolution | undefined) ?? 'overwrite';
    const existing = await destination.driver.stat(file.destPath);
    const sourceStat = await source.driver.stat(file.sourcePath);
    if (!sourceStat) throw storageError(Object.assign(new Error('source missing'), { name: 'NoSuchKey' }));
    // A resumed file whose destination already holds the same bytes is not moved again.
    const sameBytes =
      existing && existing.size === sourceStat.size && existing.sha256 && existing.sha256 === sourceStat.sha256;
    if ((existing && policy === 'skip') || sameBytes) {
      await this.recordFile(row.id, file, { status: 'skipped', loaded: sourceStat.size, finishedAt: new Date() });
      return;
    }
    await this.recordFile(row.id, file, {
      status: 'transferring',
      attempts: attempt,
      loaded: 0,
      startedAt: new Date(),
    });
    const progress = this.progressWriter(row.id, file.idx);
    let etag: string | undefined;
    let sha256 = sourceStat.sha256;
    if (
      source.store === destination.store &&
      source.driver instanceof S3Driver &&
      destination.driver instanceof S3Driver
    ) {
      ({ etag } = await destination.driver.copyFrom(
        source.driver,
        file.sourcePath,
        file.destPath,
        sourceStat.size,
        signal,
      ));
    } else {
      const body = await source.driver.read(file.sourcePath, signal);
      const hashing = new HashingStream(progress);
      const piped = pipeline(body, hashing, { signal });
      const written = destination.driver.write(file.destPath, hashing, {
        size: sourceStat.size,
        sha256: sourceStat.sha256,
        signal,
        onProgress: progress,
      });
      await Promise.all([piped, written]);
      etag = (await written).etag;
      sha256 = hashing.digest();
      if (sourceStat.sha256 && sourceStat.sha256 !== sha256) {
        await destination.driver.delete(file.destPath).catch(() => {});
        throw Object.assign(new Error('the copied bytes do not match the source checksum'), {
          name: 'ChecksumMismatch',
        });
      }
      // Every object the app writes carries its SHA-256 (spec S5), also when the source did not know it.
      if (!sourceStat.sha256) await destination.driver.recordSha256?.(file.destPath, sha256, sourceStat.size);
    }
    await this.recordFile(row.id, file, {
      status: 'completed',
      loaded: sourceStat.size,
      size: sourceStat.size,
      actualSha256: sha256 ?? null,
      etag: etag ?? null,
      // Cleanup after a cancel removes only what this transfer created, never an object that existed before.
      destWritten: !existing,
      finishedAt: new Date(),
    });
  }

  /** Bytes-moved callback that writes a file's `loaded` at most every 500 ms (streams poll the database). */
  progressWriter(transferId: string, idx: number): (loaded: number) => void {
    let lastWrite = 0;
    return (loaded) => {
      const now = Date.now();
      if (now - lastWrite < PROGRESS_WRITE_MS) return;
      lastWrite = now;
      void this.repository.updateFile(transferId, idx, { loaded }).catch(() => {});
    };
  }

  /** Records a file's new state, the job's totals and a `file` event for the streams. */
  async recordFile(
    transferId: string,
    file: TransferFileRow,
    changes: Parameters<TransferRepository['updateFile']>[2],
  ): Promise<void> {
    const updated = await this.repository.updateFile(transferId, file.idx, changes);
    await this.repository.refreshTotals(transferId);
    await this.repository.appendEvent(transferId, 'file', { jobId: transferId, file: fileView(updated ?? file) });
  }
}

/** A file as SSE events and the job view show it. */
export function fileView(file: TransferFileRow) {
  return {
    path: file.destPath,
    source: file.sourcePath,
    loaded: file.loaded,
    total: file.size,
    status: file.status,
    ...(file.errorCode ? { error: { code: file.errorCode, message: file.errorMessage ?? '' } } : {}),
  };
}

export function summaryOf(row: TransferRow) {
  return {
    totalFiles: row.totalFiles,
    completedFiles: row.completedFiles,
    failedFiles: row.failedFiles,
    skippedFiles: row.skippedFiles,
    totalBytes: row.totalBytes,
    loadedBytes: row.loadedBytes,
  };
}
