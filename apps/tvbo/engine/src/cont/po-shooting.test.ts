import assert from 'node:assert/strict';
import { test } from 'node:test';
import { coreModel, loadModelYaml } from '../model/library.ts';
import { findEquilibrium, pointContext } from './equilibrium.ts';
import { continuePeriodicOrbit, DEFAULT_ORBIT_SETTINGS } from './po-shooting.ts';

const close = (actual: number, expected: number, rtol: number, what: string): void =>
  assert.ok(Math.abs(actual - expected) <= rtol * Math.abs(expected) + 1e-12, `${what}: ${actual} vs ${expected}`);

test('SupHopf cycles: radius √a, period 2π/ω, Floquet multiplier exp(−4πa/ω)', () => {
  // ṙ = r(a − r²), θ̇ = ω: the cycle r = √a has radial exponent −2a, so μ = exp(−2a·2π/ω).
  const omega = 1;
  const ctx = pointContext(coreModel('SupHopf'), ['a'], { a: 0, omega });
  const branch = continuePeriodicOrbit(
    ctx,
    { x: [0, 0], param: 0, omega },
    { ...DEFAULT_ORBIT_SETTINGS, parameter: 'a', lo: -1, hi: 0.2, ds: 0.05, maxSteps: 30 },
  );
  assert.deepEqual(branch.stopReasons, ['parameter_bound']);
  assert.ok(branch.points.length > 10);
  for (const p of branch.points.slice(1)) {
    assert.ok(p.param > 0, `cycles exist for a > 0 only (${p.param})`);
    close(p.period, 2 * Math.PI, 1e-9, 'period');
    close(p.max[0], Math.sqrt(p.param), 1e-6, 'radius');
    close(-p.min[1], Math.sqrt(p.param), 1e-6, 'radius (y)');
    assert.equal(p.multipliers.length, 1);
    close(p.multipliers[0].re, Math.exp((-4 * Math.PI * p.param) / omega), 1e-9, 'multiplier');
    assert.ok(p.stable);
  }
  assert.deepEqual(branch.specialPoints, []);
});

test('G2D: the PO branch from HB1 starts with T = 2π/0.06 and is stable near HB1 (spec test 8)', () => {
  const aH = 1.7401928796;
  const ctx = pointContext(coreModel('Generic2dOscillator'), ['a'], { a: aH });
  const hopf = findEquilibrium(ctx, { method: 'newton' });
  const branch = continuePeriodicOrbit(
    ctx,
    { x: hopf.x, param: aH, omega: 0.06 },
    { ...DEFAULT_ORBIT_SETTINGS, parameter: 'a', lo: -20, hi: 20, ds: 0.05, maxSteps: 8 },
  );
  assert.equal(branch.points.length, 9);
  close(branch.points[0].period, (2 * Math.PI) / 0.06, 1e-4, 'initial period');
  for (const p of branch.points.slice(1)) assert.ok(p.stable, `stable at a = ${p.param}`);
  // The cycles grow away from the equilibrium as a moves into the unstable range.
  assert.ok(branch.points.at(-1)!.param > aH);
  assert.ok(branch.points.at(-1)!.max[0] > branch.points[1].max[0]);
});

test('Bautin-type normal form: subcritical cycles turn at the LPC μ = −1/4, r² = 1/2', () => {
  // ṙ = r(μ + r² − r⁴): unstable cycles for μ < 0 near the Hopf point fold at μ = −1/4 into stable ones.
  const model = loadModelYaml(`
name: Bautin
parameters: {mu: {value: 0}}
state_variables:
  x: {equation: {rhs: "mu*x - y + x*(x**2 + y**2) - x*(x**2 + y**2)**2"}, domain: {lo: -1, hi: 1}, variable_of_interest: true}
  y: {equation: {rhs: "x + mu*y + y*(x**2 + y**2) - y*(x**2 + y**2)**2"}, domain: {lo: -1, hi: 1}}
`);
  const branch = continuePeriodicOrbit(
    pointContext(model, ['mu']),
    { x: [0, 0], param: 0, omega: 1 },
    { ...DEFAULT_ORBIT_SETTINGS, parameter: 'mu', lo: -1, hi: 0.5, ds: 0.02, dsMax: 0.1, maxSteps: 80 },
  );
  const lpc = branch.specialPoints.filter((s) => s.type === 'LPC');
  assert.equal(lpc.length, 1, JSON.stringify(branch.specialPoints));
  assert.ok(Math.abs(lpc[0].param + 0.25) < 1e-3, `LPC at ${lpc[0].param}`);
  const before = branch.points[lpc[0].index - 1];
  const after = branch.points.at(-1)!;
  assert.ok(!before.stable && before.max[0] ** 2 < 0.5);
  assert.ok(after.stable && after.max[0] ** 2 > 0.5);
});

