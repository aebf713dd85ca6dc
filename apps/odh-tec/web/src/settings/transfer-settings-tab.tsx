import { ActionGroup, Alert, Button, Form, FormGroup, NumberInput } from '@patternfly/react-core';
import { useApiMutation } from '@platform/web/api/use-api.ts';
import { useState } from 'react';
import type { SettingsView } from '../api/odh-tec-types.ts';
import { settingsPath } from './settings-paths.ts';

interface TransferLimits {
  maxConcurrentTransfers: number;
  maxFilesPerPage: number;
}

/** Transfer slots (1–32) and the listing page size (10–1000), saved with PATCH /api/settings. */
export function TransferSettingsTab({ settings }: { settings: SettingsView }) {
  const [limits, setLimits] = useState<TransferLimits>({
    maxConcurrentTransfers: settings.maxConcurrentTransfers,
    maxFilesPerPage: settings.maxFilesPerPage,
  });
  const save = useApiMutation<unknown, TransferLimits>({
    method: 'PATCH',
    path: settingsPath,
    invalidates: [settingsPath],
  });
  const number = (field: keyof TransferLimits, min: number, max: number, label: string) => (
    <FormGroup label={label} fieldId={`odh-tec-${field}`}>
      <NumberInput
        id={`odh-tec-${field}`}
        value={limits[field]}
        min={min}
        max={max}
        inputAriaLabel={label}
        onMinus={() => setLimits({ ...limits, [field]: Math.max(min, limits[field] - 1) })}
        onPlus={() => setLimits({ ...limits, [field]: Math.min(max, limits[field] + 1) })}
        onChange={(event) => {
          const value = Number((event.target as HTMLInputElement).value);
          if (Number.isFinite(value)) setLimits({ ...limits, [field]: Math.min(max, Math.max(min, value)) });
        }}
      />
    </FormGroup>
  );
  return (
    <Form
      className="pf-v6-u-mt-md"
      onSubmit={(event) => {
        event.preventDefault();
        save.mutate(limits);
      }}
    >
      {number('maxConcurrentTransfers', 1, 32, 'Concurrent transfers')}
      {number('maxFilesPerPage', 10, 1000, 'Files per page')}
      {save.error && <Alert variant="danger" isInline title={save.error.message} />}
      {save.isSuccess && <Alert variant="success" isInline isPlain title="Saved" />}
      <ActionGroup>
        <Button type="submit" isLoading={save.isPending}>
          Save
        </Button>
      </ActionGroup>
    </Form>
  );
}
