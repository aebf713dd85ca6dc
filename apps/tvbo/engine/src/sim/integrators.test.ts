import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadModelYaml } from '../model/library.ts';
import type { Connectome } from './connectivity.ts';
import { simulate } from './simulator.ts';

const probe = (rhs: string, extra = '') =>
  loadModelYaml(`
name: Probe
parameters: {gamma: {value: -0.1}}
state_variables:
  x: {equation: {rhs: "${rhs}"}, domain: {lo: -1, hi: 1}, coupling_variable: true, variable_of_interest: true${extra}}
`);

/** N uncoupled nodes: independent noise paths in one run. */
const uncoupled = (n: number): Connectome => ({
  n,
  weights: new Float64Array(n * n),
  lengths: new Float64Array(n * n),
});

test('RK4 near a bound equals the unbounded RK4 step followed by one clamp (tvb-root #781)', () => {
  // dx = 1 − 30·max(x − 1, 0) from 0.95, dt 0.1: k1 = 1, k2 and k3 at 1.0 → 1, k4 at 1.05 → −0.5.
  const unbounded = 0.95 + (0.1 / 6) * (1 + 2 * 1 + 2 * 1 - 0.5);
  const run = (hi: number): number =>
    simulate({
      model: probe('1 - 30*Max(x - 1, 0)', `, boundaries: {lo: -1, hi: ${hi}}`),
      integration: { method: 'RungeKutta4thOrder', dt: 0.1, duration: 0.1 },
      monitors: [{ name: 'Raw' }],
      initialConditions: { values: [0.95] },
    }).monitors[0].data[0];
  assert.ok(Math.abs(run(2) - unbounded) < 1e-15, `unbounded ${run(2)} vs ${unbounded}`);
  // Bound 1.04: the k4 stage (1.05) lies beyond it; clamping that stage (TVB 2.11) would give 1.03, not 1.025.
  assert.ok(Math.abs(run(1.04) - unbounded) < 1e-15, `stage left unclamped: ${run(1.04)}`);
  assert.equal(run(1), 1);
});

test('multiplicative noise: g = sqrt(2·nsig)·(a·x + b)', () => {
  const raw = (noise: object, x0: number, n = 1): Float64Array =>
    simulate({
      model: probe('gamma*x'),
      connectome: n > 1 ? uncoupled(n) : undefined,
      integration: { method: 'HeunStochastic', dt: 0.01, duration: 10, noise: { nsig: 0.05, seed: 5, ...noise } },
      monitors: [{ name: 'Raw' }],
      initialConditions: { values: [x0] },
    }).monitors[0].data;
  // a = 0, b = 1 is additive noise, bit for bit.
  assert.deepEqual(raw({ type: 'multiplicative', b: { a: 0, b: 1 } }, 0.5), raw({}, 0.5));
  // With g ∝ x, x = 0 is absorbing.
  assert.ok(raw({ type: 'multiplicative' }, 0).every((v) => v === 0));
  // Geometric Brownian motion dx = γx dt + sqrt(2D)·x dW (Itô): E[x(T)] = x0·exp(γT), E[x(T)²] = x0²·exp((2γ + 2D)T).
  const n = 2000;
  const last = raw({ type: 'multiplicative' }, 1, n).subarray(-n);
  const mean = last.reduce((s, v) => s + v, 0) / n;
  const second = last.reduce((s, v) => s + v * v, 0) / n;
  assert.ok(Math.abs(mean / Math.exp(-1) - 1) < 0.05, `mean ${mean}`);
  assert.ok(Math.abs(second / Math.exp(-1) - 1) < 0.15, `second moment ${second}`);
  const additive = raw({}, 1, n).subarray(-n);
  assert.notDeepEqual(last, additive);
});
