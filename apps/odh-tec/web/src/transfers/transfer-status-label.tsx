import { Label, type LabelProps } from '@patternfly/react-core';
import type { TransferStatus } from '../api/odh-tec-types.ts';

const statusColors: Record<TransferStatus, LabelProps['color']> = {
  queued: 'grey',
  active: 'blue',
  cancelling: 'orange',
  completed: 'green',
  failed: 'red',
  cancelled: 'orange',
  interrupted: 'yellow',
};

/** A transfer's status as a coloured label. */
export function TransferStatusLabel({ status }: { status: TransferStatus }) {
  return (
    <Label color={statusColors[status] ?? 'grey'} isCompact>
      {status}
    </Label>
  );
}

/** Statuses after which nothing moves any more. */
export const finishedStatuses: readonly TransferStatus[] = ['completed', 'failed', 'cancelled', 'interrupted'];

/** A transfer that may still be stopped. */
export const canCancelTransfer = (status: TransferStatus): boolean =>
  status === 'queued' || status === 'active' || status === 'interrupted';

/** A transfer the server resumes (uploads resume by sending the file again). */
export const canResumeTransfer = (status: TransferStatus, kind: string): boolean =>
  kind !== 'upload' && (status === 'failed' || status === 'cancelled' || status === 'interrupted');
