import { requirePositiveInteger, requirePositiveNumber, validationError } from './errors.ts';

/**
 * Classic mode: parity with the upstream ODH-TEC calculator (a port of A. Smirnov's estimator, activations per
 * arXiv 2205.05198). Formula, units and rounding are spec 01-odh-tec "VRAM classic"; the arithmetic keeps the upstream
 * operation order because each component is rounded, and a different order may move a value across a rounding edge.
 */
export type ClassicUnit = 'MiB' | 'GiB';

export interface ClassicModelConfig {
  /** Billions of parameters, hand-typed in the presets. */
  numParams: number;
  numLayers: number;
  vocabSize: number;
  hiddenSize: number;
  intermediateSize: number;
  numAttentionHeads: number;
  numKeyValueHeads: number;
}

export interface ClassicRunConfig {
  isTraining: boolean;
  inferencePrecision: 'full' | 'half';
  trainingPrecision: 'full' | 'mixed';
  optimizer: 'SGD' | 'Adam';
  optimizerSGDMomentum: boolean;
  sequenceLength: number;
  batchSize: number;
  numGPUs: number;
  isFSDP: boolean;
  isInferenceModelParallelism: boolean;
}

export interface ClassicPreset {
  label: string;
  modelConfig: ClassicModelConfig;
}

/** Shape of the shipped preset list (`defaultPresetIndex`, `defaultRunConfig`, `presets`). */
export interface ClassicPresetList {
  defaultPresetIndex: number;
  defaultRunConfig: ClassicRunConfig;
  presets: ClassicPreset[];
}

export interface ClassicComponents {
  cudaKernels: number;
  parameters: number;
  outputs: number;
  activations: number;
  gradients?: number;
  firstMoments?: number;
  secondMoments?: number;
}

export interface ClassicResult {
  mode: 'classic';
  unit: ClassicUnit;
  components: ClassicComponents;
  totalFirstGpu: number;
  totalOtherGpus: number;
}

const MIB = 2 ** 20;
const GIB = 2 ** 30;
/** PyTorch allocates between 300 MiB and 2 GiB on first CUDA use; upstream assumes 1000 MiB. */
const CUDA_KERNELS_BYTES = 1000 * MIB;

/** JavaScript `Number(x.toFixed(d))`, the upstream rounding (not `Math.round`: it differs on binary halves). */
function roundLikeUpstream(value: number, digits: number): number {
  return Number(value.toFixed(digits));
}

export function estimateClassic(
  model: ClassicModelConfig,
  run: ClassicRunConfig,
  unit: ClassicUnit = 'GiB',
): ClassicResult {
  validateClassic(model, run, unit);
  const { numParams, vocabSize } = model;
  const { isTraining, batchSize, sequenceLength, numGPUs, optimizer } = run;
  const bytesPerParam = isTraining
    ? run.trainingPrecision === 'mixed'
      ? 6
      : 4
    : run.inferencePrecision === 'full'
      ? 4
      : 2;
  const splitsWeights = (!isTraining && run.isInferenceModelParallelism) || (isTraining && run.isFSDP);
  const gpuDivisor = numGPUs > 1 && splitsWeights ? numGPUs : 1;
  const divisor = unit === 'MiB' ? MIB : GIB;
  const digits = unit === 'MiB' ? 0 : 3;
  const toUnit = (bytes: number): number => roundLikeUpstream(bytes / divisor, digits);

  const parameters = (bytesPerParam * numParams * 10 ** 9) / gpuDivisor;
  // Training keeps the softmax probabilities beside the logits, doubling the output buffer.
  const outputs = 4 * batchSize * sequenceLength * vocabSize * (isTraining ? 2 : 1);
  const fp32State = (4 * numParams * 10 ** 9) / gpuDivisor;
  const hasFirstMoments = optimizer === 'Adam' || (optimizer === 'SGD' && run.optimizerSGDMomentum);

  const components: ClassicComponents = {
    cudaKernels: toUnit(CUDA_KERNELS_BYTES),
    parameters: toUnit(parameters),
    outputs: toUnit(outputs),
    activations: toUnit(classicActivations(model, run)),
  };
  if (isTraining) {
    components.gradients = toUnit(fp32State);
    if (hasFirstMoments) components.firstMoments = toUnit(fp32State);
    if (optimizer === 'Adam') components.secondMoments = toUnit(fp32State);
  }
  const total = (withOutputs: boolean): number =>
    roundLikeUpstream(
      components.cudaKernels +
        components.parameters +
        (withOutputs ? components.outputs : 0) +
        components.activations +
        (components.gradients ?? 0) +
        (components.firstMoments ?? 0) +
        (components.secondMoments ?? 0),
      digits,
    );
  return { mode: 'classic', unit, components, totalFirstGpu: total(true), totalOtherGpus: total(false) };
}

/** Activation bytes of one layer (inference) or all layers (training); never divided across GPUs, as upstream. */
function classicActivations(model: ClassicModelConfig, run: ClassicRunConfig): number {
  const { hiddenSize: h, numAttentionHeads: a, numKeyValueHeads: kv, intermediateSize: I, numLayers } = model;
  const { batchSize: b, sequenceLength: s, isTraining } = run;
  const act =
    (isTraining && run.trainingPrecision === 'mixed') || (!isTraining && run.inferencePrecision !== 'full') ? 2 : 4;
  const hd = h / a;
  const attentionInput = act * b * s * h;
  const query = act * b * s * hd * a;
  const key = act * b * s * hd * kv;
  const softmaxOutput = act * b * a * s ** 2;
  const softmaxDropoutMask = b * a * s ** 2;
  const dropoutOutput = act * b * a * s ** 2;
  const value = act * b * s * hd * kv;
  const outProjectionInput = act * b * s * a * hd;
  const attentionDropoutMask = b * s * h;
  const attention =
    attentionInput +
    query +
    key +
    softmaxOutput +
    value +
    outProjectionInput +
    softmaxDropoutMask +
    dropoutOutput +
    attentionDropoutMask;
  const mlp = act * b * s * h + act * b * s * I + act * b * s * I + b * s * h;
  const layerNorms = act * b * s * h * 2;
  const layer = attention + mlp + layerNorms;
  return isTraining ? layer * numLayers : layer;
}

function validateClassic(model: ClassicModelConfig, run: ClassicRunConfig, unit: ClassicUnit): void {
  requirePositiveNumber('numParams', model.numParams);
  for (const field of [
    'numLayers',
    'vocabSize',
    'hiddenSize',
    'intermediateSize',
    'numAttentionHeads',
    'numKeyValueHeads',
  ] as const) {
    requirePositiveInteger(field, model[field]);
  }
  for (const field of ['sequenceLength', 'batchSize', 'numGPUs'] as const) requirePositiveInteger(field, run[field]);
  if (unit !== 'MiB' && unit !== 'GiB') throw validationError('unit', 'must be MiB or GiB');
  if (run.inferencePrecision !== 'full' && run.inferencePrecision !== 'half') {
    throw validationError('inferencePrecision', 'must be full or half');
  }
  if (run.trainingPrecision !== 'full' && run.trainingPrecision !== 'mixed') {
    throw validationError('trainingPrecision', 'must be full or mixed');
  }
  if (run.optimizer !== 'SGD' && run.optimizer !== 'Adam') throw validationError('optimizer', 'must be SGD or Adam');
}
