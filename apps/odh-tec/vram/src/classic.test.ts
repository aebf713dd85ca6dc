import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { sharedData } from '@platform/testing/shared-data.ts';
import { type ClassicPresetList, type ClassicRunConfig, type ClassicUnit, estimateClassic } from './classic.ts';
import { VramError } from './errors.ts';

interface ClassicCase {
  preset: string;
  run: Partial<ClassicRunConfig>;
  GiB: Omit<ReturnType<typeof estimateClassic>, 'mode' | 'unit'>;
  MiB: Omit<ReturnType<typeof estimateClassic>, 'mode' | 'unit'>;
}

function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

test('acceptance 19: every classic case reproduces components and per-GPU totals exactly', (t) => {
  const dir = sharedData(t, 'odh-tec', 'vram');
  if (!dir) return;
  const presets = readJson<ClassicPresetList>(join(dir, 'classic-presets.json'));
  const { cases } = readJson<{ cases: ClassicCase[] }>(join(dir, 'classic-cases.json'));
  assert.equal(presets.presets.length, 19);
  assert.ok(cases.length >= 6);
  for (const example of cases) {
    const preset = presets.presets.find((candidate) => candidate.label === example.preset);
    assert.ok(preset, `preset ${example.preset} exists`);
    const run = { ...presets.defaultRunConfig, ...example.run };
    for (const unit of ['GiB', 'MiB'] as ClassicUnit[]) {
      const result = estimateClassic(preset.modelConfig, run, unit);
      assert.deepEqual(
        result,
        { mode: 'classic', unit, ...example[unit] },
        `${example.preset} ${JSON.stringify(example.run)} in ${unit}`,
      );
    }
  }
});

test('acceptance 19: the Llama-2-7b example of the spec (s=4096 → 17.028 GiB / 17437 MiB)', (t) => {
  const dir = sharedData(t, 'odh-tec', 'vram');
  if (!dir) return;
  const presets = readJson<ClassicPresetList>(join(dir, 'classic-presets.json'));
  const llama = presets.presets.find((preset) => preset.label === 'NousResearch/Llama-2-7b-hf');
  assert.ok(llama);
  const run = { ...presets.defaultRunConfig, sequenceLength: 4096 };
  assert.equal(estimateClassic(llama.modelConfig, run, 'GiB').totalFirstGpu, 17.028);
  assert.equal(estimateClassic(llama.modelConfig, run, 'MiB').totalFirstGpu, 17437);
});

const smallModel = {
  numParams: 1,
  numLayers: 2,
  vocabSize: 100,
  hiddenSize: 64,
  intermediateSize: 256,
  numAttentionHeads: 4,
  numKeyValueHeads: 4,
};
const inferenceRun: ClassicRunConfig = {
  isTraining: false,
  inferencePrecision: 'half',
  trainingPrecision: 'mixed',
  optimizer: 'SGD',
  optimizerSGDMomentum: true,
  sequenceLength: 8,
  batchSize: 1,
  numGPUs: 2,
  isFSDP: true,
  isInferenceModelParallelism: false,
};

test('classic: inference without model parallelism keeps the full weights on every GPU', () => {
  const replicated = estimateClassic(smallModel, inferenceRun, 'MiB');
  const split = estimateClassic(smallModel, { ...inferenceRun, isInferenceModelParallelism: true }, 'MiB');
  // 2 bytes × 10⁹ parameters = 1907.35 MiB, halved when split across the two GPUs.
  assert.equal(replicated.components.parameters, 1907);
  assert.equal(split.components.parameters, 954);
  assert.equal(replicated.components.gradients, undefined);
});

test('classic: SGD without momentum has no optimizer moments; Adam has both', () => {
  const training = { ...inferenceRun, isTraining: true };
  const sgd = estimateClassic(smallModel, { ...training, optimizerSGDMomentum: false }, 'MiB').components;
  assert.deepEqual([sgd.firstMoments, sgd.secondMoments], [undefined, undefined]);
  const adam = estimateClassic(smallModel, { ...training, optimizer: 'Adam' }, 'MiB').components;
  assert.equal(adam.firstMoments, adam.gradients);
  assert.equal(adam.secondMoments, adam.gradients);
});

test('classic: non-positive inputs are validation errors', () => {
  for (const run of [
    { ...inferenceRun, sequenceLength: 0 },
    { ...inferenceRun, batchSize: -1 },
    { ...inferenceRun, numGPUs: 1.5 },
  ]) {
    assert.throws(
      () => estimateClassic(smallModel, run),
      (error: unknown) => error instanceof VramError && error.code === 'validation_failed',
    );
  }
  assert.throws(() => estimateClassic({ ...smallModel, numParams: 0 }, inferenceRun), VramError);
});
