import assert from 'node:assert/strict';
import { test } from 'node:test';
import { coreModel } from '../model/library.ts';
import { findEquilibrium, jacobianAt, pointContext } from './equilibrium.ts';

const near = (actual: number, expected: number, tol: number, what: string): void =>
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} vs ${expected}`);

test('Generic2dOscillator defaults: stable focus with the closed-form equilibrium and eigenvalues', () => {
  const eq = findEquilibrium(pointContext(coreModel('Generic2dOscillator')));
  near(eq.x[0], -0.188651753, 1e-9, 'V');
  near(eq.x[1], -0.1134824702, 1e-9, 'W');
  near(eq.eigenvalues[0].re, -0.02238679, 1e-7, 'Re λ');
  near(Math.abs(eq.eigenvalues[0].im), 0.0632005, 1e-7, 'Im λ');
  assert.equal(eq.type, 'stable_focus');
  assert.ok(eq.stable);
});

test('ReducedWongWang single node: unique stable equilibrium S* = 0.0980184532', () => {
  const ctx = pointContext(coreModel('ReducedWongWang'));
  const eq = findEquilibrium(ctx);
  near(eq.x[0], 0.0980184532, 1e-9, 'S');
  const slope = jacobianAt(ctx, eq.x)[0];
  assert.ok(Math.abs(slope / -0.00678 - 1) <= 1e-2, `df/dS ${slope}`);
  assert.ok(eq.stable);
  // Uniqueness in [0, 1]: f changes sign exactly once on a fine grid.
  const f = new Float64Array(1);
  let changes = 0;
  let previous = Number.NaN;
  for (let k = 0; k <= 10000; k++) {
    ctx.system.f(Float64Array.of(k / 10000), ctx.P, ctx.cin, f);
    if (Math.sign(f[0]) !== Math.sign(previous) && !Number.isNaN(previous)) changes++;
    previous = f[0];
  }
  assert.equal(changes, 1);
});

test('Deco 2014 (ReducedWongWangExcInh): equilibrium, eigenvalues and H_e', () => {
  const ctx = pointContext(coreModel('ReducedWongWangExcInh'));
  const eq = findEquilibrium(ctx);
  near(eq.x[0], 0.16475721, 1e-7, 'S_e');
  near(eq.x[1], 0.03921845, 1e-7, 'S_i');
  const re = eq.eigenvalues.map((e) => e.re).sort((a, b) => b - a);
  assert.ok(Math.abs(re[0] / -0.00598 - 1) <= 1e-2, `λ1 ${re[0]}`);
  assert.ok(Math.abs(re[1] / -0.2315 - 1) <= 1e-2, `λ2 ${re[1]}`);
  // H_e at the equilibrium from the model's own formulas.
  const p = Object.fromEntries(ctx.model.parameters.map((q) => [q.name, q.value]));
  const xe = p.a_e * (p.W_e * p.I_o + p.w_p * p.J_N * eq.x[0] - p.J_i * eq.x[1] + p.I_ext) - p.b_e;
  near(xe / (1 - Math.exp(-p.d_e * xe)), 3.0773, 1e-3, 'H_e');
});
