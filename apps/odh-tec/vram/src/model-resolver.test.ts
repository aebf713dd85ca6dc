import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { sharedData } from '@platform/testing/shared-data.ts';
import { VramError } from './errors.ts';
import { resolveModel } from './model-resolver.ts';

/** Dimensions of Qwen/Qwen3-8B's published config.json (facts, not copied text). */
const qwen3_8b = {
  model_type: 'qwen3',
  hidden_size: 4096,
  num_hidden_layers: 36,
  num_attention_heads: 32,
  num_key_value_heads: 8,
  head_dim: 128,
  intermediate_size: 12288,
  vocab_size: 151936,
  tie_word_embeddings: false,
  attention_bias: false,
  torch_dtype: 'bfloat16',
};

test('qwen3 count (q/k norms, explicit head_dim) equals the Hub safetensors total of Qwen3-8B', (t) => {
  const dir = sharedData(t, 'odh-tec', 'hf');
  if (!dir) return;
  const info = JSON.parse(readFileSync(join(dir, 'model-info.expand-safetensors.real.json'), 'utf8'));
  const hubTotal: number = info.body.safetensors.total;
  const model = resolveModel(qwen3_8b, { hubParamsTotal: hubTotal });
  assert.equal(model.paramsTotal, hubTotal);
  assert.equal(model.paramSource, 'config');
  assert.equal(model.hubParamsTotal, hubTotal);
  assert.deepEqual(model.warnings, []);
});

test('qwen2 counts its q/k/v biases (Qwen2-0.5B: 494,032,768)', () => {
  const model = resolveModel({
    model_type: 'qwen2',
    hidden_size: 896,
    num_hidden_layers: 24,
    num_attention_heads: 14,
    num_key_value_heads: 2,
    intermediate_size: 4864,
    vocab_size: 151936,
    tie_word_embeddings: true,
  });
  assert.equal(model.paramsTotal, 494032768);
});

test('BERT-style encoders count the base model with the pooler (bert-base-uncased: 109,482,240)', () => {
  const model = resolveModel({
    model_type: 'bert',
    hidden_size: 768,
    num_hidden_layers: 12,
    num_attention_heads: 12,
    intermediate_size: 3072,
    vocab_size: 30522,
    max_position_embeddings: 512,
    type_vocab_size: 2,
  });
  assert.equal(model.paramsTotal, 109482240);
  assert.equal(model.paramsActive, 109482240);
});

test('a Hub total that differs from the config count is kept and flagged', () => {
  const model = resolveModel(qwen3_8b, { hubParamsTotal: 8_000_000_000 });
  assert.equal(model.paramsTotal, 8190735360);
  assert.deepEqual(model.warnings, ['param_count_differs_from_hub']);
});

test('acceptance 21: model_type "unknown" without a Hub total is unsupported_architecture', () => {
  const unknown = { ...qwen3_8b, model_type: 'unknown' };
  assert.throws(
    () => resolveModel(unknown),
    (error: unknown) => error instanceof VramError && error.code === 'unsupported_architecture',
  );
  const fromHub = resolveModel(unknown, { hubParamsTotal: 123_456 });
  assert.deepEqual([fromHub.paramsTotal, fromHub.paramsActive, fromHub.paramSource], [123456, 123456, 'hf_api']);
  assert.deepEqual(fromHub.warnings, ['param_count_from_hub']);
});

test('an unknown architecture whose dimensions cannot be read is unsupported even with a Hub total', () => {
  assert.throws(
    () => resolveModel({ model_type: 'mamba', d_inner: 10 }, { hubParamsTotal: 10 }),
    (error: unknown) => error instanceof VramError && error.code === 'unsupported_architecture',
  );
  assert.throws(
    () => resolveModel({ ...qwen3_8b, vocab_size: 0 }),
    (error: unknown) => error instanceof VramError && error.code === 'validation_failed',
  );
  assert.throws(
    () => resolveModel(qwen3_8b, { hubParamsTotal: -1 }),
    (error: unknown) => error instanceof VramError && error.code === 'validation_failed',
  );
});
