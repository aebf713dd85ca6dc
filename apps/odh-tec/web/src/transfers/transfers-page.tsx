import { Alert } from '@patternfly/react-core';
import { Table, Tbody, Th, Thead, Tr } from '@patternfly/react-table';
import { useApiMutation, useApiQuery } from '@platform/web/api/use-api.ts';
import { CursorPager, useCursorPages } from '@platform/web/components/cursor-pager.tsx';
import { EmptyListState, QueryList } from '@platform/web/components/list-states.tsx';
import { PlatformPage } from '@platform/web/components/platform-page.tsx';
import { useQueryClient } from '@tanstack/react-query';
import { odhTecApi, transferPath } from '../api/odh-tec-api.ts';
import type { TransferList, TransferStarted } from '../api/odh-tec-types.ts';
import { TransferRow } from './transfer-row.tsx';

const transfersPath = `${odhTecApi}/transfers`;

/** My transfers (copies, uploads, Hub imports) with live progress, cancel and resume (spec "Web UI": Transfers). */
export function TransfersPage() {
  const pages = useCursorPages();
  const queryClient = useQueryClient();
  const list = useApiQuery<TransferList>(transfersPath, { cursor: pages.cursor }, { refetchInterval: 10_000 });
  const refresh = () => queryClient.invalidateQueries({ queryKey: [transfersPath] });
  const cancel = useApiMutation<unknown, string>({
    method: 'DELETE',
    path: transferPath,
    invalidates: [transfersPath],
  });
  const resume = useApiMutation<TransferStarted, string>({
    method: 'POST',
    path: (jobId) => `${transferPath(jobId)}/resume`,
    body: () => ({}),
    invalidates: [transfersPath],
  });
  const failure = cancel.error ?? resume.error;
  const query = { ...list, data: list.data && { items: list.data.transfers } };
  return (
    <PlatformPage title="Transfers" description="Copies, uploads and Hugging Face imports, newest first.">
      {failure && <Alert variant="danger" isInline title={failure.message} className="platform-gap" />}
      <QueryList
        query={query}
        empty={<EmptyListState title="No transfers yet">Uploads and imports you start appear here.</EmptyListState>}
      >
        {(items) => (
          <Table aria-label="Transfers" variant="compact">
            <Thead>
              <Tr>
                <Th>Kind</Th>
                <Th>Source → destination</Th>
                <Th>Status</Th>
                <Th>Progress</Th>
                <Th>Created</Th>
                <Th screenReaderText="Actions" />
              </Tr>
            </Thead>
            <Tbody>
              {items.map((transfer) => (
                <TransferRow
                  key={transfer.jobId}
                  transfer={transfer}
                  onCancel={(jobId) => cancel.mutate(jobId)}
                  onResume={(jobId) => resume.mutate(jobId)}
                  onEnd={refresh}
                />
              ))}
            </Tbody>
          </Table>
        )}
      </QueryList>
      <CursorPager
        page={pages.page}
        nextCursor={list.data?.nextCursor}
        onNext={pages.next}
        onPrevious={pages.previous}
      />
    </PlatformPage>
  );
}
