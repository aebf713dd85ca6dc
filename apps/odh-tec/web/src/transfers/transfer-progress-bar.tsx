import { Progress, ProgressMeasureLocation, ProgressVariant } from '@patternfly/react-core';
import type { TransferProgress, TransferStatus } from '../api/odh-tec-types.ts';
import { formatBytes } from '../layout/format-bytes.ts';

const variants: Partial<Record<TransferStatus, ProgressVariant>> = {
  completed: ProgressVariant.success,
  failed: ProgressVariant.danger,
  cancelled: ProgressVariant.warning,
};

/** One progress bar for a transfer: percentage, bytes and the end state's colour. */
export function TransferProgressBar(props: {
  /** Shown above the bar; the table rows leave it out (their columns say what moves). */
  title?: string;
  ariaLabel: string;
  status: TransferStatus | 'connecting';
  progress: TransferProgress | null;
  error?: string;
}) {
  const { status, progress } = props;
  const percent = status === 'completed' ? 100 : Math.round(progress?.percentage ?? 0);
  const label = status === 'completed' ? 'Done' : status === 'connecting' ? 'Starting…' : `${percent}% (${status})`;
  const bytes = progress?.totalBytes
    ? `${formatBytes(progress.loadedBytes)} of ${formatBytes(progress.totalBytes)} · ${progress.completedFiles}/${progress.totalFiles} files`
    : undefined;
  return (
    <div className="odh-tec-transfer-progress">
      <Progress
        value={percent}
        title={props.title}
        label={label}
        valueText={label}
        measureLocation={ProgressMeasureLocation.outside}
        variant={status === 'connecting' ? undefined : variants[status]}
        helperText={props.error ?? bytes}
        aria-label={props.ariaLabel}
        size="sm"
      />
    </div>
  );
}
