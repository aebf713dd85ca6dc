import { FormGroup, FormSelect, FormSelectOption, Grid, GridItem, TextInput } from '@patternfly/react-core';

/** The run figures both modes share; `precision` is classic's `half|full` or a detailed weight dtype. */
export interface RunInputs {
  batch: number;
  seq: number;
  gpus: number;
  precision: string;
}

function NumberField(props: { id: string; label: string; value: number; onChange: (value: number) => void }) {
  return (
    <FormGroup label={props.label} fieldId={props.id}>
      <TextInput
        id={props.id}
        type="number"
        min={1}
        value={props.value}
        onChange={(_event, value) => props.onChange(Math.max(1, Math.floor(Number(value) || 1)))}
      />
    </FormGroup>
  );
}

/** Batch size, sequence length, GPU count and precision. */
export function RunInputsFields(props: {
  value: RunInputs;
  precisions: { value: string; label: string }[];
  onChange: (value: RunInputs) => void;
}) {
  const { value, onChange } = props;
  return (
    <Grid hasGutter md={3}>
      <GridItem>
        <NumberField
          id="odh-tec-vram-batch"
          label="Batch size"
          value={value.batch}
          onChange={(batch) => onChange({ ...value, batch })}
        />
      </GridItem>
      <GridItem>
        <NumberField
          id="odh-tec-vram-seq"
          label="Sequence length"
          value={value.seq}
          onChange={(seq) => onChange({ ...value, seq })}
        />
      </GridItem>
      <GridItem>
        <NumberField
          id="odh-tec-vram-gpus"
          label="GPUs"
          value={value.gpus}
          onChange={(gpus) => onChange({ ...value, gpus })}
        />
      </GridItem>
      <GridItem>
        <FormGroup label="Precision" fieldId="odh-tec-vram-precision">
          <FormSelect
            id="odh-tec-vram-precision"
            value={value.precision}
            onChange={(_event, precision) => onChange({ ...value, precision })}
          >
            {props.precisions.map((option) => (
              <FormSelectOption key={option.value} value={option.value} label={option.label} />
            ))}
          </FormSelect>
        </FormGroup>
      </GridItem>
    </Grid>
  );
}
