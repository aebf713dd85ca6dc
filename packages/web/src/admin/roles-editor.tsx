import {
  Alert,
  Button,
  Checkbox,
  Form,
  FormFieldGroupExpandable,
  FormFieldGroupHeader,
  FormGroup,
  Label,
  Modal,
  ModalBody,
  ModalFooter,
  ModalHeader,
  TextInput,
} from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { useState } from 'react';
import type { Page, PermissionInfo, Role } from '../api/kernel-types.ts';
import { useApiMutation, useApiQuery } from '../api/use-api.ts';
import { EmptyListState, ErrorState, LoadingState, QueryList } from '../components/list-states.tsx';
import { groupPermissionsByApp, setGroupSelection } from './permission-groups.ts';
import { rolesPath, usersPath } from './user-modals.tsx';

function EditRoleModal({ role, onClose }: { role: Role; onClose: () => void }) {
  const permissions = useApiQuery<Page<PermissionInfo>>('platform/api/permissions');
  const [description, setDescription] = useState(role.description);
  const [selected, setSelected] = useState(role.permissions);
  const save = useApiMutation<unknown, void>({
    method: 'PUT',
    path: `${rolesPath}/${encodeURIComponent(role.name)}`,
    body: () => ({ description, permissions: selected }),
    invalidates: [rolesPath, usersPath],
    onSuccess: onClose,
  });

  return (
    <Modal isOpen variant="medium" onClose={onClose} aria-labelledby="edit-role-title">
      <ModalHeader title={`Role ${role.name}`} labelId="edit-role-title" />
      <ModalBody>
        {save.error && <Alert variant="danger" isInline title={save.error.message} className="platform-gap" />}
        <Form id="edit-role-form" onSubmit={(event) => event.preventDefault()}>
          <FormGroup label="Description" fieldId="role-description">
            <TextInput id="role-description" value={description} onChange={(_event, value) => setDescription(value)} />
          </FormGroup>
          {permissions.isPending && <LoadingState label="Loading permissions" />}
          {permissions.error && <ErrorState error={permissions.error} onRetry={() => permissions.refetch()} />}
          {permissions.data &&
            groupPermissionsByApp(permissions.data.items).map((group) => {
              const count = group.permissions.filter((p) => selected.includes(p.permission)).length;
              return (
                <FormFieldGroupExpandable
                  key={group.app}
                  isExpanded={count > 0}
                  toggleAriaLabel={`Permissions of ${group.app}`}
                  header={
                    <FormFieldGroupHeader
                      titleText={{
                        text: `${group.app} (${count}/${group.permissions.length})`,
                        id: `app-${group.app}`,
                      }}
                      actions={
                        <Checkbox
                          id={`all-${group.app}`}
                          label="All"
                          isChecked={count === group.permissions.length ? true : count === 0 ? false : null}
                          onChange={(_event, checked) =>
                            setSelected((current) => setGroupSelection(current, group, checked))
                          }
                        />
                      }
                    />
                  }
                >
                  {group.permissions.map((permission) => (
                    <Checkbox
                      key={permission.permission}
                      id={`permission-${permission.permission}`}
                      label={permission.permission}
                      description={permission.description}
                      isChecked={selected.includes(permission.permission)}
                      onChange={(_event, checked) =>
                        setSelected((current) =>
                          checked
                            ? [...current, permission.permission]
                            : current.filter((p) => p !== permission.permission),
                        )
                      }
                    />
                  ))}
                </FormFieldGroupExpandable>
              );
            })}
        </Form>
      </ModalBody>
      <ModalFooter>
        <Button isLoading={save.isPending} onClick={() => save.mutate()}>
          Save
        </Button>
        <Button variant="link" onClick={onClose}>
          Cancel
        </Button>
      </ModalFooter>
    </Modal>
  );
}

export function RolesEditor() {
  const roles = useApiQuery<Page<Role>>(rolesPath);
  const [editing, setEditing] = useState<Role | null>(null);
  return (
    <>
      <QueryList query={roles} empty={<EmptyListState title="No roles" />}>
        {(items) => (
          <Table aria-label="Roles" variant="compact">
            <Thead>
              <Tr>
                <Th>Role</Th>
                <Th>Description</Th>
                <Th>Permissions</Th>
                <Th screenReaderText="Actions" />
              </Tr>
            </Thead>
            <Tbody>
              {items.map((role) => (
                <Tr key={role.name}>
                  <Td dataLabel="Role">
                    {role.name}{' '}
                    {role.builtIn && (
                      <Label isCompact color="purple">
                        Built-in
                      </Label>
                    )}
                  </Td>
                  <Td dataLabel="Description">{role.description}</Td>
                  <Td dataLabel="Permissions">{role.permissions.length}</Td>
                  <Td isActionCell>
                    <Button variant="secondary" size="sm" onClick={() => setEditing(role)}>
                      Edit
                    </Button>
                  </Td>
                </Tr>
              ))}
            </Tbody>
          </Table>
        )}
      </QueryList>
      {editing && <EditRoleModal role={editing} onClose={() => setEditing(null)} />}
    </>
  );
}
