import { Alert, Button, Label, LabelGroup, Toolbar, ToolbarContent, ToolbarItem } from '@patternfly/react-core';
import { ActionsColumn, Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { useState } from 'react';
import type { Page, PlatformUser } from '../api/kernel-types.ts';
import { useApiMutation, useApiQuery } from '../api/use-api.ts';
import { formatTime } from '../components/format.ts';
import { EmptyListState, QueryList } from '../components/list-states.tsx';
import { CreateUserModal, EditUserRolesModal, usersPath } from './user-modals.tsx';

export function UsersTable() {
  const users = useApiQuery<Page<PlatformUser>>(usersPath);
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<PlatformUser | null>(null);
  const setActive = useApiMutation<unknown, { id: string; active: boolean }>({
    method: 'PATCH',
    path: ({ id }) => `${usersPath}/${encodeURIComponent(id)}`,
    body: ({ active }) => ({ active }),
    invalidates: [usersPath],
  });

  return (
    <>
      <Toolbar>
        <ToolbarContent>
          <ToolbarItem>
            <Button onClick={() => setCreating(true)}>Create user</Button>
          </ToolbarItem>
        </ToolbarContent>
      </Toolbar>
      {setActive.error && <Alert variant="danger" isInline title={setActive.error.message} className="platform-gap" />}
      <QueryList query={users} empty={<EmptyListState title="No users">Create the first user.</EmptyListState>}>
        {(items) => (
          <Table aria-label="Users" variant="compact">
            <Thead>
              <Tr>
                <Th>Username</Th>
                <Th>Name</Th>
                <Th>Email</Th>
                <Th>Roles</Th>
                <Th>Status</Th>
                <Th>Last sign-in</Th>
                <Th screenReaderText="Actions" />
              </Tr>
            </Thead>
            <Tbody>
              {items.map((user) => (
                <Tr key={user.id}>
                  <Td dataLabel="Username">{user.username}</Td>
                  <Td dataLabel="Name">{user.displayName || '—'}</Td>
                  <Td dataLabel="Email">{user.email || '—'}</Td>
                  <Td dataLabel="Roles">
                    <LabelGroup>
                      {user.roles.map((role) => (
                        <Label key={role} color="blue" isCompact>
                          {role}
                        </Label>
                      ))}
                    </LabelGroup>
                  </Td>
                  <Td dataLabel="Status">
                    <Label color={user.active ? 'green' : 'grey'} isCompact>
                      {user.active ? 'Active' : 'Deactivated'}
                    </Label>
                  </Td>
                  <Td dataLabel="Last sign-in">{user.lastLoginAt ? formatTime(user.lastLoginAt) : 'Never'}</Td>
                  <Td isActionCell>
                    <ActionsColumn
                      items={[
                        { title: 'Edit roles', onClick: () => setEditing(user) },
                        {
                          title: user.active ? 'Deactivate' : 'Activate',
                          onClick: () => setActive.mutate({ id: user.id, active: !user.active }),
                        },
                      ]}
                    />
                  </Td>
                </Tr>
              ))}
            </Tbody>
          </Table>
        )}
      </QueryList>
      {creating && <CreateUserModal onClose={() => setCreating(false)} />}
      {editing && <EditUserRolesModal user={editing} onClose={() => setEditing(null)} />}
    </>
  );
}
