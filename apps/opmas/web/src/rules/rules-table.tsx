import { Alert, Switch } from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { useApiMutation, useApiQuery } from '@platform/web/api/use-api.ts';
import { EmptyListState, QueryList } from '@platform/web/components/list-states.tsx';
import { ruleStatusPath, rulesPath } from '../api/opmas-api.ts';
import type { Page, RuleView } from '../api/opmas-types.ts';

interface RuleSwitch {
  id: string;
  enabled: boolean;
}

/** Every rule (one page of 500, the API's maximum) with its counters and an enable toggle. */
export function RulesTable() {
  const rules = useApiQuery<Page<RuleView>>(rulesPath, { limit: 500 });
  const toggle = useApiMutation<RuleView, RuleSwitch>({
    method: 'POST',
    path: ({ id }) => ruleStatusPath(id),
    body: ({ enabled }) => ({ enabled }),
    invalidates: [rulesPath],
  });
  return (
    <>
      {toggle.error && <Alert variant="danger" isInline title={toggle.error.message} className="platform-gap" />}
      <QueryList query={rules} empty={<EmptyListState title="No rules">The rule pack is empty.</EmptyListState>}>
        {(items) => (
          <Table aria-label="Rules" variant="compact">
            <Thead>
              <Tr>
                <Th>Rule</Th>
                <Th>Domain</Th>
                <Th>Type</Th>
                <Th modifier="fitContent">Version</Th>
                <Th modifier="fitContent">Matches</Th>
                <Th modifier="fitContent">Triggers</Th>
                <Th modifier="fitContent">Enabled</Th>
              </Tr>
            </Thead>
            <Tbody>
              {items.map((rule) => (
                <Tr key={rule.id}>
                  <Td dataLabel="Rule">{rule.id}</Td>
                  <Td dataLabel="Domain">{rule.domain}</Td>
                  <Td dataLabel="Type">{rule.type}</Td>
                  <Td dataLabel="Version">{rule.version}</Td>
                  <Td dataLabel="Matches">{rule.stats.matches}</Td>
                  <Td dataLabel="Triggers">{rule.stats.trigger_count}</Td>
                  <Td dataLabel="Enabled">
                    <Switch
                      id={`opmas-rule-${rule.id}`}
                      aria-label={`Enable ${rule.id}`}
                      isChecked={rule.enabled}
                      isDisabled={toggle.isPending}
                      onChange={(_event, enabled) => toggle.mutate({ id: rule.id, enabled })}
                    />
                  </Td>
                </Tr>
              ))}
            </Tbody>
          </Table>
        )}
      </QueryList>
    </>
  );
}
