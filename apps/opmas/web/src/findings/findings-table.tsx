import { Button } from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { formatTime } from '@platform/web/components/format.ts';
import type { FindingView } from '../api/opmas-types.ts';
import { FindingStatusLabel, SeverityLabel } from './finding-status.tsx';

/** Findings newest first; a click on a row opens it. */
export function FindingsTable(props: {
  findings: FindingView[];
  selectedId: string | null;
  onOpen: (id: string) => void;
}) {
  return (
    <div className="opmas-table-scroll">
      <Table aria-label="Findings" variant="compact">
        <Thead>
          <Tr>
            <Th>Severity</Th>
            <Th>Status</Th>
            <Th>Finding</Th>
            <Th>Domain</Th>
            <Th>Device</Th>
            <Th>Events</Th>
            <Th modifier="nowrap">Last seen</Th>
          </Tr>
        </Thead>
        <Tbody>
          {props.findings.map((finding) => (
            <Tr
              key={finding.id}
              isClickable
              isRowSelected={finding.id === props.selectedId}
              onRowClick={() => props.onOpen(finding.id)}
              className="opmas-clickable-row"
            >
              <Td dataLabel="Severity">
                <SeverityLabel severity={finding.severity} />
              </Td>
              <Td dataLabel="Status">
                <FindingStatusLabel status={finding.status} />
              </Td>
              <Td dataLabel="Finding">
                <Button variant="link" isInline onClick={() => props.onOpen(finding.id)}>
                  {finding.title}
                </Button>
                {finding.title !== finding.rule_id && <div className="opmas-rule-id">{finding.rule_id}</div>}
              </Td>
              <Td dataLabel="Domain">{finding.domain}</Td>
              <Td dataLabel="Device">{finding.device}</Td>
              <Td dataLabel="Events">{finding.event_count}</Td>
              <Td dataLabel="Last seen" modifier="nowrap">
                {formatTime(finding.last_seen)}
              </Td>
            </Tr>
          ))}
        </Tbody>
      </Table>
    </div>
  );
}
