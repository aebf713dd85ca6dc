import { Alert, Button, Modal, ModalBody, ModalFooter, ModalHeader } from '@patternfly/react-core';
import { apiFetch } from '@platform/web/api/api-fetch.ts';
import { useMutation } from '@tanstack/react-query';
import { objectPath } from '../api/odh-tec-api.ts';

/** Confirms and deletes one object, or a folder (key ending `/`) with everything under it. */
export function DeleteObjectModal(props: {
  locationId: string | undefined;
  bucket: string;
  objectKey: string;
  onClose: () => void;
  onDeleted: () => void;
}) {
  const isFolder = props.objectKey.endsWith('/');
  const remove = useMutation({
    mutationFn: () =>
      apiFetch(objectPath(props.bucket, props.objectKey), { method: 'DELETE', query: { location: props.locationId } }),
    onSuccess: props.onDeleted,
  });
  return (
    <Modal isOpen variant="small" onClose={props.onClose} aria-labelledby="odh-tec-delete-title">
      <ModalHeader
        title={isFolder ? 'Delete folder?' : 'Delete object?'}
        titleIconVariant="warning"
        labelId="odh-tec-delete-title"
      />
      <ModalBody>
        {isFolder ? 'The folder and everything in it' : 'The object'} <strong>{props.objectKey}</strong> will be deleted
        from {props.bucket}. This cannot be undone.
        {remove.error && <Alert variant="danger" isInline title={remove.error.message} />}
      </ModalBody>
      <ModalFooter>
        <Button variant="danger" onClick={() => remove.mutate()} isLoading={remove.isPending}>
          Delete
        </Button>
        <Button variant="link" onClick={props.onClose}>
          Cancel
        </Button>
      </ModalFooter>
    </Modal>
  );
}
