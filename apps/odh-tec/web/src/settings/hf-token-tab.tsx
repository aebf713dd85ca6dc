import { ActionGroup, Alert, Button, Form, FormGroup, TextInput } from '@patternfly/react-core';
import { useApiMutation } from '@platform/web/api/use-api.ts';
import { useState } from 'react';
import type { SettingsView } from '../api/odh-tec-types.ts';
import { hfTokenPath, settingsPath } from './settings-paths.ts';

/** The Hugging Face token is write-only: the page shows whether one is set, never the token. */
export function HfTokenTab({ huggingface }: { huggingface: SettingsView['huggingface'] }) {
  const [token, setToken] = useState('');
  const save = useApiMutation<unknown, string>({
    method: 'PUT',
    path: hfTokenPath,
    body: (hfToken) => ({ hfToken }),
    invalidates: [settingsPath],
    onSuccess: () => setToken(''),
  });
  const clear = useApiMutation<unknown, void>({ method: 'DELETE', path: hfTokenPath, invalidates: [settingsPath] });
  const failure = save.error ?? clear.error;
  return (
    <Form
      className="pf-v6-u-mt-md"
      maxWidth="40rem"
      onSubmit={(event) => {
        event.preventDefault();
        if (token) save.mutate(token);
      }}
    >
      <Alert
        variant={huggingface.tokenSet ? 'success' : 'info'}
        isInline
        isPlain
        title={
          huggingface.tokenSet
            ? `A token is set (…${huggingface.tokenHint || '****'}); the Hub is ${huggingface.endpoint}.`
            : `No token is set; public models import without one. The Hub is ${huggingface.endpoint}.`
        }
      />
      <FormGroup label="New token" fieldId="odh-tec-hf-token">
        <TextInput
          id="odh-tec-hf-token"
          type="password"
          autoComplete="off"
          value={token}
          onChange={(_event, value) => setToken(value)}
        />
      </FormGroup>
      {failure && <Alert variant="danger" isInline title={failure.message} />}
      <ActionGroup>
        <Button type="submit" isDisabled={!token} isLoading={save.isPending}>
          Save token
        </Button>
        {huggingface.tokenSet && (
          <Button variant="secondary" isDanger onClick={() => clear.mutate()} isLoading={clear.isPending}>
            Remove token
          </Button>
        )}
      </ActionGroup>
    </Form>
  );
}
