import { Label, type LabelProps } from '@patternfly/react-core';

const statusColors: Record<string, LabelProps['color']> = {
  online: 'green',
  stale: 'yellow',
  offline: 'red',
  maintenance: 'blue',
};

/** A device status (`online|stale|offline|maintenance`, spec 02-opmas "Data model") as a coloured label. */
export function DeviceStatusLabel({ status }: { status: string }) {
  return (
    <Label color={statusColors[status] ?? 'grey'} isCompact>
      {status}
    </Label>
  );
}
