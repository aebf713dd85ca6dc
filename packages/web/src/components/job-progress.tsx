import { Content, Progress } from '@patternfly/react-core';
import { useState } from 'react';
import { jobTerminalEvents } from '../api/follow-events.ts';
import type { JobProgressRecord, JobStatus } from '../api/kernel-types.ts';
import { useEventSource } from '../api/use-event-source.ts';
import { progressPercent } from './job-status.ts';

type TerminalStatus = Extract<JobStatus, 'succeeded' | 'failed' | 'cancelled'>;

export interface JobProgressProps {
  jobId: string;
  /** Title above the bar (defaults to the latest progress message). */
  title?: string;
  /** Progress known before the stream connects, e.g. from a job list. */
  initial?: JobProgressRecord | null;
  /** Called once when the job reaches a terminal state. */
  onDone?: (status: TerminalStatus, error?: string) => void;
  size?: 'sm' | 'md' | 'lg';
}

const variants: Record<TerminalStatus, 'success' | 'danger' | 'warning'> = {
  succeeded: 'success',
  failed: 'danger',
  cancelled: 'warning',
};

/** Live progress of one job, followed over `platform/api/jobs/:id/events` (SSE, resumes after reconnects). */
export function JobProgress({ jobId, title, initial, onDone, size }: JobProgressProps) {
  const [progress, setProgress] = useState<JobProgressRecord | null>(initial ?? null);
  const [outcome, setOutcome] = useState<{ status: TerminalStatus; error?: string } | null>(null);

  const finish = (status: TerminalStatus) => (data: unknown) => {
    const error = status === 'failed' ? String((data as { error?: unknown })?.error ?? 'The job failed') : undefined;
    setOutcome({ status, error });
    if (status === 'succeeded') setProgress((last) => (last?.total ? { ...last, current: last.total } : last));
    onDone?.(status, error);
  };
  const connection = useEventSource(
    `platform/api/jobs/${encodeURIComponent(jobId)}/events`,
    {
      progress: (data) => setProgress(data as JobProgressRecord),
      succeeded: finish('succeeded'),
      failed: finish('failed'),
      cancelled: finish('cancelled'),
    },
    { terminalEvents: jobTerminalEvents },
  );

  const percent = outcome?.status === 'succeeded' ? 100 : progressPercent(progress);
  const label = outcome
    ? outcome.status === 'succeeded'
      ? 'Done'
      : outcome.status === 'failed'
        ? 'Failed'
        : 'Cancelled'
    : percent === undefined
      ? connection === 'reconnecting'
        ? 'Reconnecting…'
        : 'Waiting…'
      : `${percent}%`;
  return (
    <div className="platform-job-progress">
      <Progress
        value={percent ?? 0}
        title={title ?? progress?.message ?? undefined}
        label={label}
        valueText={label}
        size={size}
        measureLocation="outside"
        variant={outcome ? variants[outcome.status] : undefined}
        aria-label={title ?? `Progress of job ${jobId}`}
        helperText={
          outcome?.error ? (
            <Content component="small">{outcome.error}</Content>
          ) : progress?.total ? (
            `${progress.current} of ${progress.total}`
          ) : undefined
        }
      />
    </div>
  );
}
