import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { sharedData } from '@platform/testing/shared-data.ts';
import { transform } from '../expr/ast.ts';
import { compileScalar } from '../expr/codegen-js.ts';
import { parseExpression } from '../expr/parser.ts';
import { printSympy } from '../expr/print-sympy.ts';
import { connectomeFromCsv } from '../io/connectome-csv.ts';
import { parseYaml } from '../io/yaml.ts';
import { normalizeIntegrator } from '../sim/integrator-catalogue.ts';
import { simulate } from '../sim/simulator.ts';
import { compileDfun, compilePointSystem, resolveParameters } from './compile.ts';
import { coreModel, coreModels, loadModelDir, loadModelYaml } from './library.ts';
import type { Model } from './types.ts';

test('every upstream model loads without errors, compiles and stays finite for 100 ms', (t) => {
  const dir = sharedData(t, 'tvbo', 'models');
  if (!dir) return;
  const models = loadModelDir(dir);
  assert.equal(models.size, 24);
  for (const [stem, model] of models) {
    const result = simulate({
      model,
      integration: { method: 'Euler', dt: 0.01, duration: 100 },
      monitors: [{ name: 'Raw' }],
      initialConditions: { method: 'initial_value' },
    });
    assert.ok(result.monitors[0].data.every(Number.isFinite), stem);
  }
  assert.ok(models.get('MontbrioPazoRoxin')!.warnings.some((w) => w.code === 'domain_inverted'));
  const jansen = models.get('Jansen1995')!;
  assert.equal(jansen.name, 'ModelJansen1995');
  const resolved = resolveParameters(jansen);
  assert.equal(resolved.scalar.get('C2'), 0.8 * 135);
  assert.equal(resolved.scalar.get('C4'), 0.25 * 135);
  // Sigm is inlined into y3's equation: at rest (all zero) y3' = A·a·2·e0/(1 + exp(r·v0)).
  const system = compilePointSystem(jansen);
  const out = new Float64Array(6);
  system.f(new Float64Array(6), system.defaultParameters(), new Float64Array(1), out);
  const y3 = jansen.stateVariables.findIndex((s) => s.name === 'y3');
  const sigm = compileScalar(jansen.functions[0].expr, ['v', 'e0', 'r', 'v0']);
  assert.ok(Math.abs(out[y3] - 3.25 * 0.1 * sigm([0, 0.0025, 0.56, 6])) < 1e-15);
});

/** Central-difference Jacobian check at seeded points inside the state domains (spec acceptance 2). */
function checkJacobian(model: Model, label: string): void {
  const free = model.parameters.slice(0, 2).map((p) => p.name);
  const system = compilePointSystem(model, free);
  const n = system.n;
  const P = system.defaultParameters();
  const cin = new Float64Array(model.couplingInputs.length);
  let seed = 12345;
  const rand = (): number => {
    seed = (seed * 16807) % 2147483647;
    return seed / 2147483647;
  };
  for (let point = 0; point < 5; point++) {
    const x = Float64Array.from(model.stateVariables, (s) => {
      const { lo, hi } = s.domain;
      return lo === hi ? s.initialValue + 0.1 * rand() : lo + (0.2 + 0.6 * rand()) * (hi - lo);
    });
    const Jx = new Float64Array(n * n);
    const Jp = new Float64Array(n * free.length);
    system.jacobian(x, P, cin, Jx, Jp);
    const fp = new Float64Array(n);
    const fm = new Float64Array(n);
    /** Central difference refined by one Richardson step, so the reference is accurate to O(h⁴). */
    const numericColumn = (vec: Float64Array, k: number, isParam: boolean): Float64Array => {
      const saved = vec[k];
      const central = (h: number): Float64Array => {
        vec[k] = saved + h;
        system.f(isParam ? x : vec, isParam ? vec : P, cin, fp);
        vec[k] = saved - h;
        system.f(isParam ? x : vec, isParam ? vec : P, cin, fm);
        vec[k] = saved;
        return fp.map((v, r) => (v - fm[r]) / (2 * h));
      };
      const h = 1e-4 * Math.max(1, Math.abs(saved));
      const coarse = central(h);
      const fine = central(h / 2);
      return fine.map((v, r) => (4 * v - coarse[r]) / 3);
    };
    const rowScale = (r: number): number => Math.max(1e-3, ...Array.from(Jx.subarray(r * n, (r + 1) * n), Math.abs));
    const compare = (analytic: number, numeric: number, r: number, what: string): void => {
      if (!Number.isFinite(numeric)) return;
      const scale = Math.max(Math.abs(analytic), Math.abs(numeric), rowScale(r));
      assert.ok(Math.abs(analytic - numeric) <= 1e-6 * scale, `${label} ${what}: ${analytic} vs ${numeric}`);
    };
    for (let c = 0; c < n; c++) {
      const column = numericColumn(x, c, false);
      for (let r = 0; r < n; r++) compare(Jx[r * n + c], column[r], r, `∂f${r}/∂x${c}`);
    }
    free.forEach((name, q) => {
      const column = numericColumn(P, system.parameterNames.indexOf(name), true);
      for (let r = 0; r < n; r++) compare(Jp[r * free.length + q], column[r], r, `∂f${r}/∂${name}`);
    });
  }
}

