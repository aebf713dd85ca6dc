import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadModelYaml } from '../model/library.ts';
import { connectomeFromRows } from './connectivity.ts';
import { type SimulationConfig, simulate } from './simulator.ts';
import type { StimulusConfig } from './stimulus.ts';

const still = loadModelYaml(`
name: Still
state_variables:
  y: {equation: {rhs: "0*y"}, domain: {lo: 0, hi: 1}}
  x: {equation: {rhs: "0*x"}, domain: {lo: 0, hi: 1}, coupling_variable: true, variable_of_interest: true}
`);
const threeNodes = connectomeFromRows([
  [0, 0, 0],
  [0, 0, 0],
  [0, 0, 0],
]);

function raw(stimulus: StimulusConfig, method: string, steps: number, extra: Partial<SimulationConfig> = {}) {
  const out = simulate({
    model: still,
    connectome: threeNodes,
    integration: { method, dt: 0.25, duration: steps * 0.25 },
    monitors: [{ name: 'Raw' }],
    initialConditions: { values: [0, 0] },
    stimulus,
    ...extra,
  }).monitors[0];
  // Raw layout: [time][voi][node]; VOIs are y, x (all state variables).
  return Array.from({ length: out.time.length }, (_, k) => Array.from(out.data.subarray(k * 6, k * 6 + 6)));
}

test('a pulse train enters as dt·stim on the first coupling variable of the chosen nodes (Euler, Heun, RK4)', () => {
  const pulse: StimulusConfig = { nodes: [1], temporal: { type: 'PulseTrain', onset: 1, T: 2, tau: 0.5, amp: 1 } };
  for (const method of ['Euler', 'Heun', 'RungeKutta4thOrder']) {
    const rows = raw(pulse, method, 8);
    // Step times (s − H)·dt = 0 … 1.75; the pulse is on at t = 1 and 1.25 only.
    const x1 = rows.map((r) => r[3 + 1]);
    assert.deepEqual(x1, [0, 0, 0, 0, 0.25, 0.5, 0.5, 0.5], method);
    assert.ok(
      rows.every((r) => r[0] === 0 && r[1] === 0 && r[2] === 0 && r[3] === 0 && r[5] === 0),
      `${method}: other nodes and y`,
    );
  }
});

test('sinusoid and expression profiles with spatial weights (Identity scheme shows the profile itself)', () => {
  const sinus = raw(
    { weights: [1, 0.5, 0], temporal: { type: 'Sinusoid', amp: 2, frequency_hz: 10 } },
    'Identity',
    101,
  );
  // Row k holds the state after the step at t = k·0.25 ms; 10 Hz peaks at t = 25 ms.
  assert.ok(Math.abs(sinus[100][3] - 2) < 1e-12 && Math.abs(sinus[100][4] - 1) < 1e-12 && sinus[100][5] === 0);
  const expression = raw({ variable: 'y', temporal: { type: 'Expression', rhs: 't**2 + pi' } }, 'Identity', 5);
  assert.deepEqual(
    expression.map((r) => r[0]),
    [0, 0.0625, 0.25, 0.5625, 1].map((t) => t + Math.PI),
  );
});

test('bad stimuli are refused with precise codes', () => {
  const temporal = { type: 'PulseTrain', onset: 0, T: 1, tau: 0.1, amp: 1 } as const;
  const code = (stimulus: StimulusConfig): string => {
    try {
      raw(stimulus, 'Euler', 1);
    } catch (error) {
      return (error as { code: string }).code;
    }
    return 'accepted';
  };
  assert.equal(code({ variable: 'z', temporal }), 'unknown_variable');
  assert.equal(code({ nodes: [3], temporal }), 'invalid_request');
  assert.equal(code({ weights: [1, 1], temporal }), 'invalid_request');
  assert.equal(code({ temporal: { ...temporal, T: 0 } }), 'invalid_request');
  assert.equal(code({ temporal: { type: 'Expression', rhs: 'x + t' } }), 'undefined_symbol');
  assert.equal(code({ temporal: { type: 'Expression', rhs: 't^2' } }), 'expression_invalid');
});

test('progress is reported up to the last step and an aborted run stops with canceled', () => {
  const config: SimulationConfig = {
    model: still,
    integration: { method: 'Euler', dt: 0.1, duration: 100 },
    monitors: [{ name: 'Raw' }],
  };
  const seen: number[] = [];
  simulate(config, { onProgress: (done, total) => seen.push(done / total) });
  assert.equal(seen.at(-1), 1);
  assert.ok(seen.every((v, k) => k === 0 || v > seen[k - 1]));
  const controller = new AbortController();
  let calls = 0;
  assert.throws(
    () =>
      simulate(config, {
        signal: controller.signal,
        onProgress: () => {
          calls++;
          controller.abort();
        },
      }),
    (error: { code?: string }) => error.code === 'canceled',
  );
  assert.equal(calls, 1);
});
