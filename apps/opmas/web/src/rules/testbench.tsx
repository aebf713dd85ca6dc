import { ActionGroup, Alert, Button, Form, FormGroup, TextArea, TextInput } from '@patternfly/react-core';
import { useApiMutation } from '@platform/web/api/use-api.ts';
import { useState } from 'react';
import { ruleTestPath } from '../api/opmas-api.ts';
import type { TestbenchRequest, TestbenchResult } from '../api/opmas-types.ts';
import { TestbenchResults } from './testbench-results.tsx';

/** spec 02-opmas "API": at most 1000 lines per test. */
const maxLines = 1000;

/** Pasted lines → `POST /rules/test` against the stored rules (spec "Web UI": test bench). */
export function Testbench() {
  const [text, setText] = useState('');
  const [referenceTime, setReferenceTime] = useState('');
  const test = useApiMutation<TestbenchResult, TestbenchRequest>({ method: 'POST', path: ruleTestPath });
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  const reference = referenceTime ? new Date(referenceTime) : undefined;
  const referenceInvalid = reference !== undefined && Number.isNaN(reference.getTime());
  return (
    <>
      <Form
        onSubmit={(event) => {
          event.preventDefault();
          test.mutate({ lines, reference_time: reference?.toISOString() });
        }}
      >
        <FormGroup label="Syslog lines, one per line, as a device sends them" fieldId="opmas-testbench-lines">
          <TextArea
            id="opmas-testbench-lines"
            className="opmas-testbench-lines"
            value={text}
            onChange={(_event, value) => setText(value)}
            rows={6}
            resizeOrientation="vertical"
            placeholder="<29>Mar 19 10:00:00 OpenWrt netifd: Interface 'wan' is now down"
          />
        </FormGroup>
        <FormGroup label="Reference time (optional, for year inference)" fieldId="opmas-testbench-reference">
          <TextInput
            id="opmas-testbench-reference"
            type="datetime-local"
            value={referenceTime}
            onChange={(_event, value) => setReferenceTime(value)}
            validated={referenceInvalid ? 'error' : 'default'}
            className="opmas-reference-time"
          />
        </FormGroup>
        {lines.length > maxLines && (
          <Alert variant="warning" isInline title={`At most ${maxLines} lines per test (${lines.length} pasted).`} />
        )}
        {test.error && <Alert variant="danger" isInline title={test.error.message} />}
        <ActionGroup>
          <Button
            type="submit"
            isLoading={test.isPending}
            isDisabled={lines.length === 0 || lines.length > maxLines || referenceInvalid}
          >
            Test lines
          </Button>
        </ActionGroup>
      </Form>
      {test.data && (
        <div className="opmas-section">
          <TestbenchResults result={test.data} />
        </div>
      )}
    </>
  );
}
