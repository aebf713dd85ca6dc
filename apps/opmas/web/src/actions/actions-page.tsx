import { Alert, Tab, Tabs, TabTitleText } from '@patternfly/react-core';
import { useApiMutation, useApiQuery } from '@platform/web/api/use-api.ts';
import { CursorPager, useCursorPages } from '@platform/web/components/cursor-pager.tsx';
import { EmptyListState, QueryList } from '@platform/web/components/list-states.tsx';
import { PlatformPage } from '@platform/web/components/platform-page.tsx';
import { useState } from 'react';
import { actionPath, actionsPath, intendedActionsPath } from '../api/opmas-api.ts';
import type { ActionView, Page } from '../api/opmas-types.ts';
import { type ActionDecision, ActionsTable } from './actions-table.tsx';

interface Decision {
  id: string;
  status: ActionDecision;
}

const tabs = {
  intended: { path: intendedActionsPath, title: 'Intended', empty: 'No dry-run or pending actions' },
  all: { path: actionsPath, title: 'All', empty: 'No actions yet' },
} as const;

type TabKey = keyof typeof tabs;

function ActionList({ tab, onDecide, busy }: { tab: TabKey; onDecide: (decision: Decision) => void; busy: boolean }) {
  const pages = useCursorPages();
  const { path, title, empty } = tabs[tab];
  const list = useApiQuery<Page<ActionView>>(path, { cursor: pages.cursor }, { refetchInterval: 10_000 });
  return (
    <>
      <QueryList query={list} empty={<EmptyListState title={empty} />}>
        {(items) => (
          <ActionsTable
            label={`${title} actions`}
            actions={items}
            busy={busy}
            onDecide={(id, status) => onDecide({ id, status })}
          />
        )}
      </QueryList>
      <CursorPager
        page={pages.page}
        nextCursor={list.data?.next_cursor}
        onNext={pages.next}
        onPrevious={pages.previous}
      />
    </>
  );
}

/** Intended actions (dry-run and waiting for approval) and every action (spec 02-opmas "Web UI": Actions). */
export function ActionsPage() {
  const [tab, setTab] = useState<TabKey>('intended');
  const decide = useApiMutation<ActionView, Decision>({
    method: 'PUT',
    path: ({ id }) => actionPath(id),
    body: ({ status }) => ({ status }),
    invalidates: [actionsPath, intendedActionsPath],
  });
  return (
    <PlatformPage title="Actions" description="Commands the orchestrator ran, would run, or waits to run on devices.">
      {decide.error && <Alert variant="danger" isInline title={decide.error.message} className="platform-gap" />}
      <Tabs activeKey={tab} onSelect={(_event, key) => setTab(key as TabKey)} aria-label="Action lists">
        {(Object.keys(tabs) as TabKey[]).map((key) => (
          <Tab key={key} eventKey={key} title={<TabTitleText>{tabs[key].title}</TabTitleText>}>
            {tab === key && (
              <div className="opmas-section">
                <ActionList tab={key} busy={decide.isPending} onDecide={(decision) => decide.mutate(decision)} />
              </div>
            )}
          </Tab>
        ))}
      </Tabs>
    </PlatformPage>
  );
}
