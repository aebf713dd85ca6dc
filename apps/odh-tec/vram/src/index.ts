export {
  type ClassicComponents,
  type ClassicModelConfig,
  type ClassicPreset,
  type ClassicPresetList,
  type ClassicResult,
  type ClassicRunConfig,
  type ClassicUnit,
  estimateClassic,
} from './classic.ts';
export { CLASSIC_PRESETS } from './classic-presets.ts';
export {
  type DetailedInferenceRun,
  type DetailedModelSummary,
  type DetailedOptimizer,
  type DetailedResult,
  type DetailedRun,
  type DetailedTrainingRun,
  estimateDetailed,
  type GpuUsage,
  type InferenceBytes,
  type TrainingBytes,
} from './detailed.ts';
export { bytesPerElement, type DtypeSource, resolveWeightDtype, WEIGHT_DTYPES, type WeightDtype } from './dtype.ts';
export { VramError, type VramErrorCode } from './errors.ts';
export {
  type ArchitectureFamily,
  architectureFamily,
  kvBytesPerToken,
  kvBytesPerToken16bit,
  type NormalisedModel,
  normaliseConfig,
} from './model-config.ts';
export { type ParamSource, type ResolvedModel, type ResolveOptions, resolveModel } from './model-resolver.ts';
export { countParameters, type ParamCount } from './param-count.ts';
