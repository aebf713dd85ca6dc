import {
  Alert,
  Button,
  DescriptionList,
  DescriptionListDescription,
  DescriptionListGroup,
  DescriptionListTerm,
  DrawerActions,
  DrawerCloseButton,
  DrawerHead,
  DrawerPanelBody,
  DrawerPanelContent,
  Flex,
  Title,
} from '@patternfly/react-core';
import { useApiMutation, useApiQuery } from '@platform/web/api/use-api.ts';
import { formatTime } from '@platform/web/components/format.ts';
import { ErrorState, LoadingState } from '@platform/web/components/list-states.tsx';
import type { ReactNode } from 'react';
import { findingPath, findingsPath } from '../api/opmas-api.ts';
import type { FindingStatus, FindingView } from '../api/opmas-types.ts';
import { FindingStatusLabel, nextStatuses, SeverityLabel, statusText } from './finding-status.tsx';

interface StatusChange {
  status: FindingStatus;
  suppress_for?: string;
}

function Field({ term, children }: { term: string; children: ReactNode }) {
  return (
    <DescriptionListGroup>
      <DescriptionListTerm>{term}</DescriptionListTerm>
      <DescriptionListDescription>{children}</DescriptionListDescription>
    </DescriptionListGroup>
  );
}

/** Status buttons for the allowed moves (spec 02-opmas "Finding states") plus a one-hour false-positive suppression. */
function StatusButtons({ finding }: { finding: FindingView }) {
  const change = useApiMutation<FindingView, StatusChange>({
    method: 'PUT',
    path: findingPath(finding.id),
    invalidates: [findingsPath, findingPath(finding.id)],
  });
  const allowed = nextStatuses(finding.status);
  return (
    <>
      <Flex spaceItems={{ default: 'spaceItemsSm' }}>
        {allowed.map((status) => (
          <Button
            key={status}
            variant="secondary"
            size="sm"
            isDisabled={change.isPending}
            onClick={() => change.mutate({ status })}
          >
            {status === 'new' ? 'Reopen' : `Mark ${statusText(status)}`}
          </Button>
        ))}
        {allowed.includes('false_positive') && (
          <Button
            variant="tertiary"
            size="sm"
            isDisabled={change.isPending}
            onClick={() => change.mutate({ status: 'false_positive', suppress_for: '1h' })}
          >
            False positive for 1h
          </Button>
        )}
      </Flex>
      {change.error && <Alert variant="danger" isInline title={change.error.message} className="opmas-section" />}
    </>
  );
}

/** Drawer panel of one finding: its fields, the raw evidence lines and the status buttons (spec "Web UI": Findings). */
export function FindingDrawer({ findingId, onClose }: { findingId: string; onClose: () => void }) {
  const detail = useApiQuery<FindingView>(findingPath(findingId));
  const finding = detail.data;
  return (
    <DrawerPanelContent widths={{ default: 'width_50' }} aria-label="Finding">
      <DrawerHead>
        <Title headingLevel="h2" size="lg">
          {finding?.title ?? 'Finding'}
        </Title>
        <DrawerActions>
          <DrawerCloseButton onClick={onClose} />
        </DrawerActions>
      </DrawerHead>
      <DrawerPanelBody>
        {detail.isPending && <LoadingState label="Loading finding" />}
        {detail.error && <ErrorState error={detail.error} onRetry={() => detail.refetch()} />}
        {finding && (
          <>
            <StatusButtons finding={finding} />
            <Title headingLevel="h3" size="md" className="opmas-section-title">
              Evidence
            </Title>
            {/* Raw lines as received; React escapes them, so markup in a log line stays text. */}
            <ol className="opmas-evidence" aria-label="Evidence lines">
              {finding.evidence.map((line, index) => (
                <li key={index} className="opmas-mono">
                  {line.raw}
                </li>
              ))}
            </ol>
            <Title headingLevel="h3" size="md" className="opmas-section-title">
              Details
            </Title>
            <DescriptionList isCompact isHorizontal>
              <Field term="Rule">{finding.rule_id}</Field>
              <Field term="Severity">
                <SeverityLabel severity={finding.severity} />
              </Field>
              <Field term="Status">
                <FindingStatusLabel status={finding.status} />
              </Field>
              <Field term="Domain">{finding.domain}</Field>
              <Field term="Device">{finding.device}</Field>
              <Field term="Group key">{finding.group_key || '—'}</Field>
              <Field term="Events">
                {finding.event_count} in {finding.occurrences} occurrence{finding.occurrences === 1 ? '' : 's'}
              </Field>
              <Field term="First seen">{formatTime(finding.first_seen)}</Field>
              <Field term="Last seen">{formatTime(finding.last_seen)}</Field>
              {Object.entries(finding.fields).map(([name, value]) => (
                <Field key={name} term={name}>
                  <span className="opmas-mono">{value}</span>
                </Field>
              ))}
            </DescriptionList>
          </>
        )}
      </DrawerPanelBody>
    </DrawerPanelContent>
  );
}
