import assert from 'node:assert/strict';
import { test } from 'node:test';
import { determinant, eigenvalues, solve } from './dense.ts';

test('solve and determinant', () => {
  const A = Float64Array.from([2, 1, 1, 1, 3, 2, 1, 0, 0]);
  const x = solve(A, Float64Array.from([4, 5, 6]), 3)!;
  assert.deepEqual(
    Array.from(x, (v) => Math.round(v * 1e12) / 1e12),
    [6, 15, -23],
  );
  assert.ok(Math.abs(determinant(A, 3) - -1) < 1e-12);
  assert.equal(solve(Float64Array.from([1, 2, 2, 4]), Float64Array.from([1, 1]), 2), undefined);
});

test('eigenvalues of a rotation-dilation, a companion matrix and a random matrix (trace/det invariants)', () => {
  const rot = eigenvalues(Float64Array.from([0.5, -2, 2, 0.5]), 2);
  assert.ok(Math.abs(rot[0].re - 0.5) < 1e-14 && Math.abs(Math.abs(rot[0].im) - 2) < 1e-14);
  // Companion matrix of (x−1)(x−2)(x−3)(x−4).
  const ev = eigenvalues(Float64Array.from([10, -35, 50, -24, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0]), 4);
  assert.deepEqual(
    ev.map((e) => Math.round(e.re * 1e9) / 1e9),
    [4, 3, 2, 1],
  );
  let seed = 7;
  const rand = (): number => {
    seed = (seed * 16807) % 2147483647;
    return (seed / 2147483647) * 2 - 1;
  };
  const n = 7;
  const M = Float64Array.from({ length: n * n }, rand);
  const vals = eigenvalues(M, n);
  const trace = Array.from({ length: n }, (_, i) => M[i * n + i]).reduce((a, b) => a + b);
  assert.ok(Math.abs(vals.reduce((a, e) => a + e.re, 0) - trace) < 1e-10);
  assert.ok(Math.abs(vals.reduce((a, e) => a + e.im, 0)) < 1e-10);
  // Product of eigenvalues equals the determinant.
  let pr = 1;
  let pi = 0;
  for (const e of vals) [pr, pi] = [pr * e.re - pi * e.im, pr * e.im + pi * e.re];
  assert.ok(Math.abs(pr - determinant(M, n)) < 1e-10 && Math.abs(pi) < 1e-10);
});
