import { bytesPerElement, isWeightDtype, type WeightDtype } from './dtype.ts';
import { requirePositiveInteger, requirePositiveNumber, validationError } from './errors.ts';
import { kvBytesPerToken } from './model-config.ts';
import type { ParamSource, ResolvedModel } from './model-resolver.ts';

/** Detailed mode: spec 01-odh-tec "VRAM detailed". All byte figures are integers, rounded up. */
export type DetailedOptimizer = 'adam' | 'adamw' | 'sgd_momentum' | 'sgd';

interface DetailedRunCommon {
  /** Storage type of the weights; defaults to the config's dtype. */
  weightDtype?: WeightDtype;
  seq: number;
  batch: number;
  gpus: number;
  cudaContextMiB?: number;
  gpuMemoryUtilization?: number;
  /** Memory of one GPU; enables `maxKvTokens`. */
  gpuMemoryGiB?: number;
}

export interface DetailedInferenceRun extends DetailedRunCommon {
  task: 'inference';
  kvDtype?: WeightDtype;
  tensorParallel?: boolean;
  prefillChunk?: number;
  fullLogits?: boolean;
}

export interface DetailedTrainingRun extends DetailedRunCommon {
  task: 'training';
  trainingPrecision?: 'pure' | 'mixed';
  optimizer?: DetailedOptimizer;
  fsdp?: boolean;
  flashAttention?: boolean;
}

export type DetailedRun = DetailedInferenceRun | DetailedTrainingRun;

export interface InferenceBytes {
  cudaContext: number;
  weights: number;
  kvCache: number;
  activations: number;
  /** Only on GPU 0, which samples the next token. */
  logits?: number;
}

export interface TrainingBytes {
  cudaContext: number;
  weights: number;
  gradients: number;
  /** fp32 copy of the weights kept by mixed precision. */
  masterWeights?: number;
  optimizerStates: number;
  activations: number;
  logits: number;
}

export interface GpuUsage<Bytes> {
  gpu: number;
  bytes: Bytes;
  totalBytes: number;
}

export interface DetailedModelSummary {
  modelType: string;
  paramsTotal: number;
  paramsActive: number;
  paramSource: ParamSource;
  hubParamsTotal?: number;
  weightDtype: WeightDtype;
  kvDtype: WeightDtype;
  layers: number;
  hidden: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  intermediate: number;
  vocab: number;
  experts: number;
  expertsPerToken: number;
}

export interface DetailedResult {
  mode: 'detailed';
  task: DetailedRun['task'];
  model: DetailedModelSummary;
  perGpu: GpuUsage<InferenceBytes | TrainingBytes>[];
  totalFirstGpuBytes: number;
  /** What each GPU after the first holds; reported even for one GPU so a user can see the cost of adding one. */
  totalOtherGpusBytes: number;
  kvBytesPerToken: number;
  recommendedGpuBytes: number;
  maxKvTokens?: number;
  warnings: string[];
}

const MIB = 2 ** 20;
const GIB = 2 ** 30;
const DEFAULT_CUDA_CONTEXT_MIB = 1000;
const DEFAULT_GPU_MEMORY_UTILIZATION = 0.9;
const OPTIMIZER_STATES_PER_PARAM: Record<DetailedOptimizer, number> = { adam: 2, adamw: 2, sgd_momentum: 1, sgd: 0 };

export function estimateDetailed(model: ResolvedModel, run: DetailedRun): DetailedResult {
  validateRun(run);
  const weightDtype = run.weightDtype ?? model.dtype;
  // A quantized model keeps its KV cache in 16 bit unless told otherwise.
  const kvDtype =
    (run.task === 'inference' ? run.kvDtype : undefined) ?? (bytesPerElement(weightDtype) >= 2 ? weightDtype : 'fp16');
  const cudaContext = (run.cudaContextMiB ?? DEFAULT_CUDA_CONTEXT_MIB) * MIB;
  const utilization = run.gpuMemoryUtilization ?? DEFAULT_GPU_MEMORY_UTILIZATION;
  const perToken = kvBytesPerToken(model, bytesPerElement(kvDtype));
  const warnings = [...model.warnings];
  if (bytesPerElement(weightDtype) < 2) warnings.push('quantization_ignores_embeddings');
  const summary: DetailedModelSummary = {
    modelType: model.modelType,
    paramsTotal: model.paramsTotal,
    paramsActive: model.paramsActive,
    paramSource: model.paramSource,
    ...(model.hubParamsTotal !== undefined ? { hubParamsTotal: model.hubParamsTotal } : {}),
    weightDtype,
    kvDtype,
    layers: model.layers,
    hidden: model.hidden,
    heads: model.heads,
    kvHeads: model.kvHeads,
    headDim: model.headDim,
    intermediate: model.intermediate,
    vocab: model.vocab,
    experts: model.experts,
    expertsPerToken: model.expertsPerToken,
  };
  const gpus =
    run.task === 'inference'
      ? inferenceGpus(model, run, weightDtype, perToken, cudaContext)
      : trainingGpus(model, run, weightDtype, cudaContext);
  const perGpu = Array.from({ length: run.gpus }, (_, gpu) => {
    const bytes = gpu === 0 ? gpus.first : gpus.other;
    return { gpu, bytes, totalBytes: sum(bytes) };
  });
  const totalFirstGpuBytes = sum(gpus.first);
  const result: DetailedResult = {
    mode: 'detailed',
    task: run.task,
    model: summary,
    perGpu,
    totalFirstGpuBytes,
    totalOtherGpusBytes: sum(gpus.other),
    kvBytesPerToken: perToken,
    recommendedGpuBytes: Math.ceil(totalFirstGpuBytes / utilization),
    warnings,
  };
  if (run.task === 'inference' && run.gpuMemoryGiB !== undefined) {
    const first = gpus.first as InferenceBytes;
    const free =
      run.gpuMemoryGiB * GIB * utilization -
      first.cudaContext -
      first.weights -
      first.activations -
      (first.logits ?? 0);
    const perTokenPerGpu = perToken / Math.min(kvSplit(run), model.kvHeads);
    result.maxKvTokens = Math.max(0, Math.floor(free / perTokenPerGpu));
  }
  return result;
}

