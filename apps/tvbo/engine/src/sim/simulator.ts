/**
 * Network simulation with TVB's semantics (spec 03-tvbo §B4–B6): initial history occupies steps 0…H−1, the first
 * integration step is s = H, coupling is computed once per step and held across integrator stages, boundaries
 * clamp only the final state of a step (tvb-root PR #797), monitors stamp step s at s·dt.
 */
import { EngineError } from '../errors.ts';
import {
  compileDfun,
  couplingRowCount,
  couplingRowsRead,
  type ParameterOverrides,
  resolveParameters,
} from '../model/compile.ts';
import type { Model } from '../model/types.ts';
import { buildNetwork, type Connectome, type NetworkOptions, singleNode } from './connectivity.ts';
import {
  type CouplingSpec,
  compileCoupling,
  couplingFromCatalogue,
  couplingRows,
  historyLength,
  writeHistory,
} from './coupling.ts';
import { createIntegrator, type NoiseConfig } from './integrators.ts';
import { createMonitor, type MonitorConfig, type MonitorOutput, type VoiReader } from './monitors.ts';
import { Xoshiro256 } from './prng.ts';
import { createStimulus, type StimulusConfig } from './stimulus.ts';

export type InitialConditions =
  | { method: 'random'; seed?: number }
  | { method: 'initial_value' }
  | { values: number[] | number[][] }
  | { history: number[][][] };

export type SimulationConfig = {
  model: Model;
  parameters?: ParameterOverrides;
  connectome?: Connectome;
  network?: Omit<NetworkOptions, 'dt'>;
  coupling?: CouplingSpec | { name: string; parameters?: Record<string, number>; normalize?: boolean };
  integration: {
    method: string;
    dt: number;
    duration: number;
    transientTime?: number;
    clamp?: Record<string, number>;
    noise?: NoiseConfig;
  };
  monitors?: MonitorConfig[];
  initialConditions?: InitialConditions;
  stimulus?: StimulusConfig;
};

export type RunControl = {
  /** Checked between steps; an aborted run throws `canceled`. */
  signal?: AbortSignal;
  /** Called with the steps done about every 1 % of the run and at the end. */
  onProgress?: (done: number, total: number) => void;
};

export type SimulationResult = {
  monitors: MonitorOutput[];
  meta: { nSteps: number; dt: number; horizon: number; nNodes: number; seed: number; warnings: string[] };
};

const DEFAULT_SEED = 42;

