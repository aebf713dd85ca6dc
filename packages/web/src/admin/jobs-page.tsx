import {
  Alert,
  Button,
  Label,
  type LabelProps,
  ToggleGroup,
  ToggleGroupItem,
  Toolbar,
  ToolbarContent,
  ToolbarItem,
} from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { Job, JobStatus, Page } from '../api/kernel-types.ts';
import { useApiMutation, useApiQuery } from '../api/use-api.ts';
import { CursorPager, useCursorPages } from '../components/cursor-pager.tsx';
import { formatTime } from '../components/format.ts';
import { JobProgress } from '../components/job-progress.tsx';
import { canCancel, canRetry, jobStatuses } from '../components/job-status.ts';
import { EmptyListState, QueryList } from '../components/list-states.tsx';
import { PlatformPage } from '../components/platform-page.tsx';

const jobsPath = 'platform/api/jobs';

const statusColors: Record<JobStatus, LabelProps['color']> = {
  queued: 'grey',
  running: 'blue',
  succeeded: 'green',
  failed: 'red',
  cancelled: 'orange',
  dead: 'red',
};

function JobState({ job, onDone }: { job: Job; onDone: () => void }) {
  // Only running jobs move; following their stream keeps the bar live without polling the list.
  if (job.status === 'running') return <JobProgress jobId={job.id} initial={job.progress} onDone={onDone} size="sm" />;
  return (
    <>
      <Label color={statusColors[job.status]} isCompact>
        {job.status}
      </Label>
      {job.error && <div className="pf-v6-u-font-size-sm">{job.error}</div>}
    </>
  );
}

export function JobsPage() {
  const [status, setStatus] = useState<JobStatus | ''>('');
  const pages = useCursorPages();
  const queryClient = useQueryClient();
  const jobs = useApiQuery<Page<Job>>(jobsPath, { status, cursor: pages.cursor }, { refetchInterval: 10_000 });
  const refresh = () => queryClient.invalidateQueries({ queryKey: [jobsPath] });
  const action = useApiMutation<unknown, { id: string; verb: 'cancel' | 'retry' }>({
    method: 'POST',
    path: ({ id, verb }) => `${jobsPath}/${encodeURIComponent(id)}/${verb}`,
    body: () => ({}),
    invalidates: [jobsPath],
  });

  return (
    <PlatformPage title="Jobs" description="Background work of every application, with live progress.">
      <Toolbar>
        <ToolbarContent>
          <ToolbarItem>
            <ToggleGroup aria-label="Filter by status">
              {(['', ...jobStatuses] as const).map((value) => (
                <ToggleGroupItem
                  key={value || 'all'}
                  text={value || 'all'}
                  isSelected={status === value}
                  onChange={() => {
                    setStatus(value);
                    pages.reset();
                  }}
                />
              ))}
            </ToggleGroup>
          </ToolbarItem>
        </ToolbarContent>
      </Toolbar>
      {action.error && <Alert variant="danger" isInline title={action.error.message} className="platform-gap" />}
      <QueryList query={jobs} empty={<EmptyListState title="No jobs">No job matches this filter.</EmptyListState>}>
        {(items) => (
          <Table aria-label="Jobs" variant="compact">
            <Thead>
              <Tr>
                <Th>Job</Th>
                <Th>Queue</Th>
                <Th width={30}>State</Th>
                <Th>Tries</Th>
                <Th>Created</Th>
                <Th>Finished</Th>
                <Th screenReaderText="Actions" />
              </Tr>
            </Thead>
            <Tbody>
              {items.map((job) => (
                <Tr key={job.id}>
                  <Td dataLabel="Job">
                    {job.name}
                    <div className="pf-v6-u-font-size-sm pf-v6-u-color-200">{job.id}</div>
                  </Td>
                  <Td dataLabel="Queue">{job.queue}</Td>
                  <Td dataLabel="State">
                    <JobState job={job} onDone={refresh} />
                  </Td>
                  <Td dataLabel="Tries">
                    {job.attempts} / {job.maxAttempts}
                  </Td>
                  <Td dataLabel="Created">{formatTime(job.createdAt)}</Td>
                  <Td dataLabel="Finished">{formatTime(job.finishedAt)}</Td>
                  <Td isActionCell>
                    {canCancel(job.status) && (
                      <Button
                        variant="secondary"
                        isDanger
                        size="sm"
                        onClick={() => action.mutate({ id: job.id, verb: 'cancel' })}
                      >
                        Cancel
                      </Button>
                    )}
                    {canRetry(job.status) && (
                      <Button
                        variant="secondary"
                        size="sm"
                        onClick={() => action.mutate({ id: job.id, verb: 'retry' })}
                      >
                        Retry
                      </Button>
                    )}
                  </Td>
                </Tr>
              ))}
            </Tbody>
          </Table>
        )}
      </QueryList>
      <CursorPager
        page={pages.page}
        nextCursor={jobs.data?.nextCursor}
        onNext={pages.next}
        onPrevious={pages.previous}
      />
    </PlatformPage>
  );
}
