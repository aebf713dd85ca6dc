import { useEventSource } from '@platform/web/api/use-event-source.ts';
import { useState } from 'react';
import { transferEventsPath } from '../api/odh-tec-api.ts';
import type { TransferProgress, TransferStatus } from '../api/odh-tec-types.ts';

/** Terminal events of the transfer stream (spec 01-odh-tec "SSE": exactly one `done` or `error`, then close). */
const transferTerminalEvents = ['done', 'error'] as const;

export interface TransferStreamState {
  status: TransferStatus | 'connecting';
  progress: TransferProgress | null;
  /** Message of the `error` event (failed or cancelled). */
  error?: string;
}

interface ProgressEventData {
  status: TransferStatus;
  progress: TransferProgress;
}

interface EndEventData {
  status: TransferStatus;
  message?: string;
}

/** Follows `/api/transfers/:id/events` (null = not yet started) and keeps the latest status and progress. */
export function useTransferStream(jobId: string | null, onEnd?: (status: TransferStatus) => void): TransferStreamState {
  const [state, setState] = useState<TransferStreamState>({ status: 'connecting', progress: null });
  const end = (data: unknown) => {
    const { status, message } = data as EndEventData;
    setState((last) => ({
      status,
      progress:
        status === 'completed' && last.progress ? { ...last.progress, percentage: 100 } : (last.progress ?? null),
      error: status === 'completed' ? undefined : message,
    }));
    onEnd?.(status);
  };
  useEventSource(
    jobId ? transferEventsPath(jobId) : null,
    {
      progress: (data) => {
        const { status, progress } = data as ProgressEventData;
        setState((last) => ({ ...last, status, progress }));
      },
      done: end,
      error: end,
    },
    { terminalEvents: transferTerminalEvents },
  );
  return state;
}
