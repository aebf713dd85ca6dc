import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { sharedData } from '@platform/testing/shared-data.ts';
import { gzipSync, strToU8, zipSync } from 'fflate';
import { buildNetwork } from '../sim/connectivity.ts';
import { atlasRegions, connectomeFromCsv } from './connectome-csv.ts';
import { readTvbZip, writeTvbZip } from './tvb-zip.ts';

const DK = 'space-MNI152Nlin2009c_atlas-DesikanKilliany_desc-dTOR';

function loadFixtureConnectome(dir: string, stem: string) {
  const read = (kind: string) => readFileSync(join(dir, 'connectome', `${stem}_${kind}.csv`), 'utf8');
  return connectomeFromCsv(read('weights'), read('lengths'));
}

test('Desikan-Killiany dTOR: shape, sparsity, symmetry, horizons', (t) => {
  const dir = sharedData(t, 'tvbo');
  if (!dir) return;
  const c = loadFixtureConnectome(dir, DK);
  assert.equal(c.n, 87);
  assert.equal(c.weights.filter((w) => w !== 0).length, 5242);
  assert.equal(Math.max(...c.weights), 458885);
  const sorted = Float64Array.from(c.weights).sort();
  assert.equal(sorted[(sorted.length - 1) / 2], 10);
  for (let i = 0; i < 87; i++) {
    assert.equal(c.weights[i * 87 + i], 0);
    for (let j = 0; j < 87; j++) assert.equal(c.weights[i * 87 + j], c.weights[j * 87 + i]);
  }
  assert.equal(Math.max(...c.lengths), 327.911590576172);
  assert.equal(buildNetwork(c, { dt: 0.1, speed: 3 }).horizon, 1094);
  assert.equal(buildNetwork(c, { dt: 0.01220703125, speed: 3 }).horizon, 8955);
  const atlas = atlasRegions(
    readFileSync(join(dir, 'atlases', 'tpl-MNI152NLin2009c_atlas-DesikanKilliany_desc-ranked_dseg.yaml'), 'utf8'),
  );
  assert.equal(atlas.labels.length, 87);
  assert.equal(atlas.centres.length, 261);
});

test('Yeo17 connectomes: horizon and mean weights match the network metadata', (t) => {
  const dir = sharedData(t, 'tvbo');
  if (!dir) return;
  const yeo = loadFixtureConnectome(dir, 'space-MNI152_atlas-Yeo17_desc-dTOR');
  assert.equal(buildNetwork(yeo, { dt: 0.1, speed: 3 }).horizon, 698);
  const expected: Record<string, number> = {
    dTOR: 27403.813148788926,
    PPMI85: 1591.5640138408305,
    MghUscHcp32: 4745.038062283737,
  };
  for (const [desc, mean] of Object.entries(expected)) {
    const c = loadFixtureConnectome(dir, `space-MNI152_atlas-Yeo17_desc-${desc}`);
    const got = c.weights.reduce((a, b) => a + b, 0) / c.weights.length;
    assert.ok(Math.abs(got - mean) <= 1e-9 * mean, `${desc}: ${got}`);
  }
  const atlas = atlasRegions(readFileSync(join(dir, 'atlases', 'space-MNI152_atlas-Yeo17_res-1_dseg.yaml'), 'utf8'));
  assert.deepEqual(
    atlas.labels,
    Array.from({ length: 17 }, (_, i) => String(i + 1)),
  );
});

test('a TVB zip round-trips weights, lengths, labels and centres (also gzip members in a folder)', () => {
  const c = {
    n: 2,
    weights: Float64Array.from([0, 1.5, 2, 0]),
    lengths: Float64Array.from([0, 10, 10, 0]),
    labels: ['lh', 'rh'],
    centres: Float64Array.from([1, 2, 3, -1, -2, -3]),
  };
  const back = readTvbZip(writeTvbZip(c));
  assert.deepEqual(back, c);
  const nested = readTvbZip(zipSync({ 'conn/weights.txt.gz': gzipSync(strToU8('0 2\n3 0\n')) }));
  assert.deepEqual(Array.from(nested.weights), [0, 2, 3, 0]);
  assert.throws(() => readTvbZip(zipSync({ 'x.txt': new Uint8Array(1) })), { code: 'connectome_zip_invalid' });
  assert.throws(() => readTvbZip(new Uint8Array([1, 2, 3])), { code: 'connectome_zip_invalid' });
  assert.throws(() => connectomeFromCsv('0,1\n1,0', '0,-1\n1,0'), { code: 'connectivity_invalid' });
  assert.throws(() => connectomeFromCsv('0,1,2\n1,0'), { code: 'connectivity_invalid' });
});
