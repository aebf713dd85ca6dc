import assert from 'node:assert/strict';
import { test } from 'node:test';
import { coreModel, loadModelYaml } from '../model/library.ts';
import { connectomeFromRows } from './connectivity.ts';
import { simulate } from './simulator.ts';

const close = (actual: number, expected: number, rtol: number, atol: number, what: string): void =>
  assert.ok(Math.abs(actual - expected) <= atol + rtol * Math.abs(expected), `${what}: ${actual} vs ${expected}`);

/** TVB models_test: explicit Euler dt 0.01, 2000 steps, no coupling, start at domain midpoints. */
function steadyState(name: string, start?: number[]): number[] {
  const model = coreModel(name);
  const values = start ?? model.stateVariables.map((s) => (s.domain.lo + s.domain.hi) / 2);
  const unclamped = { ...model, stateVariables: model.stateVariables.map((s) => ({ ...s, boundaries: undefined })) };
  const raw = simulate({
    model: unclamped,
    integration: { method: 'Euler', dt: 0.01, duration: 19.91 },
    monitors: [{ name: 'Raw' }],
    initialConditions: { values },
  }).monitors[0];
  const n = model.stateVariables.length;
  return Array.from(raw.data.subarray(raw.data.length - n));
}

test('TVB steady-state suite (Euler, 2000 steps, last record after step 1991)', () => {
  const cases: [string, number[], number[] | undefined, number][] = [
    ['Generic2dOscillator', [1.04853474, -4.50797492], [1, 0], 1e-7],
    ['JansenRit', [1.105518e-2, 4.790847, 0.8826628, 1.308187e-3, 0.2367387, 6.615113e-2], undefined, 1e-3],
    ['ReducedWongWang', [0.45284639], undefined, 1e-7],
    ['WilsonCowan', [0.46151706, 0.24342428], undefined, 1e-7],
    ['DecoBalancedExcInh', [0.4166734, 0.07886513], undefined, 1e-7],
  ];
  for (const [name, expected, start, atol] of cases) {
    const got = steadyState(name, start);
    expected.forEach((e, k) => {
      close(got[k], e, 1e-6, atol, `${name}[${k}]`);
    });
  }
});

const identityModel = (rhs: string, extra = '') =>
  loadModelYaml(`
name: Probe
parameters: {gamma: {value: -10}}
coupling_inputs: {c: {}}
state_variables:
  x: {equation: {rhs: "${rhs}"}, domain: {lo: -1, hi: 1}, coupling_variable: true, variable_of_interest: true${extra}}
`);

test('exact delay propagation on a 4-node chain (TVB history_test)', () => {
  const weights = [0, 1, 2, 3].map((i) => [0, 1, 2, 3].map((j) => (j === i + 1 ? 1 : 0)));
  const lengths = [0, 1, 2, 3].map((i) => [0, 1, 2, 3].map((j) => 4 * i + j));
  const result = simulate({
    model: identityModel('x + c'),
    connectome: connectomeFromRows(weights, lengths),
    network: { speed: 1 },
    coupling: { name: 'Linear', parameters: { a: 1, b: 0 } },
    integration: { method: 'Identity', dt: 1, duration: 10 },
    monitors: [{ name: 'Raw' }],
    initialConditions: { history: Array.from({ length: 16 }, () => [[1, 1, 1, 1]]) },
  });
  const raw = result.monitors[0];
  assert.equal(result.meta.horizon, 16);
  assert.deepEqual(raw.time, [16, 17, 18, 19, 20, 21, 22, 23, 24, 25]);
  const expected = [
    [2, 2, 2, 1],
    [3, 3, 3, 1],
    [5, 4, 4, 1],
    [8, 5, 5, 1],
    [12, 6, 6, 1],
    [17, 7, 7, 1],
    [23, 8, 8, 1],
    [30, 10, 9, 1],
    [38, 13, 10, 1],
    [48, 17, 11, 1],
  ];
  assert.deepEqual(
    Array.from({ length: 10 }, (_, t) => Array.from(raw.data.subarray(t * 4, t * 4 + 4))),
    expected,
  );
});

test('Kuramoto coupling phase-locks two oscillators at asin(Δω/(2a/N_eff))', () => {
  const run = (normalize: boolean): number => {
    const model = coreModel('Kuramoto');
    const r = simulate({
      model,
      parameters: { omega: [1.0, 1.2] },
      connectome: connectomeFromRows([
        [0, 1],
        [1, 0],
      ]),
      network: { delays: false },
      coupling: { name: 'Kuramoto', parameters: { a: 1 }, normalize },
      integration: { method: 'RungeKutta4thOrder', dt: 0.01, duration: 200 },
      monitors: [{ name: 'Raw' }],
      initialConditions: { values: [0] },
    }).monitors[0];
    const last = r.data.subarray(r.data.length - 2);
    return last[1] - last[0];
  };
  close(run(false), 0.1001674212, 0, 1e-6, 'plain');
  close(run(true), 0.2013579208, 0, 1e-6, 'normalized');
});

