import { Button, Label, LabelGroup, Modal, ModalBody, ModalFooter, ModalHeader } from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { useState } from 'react';
import type { ApiToken, Page } from '../api/kernel-types.ts';
import { useApiMutation, useApiQuery } from '../api/use-api.ts';
import { formatTime } from '../components/format.ts';
import { EmptyListState, ErrorState, QueryList } from '../components/list-states.tsx';
import { PlatformPage } from '../components/platform-page.tsx';
import { CreateTokenModal, TokenSecretModal, tokensPath } from './create-token-modal.tsx';

function RevokeModal({ token, onClose }: { token: ApiToken; onClose: () => void }) {
  const revoke = useApiMutation<void, string>({
    method: 'DELETE',
    path: (id) => `${tokensPath}/${encodeURIComponent(id)}`,
    invalidates: [tokensPath],
    onSuccess: onClose,
  });
  return (
    <Modal isOpen variant="small" onClose={onClose} aria-labelledby="revoke-token-title">
      <ModalHeader title="Revoke token?" titleIconVariant="warning" labelId="revoke-token-title" />
      <ModalBody>
        Programs using “{token.name}” ({token.prefix}…) will be refused from now on.
        {revoke.error && <ErrorState error={revoke.error} />}
      </ModalBody>
      <ModalFooter>
        <Button variant="danger" isLoading={revoke.isPending} onClick={() => revoke.mutate(token.id)}>
          Revoke
        </Button>
        <Button variant="link" onClick={onClose}>
          Cancel
        </Button>
      </ModalFooter>
    </Modal>
  );
}

export function TokensPage() {
  const tokens = useApiQuery<Page<ApiToken>>(tokensPath);
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<{ token: string; name: string } | null>(null);
  const [revoking, setRevoking] = useState<ApiToken | null>(null);
  const createButton = <Button onClick={() => setCreating(true)}>Create token</Button>;

  return (
    <PlatformPage
      title="API tokens"
      description="Tokens let scripts and other programs call the API on your behalf."
      actions={createButton}
    >
      <QueryList
        query={tokens}
        empty={
          <EmptyListState title="No API tokens" action={createButton}>
            Create a token to call the API from scripts.
          </EmptyListState>
        }
      >
        {(items) => (
          <Table aria-label="API tokens" variant="compact">
            <Thead>
              <Tr>
                <Th>Name</Th>
                <Th>Prefix</Th>
                <Th>Scopes</Th>
                <Th>Expires</Th>
                <Th>Last used</Th>
                <Th>Created</Th>
                <Th screenReaderText="Actions" />
              </Tr>
            </Thead>
            <Tbody>
              {items.map((token) => (
                <Tr key={token.id}>
                  <Td dataLabel="Name">{token.name}</Td>
                  <Td dataLabel="Prefix">
                    <code>{token.prefix}…</code>
                  </Td>
                  <Td dataLabel="Scopes">
                    <LabelGroup>
                      {token.scopes.map((scope) => (
                        <Label key={scope} isCompact>
                          {scope}
                        </Label>
                      ))}
                    </LabelGroup>
                  </Td>
                  <Td dataLabel="Expires">{token.expiresAt ? formatTime(token.expiresAt) : 'Never'}</Td>
                  <Td dataLabel="Last used">{token.lastUsedAt ? formatTime(token.lastUsedAt) : 'Never'}</Td>
                  <Td dataLabel="Created">{formatTime(token.createdAt)}</Td>
                  <Td isActionCell>
                    <Button variant="secondary" isDanger size="sm" onClick={() => setRevoking(token)}>
                      Revoke
                    </Button>
                  </Td>
                </Tr>
              ))}
            </Tbody>
          </Table>
        )}
      </QueryList>
      {creating && (
        <CreateTokenModal
          onClose={() => setCreating(false)}
          onCreated={(token, item) => {
            setCreating(false);
            setCreated({ token, name: item.name });
          }}
        />
      )}
      {created && <TokenSecretModal token={created.token} name={created.name} onClose={() => setCreated(null)} />}
      {revoking && <RevokeModal token={revoking} onClose={() => setRevoking(null)} />}
    </PlatformPage>
  );
}
