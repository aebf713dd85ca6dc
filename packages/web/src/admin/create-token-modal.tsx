import {
  Alert,
  Button,
  Checkbox,
  ClipboardCopy,
  Form,
  FormGroup,
  FormSelect,
  FormSelectOption,
  Modal,
  ModalBody,
  ModalFooter,
  ModalHeader,
  TextInput,
} from '@patternfly/react-core';
import { useState } from 'react';
import type { ApiToken, Page, TokenScope } from '../api/kernel-types.ts';
import { useApiMutation, useApiQuery } from '../api/use-api.ts';
import { ErrorState, LoadingState } from '../components/list-states.tsx';

export const tokensPath = 'auth/tokens';
const lifetimes = [7, 30, 90, 365] as const;

interface CreateTokenBody {
  name: string;
  scopes: string[];
  expiresInDays: number;
}

/** Asks for name, scopes and lifetime; hands the secret to `onCreated`, which shows it once. */
export function CreateTokenModal(props: { onClose: () => void; onCreated: (token: string, item: ApiToken) => void }) {
  const scopes = useApiQuery<Page<TokenScope>>('auth/scopes');
  const [name, setName] = useState('');
  const [selected, setSelected] = useState<string[]>([]);
  const [expiresInDays, setExpiresInDays] = useState(30);
  const create = useApiMutation<{ token: string; item: ApiToken }, CreateTokenBody>({
    method: 'POST',
    path: tokensPath,
    invalidates: [tokensPath],
    onSuccess: (result) => props.onCreated(result.token, result.item),
  });

  const toggle = (scope: string, checked: boolean) =>
    setSelected((current) => (checked ? [...current, scope] : current.filter((item) => item !== scope)));

  return (
    <Modal isOpen variant="small" onClose={props.onClose} aria-labelledby="create-token-title">
      <ModalHeader title="Create API token" labelId="create-token-title" />
      <ModalBody>
        {create.error && <Alert variant="danger" isInline title={create.error.message} className="platform-gap" />}
        <Form
          id="create-token-form"
          onSubmit={(event) => {
            event.preventDefault();
            create.mutate({ name: name.trim(), scopes: selected, expiresInDays });
          }}
        >
          <FormGroup label="Name" isRequired fieldId="token-name">
            <TextInput id="token-name" isRequired value={name} onChange={(_event, value) => setName(value)} />
          </FormGroup>
          <FormGroup label="Expires after" fieldId="token-lifetime">
            <FormSelect
              id="token-lifetime"
              value={String(expiresInDays)}
              onChange={(_event, value) => setExpiresInDays(Number(value))}
            >
              {lifetimes.map((days) => (
                <FormSelectOption key={days} value={String(days)} label={`${days} days`} />
              ))}
            </FormSelect>
          </FormGroup>
          <FormGroup label="Scopes" role="group" isStack fieldId="token-scopes">
            {scopes.isPending && <LoadingState label="Loading scopes" />}
            {scopes.error && <ErrorState error={scopes.error} onRetry={() => scopes.refetch()} />}
            {scopes.data?.items.map((scope) => (
              <Checkbox
                key={scope.scope}
                id={`scope-${scope.scope}`}
                label={scope.scope}
                description={scope.description}
                isChecked={selected.includes(scope.scope)}
                onChange={(_event, checked) => toggle(scope.scope, checked)}
              />
            ))}
          </FormGroup>
        </Form>
      </ModalBody>
      <ModalFooter>
        <Button
          type="submit"
          form="create-token-form"
          isLoading={create.isPending}
          isDisabled={!name.trim() || selected.length === 0 || create.isPending}
        >
          Create
        </Button>
        <Button variant="link" onClick={props.onClose}>
          Cancel
        </Button>
      </ModalFooter>
    </Modal>
  );
}

/** The secret exists only in this modal's props: it is never stored, cached or shown again. */
export function TokenSecretModal(props: { token: string; name: string; onClose: () => void }) {
  return (
    <Modal isOpen variant="medium" onClose={props.onClose} aria-labelledby="token-secret-title">
      <ModalHeader title={`Token “${props.name}” created`} labelId="token-secret-title" />
      <ModalBody>
        <Alert variant="warning" isInline title="Copy this token now" className="platform-gap">
          It is shown only once. The platform keeps only a hash and cannot show it again.
        </Alert>
        <ClipboardCopy isReadOnly hoverTip="Copy" clickTip="Copied" textAriaLabel="API token">
          {props.token}
        </ClipboardCopy>
      </ModalBody>
      <ModalFooter>
        <Button onClick={props.onClose}>I have copied the token</Button>
      </ModalFooter>
    </Modal>
  );
}
