import {
  ActionGroup,
  Alert,
  Button,
  Form,
  FormGroup,
  FormHelperText,
  HelperText,
  HelperTextItem,
  Modal,
  ModalBody,
  ModalFooter,
  ModalHeader,
  TextInput,
} from '@patternfly/react-core';
import { apiFetch } from '@platform/web/api/api-fetch.ts';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { odhTecApi } from '../api/odh-tec-api.ts';
import type { TransferStarted } from '../api/odh-tec-types.ts';
import { TransferProgressBar } from '../transfers/transfer-progress-bar.tsx';
import { useTransferStream } from '../transfers/transfer-stream.ts';
import { type HfImportFields, importRequest, recommendedExclude, recommendedInclude } from './hf-import-form.ts';

function ImportProgress({ jobId, modelId, onEnd }: { jobId: string; modelId: string; onEnd: () => void }) {
  const stream = useTransferStream(jobId, onEnd);
  return <TransferProgressBar title={`Importing ${modelId}`} ariaLabel={`Import of ${modelId}`} {...stream} />;
}

function TextField(props: {
  id: keyof HfImportFields;
  label: string;
  fields: HfImportFields;
  onChange: (fields: HfImportFields) => void;
  help?: string;
  type?: 'text' | 'password';
  isRequired?: boolean;
}) {
  const fieldId = `odh-tec-hf-${props.id}`;
  return (
    <FormGroup label={props.label} fieldId={fieldId} isRequired={props.isRequired}>
      <TextInput
        id={fieldId}
        type={props.type ?? 'text'}
        value={props.fields[props.id]}
        isRequired={props.isRequired}
        autoComplete="off"
        onChange={(_event, value) => props.onChange({ ...props.fields, [props.id]: value })}
      />
      {props.help && (
        <FormHelperText>
          <HelperText>
            <HelperTextItem>{props.help}</HelperTextItem>
          </HelperText>
        </FormHelperText>
      )}
    </FormGroup>
  );
}

/** Imports a model repository from the Hugging Face Hub into the current folder, following its progress. */
export function HfImportModal(props: {
  locationId: string | undefined;
  bucket: string;
  prefix: string;
  onClose: () => void;
  onStored: () => void;
}) {
  const [fields, setFields] = useState<HfImportFields>({
    modelId: '',
    revision: 'main',
    include: recommendedInclude,
    exclude: recommendedExclude,
    token: '',
  });
  const start = useMutation({
    mutationFn: () =>
      apiFetch<TransferStarted>(`${odhTecApi}/objects/import-hf`, {
        method: 'POST',
        body: importRequest(fields, props),
      }),
  });
  const started = start.data?.jobId;
  return (
    <Modal isOpen variant="medium" onClose={props.onClose} aria-labelledby="odh-tec-hf-title">
      <ModalHeader
        title="Import from Hugging Face"
        labelId="odh-tec-hf-title"
        description={`Into ${props.bucket}/${props.prefix}<model id>/`}
      />
      <ModalBody>
        {started && (
          <div className="platform-gap">
            <ImportProgress jobId={started} modelId={fields.modelId} onEnd={props.onStored} />
          </div>
        )}
        <Form
          id="odh-tec-hf-form"
          onSubmit={(event) => {
            event.preventDefault();
            if (fields.modelId.trim()) start.mutate();
          }}
        >
          <TextField id="modelId" label="Model id" fields={fields} onChange={setFields} help="org/name" isRequired />
          <TextField id="revision" label="Revision" fields={fields} onChange={setFields} help="branch, tag or commit" />
          <TextField id="include" label="Include" fields={fields} onChange={setFields} help="comma-separated globs" />
          <TextField id="exclude" label="Exclude" fields={fields} onChange={setFields} help="comma-separated globs" />
          <ActionGroup>
            <Button
              variant="link"
              isInline
              onClick={() => setFields({ ...fields, include: recommendedInclude, exclude: recommendedExclude })}
            >
              Recommended
            </Button>
            <Button variant="link" isInline onClick={() => setFields({ ...fields, include: '', exclude: '' })}>
              All files
            </Button>
          </ActionGroup>
          <TextField
            id="token"
            label="Token"
            type="password"
            fields={fields}
            onChange={setFields}
            help="Optional; used for this import only and not stored."
          />
          {start.error && <Alert variant="danger" isInline title={start.error.message} />}
        </Form>
      </ModalBody>
      <ModalFooter>
        <Button
          type="submit"
          form="odh-tec-hf-form"
          isDisabled={!fields.modelId.trim() || Boolean(started)}
          isLoading={start.isPending}
        >
          Import
        </Button>
        <Button variant="link" onClick={props.onClose}>
          Close
        </Button>
      </ModalFooter>
    </Modal>
  );
}
