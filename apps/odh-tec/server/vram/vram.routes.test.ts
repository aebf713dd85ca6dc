import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { buildTestApp, describeEachEngine, sharedData, type TestPlatform, type TestUser } from '@platform/testing';
import { startFakeHub } from '../../testing/fake-hf-server.ts';
import { odhTecApp } from '../odh-tec.app.ts';
import { type S3Peer, startS3Peer } from '../testing/s3-peer.ts';

const API = '/odh-tec/api/vram';
// biome-ignore lint/suspicious/noExplicitAny: fixture JSON is read as the test expects it.
const readJson = (file: string): any => JSON.parse(readFileSync(file, 'utf8'));

interface ExpectedModel {
  file: string;
  modelType: string;
  dtype: string;
  headDim: number;
  paramsTotal: number;
  paramsActive: number;
  kvBytesPerToken16bit: number;
}

describeEachEngine('odh-tec VRAM routes', ({ newDatabaseUrl }) => {
  let platform: TestPlatform;
  let peer: S3Peer;
  let user: TestUser;
  const post = (url: string, payload: unknown) =>
    platform.app.inject({ method: 'POST', url, payload: payload as never, headers: user.headers });

  before(async () => {
    peer = await startS3Peer();
    platform = await buildTestApp({ apps: [odhTecApp], databaseUrl: await newDatabaseUrl() });
    user = await platform.createUser('estimator');
    await platform.app.inject({
      method: 'POST',
      url: '/odh-tec/api/settings/connections',
      payload: peer.connection('peer'),
      headers: user.headers,
    });
  });
  after(async () => {
    await platform.close();
    await peer.close();
  });

  test('model-config normalises every fixture config, inline and from an object, with exact counts', async (t) => {
    const dir = sharedData(t, 'odh-tec', 'configs');
    if (!dir) return;
    const expected: Record<string, ExpectedModel> = readJson(join(dir, 'expected.json')).models;
    for (const [name, model] of Object.entries(expected)) {
      const text: string = readFileSync(join(dir, model.file), 'utf8');
      await peer.put('models', `configs/${model.file}`, text);
      const sources: { type: string; [field: string]: unknown }[] = [
        { type: 'inline', config: JSON.parse(text) },
        { type: 'object', locationId: 'peer', bucket: 'models', key: `configs/${model.file}` },
      ];
      for (const source of sources) {
        const response = await post(`${API}/model-config`, source);
        assert.equal(response.statusCode, 200, `${name} ${source.type}: ${response.body}`);
        const resolved = response.json();
        assert.deepEqual(
          {
            modelType: resolved.modelType,
            dtype: resolved.dtype,
            headDim: resolved.headDim,
            paramsTotal: resolved.paramsTotal,
            paramsActive: resolved.paramsActive,
            kvBytesPerToken16bit: resolved.kvBytesPerToken16bit,
            paramSource: resolved.paramSource,
          },
          {
            modelType: model.modelType,
            dtype: model.dtype,
            headDim: model.headDim,
            paramsTotal: model.paramsTotal,
            paramsActive: model.paramsActive,
            kvBytesPerToken16bit: model.kvBytesPerToken16bit,
            paramSource: 'config',
          },
          `${name} from ${source.type}`,
        );
      }
    }
  });

  test('classic estimates reproduce every upstream case in both units', async (t) => {
    const dir = sharedData(t, 'odh-tec', 'vram');
    if (!dir) return;
    const presets = readJson(join(dir, 'classic-presets.json'));
    const { cases } = readJson(join(dir, 'classic-cases.json'));
    assert.ok(cases.length > 0);
    for (const testCase of cases) {
      const preset = presets.presets.find((entry: { label: string }) => entry.label === testCase.preset);
      const run = { ...presets.defaultRunConfig, ...testCase.run };
      for (const unit of ['GiB', 'MiB']) {
        const response = await post(`${API}/estimate`, { mode: 'classic', model: preset.modelConfig, run, unit });
        assert.equal(response.statusCode, 200, response.body);
        const { components, totalFirstGpu, totalOtherGpus } = response.json();
        assert.deepEqual({ components, totalFirstGpu, totalOtherGpus }, testCase[unit], `${testCase.preset} ${unit}`);
      }
    }
  });

  test('detailed inference estimates match byte for byte', async (t) => {
    const dir = sharedData(t, 'odh-tec', 'configs');
    if (!dir) return;
    const expected = readJson(join(dir, 'expected.json'));
    for (const testCase of expected.detailedInference) {
      const config = readJson(join(dir, expected.models[testCase.model].file));
      const response = await post(`${API}/estimate`, {
        mode: 'detailed',
        model: { type: 'inline', config },
        run: testCase.run,
      });
      assert.equal(response.statusCode, 200, response.body);
      const result = response.json();
      const firstGpu = result.perGpu[0].bytes;
      const totals: Record<string, number> = {
        totalFirstGpu: result.totalFirstGpuBytes,
        totalOtherGpus: result.totalOtherGpusBytes,
        recommendedGpu: result.recommendedGpuBytes,
      };
      // Each case lists the figures it pins; all of them must match exactly.
      const actual = Object.fromEntries(
        Object.keys(testCase.bytes).map((name) => [name, name in totals ? totals[name] : firstGpu[name]]),
      );
      assert.deepEqual(actual, testCase.bytes, testCase.model);
    }
  });

  test('an unknown architecture is 422, bad inputs are 400, all with the error shape', async () => {
    const unknown = await post(`${API}/model-config`, {
      type: 'inline',
      config: { model_type: 'unknown', hidden_size: 8 },
    });
    assert.equal(unknown.statusCode, 422, unknown.body);
    assert.equal(unknown.json().error.code, 'unsupported_architecture');
    const withHubTotal = await post(`${API}/model-config`, {
      type: 'inline',
      config: { model_type: 'unknown', hidden_size: 64, num_hidden_layers: 2, num_attention_heads: 4, vocab_size: 100 },
      hubParamsTotal: 123_456,
    });
    assert.equal(withHubTotal.statusCode, 200, withHubTotal.body);
    assert.deepEqual([withHubTotal.json().paramsTotal, withHubTotal.json().paramSource], [123_456, 'hf_api']);

    const tiny = {
      model_type: 'llama',
      hidden_size: 64,
      num_hidden_layers: 2,
      num_attention_heads: 4,
      vocab_size: 100,
    };
    const cases: [unknown, number, string][] = [
      [
        {
          mode: 'detailed',
          model: { type: 'inline', config: tiny },
          run: { task: 'inference', seq: 0, batch: 1, gpus: 1 },
        },
        400,
        'validation_failed',
      ],
      [{ mode: 'classic', model: { numParams: -1 }, run: {} }, 400, 'validation_failed'],
      [{ mode: 'quantum', model: {}, run: {} }, 400, 'validation_failed'],
      [{ mode: 'detailed', model: { type: 'hf' }, run: {} }, 400, 'validation_failed'],
      [
        {
          mode: 'detailed',
          model: { type: 'object', locationId: 'nowhere', bucket: 'models', key: 'c.json' },
          run: {},
        },
        404,
        'location_not_found',
      ],
    ];
    for (const [payload, status, code] of cases) {
      const response = await post(`${API}/estimate`, payload);
      assert.equal(response.statusCode, status, `${JSON.stringify(payload)}: ${response.body}`);
      assert.equal(response.json().error.code, code, response.body);
    }
    await peer.put('models', 'configs/not-json.json', 'this is not JSON');
    const notJson = await post(`${API}/model-config`, {
      type: 'object',
      locationId: 'peer',
      bucket: 'models',
      key: 'configs/not-json.json',
    });
    assert.deepEqual([notJson.statusCode, notJson.json().error.code], [400, 'invalid_config']);
    const missing = await post(`${API}/model-config`, {
      type: 'object',
      locationId: 'peer',
      bucket: 'models',
      key: 'configs/none.json',
    });
    assert.deepEqual([missing.statusCode, missing.json().error.code], [404, 'object_not_found']);
  });
});

