import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { sharedData } from '@platform/testing/shared-data.ts';
import { parseYaml } from '../io/yaml.ts';
import { couplingRowsRead, resolveParameters } from '../model/compile.ts';
import { coreModel } from '../model/library.ts';
import { buildNetwork, connectomeFromRows } from './connectivity.ts';
import {
  compileCoupling,
  couplingFromCatalogue,
  couplingFromDocument,
  couplingRows,
  historyLength,
  writeHistory,
} from './coupling.ts';

const W = [
  [0, 1, 2],
  [3, 0, 0],
  [0, 0.5, 0],
];

const net = buildNetwork(connectomeFromRows(W), { dt: 1, delays: false });

/** History of an undelayed state: one slot holding `rows` (one per coupling variable). */
function history(rows: number[][]): Float64Array {
  const buf = new Float64Array(historyLength(rows.length, net));
  writeHistory(buf, net, rows.length, 0, Float64Array.from(rows.flat()));
  return buf;
}

function couple(name: string, rows: number[][], options: { normalize?: boolean } = {}): number[] {
  const spec = couplingFromCatalogue(name, {}, { ...options, nNodes: 3 });
  const out = new Float64Array(couplingRows(spec, rows.length) * 3);
  compileCoupling(spec, net, rows.length)(history(rows), 1, out);
  return Array.from(out.subarray(0, 3));
}

const assertVector = (actual: number[], expected: number[], what: string): void =>
  expected.forEach((e, i) => {
    assert.ok(Math.abs(actual[i] - e) <= 1e-12, `${what}[${i}]: ${actual[i]} vs ${e}`);
  });

test('coupling vectors match TVB coupling_test', () => {
  const x = [[0.1, -0.2, 0.3]];
  assertVector(couple('Linear', x), [0.0015625, 0.001171875, -0.000390625], 'Linear');
  assertVector(couple('Difference', x), [0.01, 0.09, -0.025], 'Difference');
  assertVector(couple('Kuramoto', x), [0.101818454929, 0.886560619984, -0.239712769302], 'Kuramoto');
  assertVector(
    couple('Kuramoto', x, { normalize: true }),
    [0.033939484976, 0.295520206661, -0.079904256434],
    'Kuramoto normalized',
  );
  assertVector(couple('HyperbolicTangent', x), [3.385249904678, 3.299003983875, 0.401312339888], 'HyperbolicTangent');
  assertVector(couple('Sigmoidal', x), [0.000869564998, 0.000652173821, -0.000217391301], 'Sigmoidal');
  assertVector(
    couple('SigmoidalJansenRit', [
      [10, 5, 7],
      [2, 1, 4],
    ]),
    [0.002801011107, 0.011309830747, 0.000615028209],
    'SigmoidalJansenRit',
  );
  assertVector(couple('Scaling', x), [0.0015625, 0.001171875, -0.000390625], 'Scaling');
});

test('PreSigmoidal (dynamic) yields the weighted sum and each node its own pre value', () => {
  const spec = couplingFromCatalogue('PreSigmoidal');
  const out = new Float64Array(6);
  const y = [0.1, 0.2, 0.3];
  const z = [0.05, 0.5, 0.1];
  compileCoupling(spec, net, 2)(history([y, z]), 1, out);
  const A = y.map((v, j) => 0.5 * (1 + Math.tanh(60 * (v - z[j]))));
  assertVector(Array.from(out.subarray(0, 3)), [A[1] + 2 * A[2], 3 * A[0], 0.5 * A[1]], 'row 0');
  assertVector(Array.from(out.subarray(3)), A, 'row 1');
});

test('unknown coupling names and parameters are rejected; upstream aliases resolve', () => {
  assert.throws(() => couplingFromCatalogue('Nope'), { code: 'unknown_coupling' });
  assert.throws(() => couplingFromCatalogue('Linear', { z: 1 }), { code: 'unknown_parameter' });
  assert.equal(couplingFromCatalogue('KuramotoCoupling').name, 'Kuramoto');
});

test('all upstream coupling-function YAML files load and compile', (t) => {
  const dir = sharedData(t, 'tvbo', 'coupling_functions');
  if (!dir) return;
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
  assert.equal(files.length, 8);
  for (const f of files) {
    const spec = couplingFromDocument(parseYaml(readFileSync(join(dir, f), 'utf8')) as Record<string, unknown>);
    const out = new Float64Array(couplingRows(spec, 2) * 3);
    compileCoupling(spec, net, 2)(
      history([
        [0.1, -0.2, 0.3],
        [0.2, 0.1, 0],
      ]),
      1,
      out,
    );
    assert.ok(out.every(Number.isFinite), f);
  }
  // The upstream Linear file's pre/post equal the catalogue's, so its vector matches TVB's.
  const linear = couplingFromDocument(
    parseYaml(readFileSync(join(dir, 'Linear.yaml'), 'utf8')) as Record<string, unknown>,
  );
  const out = new Float64Array(3);
  compileCoupling({ ...linear, parameters: { a: 0.00390625, b: 0 } }, net, 1)(history([[0.1, -0.2, 0.3]]), 1, out);
  assertVector(Array.from(out), [0.0015625, 0.001171875, -0.000390625], 'upstream Linear');
});

test('coupling rows a model never reads once its parameters are substituted are not computed', () => {
  const mpr = coreModel('MontbrioPazoRoxin');
  assert.deepEqual([...couplingRowsRead(mpr, resolveParameters(mpr, undefined, 1))], [0]);
  assert.deepEqual([...couplingRowsRead(mpr, resolveParameters(mpr, { cv: 0.5 }, 1))], [0, 1]);
  assert.deepEqual([...couplingRowsRead(mpr, resolveParameters(mpr, { cr: 0, cv: 0.5 }, 1))], [1]);
  const supHopf = coreModel('SupHopf');
  assert.deepEqual([...couplingRowsRead(supHopf, resolveParameters(supHopf, undefined, 1))], [0, 1]);
});
