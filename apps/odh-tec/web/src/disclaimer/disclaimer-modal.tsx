import { Alert, Button, Content, Modal, ModalBody, ModalFooter, ModalHeader } from '@patternfly/react-core';
import { useApiMutation, useApiQuery } from '@platform/web/api/use-api.ts';
import { odhTecApi } from '../api/odh-tec-api.ts';
import type { DisclaimerView } from '../api/odh-tec-types.ts';

const disclaimerPath = `${odhTecApi}/disclaimer`;

/** Shown on every visit until the user accepts it (spec 01-odh-tec "Web UI": Disclaimer modal). */
export function DisclaimerModal() {
  const disclaimer = useApiQuery<DisclaimerView>(disclaimerPath);
  const accept = useApiMutation<DisclaimerView, void>({
    method: 'PUT',
    path: disclaimerPath,
    body: () => ({ status: 'accepted' }),
    invalidates: [disclaimerPath],
  });
  const open = disclaimer.data?.disclaimer.status === 'unknown';
  return (
    <Modal isOpen={open} variant="medium" aria-labelledby="odh-tec-disclaimer-title">
      <ModalHeader title="Before you start" labelId="odh-tec-disclaimer-title" />
      <ModalBody>
        <Content>
          <p>
            ODH-TEC reads, writes and deletes objects in the storage locations you connect, and downloads models from
            the Hugging Face Hub. Deletions cannot be undone.
          </p>
          <p>
            Model licences are the responsibility of the user: check each model&apos;s terms before you import it. VRAM
            estimates are approximations, not guarantees.
          </p>
        </Content>
        {accept.error && <Alert variant="danger" isInline title={accept.error.message} />}
      </ModalBody>
      <ModalFooter>
        <Button variant="primary" onClick={() => accept.mutate()} isLoading={accept.isPending}>
          Accept
        </Button>
      </ModalFooter>
    </Modal>
  );
}
