import { Drawer, DrawerContent, DrawerContentBody, Label } from '@patternfly/react-core';
import { useApiQuery } from '@platform/web/api/use-api.ts';
import { CursorPager, useCursorPages } from '@platform/web/components/cursor-pager.tsx';
import { EmptyListState, QueryList } from '@platform/web/components/list-states.tsx';
import { PlatformPage } from '@platform/web/components/platform-page.tsx';
import { useState } from 'react';
import { findingsPath } from '../api/opmas-api.ts';
import type { FindingView, Page } from '../api/opmas-types.ts';
import { FindingDrawer } from './finding-drawer.tsx';
import { type FindingFilters, noFilters } from './finding-filters.ts';
import { FindingsTable } from './findings-table.tsx';
import { FindingsToolbar } from './findings-toolbar.tsx';
import { useLiveFindings } from './use-live-findings.ts';

/** Findings, newest first, filterable and updated live from the SSE stream (spec 02-opmas "Web UI": Findings). */
export function FindingsPage() {
  const pages = useCursorPages();
  const [filters, setFilters] = useState<FindingFilters>(noFilters);
  const [openId, setOpenId] = useState<string | null>(null);
  const query = { ...filters, cursor: pages.cursor };
  const list = useApiQuery<Page<FindingView>>(findingsPath, query);
  const connection = useLiveFindings(query);
  const live = connection === 'open';
  return (
    <PlatformPage
      title="Findings"
      description="What the rule agents found, newest first; new findings appear as they fire."
      actions={
        <Label color={live ? 'green' : 'orange'} isCompact>
          {live ? 'Live' : 'Connecting…'}
        </Label>
      }
    >
      <Drawer isExpanded={openId !== null} isInline>
        <DrawerContent panelContent={openId && <FindingDrawer findingId={openId} onClose={() => setOpenId(null)} />}>
          <DrawerContentBody>
            <FindingsToolbar
              filters={filters}
              onChange={(next) => {
                pages.reset();
                setFilters(next);
              }}
            />
            <QueryList
              query={list}
              empty={<EmptyListState title="No findings">Findings appear here as soon as a rule fires.</EmptyListState>}
            >
              {(items) => <FindingsTable findings={items} selectedId={openId} onOpen={setOpenId} />}
            </QueryList>
            <CursorPager
              page={pages.page}
              nextCursor={list.data?.next_cursor}
              onNext={pages.next}
              onPrevious={pages.previous}
            />
          </DrawerContentBody>
        </DrawerContent>
      </Drawer>
    </PlatformPage>
  );
}
