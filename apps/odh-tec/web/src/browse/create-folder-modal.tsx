import {
  Alert,
  Button,
  Form,
  FormGroup,
  Modal,
  ModalBody,
  ModalFooter,
  ModalHeader,
  TextInput,
} from '@patternfly/react-core';
import { apiFetch } from '@platform/web/api/api-fetch.ts';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { encodeKey } from '../api/key-codec.ts';
import { odhTecApi } from '../api/odh-tec-api.ts';

/** Asks for a folder name and creates it under the current prefix (an empty marker object on the server). */
export function CreateFolderModal(props: {
  locationId: string | undefined;
  bucket: string;
  prefix: string;
  onClose: () => void;
  onCreated: () => void;
}) {
  const [name, setName] = useState('');
  const invalid = name.includes('/') || name === '.' || name === '..';
  const create = useMutation({
    mutationFn: () =>
      apiFetch(
        `${odhTecApi}/objects/folder/${encodeURIComponent(props.bucket)}/${encodeKey(`${props.prefix}${name}/`)}`,
        {
          method: 'POST',
          query: { location: props.locationId },
        },
      ),
    onSuccess: props.onCreated,
  });
  return (
    <Modal isOpen variant="small" onClose={props.onClose} aria-labelledby="odh-tec-folder-title">
      <ModalHeader title="Create folder" labelId="odh-tec-folder-title" />
      <ModalBody>
        <Form
          id="odh-tec-folder-form"
          onSubmit={(event) => {
            event.preventDefault();
            if (name && !invalid) create.mutate();
          }}
        >
          <FormGroup label="Folder name" isRequired fieldId="odh-tec-folder-name">
            <TextInput id="odh-tec-folder-name" value={name} onChange={(_event, value) => setName(value)} isRequired />
          </FormGroup>
          {invalid && <Alert variant="warning" isInline isPlain title="A folder name cannot contain / or be . or .." />}
          {create.error && <Alert variant="danger" isInline title={create.error.message} />}
        </Form>
      </ModalBody>
      <ModalFooter>
        <Button type="submit" form="odh-tec-folder-form" isDisabled={!name || invalid} isLoading={create.isPending}>
          Create
        </Button>
        <Button variant="link" onClick={props.onClose}>
          Cancel
        </Button>
      </ModalFooter>
    </Modal>
  );
}
