/**
 * Scalar summaries of one monitor's output (spec 03-tvbo §B7): what a sweep stores per point and the runner shows.
 * All metrics read one VOI (default the first) after the transient the simulator already dropped.
 */
import { EngineError } from '../errors.ts';
import type { MonitorOutput } from '../sim/monitors.ts';
import { fcCorrelation, fcMatrix, nodeSeries } from './fc.ts';
import { psdPeakHz } from './psd.ts';

export const METRICS = ['psd_peak_hz', 'fc_corr', 'mean', 'std', 'kuramoto_order', 'metastability'] as const;
export type MetricName = (typeof METRICS)[number];
export type Metrics = Partial<Record<MetricName, number>>;

export type MetricOptions = {
  /** Metrics to compute; default psd_peak_hz, mean, std (+ fc_corr when a target is given). */
  metrics?: MetricName[];
  /** VOI name; default the monitor's first. */
  voi?: string;
  /** N×N row-major matrix that `fc_corr` compares the simulated FC with (upper triangle, k = 1). */
  targetFc?: Float64Array;
  /** Fisher z-transform of the FC entries before correlating. */
  fisherZ?: boolean;
};

export function computeMetrics(output: MonitorOutput, options: MetricOptions = {}): Metrics {
  const wanted =
    options.metrics ?? (['psd_peak_hz', 'mean', 'std', ...(options.targetFc ? ['fc_corr'] : [])] as MetricName[]);
  for (const m of wanted) {
    if (!METRICS.includes(m)) throw new EngineError('invalid_request', `unknown metric "${m}"`, { metric: m });
  }
  const voi = options.voi === undefined ? 0 : output.voi.indexOf(options.voi);
  if (voi < 0) throw new EngineError('unknown_variable', `monitor has no variable "${options.voi}"`);
  const nTime = output.time.length;
  if (nTime < 2) throw new EngineError('invalid_request', 'metrics need at least two samples after the transient');
  const series = nodeSeries(output.data, nTime, output.voi.length, output.nNodes, voi);
  const out: Metrics = {};
  if (wanted.includes('psd_peak_hz')) {
    const nodeMean = Float64Array.from(
      { length: nTime },
      (_, t) => series.reduce((s, x) => s + x[t], 0) / series.length,
    );
    out.psd_peak_hz = psdPeakHz(nodeMean, 1000 / output.period);
  }
  if (wanted.includes('mean') || wanted.includes('std')) {
    let sum = 0;
    let sumSquares = 0;
    for (const x of series) for (const v of x) sum += v;
    const count = nTime * series.length;
    const mean = sum / count;
    for (const x of series) for (const v of x) sumSquares += (v - mean) ** 2;
    if (wanted.includes('mean')) out.mean = mean;
    if (wanted.includes('std')) out.std = Math.sqrt(sumSquares / count);
  }
  if (wanted.includes('fc_corr')) {
    if (!options.targetFc) throw new EngineError('invalid_request', 'fc_corr needs a target FC matrix');
    if (options.targetFc.length !== output.nNodes ** 2)
      throw new EngineError('invalid_request', `target FC must be ${output.nNodes}×${output.nNodes}`);
    const fc = fcMatrix(series);
    out.fc_corr = options.fisherZ
      ? fcCorrelation(fc.map(fisherZ), options.targetFc.map(fisherZ), output.nNodes)
      : fcCorrelation(fc, options.targetFc, output.nNodes);
  }
  if (wanted.includes('kuramoto_order') || wanted.includes('metastability')) {
    const { mean, std } = kuramotoOrder(series);
    if (wanted.includes('kuramoto_order')) out.kuramoto_order = mean;
    if (wanted.includes('metastability')) out.metastability = std;
  }
  return out;
}

/** Time mean and standard deviation of R(t) = |mean_j exp(iθ_j(t))| over phase series θ_j. */
export function kuramotoOrder(phases: ArrayLike<number>[]): { mean: number; std: number } {
  const nTime = phases[0]?.length ?? 0;
  const r = new Float64Array(nTime);
  for (let t = 0; t < nTime; t++) {
    let re = 0;
    let im = 0;
    for (const theta of phases) {
      re += Math.cos(theta[t]);
      im += Math.sin(theta[t]);
    }
    r[t] = Math.hypot(re, im) / phases.length;
  }
  const mean = r.reduce((s, v) => s + v, 0) / nTime;
  const variance = r.reduce((s, v) => s + (v - mean) ** 2, 0) / nTime;
  return { mean, std: Math.sqrt(variance) };
}

/** atanh, with the diagonal's r = 1 kept finite so the upper triangle is unaffected. */
const fisherZ = (r: number): number => Math.atanh(Math.max(-1 + 1e-15, Math.min(1 - 1e-15, r)));
