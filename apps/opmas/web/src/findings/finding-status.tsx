import { Label, type LabelProps } from '@patternfly/react-core';
import type { FindingSeverity, FindingStatus } from '../api/opmas-types.ts';

export const findingStatuses: readonly FindingStatus[] = [
  'new',
  'investigating',
  'resolved',
  'false_positive',
  'closed',
];
export const findingSeverities: readonly FindingSeverity[] = ['critical', 'high', 'warning', 'info'];

/** spec 02-opmas "Finding states": where each status may go (the server answers 409 `invalid_transition` otherwise). */
const transitions: Record<FindingStatus, readonly FindingStatus[]> = {
  new: ['investigating', 'resolved', 'false_positive'],
  investigating: ['resolved', 'false_positive', 'new'],
  resolved: ['closed', 'new'],
  false_positive: ['closed', 'new'],
  closed: [],
};

/** The statuses a finding may move to from `status`. */
export const nextStatuses = (status: FindingStatus): readonly FindingStatus[] => transitions[status];

/** A status as people read it. */
export const statusText = (status: FindingStatus): string => status.replace('_', ' ');

const severityColors: Record<FindingSeverity, LabelProps['color']> = {
  info: 'blue',
  warning: 'yellow',
  high: 'orangered',
  critical: 'red',
};

const statusColors: Record<FindingStatus, LabelProps['color']> = {
  new: 'purple',
  investigating: 'blue',
  resolved: 'green',
  false_positive: 'grey',
  closed: 'grey',
};

/** A severity as a coloured label. */
export function SeverityLabel({ severity }: { severity: FindingSeverity }) {
  return (
    <Label color={severityColors[severity] ?? 'grey'} isCompact>
      {severity}
    </Label>
  );
}

/** A finding status as a coloured label. */
export function FindingStatusLabel({ status }: { status: FindingStatus }) {
  return (
    <Label color={statusColors[status] ?? 'grey'} isCompact variant="outline">
      {statusText(status)}
    </Label>
  );
}
