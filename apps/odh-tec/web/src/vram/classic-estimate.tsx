import { Alert, Button, Form, FormGroup, FormSelect, FormSelectOption } from '@patternfly/react-core';
import { useApiMutation, useApiQuery } from '@platform/web/api/use-api.ts';
import { ErrorState, LoadingState } from '@platform/web/components/list-states.tsx';
import { useState } from 'react';
import type { ClassicPresetList, ClassicResult } from '../../../vram/src/index.ts';
import { odhTecApi } from '../api/odh-tec-api.ts';
import { type RunInputs, RunInputsFields } from './run-inputs.tsx';
import { classicBreakdown } from './vram-breakdown.ts';
import { VramResultView } from './vram-result-view.tsx';

const classicPrecisions = [
  { value: 'half', label: 'Half (16-bit)' },
  { value: 'full', label: 'Full (32-bit)' },
];

/** Classic mode: the presets (GET /api/vram/presets) once loaded. */
export function ClassicEstimate() {
  const presets = useApiQuery<ClassicPresetList>(`${odhTecApi}/vram/presets`, undefined, { staleTime: Infinity });
  if (presets.isPending) return <LoadingState />;
  if (presets.error) return <ErrorState error={presets.error} onRetry={() => presets.refetch()} />;
  return <ClassicEstimateForm classicPresets={presets.data} />;
}

/** A preset plus run figures, estimated with upstream-parity arithmetic (spec "VRAM classic"). */
function ClassicEstimateForm({ classicPresets }: { classicPresets: ClassicPresetList }) {
  const defaults = classicPresets.defaultRunConfig;
  const [presetIndex, setPresetIndex] = useState(classicPresets.defaultPresetIndex);
  const [run, setRun] = useState<RunInputs>({
    batch: defaults.batchSize,
    seq: defaults.sequenceLength,
    gpus: defaults.numGPUs,
    precision: defaults.inferencePrecision,
  });
  const estimate = useApiMutation<ClassicResult, void>({
    method: 'POST',
    path: `${odhTecApi}/vram/estimate`,
    body: () => ({
      mode: 'classic',
      model: classicPresets.presets[presetIndex].modelConfig,
      run: {
        ...defaults,
        batchSize: run.batch,
        sequenceLength: run.seq,
        numGPUs: run.gpus,
        inferencePrecision: run.precision,
      },
      unit: 'MiB',
    }),
  });
  return (
    <>
      <Form
        className="platform-gap"
        onSubmit={(event) => {
          event.preventDefault();
          estimate.mutate();
        }}
      >
        <FormGroup label="Model preset" fieldId="odh-tec-vram-preset">
          <FormSelect
            id="odh-tec-vram-preset"
            value={String(presetIndex)}
            onChange={(_event, value) => setPresetIndex(Number(value))}
          >
            {classicPresets.presets.map((preset, index) => (
              <FormSelectOption key={preset.label} value={String(index)} label={preset.label} />
            ))}
          </FormSelect>
        </FormGroup>
        <RunInputsFields value={run} precisions={classicPrecisions} onChange={setRun} />
        <div>
          <Button type="submit" isLoading={estimate.isPending}>
            Estimate
          </Button>
        </div>
        {estimate.error && <Alert variant="danger" isInline title={estimate.error.message} />}
      </Form>
      {estimate.data && <VramResultView breakdown={classicBreakdown(estimate.data)} gpus={run.gpus} />}
    </>
  );
}
