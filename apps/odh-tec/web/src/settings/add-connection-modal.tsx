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
import { useApiMutation } from '@platform/web/api/use-api.ts';
import { useState } from 'react';
import type { ConnectionTestResult } from '../api/odh-tec-types.ts';
import { connectionsPath, settingsPath } from './settings-paths.ts';

interface ConnectionFields {
  name: string;
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  defaultBucket: string;
  forcePathStyle: boolean;
}

const textFields: { id: Exclude<keyof ConnectionFields, 'forcePathStyle'>; label: string; required?: boolean }[] = [
  { id: 'name', label: 'Name', required: true },
  { id: 'endpoint', label: 'Endpoint URL', required: true },
  { id: 'region', label: 'Region' },
  { id: 'accessKeyId', label: 'Access key id', required: true },
  { id: 'secretAccessKey', label: 'Secret access key', required: true },
  { id: 'defaultBucket', label: 'Default bucket' },
];

/** Empty optional fields are left out so the server applies its defaults. */
function connectionBody(fields: ConnectionFields) {
  return {
    ...fields,
    region: fields.region || undefined,
    defaultBucket: fields.defaultBucket || undefined,
  };
}

/** Adds an S3 connection; "Test" checks the typed credentials before saving. */
export function AddConnectionModal({ onClose }: { onClose: () => void }) {
  const [fields, setFields] = useState<ConnectionFields>({
    name: '',
    endpoint: '',
    region: '',
    accessKeyId: '',
    secretAccessKey: '',
    defaultBucket: '',
    forcePathStyle: true,
  });
  const create = useApiMutation<unknown, ConnectionFields>({
    method: 'POST',
    path: connectionsPath,
    body: connectionBody,
    invalidates: [settingsPath],
    onSuccess: onClose,
  });
  const test = useApiMutation<ConnectionTestResult, ConnectionFields>({
    method: 'POST',
    path: `${connectionsPath}/test`,
    body: connectionBody,
  });
  const complete = textFields.every((field) => !field.required || fields[field.id].trim());
  return (
    <Modal isOpen variant="medium" onClose={onClose} aria-labelledby="odh-tec-connection-title">
      <ModalHeader title="Add S3 connection" labelId="odh-tec-connection-title" />
      <ModalBody>
        <Form
          id="odh-tec-connection-form"
          onSubmit={(event) => {
            event.preventDefault();
            if (complete) create.mutate(fields);
          }}
        >
          {textFields.map((field) => (
            <FormGroup
              key={field.id}
              label={field.label}
              isRequired={field.required}
              fieldId={`odh-tec-conn-${field.id}`}
            >
              <TextInput
                id={`odh-tec-conn-${field.id}`}
                type={field.id === 'secretAccessKey' ? 'password' : 'text'}
                autoComplete="off"
                value={fields[field.id]}
                isRequired={field.required}
                onChange={(_event, value) => setFields({ ...fields, [field.id]: value })}
              />
            </FormGroup>
          ))}
          <Checkbox
            id="odh-tec-conn-path-style"
            label="Path-style addressing"
            isChecked={fields.forcePathStyle}
            onChange={(_event, checked) => setFields({ ...fields, forcePathStyle: checked })}
          />
          {test.data && (
            <Alert variant={test.data.ok ? 'success' : 'danger'} isInline title={test.data.message}>
              {test.data.code}
            </Alert>
          )}
          {(create.error ?? test.error) && (
            <Alert variant="danger" isInline title={(create.error ?? test.error)?.message} />
          )}
        </Form>
      </ModalBody>
      <ModalFooter>
        <Button type="submit" form="odh-tec-connection-form" isDisabled={!complete} isLoading={create.isPending}>
          Save
        </Button>
        <Button
          variant="secondary"
          isDisabled={!complete}
          onClick={() => test.mutate(fields)}
          isLoading={test.isPending}
        >
          Test
        </Button>
        <Button variant="link" onClick={onClose}>
          Cancel
        </Button>
      </ModalFooter>
    </Modal>
  );
}
