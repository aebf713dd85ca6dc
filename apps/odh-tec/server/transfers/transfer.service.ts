import { AppError, notFound } from '@platform/kernel/http/errors.ts';
import type { Kernel } from '@platform/kernel/kernel.ts';
import type { FastifyRequest } from 'fastify';
import { PERMISSIONS } from '../odh-tec.permissions.ts';
import { assertValidKey } from '../storage/key-codec.ts';
import { storageError } from '../storage/storage-errors.ts';
import { assertBucketName } from '../storage/storage-names.ts';
import { type ConflictResolution, resolveConflicts } from './conflicts.ts';
import { type OpenEndpoint, splitS3Path, TRANSFER_QUEUE, type TransferEngine } from './transfer.engine.ts';
import type { NewTransferFile } from './transfer.repository.ts';
import type { CheckConflicts, CreateCopy, EndpointBody } from './transfer.schema.ts';
import type { Endpoint, TransferRow } from './transfer.tables.ts';

const invalidState = (message: string) => new AppError(409, 'invalid_transfer_state', message);

/** Normalises an endpoint path to the prefix files are resolved under: no leading `/`, a trailing `/` if non-empty. */
function rootOf(endpoint: EndpointBody): string {
  if (endpoint.type === 's3') {
    const { bucket, prefix } = splitS3Path(endpoint.path);
    assertBucketName(bucket);
    return prefix && !prefix.endsWith('/') ? `${prefix}/` : prefix;
  }
  const path = endpoint.path.replace(/^\/+/, '');
  return path && !path.endsWith('/') ? `${path}/` : path;
}

/** Relative paths never climb out of the endpoint (`..`) nor start at a root. */
function assertRelative(path: string): void {
  if (path.startsWith('/') || path.split('/').some((segment) => segment === '..' || segment === '.')) {
    throw new AppError(400, 'invalid_path', `path must be relative without . or .. segments: ${path}`);
  }
}

/**
 * Transfer jobs: creation (plan the files, resolve conflicts from one listing, enqueue the kernel job in the same
 * transaction as the rows), cancel, resume, cleanup. Every job belongs to its creator; others get 404.
 */
export class TransferService {
  readonly engine: TransferEngine;
  readonly #kernel: Kernel;

  constructor(kernel: Kernel, engine: TransferEngine) {
    this.#kernel = kernel;
    this.engine = engine;
  }

  /** The one place a transfer is loaded for a request: another owner's job is a 404 like a missing one. */
  async load(request: FastifyRequest, permission: string, id: string): Promise<TransferRow> {
    const row = await this.engine.repository.find(id);
    if (!row) throw notFound('transfer');
    try {
      request.authorize(permission, { ownerId: row.ownerId });
    } catch (error) {
      if (error instanceof AppError && error.statusCode === 404) throw notFound('transfer');
      throw error;
    }
    return row;
  }

  async createCopy(request: FastifyRequest, body: CreateCopy): Promise<TransferRow> {
    const { userId } = request.authorize(PERMISSIONS.transfersRun);
    body.files.forEach(assertRelative);
    const sourceRoot = rootOf(body.source);
    const destinationRoot = rootOf(body.destination);
    const policy: ConflictResolution = body.conflictResolution ?? 'overwrite';
    const source = await this.engine.open(userId, body.source as Endpoint);
    const destination = await this.engine.open(userId, body.destination as Endpoint);
    let planned: NewTransferFile[];
    try {
      const selected = await this.#expand(source, sourceRoot, body.files);
      if (!selected.length) throw new AppError(400, 'no_files', 'the selection contains no files');
      const existing = new Set(
        (await destination.driver.listFiles(destinationRoot)).map((f) => f.path.slice(destinationRoot.length)),
      );
      const resolved = resolveConflicts(
        selected.map((f) => f.relative),
        existing,
        policy,
      );
      planned = selected.map((file, idx) => {
        const destPath = destinationRoot + resolved[idx].path;
        assertValidKey(destPath);
        return { idx, sourcePath: file.path, destPath, size: file.size };
      });
    } catch (error) {
      throw storageError(error);
    } finally {
      source.release();
      destination.release();
    }
    const title = `Copy ${planned.length} file${planned.length === 1 ? '' : 's'} to ${body.destination.locationId}`;
    return this.enqueue(userId, title, {
      kind: 'copy',
      source: body.source,
      destination: body.destination as Endpoint,
      options: { conflictResolution: policy },
      files: planned,
    });
  }

