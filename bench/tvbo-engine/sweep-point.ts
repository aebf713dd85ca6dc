/** One sweep point of the bench: G2D on DK 87 at a given Linear coupling strength, reduced to its metrics. */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fcCorrelation, fcMatrix, nodeSeries } from '../../apps/tvbo/engine/src/analysis/fc.ts';
import { psdPeakHz } from '../../apps/tvbo/engine/src/analysis/psd.ts';
import { connectomeFromCsv } from '../../apps/tvbo/engine/src/io/connectome-csv.ts';
import { coreModel } from '../../apps/tvbo/engine/src/model/library.ts';
import type { Connectome } from '../../apps/tvbo/engine/src/sim/connectivity.ts';
import { simulate } from '../../apps/tvbo/engine/src/sim/simulator.ts';

export const DK_STEM = 'space-MNI152Nlin2009c_atlas-DesikanKilliany_desc-dTOR';

export function loadDk(fixtures: string): Connectome {
  const read = (kind: string): string => readFileSync(join(fixtures, 'connectome', `${DK_STEM}_${kind}.csv`), 'utf8');
  return connectomeFromCsv(read('weights'), read('lengths'));
}

export type PointMetrics = { a: number; psd_peak_hz: number; fc_corr: number };

export function runPoint(connectome: Connectome, a: number, duration: number): PointMetrics {
  const result = simulate({
    model: coreModel('Generic2dOscillator'),
    connectome,
    network: { speed: 3, normalize: 'max' },
    coupling: { name: 'Linear', parameters: { a } },
    integration: { method: 'Heun', dt: 0.1, duration },
    monitors: [{ name: 'TemporalAverage', period: 1 }],
  });
  const m = result.monitors[0];
  const series = nodeSeries(m.data, m.time.length, m.voi.length, m.nNodes);
  const mean = Float64Array.from(
    { length: m.time.length },
    (_, t) => series.reduce((s, x) => s + x[t], 0) / series.length,
  );
  const fc = fcMatrix(series);
  return {
    a,
    psd_peak_hz: psdPeakHz(mean, 1000 / m.period),
    fc_corr: fcCorrelation(fc, connectome.weights, connectome.n),
  };
}
