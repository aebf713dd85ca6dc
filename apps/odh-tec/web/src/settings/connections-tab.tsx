import { Alert, Button, Label, Toolbar, ToolbarContent, ToolbarItem } from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { useApiMutation } from '@platform/web/api/use-api.ts';
import { EmptyListState } from '@platform/web/components/list-states.tsx';
import { useState } from 'react';
import type { ConnectionTestResult, ConnectionView } from '../api/odh-tec-types.ts';
import { AddConnectionModal } from './add-connection-modal.tsx';
import { connectionsPath, settingsPath } from './settings-paths.ts';

function TestOutcome({ result }: { result: ConnectionTestResult | undefined }) {
  if (!result) return null;
  return (
    <Label color={result.ok ? 'green' : 'red'} isCompact>
      {result.ok ? 'OK' : (result.code ?? 'failed')}: {result.message}
    </Label>
  );
}

/** The user's S3 connections, with Test, Delete and an Add modal. */
export function ConnectionsTab({ connections }: { connections: ConnectionView[] }) {
  const [adding, setAdding] = useState(false);
  const [results, setResults] = useState<Record<string, ConnectionTestResult>>({});
  const test = useApiMutation<ConnectionTestResult, string>({
    method: 'POST',
    path: (id) => `${connectionsPath}/${encodeURIComponent(id)}/test`,
    body: () => ({}),
    onSuccess: (result, id) => setResults((all) => ({ ...all, [id]: result })),
  });
  const remove = useApiMutation<unknown, string>({
    method: 'DELETE',
    path: (id) => `${connectionsPath}/${encodeURIComponent(id)}`,
    invalidates: [settingsPath],
  });
  const failure = test.error ?? remove.error;
  return (
    <>
      <Toolbar className="pf-v6-u-mt-sm">
        <ToolbarContent>
          <ToolbarItem>
            <Button onClick={() => setAdding(true)}>Add connection</Button>
          </ToolbarItem>
        </ToolbarContent>
      </Toolbar>
      {failure && <Alert variant="danger" isInline title={failure.message} className="platform-gap" />}
      {connections.length === 0 ? (
        <EmptyListState title="No S3 connections">
          Add one to browse buckets beyond the embedded storage.
        </EmptyListState>
      ) : (
        <Table aria-label="S3 connections" variant="compact">
          <Thead>
            <Tr>
              <Th>Name</Th>
              <Th>Endpoint</Th>
              <Th>Access key</Th>
              <Th>Default bucket</Th>
              <Th>Test</Th>
              <Th screenReaderText="Actions" />
            </Tr>
          </Thead>
          <Tbody>
            {connections.map((connection) => (
              <Tr key={connection.id}>
                <Td dataLabel="Name">{connection.name}</Td>
                <Td dataLabel="Endpoint">{connection.endpoint}</Td>
                <Td dataLabel="Access key">{connection.accessKeyId}</Td>
                <Td dataLabel="Default bucket">{connection.defaultBucket || '—'}</Td>
                <Td dataLabel="Test">
                  <TestOutcome result={results[connection.id]} />
                </Td>
                <Td isActionCell>
                  <Button
                    variant="secondary"
                    size="sm"
                    onClick={() => test.mutate(connection.id)}
                    isLoading={test.isPending && test.variables === connection.id}
                  >
                    Test
                  </Button>{' '}
                  <Button variant="secondary" isDanger size="sm" onClick={() => remove.mutate(connection.id)}>
                    Delete
                  </Button>
                </Td>
              </Tr>
            ))}
          </Tbody>
        </Table>
      )}
      {adding && <AddConnectionModal onClose={() => setAdding(false)} />}
    </>
  );
}
