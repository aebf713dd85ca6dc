import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { sharedData } from '@platform/testing/shared-data.ts';
import { CLASSIC_PRESETS } from './classic-presets.ts';

// biome-ignore lint/suspicious/noExplicitAny: fixture JSON read as the test expects it.
const readJson = (path: string): any => JSON.parse(readFileSync(path, 'utf8'));

test('the shipped presets: 19 models, default merlinite, architecture dimensions of each published config', (t) => {
  assert.equal(CLASSIC_PRESETS.presets.length, 19);
  assert.equal(CLASSIC_PRESETS.presets[CLASSIC_PRESETS.defaultPresetIndex].label, 'instructlab/merlinite-7b-lab');
  const dir = sharedData(t, 'odh-tec');
  if (!dir) return;
  const expected = readJson(join(dir, 'configs', 'expected.json')).models;
  const byConfig: Record<string, string> = {
    gpt2: 'gpt2',
    'gpt2-large': 'gpt2-large',
    'mistral-7b-v0.1': 'mistralai/Mistral-7B-v0.1',
    'mixtral-8x7b-v0.1': 'mistralai/Mixtral-8x7B-Instruct-v0.1',
  };
  for (const [name, label] of Object.entries(byConfig)) {
    const facts = expected[name];
    const preset = CLASSIC_PRESETS.presets.find((p) => p.label === label)!.modelConfig;
    assert.equal(preset.numLayers, facts.layers, `${label} layers`);
    assert.equal(preset.hiddenSize, facts.hidden, `${label} hidden`);
    assert.equal(preset.numAttentionHeads, facts.heads, `${label} heads`);
    assert.equal(preset.numKeyValueHeads, facts.kvHeads, `${label} kv heads`);
    assert.equal(preset.intermediateSize, facts.intermediate, `${label} intermediate`);
    assert.equal(preset.vocabSize, facts.vocab, `${label} vocab`);
    // The count is the real one (billions, 3 decimals), not upstream's hand-typed figure.
    assert.equal(preset.numParams, Math.round(facts.paramsTotal / 1e6) / 1e3, `${label} parameters`);
  }
});
