import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadModelYaml } from '../model/library.ts';
import { gammaFunction, kernelSamples } from './bold.ts';
import { simulate } from './simulator.ts';

test('Bold kernel samples equal the FirstOrderVolterra closed form at t = 0, 1, 5 s', () => {
  // τs 0.8, τf 0.4: ω = √(1/0.4 − 1/(4·0.8²)) = √2.109375; 5000 samples over 20 s → 4 ms apart.
  const w = Math.sqrt(2.109375);
  const G = (t: number): number => (Math.exp(-t / 1.6) * Math.sin(w * t)) / (3 * w);
  const samples = kernelSamples(20000);
  assert.equal(samples.length, 5000);
  assert.equal(samples[0], 0);
  for (const [k, t] of [
    [250, 1],
    [1250, 5],
  ]) {
    assert.ok(Math.abs(samples[k] - G(t)) <= 1e-15, `G(${t})`);
  }
});

test('Bold output is affine in a constant input and stamped at multiples of the period', () => {
  const constant = loadModelYaml(`
name: Hold
parameters: {}
state_variables:
  x: {equation: {rhs: "0*x"}, domain: {lo: -5, hi: 5}, variable_of_interest: true}
`);
  const run = (value: number) =>
    simulate({
      model: constant,
      integration: { method: 'Euler', dt: 0.5, duration: 6000 },
      monitors: [{ name: 'Bold' }],
      initialConditions: { values: [value] },
    }).monitors[0];
  const [b0, b1, b2] = [run(0), run(1), run(2)];
  assert.deepEqual(b0.time, [2000, 4000, 6000]);
  assert.equal(b0.period, 2000);
  b0.data.forEach((v, k) => {
    // Zero input leaves the stock at zero: (0 − 1)·k1·V0.
    assert.ok(Math.abs(v + 5.6 * 0.02) <= 1e-15);
    assert.ok(Math.abs(b2.data[k] - v - 2 * (b1.data[k] - v)) <= 1e-12, `sample ${k}`);
  });
  assert.ok(b1.data[2] > b0.data[2], 'a positive input raises the signal');
  assert.throws(
    () =>
      simulate({
        model: constant,
        integration: { method: 'Euler', dt: 10, duration: 4000 },
        monitors: [{ name: 'Bold' }],
      }),
    /Bold needs dt/,
  );
});

test('Gamma, DoubleExponential and MixtureOfGammas kernels follow their closed forms (TVB normalisation)', () => {
  const t = (k: number): number => (k * 20) / 5000;
  const gamma = kernelSamples(20000, { name: 'Gamma' });
  // (t/τ)²·exp(−t/τ)/(2τ) peaks at t = 2τ; normalised to the peak of the samples and scaled by a = 0.1.
  const gammaRaw = (x: number): number => ((x / 1.08) ** 2 * Math.exp(-x / 1.08)) / (1.08 * 2);
  let peak = 0;
  for (let k = 0; k < 5000; k++) peak = Math.max(peak, gammaRaw(t(k)));
  assert.ok(Math.abs(gamma[250] - (gammaRaw(1) / peak) * 0.1) < 1e-15);
  assert.ok(Math.abs(Math.max(...gamma) - 0.1) < 1e-15);
  const doubleExp = kernelSamples(20000, { name: 'DoubleExponential', parameters: { a: 1 } });
  assert.ok(Math.abs(Math.max(...doubleExp) - 1) < 1e-15);
  const mixture = kernelSamples(20000, { name: 'MixtureOfGammas' });
  // Γ(6) = 120, Γ(13) = 12!.
  const mix = (x: number): number => (x ** 5 * Math.exp(-x)) / 120 - (0.4 * x ** 12 * Math.exp(-x)) / 479001600;
  for (const k of [250, 1250, 2500]) assert.ok(Math.abs(mixture[k] - mix(t(k))) < 1e-14, `t = ${t(k)}`);
  assert.ok(Math.abs(gammaFunction(0.5) - Math.sqrt(Math.PI)) < 1e-14);
  assert.throws(() => kernelSamples(20000, { name: 'Gamma', parameters: { tau_s: 1 } }), /no parameter/);
});

test('a non-Volterra Bold outputs the plain convolution: zero input gives zero', () => {
  const constant = loadModelYaml(`
name: Hold
state_variables:
  x: {equation: {rhs: "0*x"}, domain: {lo: -5, hi: 5}, variable_of_interest: true}
`);
  const bold = simulate({
    model: constant,
    integration: { method: 'Euler', dt: 0.5, duration: 4000 },
    monitors: [{ name: 'Bold', hrf_kernel: { name: 'MixtureOfGammas' } }],
    initialConditions: { values: [0] },
  }).monitors[0];
  assert.deepEqual(Array.from(bold.data), [0, 0]);
});
