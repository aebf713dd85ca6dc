import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { sharedData } from '@platform/testing/shared-data.ts';
import { VramError } from './errors.ts';
import { normaliseConfig } from './model-config.ts';
import { resolveModel } from './model-resolver.ts';

interface ExpectedModel {
  file: string;
  modelType: string;
  dtype: string;
  dtypeSourceKey?: string;
  layers: number;
  hidden: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  intermediate: number;
  vocab: number;
  tied: boolean;
  experts?: number;
  expertsPerToken?: number;
  paramsTotal: number;
  paramsActive: number;
  kvBytesPerToken16bit: number;
}

test('acceptance 20 (file): every model in configs/expected.json normalises and counts exactly', (t) => {
  const dir = sharedData(t, 'odh-tec', 'configs');
  if (!dir) return;
  const { models } = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as {
    models: Record<string, ExpectedModel>;
  };
  assert.equal(Object.keys(models).length, 6);
  for (const [name, expected] of Object.entries(models)) {
    const model = resolveModel(JSON.parse(readFileSync(join(dir, expected.file), 'utf8')));
    const actual = {
      modelType: model.modelType,
      dtype: model.dtype,
      layers: model.layers,
      hidden: model.hidden,
      heads: model.heads,
      kvHeads: model.kvHeads,
      headDim: model.headDim,
      intermediate: model.intermediate,
      vocab: model.vocab,
      tied: model.tied,
      paramsTotal: model.paramsTotal,
      paramsActive: model.paramsActive,
      kvBytesPerToken16bit: model.kvBytesPerToken16bit,
    };
    const { file: _file, dtypeSourceKey, experts, expertsPerToken, ...dimensions } = expected;
    assert.deepEqual(actual, dimensions, name);
    assert.equal(model.paramSource, 'config');
    assert.equal(model.experts, experts ?? 1, `${name} experts`);
    assert.equal(model.expertsPerToken, expertsPerToken ?? 1, `${name} experts per token`);
    if (dtypeSourceKey) assert.equal(model.dtypeSource, dtypeSourceKey, `${name} dtype key`);
  }
});

test('acceptance 20: the TinyLlama dtype comes from the newer `dtype` key', (t) => {
  const dir = sharedData(t, 'odh-tec', 'configs');
  if (!dir) return;
  const config = JSON.parse(readFileSync(join(dir, 'tinyllama-1.1b-chat-v1.0.config.json'), 'utf8'));
  assert.equal(config.torch_dtype, undefined);
  const model = normaliseConfig(config);
  assert.deepEqual([model.dtype, model.dtypeSource], ['fp32', 'dtype']);
  assert.equal(normaliseConfig({ ...config, dtype: 'bfloat16' }).dtype, 'bf16');
});

const llamaLike = {
  model_type: 'llama',
  hidden_size: 64,
  num_hidden_layers: 2,
  num_attention_heads: 4,
  vocab_size: 100,
};

test('normaliser: defaults follow the spec chains (KV = A, I = 4H, head_dim = H/A, fp32, untied)', () => {
  const model = normaliseConfig(llamaLike);
  assert.deepEqual(
    [model.kvHeads, model.intermediate, model.headDim, model.dtype, model.dtypeSource, model.tied, model.experts],
    [4, 256, 16, 'fp32', 'default', false, 1],
  );
  assert.equal(normaliseConfig({ ...llamaLike, multi_query: true }).kvHeads, 1);
  assert.equal(normaliseConfig({ ...llamaLike, n_inner: null }).intermediate, 256);
  assert.equal(normaliseConfig({ ...llamaLike, torch_dtype: 'float16', dtype: 'float32' }).dtype, 'fp16');
});

test('normaliser: quantization configs decide the weight dtype', () => {
  const cases: [Record<string, unknown>, string][] = [
    [{ quant_method: 'gptq', bits: 4 }, 'int4'],
    [{ quant_method: 'awq', bits: 8 }, 'int8'],
    [{ quant_method: 'fp8' }, 'fp8'],
    [{ quant_method: 'bitsandbytes', load_in_4bit: true }, 'int4'],
    [{ quant_method: 'bitsandbytes', load_in_8bit: true }, 'int8'],
    [{ quant_method: 'mxfp4' }, 'int4'],
  ];
  for (const [quantization, dtype] of cases) {
    const model = normaliseConfig({ ...llamaLike, torch_dtype: 'bfloat16', quantization_config: quantization });
    assert.deepEqual([model.dtype, model.dtypeSource], [dtype, 'quantization_config'], JSON.stringify(quantization));
  }
  const unknown = normaliseConfig({
    ...llamaLike,
    torch_dtype: 'bfloat16',
    quantization_config: { quant_method: 'hqq' },
  });
  assert.equal(unknown.dtype, 'bf16');
  assert.deepEqual(unknown.warnings, ['unknown_quantization:hqq']);
});

test('normaliser: missing or non-positive dimensions are validation errors', () => {
  const { hidden_size: _hidden, ...withoutHidden } = llamaLike;
  for (const config of [withoutHidden, { ...llamaLike, num_hidden_layers: 0 }, { ...llamaLike, hidden_size: 66 }, []]) {
    assert.throws(
      () => normaliseConfig(config),
      (error: unknown) => error instanceof VramError && error.code === 'validation_failed',
      JSON.stringify(config),
    );
  }
});
