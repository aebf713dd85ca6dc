import { Button } from '@patternfly/react-core';
import { Td, Tr } from '@patternfly/react-table';
import { formatTime } from '@platform/web/components/format.ts';
import type { TransferView } from '../api/odh-tec-types.ts';
import { describeEndpoint } from './transfer-endpoints.ts';
import { TransferProgressBar } from './transfer-progress-bar.tsx';
import { canCancelTransfer, canResumeTransfer, TransferStatusLabel } from './transfer-status-label.tsx';
import { useTransferStream } from './transfer-stream.ts';

/** A running transfer follows its stream; a finished one shows the stored figures. */
function LiveProgress({ transfer, onEnd }: { transfer: TransferView; onEnd: () => void }) {
  const live = useTransferStream(transfer.jobId, onEnd);
  return (
    <TransferProgressBar
      ariaLabel={`Progress of transfer ${transfer.jobId}`}
      status={live.status === 'connecting' ? transfer.status : live.status}
      progress={live.progress ?? transfer.progress}
      error={live.error}
    />
  );
}

/** One row of the transfers table with its actions. */
export function TransferRow(props: {
  transfer: TransferView;
  onCancel: (jobId: string) => void;
  onResume: (jobId: string) => void;
  onEnd: () => void;
}) {
  const { transfer } = props;
  const moving = transfer.status === 'queued' || transfer.status === 'active';
  return (
    <Tr>
      <Td dataLabel="Kind">{transfer.kind}</Td>
      <Td dataLabel="Source → destination">
        {describeEndpoint(transfer.source)} → {describeEndpoint(transfer.destination)}
      </Td>
      <Td dataLabel="Status">
        <TransferStatusLabel status={transfer.status} />
      </Td>
      <Td dataLabel="Progress">
        {moving ? (
          <LiveProgress transfer={transfer} onEnd={props.onEnd} />
        ) : (
          <TransferProgressBar
            ariaLabel={`Progress of transfer ${transfer.jobId}`}
            status={transfer.status}
            progress={transfer.progress}
            error={transfer.error?.message}
          />
        )}
      </Td>
      <Td dataLabel="Created">{formatTime(transfer.createdAt)}</Td>
      <Td isActionCell>
        {canCancelTransfer(transfer.status) && (
          <Button variant="secondary" isDanger size="sm" onClick={() => props.onCancel(transfer.jobId)}>
            Cancel
          </Button>
        )}
        {canResumeTransfer(transfer.status, transfer.kind) && (
          <Button variant="secondary" size="sm" onClick={() => props.onResume(transfer.jobId)}>
            Resume
          </Button>
        )}
      </Td>
    </Tr>
  );
}