function kvSplit(run: DetailedInferenceRun): number {
  return run.tensorParallel === false ? 1 : run.gpus;
}

function inferenceGpus(
  model: ResolvedModel,
  run: DetailedInferenceRun,
  weightDtype: WeightDtype,
  perToken: number,
  cudaContext: number,
): { first: InferenceBytes; other: InferenceBytes } {
  const tensorParallel = kvSplit(run);
  const { hidden: H, heads: A, kvHeads: KV, headDim: hd, intermediate: I } = model;
  const activationBytes = weightDtype === 'fp32' ? 4 : 2;
  const prefillTokens = run.prefillChunk ?? run.seq;
  // Every expert's weights are resident; only the routed experts' activations exist at once.
  const activeExperts = model.experts > 1 ? model.expertsPerToken : 1;
  const other: InferenceBytes = {
    cudaContext,
    weights: Math.ceil((model.paramsTotal * bytesPerElement(weightDtype)) / tensorParallel),
    kvCache: Math.ceil((perToken * run.seq * run.batch) / Math.min(tensorParallel, KV)),
    activations: Math.ceil(
      run.batch * prefillTokens * (H + 2 * A * hd + 2 * KV * hd + 3 * activeExperts * I) * activationBytes,
    ),
  };
  const logits = 4 * run.batch * model.vocab * (run.fullLogits ? run.seq : 1);
  return { first: { ...other, logits }, other };
}

function trainingGpus(
  model: ResolvedModel,
  run: DetailedTrainingRun,
  weightDtype: WeightDtype,
  cudaContext: number,
): { first: TrainingBytes; other: TrainingBytes } {
  const shards = run.fsdp === false ? 1 : run.gpus;
  const P = model.paramsTotal;
  const statesPerParam = OPTIMIZER_STATES_PER_PARAM[run.optimizer ?? 'adamw'];
  const sharded = (bytes: number): number => Math.ceil(bytes / shards);
  const mixed = run.trainingPrecision === 'mixed';
  const w = bytesPerElement(weightDtype);
  // Mixed precision computes in 16 bit whatever the stored dtype; pure precision computes in the weight dtype.
  const activationBytes = !mixed && weightDtype === 'fp32' ? 4 : 2;
  const { layers: L, hidden: H, heads: A } = model;
  const { seq: s, batch: b } = run;
  // Korthikanti et al. (arXiv 2205.05198): 34·s·b·H per layer, plus 5·A·s²·b when attention scores are materialised.
  const perLayerFactor = 34 + (run.flashAttention === false ? (5 * A * s) / H : 0);
  const bytes: TrainingBytes = {
    cudaContext,
    weights: sharded(mixed ? 2 * P : P * w),
    gradients: sharded(mixed ? 2 * P : P * w),
    ...(mixed ? { masterWeights: sharded(4 * P) } : {}),
    optimizerStates: sharded(mixed ? 4 * statesPerParam * P : statesPerParam * P * w),
    activations: Math.ceil((L * s * b * H * perLayerFactor * activationBytes) / 2),
    logits: 8 * b * s * model.vocab,
  };
  return { first: bytes, other: bytes };
}

function sum(bytes: InferenceBytes | TrainingBytes): number {
  return Object.values(bytes).reduce((total: number, value: number | undefined) => total + (value ?? 0), 0);
}

function validateRun(run: DetailedRun): void {
  if (run.task !== 'inference' && run.task !== 'training')
    throw validationError('task', 'must be inference or training');
  requirePositiveInteger('seq', run.seq);
  requirePositiveInteger('batch', run.batch);
  requirePositiveInteger('gpus', run.gpus);
  if (run.weightDtype !== undefined && !isWeightDtype(run.weightDtype))
    throw validationError('weightDtype', 'unknown dtype');
  if (run.cudaContextMiB !== undefined && !(Number.isFinite(run.cudaContextMiB) && run.cudaContextMiB >= 0)) {
    throw validationError('cudaContextMiB', 'must be a non-negative number');
  }
  if (run.gpuMemoryUtilization !== undefined) {
    requirePositiveNumber('gpuMemoryUtilization', run.gpuMemoryUtilization);
    if (run.gpuMemoryUtilization > 1) throw validationError('gpuMemoryUtilization', 'must be at most 1');
  }
  if (run.gpuMemoryGiB !== undefined) requirePositiveNumber('gpuMemoryGiB', run.gpuMemoryGiB);
  if (run.task === 'inference') {
    if (run.kvDtype !== undefined && !isWeightDtype(run.kvDtype)) throw validationError('kvDtype', 'unknown dtype');
    if (run.prefillChunk !== undefined) requirePositiveInteger('prefillChunk', run.prefillChunk);
  } else {
    if (run.optimizer !== undefined && !(run.optimizer in OPTIMIZER_STATES_PER_PARAM)) {
      throw validationError('optimizer', 'must be adam, adamw, sgd_momentum or sgd');
    }
    if (run.trainingPrecision !== undefined && run.trainingPrecision !== 'pure' && run.trainingPrecision !== 'mixed') {
      throw validationError('trainingPrecision', 'must be pure or mixed');
    }
  }
}