export function simulate(config: SimulationConfig, control: RunControl = {}): SimulationResult {
  const { model, integration } = config;
  const { dt, duration } = integration;
  if (!(dt > 0) || !(duration > 0) || !Number.isFinite(dt) || !Number.isFinite(duration)) {
    throw new EngineError('invalid_request', 'dt and duration must be positive and finite');
  }
  if (model.numberOfModes > 1)
    throw new EngineError('modes_unsupported', 'models with more than one mode cannot be simulated');
  const warnings: string[] = [];
  const connectome = config.connectome ?? singleNode();
  const net = buildNetwork(connectome, { ...config.network, dt });
  const N = net.n;
  const H = net.horizon;
  const nSv = model.stateVariables.length;
  const cvars = model.stateVariables.flatMap((s, k) => (s.couplingVariable ? [k] : []));
  const K = cvars.length;

  const coupling =
    config.coupling && 'pre' in config.coupling
      ? config.coupling
      : couplingFromCatalogue(config.coupling?.name ?? 'Linear', config.coupling?.parameters, {
          normalize: config.coupling?.normalize,
          nNodes: N,
        });
  // Without a connectome the node is uncoupled: every coupling input is 0 whatever the coupling function.
  const rows = config.connectome ? couplingRows(coupling, K) : couplingRowCount(model);
  if (couplingRowCount(model) > rows) {
    throw new EngineError(
      'coupling_rows_mismatch',
      `${model.name} reads ${couplingRowCount(model)} coupling rows; ${coupling.name} produces ${rows}`,
    );
  }
  const params = resolveParameters(model, config.parameters, N);
  const kernel = config.connectome
    ? compileCoupling(coupling, net, K, coupling.special ? undefined : couplingRowsRead(model, params))
    : () => {};
  const dfun = compileDfun(model, params);
  const seed = integration.noise?.seed ?? DEFAULT_SEED;
  const step = createIntegrator(integration.method, {
    dfun,
    dt,
    n: N,
    nSv,
    noise: integration.noise,
    seed,
    warnings,
    model,
  });

  const buf = new Float64Array(historyLength(K, net));
  const cvarValues = new Float64Array(Math.max(K, 1) * N);
  const X = initialHistory(config, N, H, (t, point) => {
    cvars.forEach((v, k) => {
      cvarValues.set(point.subarray(v * N, (v + 1) * N), k * N);
    });
    writeHistory(buf, net, K, t, cvarValues);
  });
  const C = new Float64Array(Math.max(rows, 1) * N);
  const allStates = model.stateVariables.map((s) => s.name);
  const monitors = (config.monitors ?? [{ name: 'TemporalAverage' }]).map((m) => {
    const names = m.variables_of_interest ?? (m.name === 'Raw' ? allStates : undefined);
    return createMonitor(m, dt, N, names ? voiReaderFor(model, params, N, names) : voiReader(model, params, N));
  });

  const bounds = model.stateVariables.map((s) => s.boundaries);
  const clampIdx = Object.entries(integration.clamp ?? {}).map(([name, value]) => {
    const k = model.stateVariables.findIndex((s) => s.name === name);
    if (k < 0) throw new EngineError('unknown_variable', `unknown state variable "${name}"`, { variable: name });
    return [k, value] as const;
  });
  const nSteps = Math.ceil(duration / dt - 1e-9);
  const dropBefore = (H + (integration.transientTime ?? 0) / dt) * dt;
  const stimulus = config.stimulus ? createStimulus(config.stimulus, model, N) : undefined;
  const { signal, onProgress } = control;
  const reportEvery = Math.max(1, Math.ceil(nSteps / 100));

  kernel(buf, H, C);
  for (let s = H; s < H + nSteps; s++) {
    const t = (s - H) * dt;
    step(X, C, t, stimulus?.at(t) ? stimulus.values : null);
    applyBounds(X, bounds, N);
    for (const [k, v] of clampIdx) X.fill(v, k * N, (k + 1) * N);
    let sum = 0;
    for (let c = 0; c < X.length; c++) sum += X[c];
    if (!Number.isFinite(sum)) throw divergence(X, s, N, model);
    for (let k = 0; k < K; k++) cvarValues.set(X.subarray(cvars[k] * N, (cvars[k] + 1) * N), k * N);
    writeHistory(buf, net, K, s, cvarValues);
    kernel(buf, s + 1, C);
    for (const m of monitors) m.record(s, X);
    if ((s - H + 1) % reportEvery === 0) {
      if (signal?.aborted) throw new EngineError('canceled', 'simulation canceled', { step: s });
      onProgress?.(s - H + 1, nSteps);
    }
  }
  if (nSteps % reportEvery !== 0) onProgress?.(nSteps, nSteps);
  for (const m of monitors) warnings.push(...new Set(m.warnings));
  return {
    monitors: monitors.map((m) => m.output(dropBefore)),
    meta: { nSteps, dt, horizon: H, nNodes: N, seed, warnings },
  };
}

function applyBounds(X: Float64Array, bounds: ({ lo: number; hi: number } | undefined)[], N: number): void {
  bounds.forEach((b, k) => {
    if (!b) return;
    for (let i = k * N; i < (k + 1) * N; i++) {
      if (X[i] < b.lo) X[i] = b.lo;
      else if (X[i] > b.hi) X[i] = b.hi;
    }
  });
}

function divergence(X: Float64Array, s: number, N: number, model: Model): EngineError {
  const c = X.findIndex((v) => !Number.isFinite(v));
  const variable = model.stateVariables[Math.floor(c / N)]?.name;
  return new EngineError('diverged', `state diverged at step ${s}`, { step: s, node: c % N, variable });
}

