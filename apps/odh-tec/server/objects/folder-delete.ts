import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { DeleteObjectsCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { Kernel } from '@platform/kernel/kernel.ts';
import type { OpenLocation } from '../locations/location.service.ts';
import { storageError } from '../storage/storage-errors.ts';
import { summaryOf } from '../transfers/transfer.engine.ts';
import { TransferRepository } from '../transfers/transfer.repository.ts';

const DELETE_BATCH = 1000;
/** How long the DELETE request waits for a folder delete before answering 202 with a job (spec "Delete"). */
export const FOLDER_DELETE_WAIT_MS = 10_000;

/** Deletes every object under a folder prefix, a page of 1000 keys at a time; returns how many were deleted. */
export async function deletePrefix(client: S3Client, bucket: string, prefix: string): Promise<number> {
  let count = 0;
  for (;;) {
    // Always the first page: the previous batch is gone, so no continuation token is needed (or valid).
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, MaxKeys: DELETE_BATCH }));
    const keys = (page.Contents ?? []).map((object) => ({ Key: object.Key! }));
    if (!keys.length) return count;
    // Content-MD5 is added to every DeleteObjects by the client's middleware (storage/content-md5.middleware.ts).
    const answer = await client.send(
      new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys, Quiet: true } }),
    );
    if (answer.Errors?.length) throw Object.assign(new Error('delete failed'), { name: answer.Errors[0]!.Code });
    count += keys.length;
  }
}

export type FolderDeleteOutcome = { count: number } | { jobId: string };

/**
 * Deletes a folder within the request when that takes ≤ 10 s; past that, answers with a `delete_prefix` transfer the
 * client can follow (GET /api/transfers/:id and its SSE stream) while the delete goes on in this process. The location
 * is released when the delete ends, whichever way the request was answered.
 */
export async function deleteFolder(
  kernel: Kernel,
  location: OpenLocation,
  ownerId: string,
  bucket: string,
  prefix: string,
): Promise<FolderDeleteOutcome> {
  const work = deletePrefix(location.client, bucket, prefix).finally(() => location.release());
  const timer = new AbortController();
  const waited = delay(FOLDER_DELETE_WAIT_MS, 'timeout' as const, { signal: timer.signal }).catch(
    () => 'done' as const,
  );
  const first = await Promise.race([work, waited]).finally(() => timer.abort());
  if (typeof first === 'number') return { count: first };
  const repository = new TransferRepository(kernel.db.orm);
  const id = randomUUID();
  await repository.create(
    {
      id,
      ownerId,
      kind: 'delete_prefix',
      status: 'active',
      destination: { type: 's3', locationId: location.id, path: `${bucket}/${prefix}` },
      startedAt: new Date(),
    },
    [],
  );
  void work
    .then(
      async (count) => {
        const row = await repository.setStatus(id, 'completed', {
          finishedAt: new Date(),
          totalFiles: count,
          completedFiles: count,
        });
        await repository.appendEvent(id, 'done', { jobId: id, status: 'completed', summary: summaryOf(row) });
      },
      async (error) => {
        const failure = storageError(error);
        const row = await repository.setStatus(id, 'failed', {
          finishedAt: new Date(),
          errorCode: failure.code,
          errorMessage: failure.message,
        });
        const summary = summaryOf(row);
        await repository.appendEvent(id, 'error', { jobId: id, status: 'failed', code: failure.code, summary });
      },
    )
    .catch((error) => kernel.logger.error({ err: error, transferId: id }, 'recording a folder delete failed'));
  return { jobId: id };
}
