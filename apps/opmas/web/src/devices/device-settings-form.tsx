import {
  ActionGroup,
  Alert,
  Button,
  Form,
  FormGroup,
  FormHelperText,
  FormSelect,
  FormSelectOption,
  HelperText,
  HelperTextItem,
  TextInput,
} from '@patternfly/react-core';
import { useApiMutation } from '@platform/web/api/use-api.ts';
import { useState } from 'react';
import { devicePath, devicesPath } from '../api/opmas-api.ts';
import type { DeviceSettings, DeviceView, ExecutionMode } from '../api/opmas-types.ts';

const modes: readonly ExecutionMode[] = ['observe', 'dry_run', 'execute'];

/** The browser's IANA zone names, offered as suggestions; the server still decides (400 `invalid_timezone`). */
const timeZones: readonly string[] = Intl.supportedValuesOf('timeZone');

/** Comma- or space-separated tags, without blanks or repeats. */
const parseTags = (text: string): string[] => [...new Set(text.split(/[\s,]+/).filter(Boolean))];

/** Time zone, tags and highest mode of one device, saved with `PUT /devices/{id}` (spec "Web UI": device settings). */
export function DeviceSettingsForm({ device }: { device: DeviceView }) {
  const [timezone, setTimezone] = useState(device.timezone ?? '');
  const [tags, setTags] = useState(device.tags.join(', '));
  const [maxMode, setMaxMode] = useState<ExecutionMode>(device.max_mode);
  const save = useApiMutation<DeviceView, DeviceSettings>({
    method: 'PUT',
    path: devicePath(device.id),
    invalidates: [devicesPath, devicePath(device.id)],
  });
  return (
    <Form
      onSubmit={(event) => {
        event.preventDefault();
        save.mutate({ timezone: timezone.trim() || undefined, tags: parseTags(tags), max_mode: maxMode });
      }}
    >
      <FormGroup label="Time zone" fieldId="opmas-device-timezone">
        <TextInput
          id="opmas-device-timezone"
          value={timezone}
          onChange={(_event, value) => setTimezone(value)}
          list="opmas-time-zones"
          autoComplete="off"
          placeholder="e.g. Europe/Berlin"
        />
        <datalist id="opmas-time-zones">
          {timeZones.map((zone) => (
            <option key={zone} value={zone} />
          ))}
        </datalist>
        <FormHelperText>
          <HelperText>
            <HelperTextItem>
              The zone the device writes its syslog timestamps in (BSD headers carry none).
            </HelperTextItem>
          </HelperText>
        </FormHelperText>
      </FormGroup>
      <FormGroup label="Tags" fieldId="opmas-device-tags">
        <TextInput id="opmas-device-tags" value={tags} onChange={(_event, value) => setTags(value)} />
        <FormHelperText>
          <HelperText>
            <HelperTextItem>Separated by commas.</HelperTextItem>
          </HelperText>
        </FormHelperText>
      </FormGroup>
      <FormGroup label="Highest mode" fieldId="opmas-device-max-mode">
        <FormSelect
          id="opmas-device-max-mode"
          value={maxMode}
          onChange={(_event, value) => setMaxMode(value as ExecutionMode)}
        >
          {modes.map((mode) => (
            <FormSelectOption key={mode} value={mode} label={mode} />
          ))}
        </FormSelect>
      </FormGroup>
      {save.error && (
        <Alert variant="danger" isInline title={save.error.message}>
          {save.error.code}
        </Alert>
      )}
      {save.isSuccess && <Alert variant="success" isInline isPlain title="Saved" />}
      <ActionGroup>
        <Button type="submit" isLoading={save.isPending}>
          Save
        </Button>
      </ActionGroup>
    </Form>
  );
}
