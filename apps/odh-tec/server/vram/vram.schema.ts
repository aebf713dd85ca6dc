import { type Static, Type } from 'typebox';

/** Fields are checked by the estimator library itself, which names the offending field in a 400. */
const LooseObject = Type.Object({}, { additionalProperties: true });

export const InlineConfigSource = Type.Object(
  {
    type: Type.Literal('inline'),
    /** a model's config.json */
    config: LooseObject,
    /** the Hub's `safetensors.total`, for architectures without a formula */
    hubParamsTotal: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  { additionalProperties: false },
);

export const ObjectConfigSource = Type.Object(
  {
    type: Type.Literal('object'),
    /** connection id */
    locationId: Type.String({ minLength: 1, maxLength: 64 }),
    bucket: Type.String({ minLength: 1, maxLength: 255 }),
    /** plain (not encoded) object key of a config.json */
    key: Type.String({ minLength: 1, maxLength: 1024 }),
  },
  { additionalProperties: false },
);

export const HfConfigSource = Type.Object(
  {
    type: Type.Literal('hf'),
    /** `org/name` on the Hub (HF_ENDPOINT) */
    modelId: Type.String({ minLength: 1, maxLength: 200 }),
    /** branch, tag or commit (default main) */
    revision: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
  },
  { additionalProperties: false },
);

/** Where a config.json comes from: inline, a storage object, or a Hub repository. */
export const ConfigSource = Type.Union([InlineConfigSource, ObjectConfigSource, HfConfigSource]);
export type ConfigSource = Static<typeof ConfigSource>;

const ClassicUnit = Type.Union([Type.Literal('MiB'), Type.Literal('GiB')]);

export const EstimateBody = Type.Union([
  Type.Object(
    {
      mode: Type.Literal('classic'),
      /** the classic preset fields: numParams (billions), numLayers, vocabSize, hiddenSize, … */
      model: LooseObject,
      /** the classic run fields: isTraining, inferencePrecision, sequenceLength, batchSize, numGPUs, … */
      run: LooseObject,
      unit: Type.Optional(ClassicUnit),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      mode: Type.Literal('detailed'),
      model: ConfigSource,
      /** task, seq, batch, gpus and the task's options */
      run: LooseObject,
    },
    { additionalProperties: false },
  ),
]);
export type EstimateBody = Static<typeof EstimateBody>;

export const ResolvedModelView = Type.Object(
  {
    modelType: Type.String(),
    paramsTotal: Type.Number(),
    paramsActive: Type.Number(),
    paramSource: Type.String(),
    dtype: Type.String(),
    headDim: Type.Number(),
    kvBytesPerToken16bit: Type.Number(),
    warnings: Type.Array(Type.String()),
  },
  { additionalProperties: true },
);

/** Classic `{mode, unit, components, totals}` or detailed `{mode, model, perGpu, …}` (spec "VRAM classic/detailed"). */
export const EstimateResult = Type.Object(
  { mode: Type.Union([Type.Literal('classic'), Type.Literal('detailed')]) },
  { additionalProperties: true },
);

export const PresetList = Type.Object({
  /** index of the preset the estimator opens with */
  defaultPresetIndex: Type.Integer(),
  /** the classic run fields the estimator opens with */
  defaultRunConfig: LooseObject,
  presets: Type.Array(Type.Object({ label: Type.String(), modelConfig: LooseObject })),
});
