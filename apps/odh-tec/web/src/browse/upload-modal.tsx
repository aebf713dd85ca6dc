import {
  Button,
  Flex,
  FlexItem,
  Modal,
  ModalBody,
  ModalFooter,
  ModalHeader,
  Progress,
  ProgressMeasureLocation,
  ProgressVariant,
  Stack,
  StackItem,
} from '@patternfly/react-core';
import { UploadIcon } from '@patternfly/react-icons';
import { useRef } from 'react';
import { formatBytes } from '../layout/format-bytes.ts';
import { type UploadItem, type UploadState, useUploads } from './use-uploads.ts';

const variants: Partial<Record<UploadState, ProgressVariant>> = {
  done: ProgressVariant.success,
  failed: ProgressVariant.danger,
  cancelled: ProgressVariant.warning,
};

const labels: Record<UploadState, (percent: number) => string> = {
  uploading: (percent) => `${percent}%`,
  done: () => 'Done',
  failed: () => 'Failed',
  cancelled: () => 'Cancelled',
};

function UploadRow({ item, onCancel }: { item: UploadItem; onCancel: () => void }) {
  const percent = item.size ? Math.floor((item.sent / item.size) * 100) : 100;
  const label = labels[item.state](percent);
  return (
    <Flex alignItems={{ default: 'alignItemsFlexEnd' }} flexWrap={{ default: 'nowrap' }}>
      <FlexItem grow={{ default: 'grow' }}>
        <Progress
          value={item.state === 'done' ? 100 : percent}
          title={item.name}
          label={label}
          valueText={label}
          measureLocation={ProgressMeasureLocation.outside}
          variant={variants[item.state]}
          helperText={item.error ?? `${formatBytes(item.sent)} of ${formatBytes(item.size)}`}
          aria-label={`Upload of ${item.name}`}
        />
      </FlexItem>
      {item.state === 'uploading' && (
        <FlexItem>
          <Button
            variant="secondary"
            isDanger
            size="sm"
            onClick={onCancel}
            aria-label={`Cancel upload of ${item.name}`}
          >
            Cancel
          </Button>
        </FlexItem>
      )}
    </Flex>
  );
}

/** Picks files and uploads them into the current folder with a progress bar and Cancel per file. */
export function UploadModal(props: {
  locationId: string | undefined;
  bucket: string;
  prefix: string;
  onClose: () => void;
  onStored: () => void;
}) {
  const uploads = useUploads(props, props.onStored);
  const input = useRef<HTMLInputElement>(null);
  const close = () => {
    uploads.cancelAll();
    props.onClose();
  };
  return (
    <Modal isOpen variant="medium" onClose={close} aria-labelledby="odh-tec-upload-title">
      <ModalHeader
        title="Upload files"
        labelId="odh-tec-upload-title"
        description={`Into ${props.bucket}/${props.prefix}`}
      />
      <ModalBody>
        <Stack hasGutter>
          <StackItem>
            <input
              ref={input}
              type="file"
              multiple
              hidden
              aria-label="Files to upload"
              onChange={(event) => {
                uploads.start([...(event.target.files ?? [])]);
                event.target.value = '';
              }}
            />
            <Button variant="secondary" icon={<UploadIcon />} onClick={() => input.current?.click()}>
              Choose files…
            </Button>
          </StackItem>
          {uploads.items.map((item) => (
            <StackItem key={item.jobId}>
              <UploadRow item={item} onCancel={() => uploads.cancel(item.jobId)} />
            </StackItem>
          ))}
        </Stack>
      </ModalBody>
      <ModalFooter>
        <Button variant={uploads.busy ? 'secondary' : 'primary'} onClick={close}>
          {uploads.busy ? 'Cancel all and close' : 'Close'}
        </Button>
      </ModalFooter>
    </Modal>
  );
}
