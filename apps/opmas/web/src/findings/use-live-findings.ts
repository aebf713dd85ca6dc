import { apiQueryKey } from '@platform/web/api/use-api.ts';
import { useEventSource } from '@platform/web/api/use-event-source.ts';
import { useQueryClient } from '@tanstack/react-query';
import { findingPath, findingStreamPath, findingsPath } from '../api/opmas-api.ts';
import type { FindingView, Page } from '../api/opmas-types.ts';
import { type FindingFilters, upsertFinding } from './finding-filters.ts';

/**
 * Follows `GET /findings/stream` (spec 02-opmas "API": `finding.created/updated/status_changed`, data = the finding as
 * the list shows it) and writes each change into the shown list and the finding's detail, so rows appear without a
 * reload. Lists cached under other filters are only marked stale: they refetch when shown again.
 */
export function useLiveFindings(query: FindingFilters & { cursor?: string }) {
  const queryClient = useQueryClient();
  const apply = (data: unknown) => {
    const finding = data as FindingView;
    const shownKey = apiQueryKey(findingsPath, query);
    void queryClient.invalidateQueries({ queryKey: [findingsPath], refetchType: 'none' });
    if (queryClient.getQueryData(shownKey) === undefined) {
      // The first answer is still on its way and may predate this change: ask again.
      void queryClient.invalidateQueries({ queryKey: shownKey });
    } else {
      queryClient.setQueryData<Page<FindingView>>(shownKey, (page) =>
        page ? upsertFinding(page, finding, query, !query.cursor) : page,
      );
    }
    queryClient.setQueryData(apiQueryKey(findingPath(finding.id)), finding);
  };
  return useEventSource(findingStreamPath, {
    'finding.created': apply,
    'finding.updated': apply,
    'finding.status_changed': apply,
  });
}
