import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { sharedData } from '@platform/testing/shared-data.ts';
import { type DetailedInferenceRun, estimateDetailed, type InferenceBytes, type TrainingBytes } from './detailed.ts';
import { VramError } from './errors.ts';
import { type ResolvedModel, resolveModel } from './model-resolver.ts';

interface ExpectedFile {
  models: Record<string, { file: string }>;
  detailedInference: { model: string; run: DetailedInferenceRun; bytes: Record<string, number> }[];
  detailedTrainingPureAdam: {
    example: {
      model: string;
      weightDtype: 'fp32';
      weights: number;
      gradients: number;
      optimizerStates: number;
      statesTotal: number;
    };
  };
}

function loadFixtures(dir: string): { expected: ExpectedFile; model: (name: string) => ResolvedModel } {
  const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as ExpectedFile;
  const model = (name: string): ResolvedModel =>
    resolveModel(JSON.parse(readFileSync(join(dir, expected.models[name].file), 'utf8')));
  return { expected, model };
}

test('acceptance 21: each detailedInference case matches byte for byte', (t) => {
  const dir = sharedData(t, 'odh-tec', 'configs');
  if (!dir) return;
  const { expected, model } = loadFixtures(dir);
  assert.ok(expected.detailedInference.length >= 4);
  for (const example of expected.detailedInference) {
    const label = `${example.model} ${JSON.stringify(example.run)}`;
    const result = estimateDetailed(model(example.model), example.run);
    const first = result.perGpu[0].bytes as InferenceBytes;
    const { totalFirstGpu, totalOtherGpus, recommendedGpu, ...components } = example.bytes;
    for (const [component, bytes] of Object.entries(components)) {
      assert.equal(first[component as keyof InferenceBytes], bytes, `${label} ${component}`);
    }
    assert.equal(result.perGpu.length, example.run.gpus, label);
    assert.equal(result.perGpu[0].totalBytes, totalFirstGpu, `${label} first GPU`);
    assert.equal(result.totalFirstGpuBytes, totalFirstGpu, `${label} first GPU`);
    if (totalOtherGpus !== undefined) {
      assert.equal(result.totalOtherGpusBytes, totalOtherGpus, `${label} other GPUs`);
      if (result.perGpu.length > 1) assert.equal(result.perGpu[1].totalBytes, totalOtherGpus, `${label} GPU 1`);
    }
    if (recommendedGpu !== undefined) assert.equal(result.recommendedGpuBytes, recommendedGpu, `${label} recommended`);
  }
});

test('acceptance 21: pure-precision Adam training states are 4 × the weights', (t) => {
  const dir = sharedData(t, 'odh-tec', 'configs');
  if (!dir) return;
  const { expected, model } = loadFixtures(dir);
  const { example } = expected.detailedTrainingPureAdam;
  const result = estimateDetailed(model(example.model), {
    task: 'training',
    weightDtype: example.weightDtype,
    optimizer: 'adam',
    trainingPrecision: 'pure',
    seq: 512,
    batch: 1,
    gpus: 1,
  });
  const bytes = result.perGpu[0].bytes as TrainingBytes;
  assert.deepEqual(
    [bytes.weights, bytes.gradients, bytes.optimizerStates],
    [example.weights, example.gradients, example.optimizerStates],
  );
  assert.equal(bytes.weights + bytes.gradients + bytes.optimizerStates, example.statesTotal);
  assert.equal(example.statesTotal, 4 * bytes.weights);
  assert.equal(bytes.masterWeights, undefined);
});

test('acceptance 21: a config with model_type "unknown" and no Hub total cannot be estimated', (t) => {
  const dir = sharedData(t, 'odh-tec', 'configs');
  if (!dir) return;
  const config = JSON.parse(readFileSync(join(dir, 'mistral-7b-v0.1.config.json'), 'utf8'));
  assert.throws(
    () => resolveModel({ ...config, model_type: 'unknown' }),
    (error: unknown) => error instanceof VramError && error.code === 'unsupported_architecture',
  );
});

/** A tiny llama-style model with round numbers: P = 2·100·64 + 2·(attention 3·64·64 + MLP 3·64·256 + norms 128) + 64. */
const tiny = resolveModel({
  model_type: 'llama',
  hidden_size: 64,
  num_hidden_layers: 2,
  num_attention_heads: 4,
  num_key_value_heads: 2,
  intermediate_size: 256,
  vocab_size: 100,
  torch_dtype: 'bfloat16',
});

