import {
  Button,
  CodeBlock,
  CodeBlockCode,
  DatePicker,
  Grid,
  GridItem,
  TextInput,
  Title,
  Toolbar,
  ToolbarContent,
  ToolbarGroup,
  ToolbarItem,
} from '@patternfly/react-core';
import { ExpandableRowContent, Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { type FormEvent, Fragment, useState } from 'react';
import type { AuditEntry, Page } from '../api/kernel-types.ts';
import { useApiQuery } from '../api/use-api.ts';
import { CursorPager, useCursorPages } from '../components/cursor-pager.tsx';
import { dayBoundary, formatTime } from '../components/format.ts';
import { EmptyListState, QueryList } from '../components/list-states.tsx';
import { PlatformPage } from '../components/platform-page.tsx';

interface AuditFilters {
  actor: string;
  action: string;
  target: string;
  from: string;
  to: string;
}

const noFilters: AuditFilters = { actor: '', action: '', target: '', from: '', to: '' };

function JsonBlock({ title, value }: { title: string; value: unknown }) {
  return (
    <>
      <Title headingLevel="h4" size="md">
        {title}
      </Title>
      <CodeBlock>
        <CodeBlockCode className="platform-json">
          {value === null || value === undefined ? '—' : JSON.stringify(value, null, 2)}
        </CodeBlockCode>
      </CodeBlock>
    </>
  );
}

export function AuditPage() {
  const [draft, setDraft] = useState<AuditFilters>(noFilters);
  const [filters, setFilters] = useState<AuditFilters>(noFilters);
  const pages = useCursorPages();
  const [expanded, setExpanded] = useState<Set<string>>(new Set());
  const audit = useApiQuery<Page<AuditEntry>>('platform/api/audit', {
    actor: filters.actor,
    action: filters.action,
    target: filters.target,
    from: dayBoundary(filters.from, 'from'),
    to: dayBoundary(filters.to, 'to'),
    cursor: pages.cursor,
    limit: 50,
  });

  const apply = (event: FormEvent) => {
    event.preventDefault();
    setFilters(draft);
    pages.reset();
  };
  const text = (name: 'actor' | 'action' | 'target', label: string) => (
    <ToolbarItem>
      <TextInput
        aria-label={label}
        placeholder={label}
        value={draft[name]}
        onChange={(_event, value) => setDraft((current) => ({ ...current, [name]: value }))}
      />
    </ToolbarItem>
  );
  const toggle = (id: string) =>
    setExpanded((current) => {
      const next = new Set(current);
      if (!next.delete(id)) next.add(id);
      return next;
    });

  return (
    <PlatformPage title="Audit log" description="Every change to users, roles, tokens and settings, newest first.">
      <form onSubmit={apply}>
        <Toolbar>
          <ToolbarContent>
            <ToolbarGroup>
              {text('actor', 'Actor')}
              {text('action', 'Action')}
              {text('target', 'Target')}
            </ToolbarGroup>
            <ToolbarGroup>
              <ToolbarItem>
                <DatePicker
                  aria-label="From date"
                  placeholder="From (YYYY-MM-DD)"
                  value={draft.from}
                  onChange={(_event, value) => setDraft((current) => ({ ...current, from: value }))}
                />
              </ToolbarItem>
              <ToolbarItem>
                <DatePicker
                  aria-label="To date"
                  placeholder="To (YYYY-MM-DD)"
                  value={draft.to}
                  onChange={(_event, value) => setDraft((current) => ({ ...current, to: value }))}
                />
              </ToolbarItem>
            </ToolbarGroup>
            <ToolbarGroup>
              <ToolbarItem>
                <Button type="submit">Apply</Button>
              </ToolbarItem>
              <ToolbarItem>
                <Button
                  variant="link"
                  onClick={() => {
                    setDraft(noFilters);
                    setFilters(noFilters);
                    pages.reset();
                  }}
                >
                  Clear
                </Button>
              </ToolbarItem>
            </ToolbarGroup>
          </ToolbarContent>
        </Toolbar>
      </form>
      <QueryList
        query={audit}
        empty={<EmptyListState title="No audit entries">Nothing matches these filters.</EmptyListState>}
      >
        {(items) => (
          <Table aria-label="Audit log" variant="compact">
            <Thead>
              <Tr>
                <Th screenReaderText="Details" />
                <Th>Time</Th>
                <Th>Actor</Th>
                <Th>Action</Th>
                <Th>Target</Th>
                <Th>Address</Th>
              </Tr>
            </Thead>
            {items.map((entry, rowIndex) => {
              const isExpanded = expanded.has(entry.id);
              return (
                <Tbody key={entry.id} isExpanded={isExpanded}>
                  <Tr>
                    <Td expand={{ rowIndex, isExpanded, onToggle: () => toggle(entry.id) }} />
                    <Td dataLabel="Time">{formatTime(entry.at)}</Td>
                    <Td dataLabel="Actor">{entry.actorName ?? entry.actorId ?? 'system'}</Td>
                    <Td dataLabel="Action">
                      <code>{entry.action}</code>
                    </Td>
                    <Td dataLabel="Target">
                      {entry.targetType ? (
                        <Fragment>
                          {entry.targetType} {entry.targetId}
                        </Fragment>
                      ) : (
                        '—'
                      )}
                    </Td>
                    <Td dataLabel="Address">{entry.ip ?? '—'}</Td>
                  </Tr>
                  <Tr isExpanded={isExpanded}>
                    <Td colSpan={6}>
                      {isExpanded && (
                        <ExpandableRowContent>
                          <Grid hasGutter md={6}>
                            <GridItem>
                              <JsonBlock title="Before" value={entry.before} />
                            </GridItem>
                            <GridItem>
                              <JsonBlock title="After" value={entry.after} />
                            </GridItem>
                          </Grid>
                          {entry.requestId && <small>Request {entry.requestId}</small>}
                        </ExpandableRowContent>
                      )}
                    </Td>
                  </Tr>
                </Tbody>
              );
            })}
          </Table>
        )}
      </QueryList>
      <CursorPager
        page={pages.page}
        nextCursor={audit.data?.nextCursor}
        onNext={pages.next}
        onPrevious={pages.previous}
      />
    </PlatformPage>
  );
}
