import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { sharedData } from '@platform/testing/shared-data.ts';
import { parseYaml } from '../io/yaml.ts';
import { coreModel } from '../model/library.ts';
import { findEquilibrium, pointContext } from './equilibrium.ts';
import { continueEquilibrium, DEFAULT_SETTINGS, type SpecialPoint } from './palc.ts';
import { parseContinuationDocument, runContinuation } from './spec.ts';

// Closed form for G2D defaults: trace J = 0 at V = 1 ∓ √6/3 on the branch a = V³ − 3V² + 10V, where det J = 9d²
// gives ω = 3d = 0.06 rad/ms.
const HOPF = [1.7401928796, 14.2598071204];

function checkG2dBranch(file: string, dir: string): void {
  const [spec] = parseContinuationDocument(parseYaml(readFileSync(join(dir, file), 'utf8')) as Record<string, unknown>);
  assert.equal(spec.settings.parameter, 'a');
  const result = runContinuation(coreModel('Generic2dOscillator'), spec);
  const branch = result.branches[0];
  const hopfs = branch.specialPoints.filter((p): p is SpecialPoint => p.type === 'HB');
  assert.equal(hopfs.length, 2, JSON.stringify(branch.specialPoints.map((p) => [p.type, p.param])));
  hopfs.forEach((h, k) => {
    assert.ok(Math.abs(h.param - HOPF[k]) <= 1e-6, `HB${k + 1} at ${h.param}`);
    assert.ok(Math.abs(h.omega! / 0.06 - 1) <= 1e-6, `ω ${h.omega}`);
  });
  assert.equal(branch.specialPoints.filter((p) => p.type === 'LP' || p.type === 'BP').length, 0);
  for (const p of branch.points) {
    if (p.param < HOPF[0] - 1e-6 || p.param > HOPF[1] + 1e-6) assert.ok(p.stable, `stable at a = ${p.param}`);
    if (p.param > HOPF[0] + 1e-6 && p.param < HOPF[1] - 1e-6) assert.ok(!p.stable, `unstable at a = ${p.param}`);
  }
  assert.ok(branch.points[0].param <= -20 + 1e-9 && branch.points.at(-1)!.param >= 20 - 1e-9);
}

test('G2D continuation in a finds exactly the two closed-form Hopf points', (t) => {
  const dir = sharedData(t, 'tvbo', 'continuations');
  if (!dir) return;
  checkG2dBranch('Generic2dOscillator-bifurcation.yaml', dir);
});

test('the -full fixture parses (map-form branches and discretization) and gives the same Hopf points', (t) => {
  const dir = sharedData(t, 'tvbo', 'continuations');
  if (!dir) return;
  const [spec] = parseContinuationDocument(
    parseYaml(readFileSync(join(dir, 'Generic2dOscillator-bifurcation-full.yaml'), 'utf8')) as Record<string, unknown>,
  );
  assert.equal(spec.branches[0].name, 'po_from_hopf');
  assert.equal(spec.settings.newtonTol, 1e-12);
  checkG2dBranch('Generic2dOscillator-bifurcation-full.yaml', dir);
});

test('the JansenRit experiment lists its continuations and flags codim-2 runs as not supported', (t) => {
  const dir = sharedData(t, 'tvbo', 'continuations');
  if (!dir) return;
  const specs = parseContinuationDocument(
    parseYaml(readFileSync(join(dir, 'JansenRit-bifurcation.yaml'), 'utf8')) as Record<string, unknown>,
  );
  assert.deepEqual(
    specs.map((s) => s.name),
    ['eq_in_p', 'fold_p_C', 'hopf_p_C'],
  );
  assert.equal(specs[0].settings.dsMax, 0.02);
  assert.ok(specs[1].warnings.some((w) => w.includes('codim-2')));
});

test('JansenRit branch in mu: folds and Hopf points are classified', () => {
  const ctx = pointContext(coreModel('JansenRit'), ['mu'], { mu: 0 });
  const start = findEquilibrium(ctx);
  const branch = continueEquilibrium(ctx, start.x, {
    ...DEFAULT_SETTINGS,
    parameter: 'mu',
    lo: -0.1,
    hi: 0.5,
    ds: 0.001,
    dsMax: 0.005,
    maxSteps: 5000,
  });
  const types = branch.specialPoints.map((p) => p.type);
  assert.ok(
    types.filter((t) => t === 'LP').length >= 2,
    JSON.stringify(branch.specialPoints.map((p) => [p.type, p.param])),
  );
  assert.ok(types.includes('HB'));
  for (const sp of branch.specialPoints.filter((p) => p.type === 'HB')) assert.ok(sp.omega! > 0);
  // Stability changes only at special points: consecutive points of different stability straddle an LP or HB.
  branch.points.forEach((p, k) => {
    if (k === 0 || p.stable === branch.points[k - 1].stable) return;
    assert.ok(
      branch.specialPoints.some((s) => s.index === k - 1 && (s.type === 'LP' || s.type === 'HB')),
      `at ${p.param}`,
    );
  });
});

test('PO branches of both G2D fixtures start at T = 2π/0.06 and are stable near HB1; l1 < 0 there (spec test 8)', (t) => {
  const dir = sharedData(t, 'tvbo', 'continuations');
  if (!dir) return;
  for (const file of ['Generic2dOscillator-bifurcation.yaml', 'Generic2dOscillator-bifurcation-full.yaml']) {
    const [spec] = parseContinuationDocument(
      parseYaml(readFileSync(join(dir, file), 'utf8')) as Record<string, unknown>,
    );
    const result = runContinuation(coreModel('Generic2dOscillator'), spec, { maxOrbitSteps: 12 });
    const [equilibria, ...orbits] = result.branches;
    const hopfs = equilibria.specialPoints.filter((p): p is SpecialPoint => p.type === 'HB');
    assert.ok(hopfs[0].l1! < 0, `l1 at HB1 ${hopfs[0].l1}`);
    assert.equal(orbits.length, 2, file);
    for (const orbit of orbits) {
      assert.equal(orbit.kind, 'periodic_orbit');
      const period = orbit.kind === 'periodic_orbit' ? orbit.points[0].period : Number.NaN;
      assert.ok(Math.abs(period / ((2 * Math.PI) / 0.06) - 1) <= 1e-4, `${file} T ${period}`);
    }
    // Near HB1 the nontrivial multiplier is just below 1; `stable` needs it below 1 − 1e-6, which the tiny first steps
    // of the -full fixture (ds 1e-4) only reach after a few points.
    const first = orbits[0];
    assert.ok(first.kind === 'periodic_orbit');
    for (const p of first.points.slice(1))
      assert.ok(
        p.multipliers.every((mu) => Math.hypot(mu.re, mu.im) < 1),
        file,
      );
    assert.ok(first.points.at(-1)!.stable, `${file} stable near HB1`);
    if (file.endsWith('-full.yaml')) assert.ok(result.warnings.some((w) => w.startsWith('method_substituted')));
  }
});