test('detailed training: mixed precision, sharding, optimizers and activations', () => {
  assert.equal(tiny.paramsTotal, 12800 + 2 * (12288 + 49152 + 128) + 64);
  const P = tiny.paramsTotal;
  const mixed = estimateDetailed(tiny, { task: 'training', trainingPrecision: 'mixed', seq: 8, batch: 2, gpus: 2 });
  const bytes = mixed.perGpu[1].bytes as TrainingBytes;
  // AdamW by default: 2 states of 4 bytes; all parameter-sized buffers are sharded across the 2 GPUs.
  assert.deepEqual([bytes.weights, bytes.gradients, bytes.masterWeights, bytes.optimizerStates], [P, P, 2 * P, 4 * P]);
  // L·s·b·H·34·ab/2 with flash attention, and 8·b·s·V logits on every GPU.
  assert.equal(bytes.activations, 2 * 8 * 2 * 64 * 34);
  assert.equal(bytes.logits, 8 * 2 * 8 * 100);
  assert.equal(mixed.perGpu[0].totalBytes, mixed.perGpu[1].totalBytes);

  const eager = estimateDetailed(tiny, {
    task: 'training',
    flashAttention: false,
    fsdp: false,
    seq: 8,
    batch: 2,
    gpus: 2,
  });
  const eagerBytes = eager.perGpu[0].bytes as TrainingBytes;
  assert.equal(eagerBytes.activations, 2 * 8 * 2 * 64 * (34 + (5 * 4 * 8) / 64));
  assert.equal(eagerBytes.weights, 2 * P);
  const sgd = estimateDetailed(tiny, { task: 'training', optimizer: 'sgd', seq: 8, batch: 1, gpus: 1 });
  assert.equal((sgd.perGpu[0].bytes as TrainingBytes).optimizerStates, 0);
  const momentum = estimateDetailed(tiny, { task: 'training', optimizer: 'sgd_momentum', seq: 8, batch: 1, gpus: 1 });
  assert.equal((momentum.perGpu[0].bytes as TrainingBytes).optimizerStates, 2 * P);
});

test('detailed inference: KV dtype default, replication without tensor parallel, max KV tokens', () => {
  const quantized = estimateDetailed(tiny, { task: 'inference', weightDtype: 'int8', seq: 16, batch: 1, gpus: 1 });
  assert.equal(quantized.model.kvDtype, 'fp16');
  assert.equal(quantized.kvBytesPerToken, 2 * 2 * 2 * 16 * 2);
  assert.ok(quantized.warnings.includes('quantization_ignores_embeddings'));
  const fp8Cache = estimateDetailed(tiny, { task: 'inference', kvDtype: 'fp8', seq: 16, batch: 1, gpus: 1 });
  assert.equal(fp8Cache.kvBytesPerToken, 2 * 2 * 2 * 16);

  const replicated = estimateDetailed(tiny, { task: 'inference', tensorParallel: false, seq: 16, batch: 1, gpus: 2 });
  const other = replicated.perGpu[1].bytes as InferenceBytes;
  assert.equal(other.weights, 2 * tiny.paramsTotal);
  assert.equal(other.logits, undefined);
  assert.equal(replicated.perGpu[0].totalBytes - replicated.perGpu[1].totalBytes, 4 * 100);

  const sized = estimateDetailed(tiny, {
    task: 'inference',
    seq: 16,
    batch: 1,
    gpus: 1,
    cudaContextMiB: 0,
    gpuMemoryGiB: 1,
  });
  const first = sized.perGpu[0].bytes as InferenceBytes;
  const free = 2 ** 30 * 0.9 - first.weights - first.activations - (first.logits ?? 0);
  assert.equal(sized.maxKvTokens, Math.floor(free / sized.kvBytesPerToken));
  assert.equal(sized.recommendedGpuBytes, Math.ceil(sized.totalFirstGpuBytes / 0.9));
  const chunked = estimateDetailed(tiny, {
    task: 'inference',
    seq: 16,
    prefillChunk: 4,
    fullLogits: true,
    batch: 1,
    gpus: 1,
  });
  const chunkedBytes = chunked.perGpu[0].bytes as InferenceBytes;
  assert.equal(chunkedBytes.activations * 4, first.activations);
  assert.equal(chunkedBytes.logits, 4 * 16 * 100);
});

test('detailed: non-positive or unknown inputs are validation errors', () => {
  const runs = [
    { task: 'inference', seq: 0, batch: 1, gpus: 1 },
    { task: 'inference', seq: 1, batch: 1, gpus: 0 },
    { task: 'inference', seq: 1, batch: 1, gpus: 1, gpuMemoryUtilization: 1.5 },
    { task: 'inference', seq: 1, batch: 1, gpus: 1, weightDtype: 'int3' },
    { task: 'training', seq: 1, batch: 1, gpus: 1, optimizer: 'lion' },
    { task: 'serving', seq: 1, batch: 1, gpus: 1 },
  ];
  for (const run of runs) {
    assert.throws(
      () => estimateDetailed(tiny, run as DetailedInferenceRun),
      (error: unknown) => error instanceof VramError && error.code === 'validation_failed',
      JSON.stringify(run),
    );
  }
});
