import type { JobProgress, JobStatus } from './job.schema.ts';
import type { JobRow } from './job-queue.ts';

const iso = (date: Date | null): string | null => (date ? date.toISOString() : null);

export const presentJob = (row: JobRow) => ({
  id: row.id,
  queue: row.queue,
  name: row.title ?? row.queue,
  status: row.status as JobStatus,
  attempts: row.attempts,
  maxAttempts: row.maxAttempts,
  progress: (row.progress as JobProgress | null) ?? null,
  error: row.error,
  result: row.result ?? null,
  ownerId: row.ownerId,
  createdAt: row.createdAt.toISOString(),
  startedAt: iso(row.startedAt),
  finishedAt: iso(row.finishedAt),
});