/**
 * A Hopf cycle (x, y) of radius √a and period 2π, carrying a transverse plane (u, v) whose linear flow is chosen so
 * the cycle's Floquet multipliers are known in closed form and cross the unit circle at a = 1.
 */
function transversePlaneModel(u: string, v: string) {
  return loadModelYaml(`
name: Transverse
parameters: {a: {value: 0}}
derived_variables:
  r: {equation: {rhs: "sqrt(x**2 + y**2 + 1e-12)"}}
state_variables:
  x: {equation: {rhs: "(a - x**2 - y**2)*x - y"}, domain: {lo: -1, hi: 1}, variable_of_interest: true}
  y: {equation: {rhs: "(a - x**2 - y**2)*y + x"}, domain: {lo: -1, hi: 1}}
  u: {equation: {rhs: "${u}"}, domain: {lo: -1, hi: 1}}
  v: {equation: {rhs: "${v}"}, domain: {lo: -1, hi: 1}}
`);
}

const orbitFromHopf = (model: ReturnType<typeof loadModelYaml>) =>
  continuePeriodicOrbit(
    pointContext(model, ['a']),
    { x: [0, 0, 0, 0], param: 0, omega: 1 },
    { ...DEFAULT_ORBIT_SETTINGS, parameter: 'a', lo: -1, hi: 1.5, ds: 0.05, dsMax: 0.05, maxSteps: 80 },
  );

test('period doubling: a transverse direction that turns by half a revolution per period (multiplier −e^{(a−1)T})', () => {
  // In the frame rotated by φ/2 (φ the cycle's angle) the plane decays at rates a − 1 and −1; the frame comes back
  // turned by π after one period, so the multipliers are −e^{(a−1)2π} and −e^{−2π}: PD at a = 1.
  const halfTurn = (own: string, other: string, sign: string) =>
    `${sign}0.5*${other} + ((a - 2)/2 ${sign === '-' ? '+' : '-'} (a/2)*x/r)*${own} + (a/2)*(y/r)*${other}`;
  const branch = orbitFromHopf(transversePlaneModel(halfTurn('u', 'v', '-'), halfTurn('v', 'u', '+')));
  const pd = branch.specialPoints.filter((s) => s.type === 'PD');
  assert.equal(pd.length, 1, JSON.stringify(branch.specialPoints));
  assert.ok(Math.abs(pd[0].param - 1) < 5e-3, `PD at ${pd[0].param}`);
  const inside = branch.points.find((p) => p.param > 0.5 && p.param < 0.9)!;
  const expected = -Math.exp((inside.param - 1) * 2 * Math.PI);
  assert.ok(
    inside.multipliers.some((m) => Math.abs(m.im) < 1e-8 && Math.abs(m.re - expected) < 1e-6),
    JSON.stringify(inside.multipliers),
  );
  assert.ok(inside.stable && !branch.points.at(-1)!.stable);
  assert.deepEqual(
    branch.specialPoints.map((s) => s.type),
    ['PD'],
  );
});

test('Neimark–Sacker: a transverse plane rotating at 0.3 rad per ms (multipliers e^{(a−1)T ± 0.6πi})', () => {
  const branch = orbitFromHopf(transversePlaneModel('(a - 1)*u - 0.3*v', '0.3*u + (a - 1)*v'));
  const ns = branch.specialPoints.filter((s) => s.type === 'NS');
  assert.equal(ns.length, 1, JSON.stringify(branch.specialPoints));
  assert.ok(Math.abs(ns[0].param - 1) < 5e-3, `NS at ${ns[0].param}`);
  const inside = branch.points.find((p) => p.param > 0.5 && p.param < 0.9)!;
  const modulus = Math.exp((inside.param - 1) * 2 * Math.PI);
  const pair = inside.multipliers.filter((m) => Math.abs(m.im) > 1e-8);
  assert.equal(pair.length, 2);
  for (const m of pair) {
    assert.ok(Math.abs(Math.hypot(m.re, m.im) - modulus) < 1e-6);
    assert.ok(Math.abs(Math.abs(Math.atan2(m.im, m.re)) - 0.6 * Math.PI) < 1e-6);
  }
  assert.deepEqual(
    branch.specialPoints.map((s) => s.type),
    ['NS'],
  );
});
