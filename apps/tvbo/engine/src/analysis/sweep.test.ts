import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { sharedData } from '@platform/testing/shared-data.ts';
import { connectomeFromCsv } from '../io/connectome-csv.ts';
import { coreModel } from '../model/library.ts';
import { type SimulationConfig, simulate } from '../sim/simulator.ts';
import { computeMetrics, kuramotoOrder } from './metrics.ts';
import { pointConfig, runSweepPoint, type SweepSpec, sweepPoints } from './sweep.ts';
import { runSweep } from './sweep-pool.ts';

const YEO = 'space-MNI152_atlas-Yeo17_desc-dTOR';

test('grid points are the row-major Cartesian product; random draws are seeded and inside the range', () => {
  const grid = sweepPoints({
    axes: [
      { path: 'coupling.parameters.a', values: [1, 2] },
      { path: 'parameters.I', lo: 0, hi: 1, n: 3 },
    ],
  });
  assert.deepEqual(
    grid.map((p) => [p.values['coupling.parameters.a'], p.values['parameters.I']]),
    [
      [1, 0],
      [1, 0.5],
      [1, 1],
      [2, 0],
      [2, 0.5],
      [2, 1],
    ],
  );
  const spec: SweepSpec = { mode: 'random', samples: 50, seed: 3, axes: [{ path: 'network.speed', lo: 1, hi: 9 }] };
  const draws = sweepPoints(spec).map((p) => p.values['network.speed']);
  assert.ok(draws.every((v) => v >= 1 && v < 9));
  assert.deepEqual(sweepPoints(spec), sweepPoints(spec));
  assert.notDeepEqual(sweepPoints({ ...spec, seed: 4 }), sweepPoints(spec));
});

test('sweep specs are validated before anything runs', () => {
  const code = (spec: SweepSpec): string => {
    try {
      sweepPoints(spec);
      return 'accepted';
    } catch (error) {
      return (error as { code: string }).code;
    }
  };
  assert.equal(code({ axes: [] }), 'invalid_request');
  assert.equal(code({ axes: [{ path: 'model.name', values: [1] }] }), 'invalid_request');
  assert.equal(code({ axes: [{ path: 'parameters.a', lo: 2, hi: 1, n: 3 }] }), 'invalid_request');
  assert.equal(code({ axes: [{ path: 'parameters.a', lo: 0, hi: 1, n: 100 }], maxPoints: 10 }), 'sweep_too_large');
  assert.equal(code({ mode: 'random', axes: [{ path: 'parameters.a', lo: 0, hi: 1 }] }), 'invalid_request');
});

test('point k sets its values and runs with seed + k', () => {
  const base: SimulationConfig = {
    model: coreModel('Generic2dOscillator'),
    integration: { method: 'HeunStochastic', dt: 0.1, duration: 10, noise: { nsig: 0.01, seed: 10 } },
  };
  const config = pointConfig(base, {
    index: 3,
    values: { 'parameters.a': 1.5, 'coupling.parameters.a': 0.2, 'integration.noise.nsig': 0.02 },
  });
  assert.deepEqual(config.parameters, { a: 1.5 });
  assert.deepEqual(config.coupling, { name: 'Linear', parameters: { a: 0.2 } });
  assert.equal(config.integration.noise?.seed, 13);
  assert.equal(config.integration.noise?.nsig, 0.02);
  assert.deepEqual(config.initialConditions, { method: 'random', seed: 13 });
  // The base is left untouched for the next point.
  assert.equal(base.integration.noise?.seed, 10);
  assert.equal(base.parameters, undefined);
});

test('sweep metrics are identical with 1 and 2 workers and equal per-point runs; failures are recorded', async (t) => {
  const dir = sharedData(t, 'tvbo');
  if (!dir) return;
  const read = (kind: string) => readFileSync(join(dir, 'connectome', `${YEO}_${kind}.csv`), 'utf8');
  const connectome = connectomeFromCsv(read('weights'), read('lengths'));
  const base: SimulationConfig = {
    model: coreModel('Generic2dOscillator'),
    connectome,
    network: { speed: 3, normalize: 'max' },
    integration: { method: 'HeunStochastic', dt: 0.1, duration: 300, noise: { nsig: 1e-4 } },
    monitors: [{ name: 'TemporalAverage', period: 1 }],
  };
  const spec: SweepSpec = {
    axes: [{ path: 'coupling.parameters.a', values: [0.001, 0.01, 0.03, Number.MAX_VALUE] }],
    metrics: { targetFc: connectome.weights, metrics: ['psd_peak_hz', 'fc_corr', 'mean', 'std'] },
  };
  const progress: number[] = [];
  const one = await runSweep(base, spec, { poolSize: 1, onPoint: (_, done) => progress.push(done) });
  const two = await runSweep(base, spec, { poolSize: 2 });
  assert.deepEqual(progress, [1, 2, 3, 4]);
  assert.deepEqual(two, one);
  for (const point of one.slice(0, 3)) {
    assert.deepEqual(point, runSweepPoint(base, spec, point), `point ${point.index} inline`);
    const metrics = point.metrics!;
    assert.ok(
      metrics.psd_peak_hz! > 0 && Number.isFinite(metrics.fc_corr) && metrics.std! > 0,
      JSON.stringify(metrics),
    );
  }
  assert.equal(one[3].error?.code, 'diverged');
  // Per-point runs through the plain simulator with seed + k give the same metrics.
  const direct = simulate({
    ...base,
    coupling: { name: 'Linear', parameters: { a: 0.01 } },
    integration: { ...base.integration, noise: { nsig: 1e-4, seed: 42 + 1 } },
    initialConditions: { method: 'random', seed: 43 },
  });
  assert.deepEqual(computeMetrics(direct.monitors[0], spec.metrics), one[1].metrics);
});

test('an aborted sweep stops its workers and reports canceled', async () => {
  const base: SimulationConfig = {
    model: coreModel('Generic2dOscillator'),
    integration: { method: 'Heun', dt: 0.01, duration: 2000 },
  };
  const controller = new AbortController();
  await assert.rejects(
    runSweep(
      base,
      { axes: [{ path: 'parameters.a', lo: -2, hi: 2, n: 40 }] },
      {
        poolSize: 2,
        signal: controller.signal,
        onPoint: () => controller.abort(),
      },
    ),
    (error: { code?: string }) => error.code === 'canceled',
  );
});

test('Kuramoto order parameter: 1 for identical phases, near 0 for evenly spread ones', () => {
  const same = kuramotoOrder([Float64Array.of(0.3, 1), Float64Array.of(0.3, 1)]);
  assert.ok(Math.abs(same.mean - 1) < 1e-15 && same.std < 1e-15);
  const spread = kuramotoOrder([0, 1, 2, 3].map((k) => Float64Array.of((k * Math.PI) / 2)));
  assert.ok(spread.mean < 1e-15);
});
