import type { JobProgressRecord, JobStatus } from '../api/kernel-types.ts';

export const jobStatuses: readonly JobStatus[] = ['queued', 'running', 'succeeded', 'failed', 'cancelled', 'dead'];

export function isTerminalStatus(status: JobStatus): boolean {
  return status === 'succeeded' || status === 'failed' || status === 'cancelled' || status === 'dead';
}

export const canCancel = (status: JobStatus): boolean => status === 'queued' || status === 'running';
export const canRetry = (status: JobStatus): boolean =>
  status === 'failed' || status === 'dead' || status === 'cancelled';

/** Percentage 0–100, or undefined while the total is unknown (an indeterminate bar). */
export function progressPercent(progress: JobProgressRecord | null | undefined): number | undefined {
  if (!progress || !(progress.total > 0)) return undefined;
  return Math.min(100, Math.max(0, Math.round((progress.current / progress.total) * 100)));
}