test('Ornstein-Uhlenbeck: variance D/|γ|, seeded and reproducible', () => {
  const run = (seed: number) =>
    simulate({
      model: coreModel('Linear'),
      integration: { method: 'HeunStochastic', dt: 0.01, duration: 20000, noise: { nsig: 0.01, seed } },
      monitors: [{ name: 'Raw' }],
      initialConditions: { values: [0] },
    }).monitors[0].data;
  const a = run(42);
  const stats = (d: Float64Array): [number, number] => {
    let mean = 0;
    for (const v of d) mean += v / d.length;
    let variance = 0;
    for (const v of d) variance += (v - mean) ** 2 / d.length;
    return [mean, variance];
  };
  const [mean, variance] = stats(a);
  assert.ok(Math.abs(variance - 0.001) <= 0.05 * 0.001, `variance ${variance}`);
  assert.ok(Math.abs(mean) < 5e-4, `mean ${mean}`);
  assert.deepEqual(run(42), a);
  const b = run(7);
  assert.notDeepEqual(b.subarray(0, 100), a.subarray(0, 100));
  const [, variance2] = stats(b);
  assert.ok(Math.abs(variance2 - 0.001) <= 0.05 * 0.001, `variance ${variance2}`);
});

test('boundaries clamp the final state only; initial history is clamped', () => {
  // dx = 1 from x = 0.95 with bound 1: Heun's intermediate stage (1.05) stays unclamped, the step result is clamped.
  const model = identityModel('1 - 10*Max(x - 1, 0)', ', boundaries: {lo: -1, hi: 1}');
  const heun = simulate({
    model,
    integration: { method: 'Heun', dt: 0.1, duration: 0.1 },
    monitors: [{ name: 'Raw' }],
    initialConditions: { values: [0.95] },
  }).monitors[0].data[0];
  // Unbounded Heun: k1 = 1, X~ = 1.05, k2 = 1 − 0.5 = 0.5 → 0.95 + 0.05·1.5 = 1.025 → clamp → 1.
  assert.equal(heun, 1);
  const inner = simulate({
    model: identityModel('1 - 10*Max(x - 1, 0)', ', boundaries: {lo: -1, hi: 1.1}'),
    integration: { method: 'Heun', dt: 0.1, duration: 0.1 },
    monitors: [{ name: 'Raw' }],
    initialConditions: { values: [0.95] },
  }).monitors[0].data[0];
  close(inner, 1.025, 0, 1e-15, 'unclamped intermediate stage');
  const clampedHistory = simulate({
    model: identityModel('0*x', ', boundaries: {lo: -1, hi: 1}'),
    integration: { method: 'Euler', dt: 0.1, duration: 0.1 },
    monitors: [{ name: 'Raw' }],
    initialConditions: { values: [5] },
  }).monitors[0].data[0];
  assert.equal(clampedHistory, 1);
});

test('monitors: SubSample, TemporalAverage, GlobalAverage stamps and values', () => {
  const model = identityModel('x + 1');
  const result = simulate({
    model,
    connectome: connectomeFromRows([
      [0, 0],
      [0, 0],
    ]),
    coupling: { name: 'Linear', parameters: { a: 0 } },
    integration: { method: 'Identity', dt: 0.25, duration: 3 },
    monitors: [
      { name: 'Raw' },
      { name: 'SubSample', period: 1 },
      { name: 'TemporalAverage', period: 1 },
      { name: 'GlobalAverage', period: 1 },
    ],
    initialConditions: { values: [[0, 10]] },
  });
  const [raw, sub, avg, glob] = result.monitors;
  assert.equal(raw.time.length, 12);
  assert.deepEqual(raw.time.slice(0, 3), [0.25, 0.5, 0.75]);
  // x after step s (H = 1, first step s = 1) is s; node 1 starts at 10.
  assert.deepEqual(sub.time, [1, 2, 3]);
  assert.deepEqual(Array.from(sub.data), [4, 14, 8, 18, 12, 22]);
  assert.deepEqual(avg.time, [0.5, 1.5, 2.5]);
  assert.deepEqual(Array.from(avg.data), [2.5, 12.5, 6.5, 16.5, 10.5, 20.5]);
  assert.deepEqual(Array.from(glob.data), [9, 13, 17]);
  assert.equal(glob.nNodes, 1);
});

test('a run with H > 1 stamps its first Raw sample at H·dt and yields ceil(duration/dt) samples', () => {
  const result = simulate({
    model: identityModel('x'),
    connectome: connectomeFromRows(
      [
        [0, 1],
        [1, 0],
      ],
      [
        [0, 3],
        [3, 0],
      ],
    ),
    network: { speed: 1 },
    integration: { method: 'Identity', dt: 0.4, duration: 1 },
    monitors: [{ name: 'Raw' }],
  });
  assert.equal(result.meta.horizon, 9);
  close(result.monitors[0].time[0], 9 * 0.4, 0, 1e-12, 'first stamp');
  assert.equal(result.monitors[0].time.length, 3);
});