test('presets and config.json from the Hub (acceptance 20, Hub source)', async (t) => {
  const dir = sharedData(t, 'odh-tec');
  if (!dir) return;
  const hub = await startFakeHub({ repos: readJson(join(dir, 'hf', 'fake-repos.json')) });
  const platform = await buildTestApp({ apps: [odhTecApp], env: { HF_ENDPOINT: hub.endpoint } });
  t.after(async () => {
    await platform.close();
    await hub.close();
  });
  const user = await platform.createUser('hub-estimator');
  const presets = await platform.app.inject({ url: `${API}/presets`, headers: user.headers });
  assert.equal(presets.statusCode, 200, presets.body);
  assert.equal(presets.json().presets.length, 19);
  const expected = readJson(join(dir, 'configs', 'expected.json')).models;
  for (const [modelId, name] of [
    ['gpt2', 'gpt2'],
    ['odh-tec-fixtures/tiny-llama-like', 'smollm2-135m'],
  ]) {
    const response = await platform.app.inject({
      method: 'POST',
      url: `${API}/model-config`,
      payload: { type: 'hf', modelId },
      headers: user.headers,
    });
    assert.equal(response.statusCode, 200, `${modelId}: ${response.body}`);
    assert.equal(response.json().paramsTotal, expected[name].paramsTotal, modelId);
  }
  const missing = await platform.app.inject({
    method: 'POST',
    url: `${API}/model-config`,
    payload: { type: 'hf', modelId: 'odh-tec-fixtures/private-model' },
    headers: user.headers,
  });
  assert.equal(missing.statusCode, 404);
  assert.equal(missing.json().error.code, 'hf_repo_not_found');
});
