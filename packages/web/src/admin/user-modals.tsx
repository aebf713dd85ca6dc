import {
  Alert,
  Button,
  Checkbox,
  Form,
  FormGroup,
  Modal,
  ModalBody,
  ModalFooter,
  ModalHeader,
  TextInput,
} from '@patternfly/react-core';
import { useState } from 'react';
import type { Page, PlatformUser, Role } from '../api/kernel-types.ts';
import { useApiMutation, useApiQuery } from '../api/use-api.ts';
import { ErrorState, LoadingState } from '../components/list-states.tsx';

export const usersPath = 'platform/api/users';
export const rolesPath = 'platform/api/roles';

function RoleChecklist(props: { selected: string[]; onChange: (roles: string[]) => void }) {
  const roles = useApiQuery<Page<Role>>(rolesPath);
  if (roles.isPending) return <LoadingState label="Loading roles" />;
  if (roles.error) return <ErrorState error={roles.error} onRetry={() => roles.refetch()} />;
  return (
    <>
      {roles.data.items.map((role) => (
        <Checkbox
          key={role.name}
          id={`role-${role.name}`}
          label={role.name}
          description={role.description}
          isChecked={props.selected.includes(role.name)}
          onChange={(_event, checked) =>
            props.onChange(checked ? [...props.selected, role.name] : props.selected.filter((r) => r !== role.name))
          }
        />
      ))}
    </>
  );
}

interface NewUser {
  username: string;
  email: string;
  displayName: string;
  password: string;
  roles: string[];
}

export function CreateUserModal({ onClose }: { onClose: () => void }) {
  const [user, setUser] = useState<NewUser>({ username: '', email: '', displayName: '', password: '', roles: [] });
  const create = useApiMutation<unknown, NewUser>({
    method: 'POST',
    path: usersPath,
    invalidates: [usersPath],
    onSuccess: onClose,
  });
  const field = (name: keyof Omit<NewUser, 'roles'>) => ({
    id: `user-${name}`,
    value: user[name],
    onChange: (_event: unknown, value: string) => setUser((current) => ({ ...current, [name]: value })),
  });

  return (
    <Modal isOpen variant="small" onClose={onClose} aria-labelledby="create-user-title">
      <ModalHeader title="Create user" labelId="create-user-title" />
      <ModalBody>
        {create.error && <Alert variant="danger" isInline title={create.error.message} className="platform-gap" />}
        <Form
          id="create-user-form"
          onSubmit={(event) => {
            event.preventDefault();
            create.mutate(user);
          }}
        >
          <FormGroup label="Username" isRequired fieldId="user-username">
            <TextInput isRequired {...field('username')} />
          </FormGroup>
          <FormGroup label="Display name" fieldId="user-displayName">
            <TextInput {...field('displayName')} />
          </FormGroup>
          <FormGroup label="Email" fieldId="user-email">
            <TextInput type="email" {...field('email')} />
          </FormGroup>
          <FormGroup label="Initial password" isRequired fieldId="user-password">
            <TextInput type="password" isRequired autoComplete="new-password" {...field('password')} />
          </FormGroup>
          <FormGroup label="Roles" role="group" isStack fieldId="user-roles">
            <RoleChecklist selected={user.roles} onChange={(roles) => setUser((current) => ({ ...current, roles }))} />
          </FormGroup>
        </Form>
      </ModalBody>
      <ModalFooter>
        <Button
          type="submit"
          form="create-user-form"
          isLoading={create.isPending}
          isDisabled={!user.username.trim() || !user.password || create.isPending}
        >
          Create
        </Button>
        <Button variant="link" onClick={onClose}>
          Cancel
        </Button>
      </ModalFooter>
    </Modal>
  );
}

export function EditUserRolesModal({ user, onClose }: { user: PlatformUser; onClose: () => void }) {
  const [roles, setRoles] = useState(user.roles);
  const save = useApiMutation<unknown, string[]>({
    method: 'PATCH',
    path: `${usersPath}/${encodeURIComponent(user.id)}`,
    body: (next) => ({ roles: next }),
    invalidates: [usersPath],
    onSuccess: onClose,
  });
  return (
    <Modal isOpen variant="small" onClose={onClose} aria-labelledby="user-roles-title">
      <ModalHeader title={`Roles of ${user.displayName || user.username}`} labelId="user-roles-title" />
      <ModalBody>
        {save.error && <Alert variant="danger" isInline title={save.error.message} className="platform-gap" />}
        <RoleChecklist selected={roles} onChange={setRoles} />
      </ModalBody>
      <ModalFooter>
        <Button isLoading={save.isPending} onClick={() => save.mutate(roles)}>
          Save
        </Button>
        <Button variant="link" onClick={onClose}>
          Cancel
        </Button>
      </ModalFooter>
    </Modal>
  );
}
