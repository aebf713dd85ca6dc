import { Alert, Button, Content, Flex, FlexItem, Form, FormGroup, TextInput } from '@patternfly/react-core';
import { apiFetch } from '@platform/web/api/api-fetch.ts';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { type DetailedResult, WEIGHT_DTYPES } from '../../../vram/src/index.ts';
import { odhTecApi } from '../api/odh-tec-api.ts';
import { type RunInputs, RunInputsFields } from './run-inputs.tsx';
import { detailedBreakdown } from './vram-breakdown.ts';
import { VramResultView } from './vram-result-view.tsx';

interface ResolvedModel {
  modelType: string;
  paramsTotal: number;
  dtype: string;
  warnings: string[];
}

/** The config source the server reads from the Hub it is configured with (`HF_ENDPOINT`). */
interface HubSource {
  type: 'hf';
  modelId: string;
}

const detailedPrecisions = [
  { value: '', label: "The config's dtype" },
  ...WEIGHT_DTYPES.map((dtype) => ({ value: dtype, label: dtype })),
];

/** Detailed mode: a config.json from the Hub, inference figures per GPU (spec "VRAM detailed"). */
export function DetailedEstimate() {
  const [modelId, setModelId] = useState('');
  const [run, setRun] = useState<RunInputs>({ batch: 1, seq: 4096, gpus: 1, precision: '' });
  const load = useMutation({
    mutationFn: async () => {
      const source: HubSource = { type: 'hf', modelId: modelId.trim() };
      const model = await apiFetch<ResolvedModel>(`${odhTecApi}/vram/model-config`, { method: 'POST', body: source });
      return { source, model };
    },
  });
  const estimate = useMutation({
    mutationFn: (source: HubSource) =>
      apiFetch<DetailedResult>(`${odhTecApi}/vram/estimate`, {
        method: 'POST',
        body: {
          mode: 'detailed',
          model: source,
          run: {
            task: 'inference',
            batch: run.batch,
            seq: run.seq,
            gpus: run.gpus,
            weightDtype: run.precision || undefined,
          },
        },
      }),
  });
  const loaded = load.data;
  const failure = load.error ?? estimate.error;
  return (
    <>
      <Form
        className="platform-gap"
        onSubmit={(event) => {
          event.preventDefault();
          if (loaded) estimate.mutate(loaded.source);
        }}
      >
        <FormGroup label="Hugging Face model id" fieldId="odh-tec-vram-model">
          <Flex>
            <FlexItem grow={{ default: 'grow' }}>
              <TextInput id="odh-tec-vram-model" value={modelId} onChange={(_event, value) => setModelId(value)} />
            </FlexItem>
            <FlexItem>
              <Button
                variant="secondary"
                isDisabled={!modelId.trim()}
                isLoading={load.isPending}
                onClick={() => load.mutate()}
              >
                Load config.json from the Hub
              </Button>
            </FlexItem>
          </Flex>
        </FormGroup>
        {loaded && (
          <Content component="p">
            {loaded.model.modelType}: {(loaded.model.paramsTotal / 1e9).toFixed(2)} B parameters, {loaded.model.dtype}
          </Content>
        )}
        <RunInputsFields value={run} precisions={detailedPrecisions} onChange={setRun} />
        <div>
          <Button type="submit" isDisabled={!loaded} isLoading={estimate.isPending}>
            Estimate
          </Button>
        </div>
        {failure && <Alert variant="danger" isInline title={failure.message} />}
      </Form>
      {estimate.data && <VramResultView breakdown={detailedBreakdown(estimate.data)} gpus={run.gpus} />}
    </>
  );
}
