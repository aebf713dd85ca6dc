import assert from 'node:assert/strict';
import { test } from 'node:test';
import { coreModel, loadModelYaml } from '../model/library.ts';
import { pointContext } from './equilibrium.ts';
import { firstLyapunovCoefficient } from './hopf-normal-form.ts';

const planar = (f: string, g: string) =>
  loadModelYaml(`
name: Planar
parameters: {mu: {value: 0}}
state_variables:
  x: {equation: {rhs: "mu*x - y + ${f}"}, domain: {lo: -1, hi: 1}, variable_of_interest: true}
  y: {equation: {rhs: "x + mu*y + ${g}"}, domain: {lo: -1, hi: 1}}
`);

test('l1 of the Hopf normal form: −2/ω (supercritical) and +2/ω for the reversed cubic (subcritical)', () => {
  // With ⟨q, q⟩ = 1, q = (1, −i)/√2: C(q, q, q̄) = −4q for F = −x‖x‖², so l1 = −4/(2ω).
  for (const omega of [1, 2.5]) {
    const ctx = pointContext(coreModel('SupHopf'), ['a'], { a: 0, omega });
    const l1 = firstLyapunovCoefficient(ctx, new Float64Array(2), omega);
    assert.ok(Math.abs(l1 + 2 / omega) <= 1e-6, `l1 ${l1}`);
  }
  const sub = pointContext(planar('x*(x**2 + y**2)', 'y*(x**2 + y**2)'), ['mu']);
  const l1 = firstLyapunovCoefficient(sub, new Float64Array(2), 1);
  assert.ok(Math.abs(l1 - 2) <= 1e-6, `l1 ${l1}`);
});

test('l1 with quadratic terms equals twice the Guckenheimer–Holmes coefficient', () => {
  // ẋ = −y + x², ẏ = x + x²: 16a = −f_xx·g_xx = −4 → a = −1/4, and l1 = 2a in the ‖q‖ = 1 normalisation.
  const ctx = pointContext(planar('x**2', 'x**2'), ['mu']);
  const l1 = firstLyapunovCoefficient(ctx, new Float64Array(2), 1);
  assert.ok(Math.abs(l1 + 0.5) <= 1e-6, `l1 ${l1}`);
  // ẋ = −y + x·y, ẏ = x − y²: 16a = f_xy(f_xx + f_yy) − g_xy(g_xx + g_yy) − f_xx g_xx + f_yy g_yy = 0 → a = 0 is
  // degenerate, so mix in a cubic −x³ (f_xxx = −6) giving 16a = −6 → l1 = −3/4.
  const mixed = pointContext(planar('x*y - x**3', '-y**2'), ['mu']);
  const l1m = firstLyapunovCoefficient(mixed, new Float64Array(2), 1);
  assert.ok(Math.abs(l1m + 0.75) <= 1e-6, `l1 ${l1m}`);
});
