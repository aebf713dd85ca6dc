import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fcCorrelation, fcMatrix, nodeSeries } from './fc.ts';
import { fft, psdPeakHz, welch } from './psd.ts';

test('a 10 Hz sinusoid sampled at 1 kHz for 4 s peaks at 10 ± 0.05 Hz', () => {
  const signal = Float64Array.from({ length: 4000 }, (_, k) => Math.sin(2 * Math.PI * 10 * (k / 1000)) + 0.3);
  assert.ok(Math.abs(psdPeakHz(signal, 1000) - 10) <= 0.05);
  assert.ok(
    Math.abs(
      psdPeakHz(
        Float64Array.from({ length: 4000 }, (_, k) => Math.cos(2 * Math.PI * 37.3 * (k / 1000))),
        1000,
      ) - 37.3,
    ) < 0.3,
  );
});

test('Welch density integrates to the signal variance (Parseval)', () => {
  const signal = Float64Array.from({ length: 4096 }, (_, k) => Math.sin(2 * Math.PI * 50 * (k / 1000)));
  const { freqs, psd } = welch(signal, 1000);
  const power = psd.reduce((a, p) => a + p, 0) * (freqs[1] - freqs[0]);
  assert.ok(Math.abs(power - 0.5) < 0.01, `power ${power}`);
});

test('FFT of a unit impulse is flat', () => {
  const re = new Float64Array(8);
  const im = new Float64Array(8);
  re[0] = 1;
  fft(re, im);
  assert.deepEqual(Array.from(re), [1, 1, 1, 1, 1, 1, 1, 1]);
});

test('FC of identical signals is 1; anti-correlated is −1; matrix correlation', () => {
  const a = Float64Array.from({ length: 100 }, (_, k) => Math.sin(k / 5));
  const fc = fcMatrix([a, a, a.map((v) => -v)]);
  assert.ok(Math.abs(fc[1] - 1) < 1e-12);
  assert.ok(Math.abs(fc[2] + 1) < 1e-12);
  assert.ok(Math.abs(fcCorrelation(fc, fc, 3) - 1) < 1e-12);
  const series = nodeSeries(Float64Array.from([1, 2, 3, 4, 5, 6]), 3, 1, 2);
  assert.deepEqual(
    series.map((s) => Array.from(s)),
    [
      [1, 3, 5],
      [2, 4, 6],
    ],
  );
});
