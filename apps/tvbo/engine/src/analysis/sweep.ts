/**
 * Parameter sweeps (spec 03-tvbo §B7): a grid (Cartesian product of axes) or `samples` uniform random draws,
 * each point a full simulation reduced to metrics. Point k runs with seed + k, so any pool size gives the same rows.
 */
import { EngineError } from '../errors.ts';
import { Xoshiro256 } from '../sim/prng.ts';
import { type SimulationConfig, simulate } from '../sim/simulator.ts';
import { computeMetrics, type MetricOptions, type Metrics } from './metrics.ts';

export type SweepAxis = {
  /** What to vary: `parameters.<model parameter>`, `coupling.parameters.<name>`, `network.speed` or `integration.noise.nsig`. */
  path: string;
  /** Explicit grid values. */
  values?: number[];
  /** Range for `n` evenly spaced grid values (both ends included) or for random draws. */
  lo?: number;
  hi?: number;
  n?: number;
};

export type SweepSpec = {
  axes: SweepAxis[];
  mode?: 'grid' | 'random';
  /** Number of random draws (mode random). */
  samples?: number;
  /** Seed of the random draws (mode random), default 42. */
  seed?: number;
  /** Upper bound on the number of points (`TVBO_MAX_SWEEP_POINTS`). */
  maxPoints?: number;
  /** Which monitor (index) the metrics read; default 0. */
  monitor?: number;
  metrics?: MetricOptions;
};

export type SweepPoint = { index: number; values: Record<string, number> };
export type SweepPointResult = SweepPoint & { metrics?: Metrics; error?: { code: string; message: string } };

const PATH = /^(parameters\.[A-Za-z_]\w*|coupling\.parameters\.[A-Za-z_]\w*|network\.speed|integration\.noise\.nsig)$/;
const DEFAULT_SEED = 42;

export function sweepPoints(spec: SweepSpec): SweepPoint[] {
  if (!spec.axes.length) throw new EngineError('invalid_request', 'a sweep needs at least one axis');
  for (const axis of spec.axes) {
    if (!PATH.test(axis.path))
      throw new EngineError('invalid_request', `cannot sweep "${axis.path}"`, { path: axis.path });
  }
  const mode = spec.mode ?? 'grid';
  const count =
    mode === 'random' ? (spec.samples ?? 0) : spec.axes.reduce((product, axis) => product * axisValues(axis).length, 1);
  if (!(count >= 1)) throw new EngineError('invalid_request', 'a sweep needs at least one point');
  if (spec.maxPoints !== undefined && count > spec.maxPoints)
    throw new EngineError('sweep_too_large', `${count} points exceed the limit of ${spec.maxPoints}`);
  if (mode === 'random') {
    const rng = new Xoshiro256(spec.seed ?? DEFAULT_SEED);
    return Array.from({ length: count }, (_, index) => ({
      index,
      values: Object.fromEntries(
        spec.axes.map((axis) => {
          const { lo, hi } = range(axis);
          return [axis.path, lo + (hi - lo) * rng.uniform()];
        }),
      ),
    }));
  }
  // Row-major product: the last axis varies fastest, like itertools.product.
  const grids = spec.axes.map(axisValues);
  return Array.from({ length: count }, (_, index) => {
    const values: Record<string, number> = {};
    let rest = index;
    for (let a = grids.length - 1; a >= 0; a--) {
      values[spec.axes[a].path] = grids[a][rest % grids[a].length];
      rest = Math.floor(rest / grids[a].length);
    }
    return { index, values };
  });
}

function axisValues(axis: SweepAxis): number[] {
  if (axis.values) {
    if (!axis.values.length || !axis.values.every(Number.isFinite))
      throw new EngineError('invalid_request', `axis ${axis.path} needs finite values`);
    return axis.values;
  }
  const { lo, hi } = range(axis);
  const n = axis.n ?? 0;
  if (!Number.isInteger(n) || n < 1)
    throw new EngineError('invalid_request', `axis ${axis.path} needs values or n ≥ 1`);
  return Array.from({ length: n }, (_, k) => (n === 1 ? lo : lo + ((hi - lo) * k) / (n - 1)));
}

function range(axis: SweepAxis): { lo: number; hi: number } {
  const { lo, hi } = axis;
  if (lo === undefined || hi === undefined || !Number.isFinite(lo) || !Number.isFinite(hi) || lo > hi)
    throw new EngineError('invalid_request', `axis ${axis.path} needs finite lo ≤ hi`);
  return { lo, hi };
}

/** The simulation of point k: the base with the point's values set and every seed advanced by k. */
export function pointConfig(base: SimulationConfig, point: SweepPoint): SimulationConfig {
  const config: SimulationConfig = {
    ...base,
    parameters: { ...base.parameters },
    network: { ...base.network },
    integration: { ...base.integration, noise: base.integration.noise && { ...base.integration.noise } },
  };
  const baseSeed = base.integration.noise?.seed ?? DEFAULT_SEED;
  if (config.integration.noise) config.integration.noise.seed = baseSeed + point.index;
  const ic = base.initialConditions ?? { method: 'random' };
  if ('method' in ic && ic.method === 'random') {
    config.initialConditions = { method: 'random', seed: (ic.seed ?? baseSeed) + point.index };
  }
  for (const [path, value] of Object.entries(point.values)) {
    const [head, second, third] = path.split('.');
    if (head === 'parameters') config.parameters = { ...config.parameters, [second]: value };
    else if (head === 'network') config.network = { ...config.network, speed: value };
    else if (head === 'integration') {
      if (!config.integration.noise)
        throw new EngineError('invalid_request', 'sweeping nsig needs a noise configuration');
      config.integration.noise.nsig = value;
    } else {
      const coupling = base.coupling && 'pre' in base.coupling ? undefined : base.coupling;
      if (base.coupling && !coupling)
        throw new EngineError('invalid_request', 'compiled coupling functions cannot be swept by name');
      config.coupling = {
        ...coupling,
        name: coupling?.name ?? 'Linear',
        parameters: { ...coupling?.parameters, [third]: value },
      };
    }
  }
  return config;
}

/** Runs one point; failures (divergence, bad values) become the point's error instead of ending the sweep. */
export function runSweepPoint(base: SimulationConfig, spec: SweepSpec, point: SweepPoint): SweepPointResult {
  try {
    const result = simulate(pointConfig(base, point));
    const output = result.monitors[spec.monitor ?? 0];
    if (!output) throw new EngineError('invalid_request', `no monitor ${spec.monitor}`);
    return { ...point, metrics: computeMetrics(output, spec.metrics) };
  } catch (error) {
    const code = (error as { code?: string }).code ?? 'point_failed';
    return { ...point, error: { code, message: (error as Error).message } };
  }
}
