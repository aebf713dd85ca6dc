import { Label, Title } from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { formatTime } from '@platform/web/components/format.ts';
import type { TestbenchEvent, TestbenchResult } from '../api/opmas-types.ts';

const fieldText = (fields: Record<string, string>): string =>
  Object.entries(fields)
    .map(([name, value]) => `${name}=${value}`)
    .join(' ');

function Matches({ event }: { event: TestbenchEvent }) {
  if (event.matches.length === 0) return <>—</>;
  return (
    <ul className="opmas-plain-list">
      {event.matches.map((match) => (
        <li key={`${match.rule_id}:${match.pattern}`}>
          <strong>{match.rule_id}</strong> <span className="opmas-mono">{fieldText(match.fields)}</span>{' '}
          <Label color={match.valid ? 'green' : 'red'} isCompact>
            {match.valid ? 'valid' : 'invalid'}
          </Label>
        </li>
      ))}
    </ul>
  );
}

/** Whether the header parsed, and the program, host and time it gave. */
function ParseSummary({ event }: { event: TestbenchEvent }) {
  const { parse } = event;
  return (
    <>
      <Label color={parse.ok ? 'green' : 'red'} isCompact>
        {parse.ok ? 'ok' : parse.errors.join(', ') || 'failed'}
      </Label>
      <div>
        app <strong>{parse.app || '—'}</strong>, host <strong>{parse.host ?? '—'}</strong>
      </div>
      <div className="opmas-rule-id">{formatTime(parse.ts)}</div>
    </>
  );
}

/** The test bench's answer: how each line parsed and matched, then the findings it would fire (nothing stored). */
export function TestbenchResults({ result }: { result: TestbenchResult }) {
  return (
    <>
      <div className="opmas-table-scroll">
        <Table aria-label="Parsed lines" variant="compact">
          <Thead>
            <Tr>
              <Th>Line</Th>
              <Th>Parse</Th>
              <Th>Domain</Th>
              <Th>Matches</Th>
            </Tr>
          </Thead>
          <Tbody>
            {result.events.map((event, index) => (
              <Tr key={index}>
                <Td dataLabel="Line">
                  <div className="opmas-mono opmas-line-cell">{event.line}</div>
                </Td>
                <Td dataLabel="Parse">
                  <ParseSummary event={event} />
                </Td>
                <Td dataLabel="Domain">{event.domain}</Td>
                <Td dataLabel="Matches">
                  <div className="opmas-matches-cell">
                    <Matches event={event} />
                  </div>
                </Td>
              </Tr>
            ))}
          </Tbody>
        </Table>
      </div>
      <Title headingLevel="h3" size="md" className="opmas-section-title">
        Simulated findings
      </Title>
      {result.findings.length === 0 ? (
        <p>These lines would not fire a finding.</p>
      ) : (
        <Table aria-label="Simulated findings" variant="compact">
          <Thead>
            <Tr>
              <Th>Rule</Th>
              <Th>Group key</Th>
              <Th>Events</Th>
              <Th>First seen</Th>
              <Th>Last seen</Th>
            </Tr>
          </Thead>
          <Tbody>
            {result.findings.map((finding) => (
              <Tr key={`${finding.rule_id}:${finding.group_key}:${finding.first_seen}`}>
                <Td dataLabel="Rule">{finding.rule_id}</Td>
                <Td dataLabel="Group key">{finding.group_key || '—'}</Td>
                <Td dataLabel="Events">{finding.event_count}</Td>
                <Td dataLabel="First seen">{formatTime(finding.first_seen)}</Td>
                <Td dataLabel="Last seen">{formatTime(finding.last_seen)}</Td>
              </Tr>
            ))}
          </Tbody>
        </Table>
      )}
    </>
  );
}