  async checkConflicts(request: FastifyRequest, body: CheckConflicts) {
    const { userId } = request.authorize(PERMISSIONS.transfersRun);
    body.files.forEach(assertRelative);
    const root = rootOf(body.destination);
    const destination = await this.engine.open(userId, body.destination as Endpoint);
    try {
      const existing = new Map(
        (await destination.driver.listFiles(root)).map((f) => [f.path.slice(root.length), f.size] as const),
      );
      const details = body.files.flatMap((path) => {
        const size = existing.get(path);
        return size === undefined ? [] : [{ path, size }];
      });
      return { conflicts: details.map((d) => d.path), details };
    } catch (error) {
      throw storageError(error);
    } finally {
      destination.release();
    }
  }

  async cancel(request: FastifyRequest, id: string): Promise<void> {
    const row = await this.load(request, PERMISSIONS.transfersRun, id);
    const moved = await this.engine.repository.setStatus(id, 'cancelling', {}, ['queued', 'active', 'interrupted']);
    if (!moved) {
      if (row.status === 'cancelling') return;
      throw invalidState(`a ${row.status} transfer cannot be cancelled`);
    }
    if (row.kind === 'upload' || !row.jobId) {
      await this.engine.requestCancel(id);
      return;
    }
    const job = await this.#kernel.jobs.cancel(row.jobId);
    // A job that never started ends here; a running one stops through its signal (this process or the bus).
    if (job.status === 'cancelled') await this.engine.finish(id, AbortSignal.abort());
    else await this.engine.requestCancel(id);
  }

  async resume(request: FastifyRequest, id: string): Promise<TransferRow> {
    const row = await this.load(request, PERMISSIONS.transfersRun, id);
    if (row.kind === 'upload') throw invalidState('an upload resumes by sending the file again');
    const moved = await this.engine.repository.setStatus(
      id,
      'queued',
      { finishedAt: null, errorCode: null, errorMessage: null },
      ['failed', 'cancelled', 'interrupted'],
    );
    if (!moved) throw invalidState(`a ${row.status} transfer cannot be resumed`);
    await this.engine.repository.requeueUnfinished(id);
    const job = await this.#kernel.jobs.enqueue(
      TRANSFER_QUEUE,
      { transferId: id },
      { ownerId: row.ownerId, title: `Resume transfer ${id.slice(0, 8)}` },
    );
    return (await this.engine.repository.setStatus(id, 'queued', { jobId: job.id })) ?? moved;
  }

  /** Deletes what a cancelled or failed transfer wrote, never an object that existed before it. */
  async cleanup(request: FastifyRequest, id: string) {
    const row = await this.load(request, PERMISSIONS.transfersRun, id);
    if (row.status !== 'cancelled' && row.status !== 'failed') {
      throw invalidState('only cancelled or failed transfers can be cleaned up');
    }
    const files = (await this.engine.repository.files(id)).filter((f) => f.destWritten);
    const destination = await this.engine.open(row.ownerId, row.destination);
    const deleted: string[] = [];
    const errors: { path: string; code: string }[] = [];
    try {
      for (const file of files) {
        try {
          await destination.driver.delete(file.destPath);
          await this.engine.repository.updateFile(id, file.idx, { destWritten: false });
          deleted.push(file.destPath);
        } catch (error) {
          errors.push({ path: file.destPath, code: storageError(error).code });
        }
      }
    } finally {
      destination.release();
    }
    return { deleted, errors };
  }

  /** Selected relative paths → files (a path ending in `/` expands to the folder's files, paths kept relative). */
  async #expand(source: OpenEndpoint, root: string, selection: string[]) {
    const files: { path: string; relative: string; size: number }[] = [];
    for (const relative of selection) {
      if (relative.endsWith('/')) {
        for (const file of await source.driver.listFiles(root + relative)) {
          files.push({ path: file.path, relative: file.path.slice(root.length), size: file.size });
        }
      } else {
        const stat = await source.driver.stat(root + relative);
        if (!stat) throw new AppError(404, 'object_not_found', `source file not found: ${relative}`);
        files.push({ path: root + relative, relative, size: stat.size });
      }
    }
    return files;
  }

  /** Creates the transfer rows and its kernel job in one transaction (the job id becomes the transfer id). */
  async enqueue(
    ownerId: string,
    title: string,
    plan: {
      kind: TransferRow['kind'];
      source: Record<string, unknown>;
      destination: Endpoint;
      options: Record<string, unknown>;
      files: NewTransferFile[];
      secretEnc?: string;
      resolvedRevision?: string;
    },
  ): Promise<TransferRow> {
    const { files, ...values } = plan;
    return this.#kernel.db.transaction(async (tx) => {
      const job = await this.#kernel.jobs.enqueue(TRANSFER_QUEUE, {}, { ownerId, title, executor: tx });
      const row = await this.engine.repository.create({ ...values, id: job.id, jobId: job.id, ownerId }, files, tx);
      return row;
    });
  }
}