/** Fills the history buffer (steps 0…H−1) and returns the state at step H−1 (sv-major). */
function initialHistory(
  config: SimulationConfig,
  N: number,
  H: number,
  store: (t: number, point: Float64Array) => void,
): Float64Array {
  const svs = config.model.stateVariables;
  const nSv = svs.length;
  const ic = config.initialConditions ?? { method: 'random' };
  const point = new Float64Array(nSv * N);
  const write = (t: number): void => {
    svs.forEach((s, v) => {
      if (!s.boundaries) return;
      for (let i = v * N; i < (v + 1) * N; i++)
        point[i] = Math.min(Math.max(point[i], s.boundaries.lo), s.boundaries.hi);
    });
    store(t, point);
  };
  if ('history' in ic) {
    if (ic.history.length !== H) {
      throw new EngineError('initial_conditions_shape', `history needs exactly ${H} points, got ${ic.history.length}`);
    }
    ic.history.forEach((p, t) => {
      if (p.length !== nSv || p.some((row) => row.length !== N)) {
        throw new EngineError('initial_conditions_shape', `history points must be [${nSv}][${N}]`);
      }
      point.set(p.flat());
      write(t);
    });
    return point.slice();
  }
  if ('values' in ic || ic.method === 'initial_value') {
    const values = 'values' in ic ? ic.values : svs.map((s) => s.initialValue);
    if (values.length !== nSv) throw new EngineError('initial_conditions_shape', `initial values need ${nSv} entries`);
    values.forEach((v, k) => {
      if (Array.isArray(v)) {
        if (v.length !== N)
          throw new EngineError('initial_conditions_shape', `initial values of ${svs[k].name} need ${N} nodes`);
        point.set(v, k * N);
      } else point.fill(v as number, k * N, (k + 1) * N);
    });
    for (let t = 0; t < H; t++) write(t);
    return point.slice();
  }
  const base =
    ic.method === 'random' && ic.seed !== undefined ? ic.seed : (config.integration.noise?.seed ?? DEFAULT_SEED);
  const rng = new Xoshiro256(BigInt(base) ^ 0x9e3779b9n);
  for (let t = 0; t < H; t++) {
    svs.forEach((s, v) => {
      const { lo, hi } = s.domain;
      for (let i = 0; i < N; i++) point[v * N + i] = lo === hi ? s.initialValue : lo + (hi - lo) * rng.uniform();
    });
    write(t);
  }
  return point.slice();
}

/** Default VOIs: flagged state variables plus flagged output transforms; names may also select any of them. */
function voiReader(model: Model, params: ReturnType<typeof resolveParameters>, N: number): VoiReader {
  const svNames = model.stateVariables.map((s) => s.name);
  const flagged = model.stateVariables.filter((s) => s.variableOfInterest).map((s) => s.name);
  const outputs = model.outputTransforms.filter((o) => o.variableOfInterest);
  const names = [...flagged, ...outputs.map((o) => o.name)];
  return voiReaderFor(model, params, N, names.length ? names : svNames);
}

export function voiReaderFor(
  model: Model,
  params: ReturnType<typeof resolveParameters>,
  N: number,
  names: string[],
): VoiReader {
  const svIndex = names.map((n) => model.stateVariables.findIndex((s) => s.name === n));
  const outputExprs = names.flatMap((n, k) => {
    if (svIndex[k] >= 0) return [];
    const o = model.outputTransforms.find((t) => t.name === n);
    if (!o) throw new EngineError('unknown_variable', `unknown variable of interest "${n}"`, { variable: n });
    return [o.expr];
  });
  const outputs = outputExprs.length ? compileDfun(model, params, outputExprs) : undefined;
  const outBuf = new Float64Array(outputExprs.length * N);
  const noCoupling = new Float64Array(model.couplingInputs.length * N + N);
  return {
    names,
    read(X, out) {
      if (outputs) outputs(X, noCoupling, outBuf, N, 0);
      let o = 0;
      for (let k = 0; k < names.length; k++) {
        const v = svIndex[k];
        if (v >= 0) for (let i = 0; i < N; i++) out[k * N + i] = X[v * N + i];
        else {
          for (let i = 0; i < N; i++) out[k * N + i] = outBuf[o * N + i];
          o++;
        }
      }
    },
  };
}
