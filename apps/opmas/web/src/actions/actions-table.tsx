import { Button, Flex, Label, type LabelProps } from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { formatTime } from '@platform/web/components/format.ts';
import type { ActionView } from '../api/opmas-types.ts';

/** The answer an approver gives a pending action (spec 02-opmas "API": PUT `/actions/{id}`). */
export type ActionDecision = 'approved' | 'rejected';

const statusColors: Record<string, LabelProps['color']> = {
  dry_run: 'purple',
  pending_approval: 'orange',
  queued: 'blue',
  running: 'blue',
  succeeded: 'green',
  failed: 'red',
  timed_out: 'red',
  rejected: 'grey',
  cancelled: 'grey',
};

/** Actions with their rendered commands; pending ones can be approved or rejected. */
export function ActionsTable(props: {
  label: string;
  actions: ActionView[];
  busy: boolean;
  onDecide: (id: string, decision: ActionDecision) => void;
}) {
  return (
    <div className="opmas-table-scroll">
      <Table aria-label={props.label} variant="compact">
        <Thead>
          <Tr>
            <Th>Template</Th>
            <Th>Device</Th>
            <Th>Mode</Th>
            <Th>Status</Th>
            <Th>Command</Th>
            <Th>Created</Th>
            <Th screenReaderText="Approval" />
          </Tr>
        </Thead>
        <Tbody>
          {props.actions.map((action) => (
            <Tr key={action.id}>
              <Td dataLabel="Template">{action.template_id}</Td>
              <Td dataLabel="Device">{action.device ?? '—'}</Td>
              <Td dataLabel="Mode">{action.mode}</Td>
              <Td dataLabel="Status">
                <Label color={statusColors[action.status] ?? 'grey'} isCompact>
                  {action.status}
                </Label>
              </Td>
              <Td dataLabel="Command">
                <code className="opmas-mono opmas-command-cell">{action.rendered_command ?? '—'}</code>
              </Td>
              <Td dataLabel="Created">{formatTime(action.created_at)}</Td>
              <Td dataLabel="Approval">
                {action.status === 'pending_approval' && (
                  <Flex spaceItems={{ default: 'spaceItemsSm' }} flexWrap={{ default: 'nowrap' }}>
                    <Button size="sm" isDisabled={props.busy} onClick={() => props.onDecide(action.id, 'approved')}>
                      Approve
                    </Button>
                    <Button
                      size="sm"
                      variant="secondary"
                      isDanger
                      isDisabled={props.busy}
                      onClick={() => props.onDecide(action.id, 'rejected')}
                    >
                      Reject
                    </Button>
                  </Flex>
                )}
              </Td>
            </Tr>
          ))}
        </Tbody>
      </Table>
    </div>
  );
}