test('symbolic Jacobians of all core and upstream models agree with central differences', (t) => {
  assert.equal(coreModels().size, 12);
  for (const [name, model] of coreModels()) checkJacobian(model, name);
  const dir = sharedData(t, 'tvbo', 'models');
  if (!dir) return;
  for (const [name, model] of loadModelDir(dir)) checkJacobian(model, name);
});

test('upstream and core Generic2dOscillator give identical trajectories on Yeo17 dTOR', (t) => {
  const dir = sharedData(t, 'tvbo');
  if (!dir) return;
  const read = (kind: string) =>
    readFileSync(join(dir, 'connectome', `space-MNI152_atlas-Yeo17_desc-dTOR_${kind}.csv`), 'utf8');
  const connectome = connectomeFromCsv(read('weights'), read('lengths'));
  const run = (model: Model) =>
    simulate({
      model,
      connectome,
      network: { normalize: 'max' },
      integration: { method: 'Heun', dt: 0.1, duration: 200 },
      monitors: [{ name: 'Raw' }],
    }).monitors[0].data;
  const upstream = loadModelDir(join(dir, 'models')).get('Generic2dOscillator')!;
  const a = run(upstream);
  const b = run(coreModel('Generic2dOscillator'));
  assert.equal(a.length, b.length);
  for (let k = 0; k < a.length; k++) assert.ok(Math.abs(a[k] - b[k]) <= 1e-12, `sample ${k}`);
});

test('integrator catalogue files load; adaptive SciPy integrators are flagged unsupported', (t) => {
  const dir = sharedData(t, 'tvbo', 'integrators');
  if (!dir) return;
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
  assert.equal(files.length, 7);
  const supported = Object.fromEntries(
    files.map((f) => {
      const entry = normalizeIntegrator(parseYaml(readFileSync(join(dir, f), 'utf8')) as Record<string, unknown>);
      return [entry.method, entry.supported];
    }),
  );
  assert.deepEqual(supported, {
    Dopri5: false,
    Dopri853: false,
    Euler: true,
    Heun: true,
    Identity: true,
    RungeKutta4thOrder: true,
    VODE: false,
  });
  assert.throws(
    () => simulate({ model: coreModel('Linear'), integration: { method: 'Dopri5', dt: 0.1, duration: 1 } }),
    { code: 'integrator_unsupported' },
  );
});

test('printing then re-parsing every core and upstream library expression yields an equal tree', (t) => {
  const dir = sharedData(t, 'tvbo', 'models');
  if (!dir) return;
  let count = 0;
  for (const model of [...coreModels().values(), ...loadModelDir(dir).values()]) {
    const items = [
      ...model.derivedParameters,
      ...model.functions,
      ...model.derivedVariables,
      ...model.stateVariables,
      ...model.outputTransforms,
    ];
    for (const item of items) {
      // Library trees are stored simplified (e.g. `-0.1` folded to one literal), so the re-parsed text is
      // rebuilt through the same simplifying constructors before comparing.
      const reparsed = transform(parseExpression(printSympy(item.expr)), () => undefined);
      assert.deepEqual(reparsed, item.expr, `${model.name}.${item.name}`);
      count++;
    }
  }
  assert.ok(count > 250, `${count} expressions`);
});

test("a declared E shadows Euler's number; undeclared E is Euler's number", () => {
  const probe = (parameters: string) =>
    loadModelYaml(`
name: Probe
parameters: {${parameters}}
state_variables:
  x: {equation: {rhs: "E*x"}, domain: {lo: 0, hi: 1}}
`);
  const derivative = (model: Model): number => {
    const out = new Float64Array(1);
    compileDfun(model, resolveParameters(model, undefined, 1))(Float64Array.of(1), new Float64Array(1), out, 1, 0);
    return out[0];
  };
  assert.equal(derivative(probe('E: {value: 2}')), 2);
  assert.equal(derivative(probe('k: {value: 2}')), Math.E);
});
