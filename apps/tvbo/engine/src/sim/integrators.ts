/**
 * Integration schemes (spec 03-tvbo §B5). The held coupling `C` is constant across stages; noise
 * `n = g(X)·√dt·N(0,1)` is drawn once per step in [sv][node] order and reused in both Heun stages.
 */
import { EngineError } from '../errors.ts';
import type { Dfun } from '../model/compile.ts';
import type { Model } from '../model/types.ts';
import { Xoshiro256 } from './prng.ts';

export type NoiseConfig = {
  type?: 'additive' | 'multiplicative';
  /** Scalar, per state variable, or [sv][node]. */
  nsig: number | number[] | number[][];
  seed?: number;
  /** Multiplicative noise: g = sqrt(2·nsig)·(a·x + b). */
  b?: { a: number; b: number };
};

/** One step from time t with held coupling C; `stim` (sv-major, or null when zero) enters as `dt·stim` (§B5). */
export type Step = (X: Float64Array, C: Float64Array, t: number, stim: Float64Array | null) => void;

const ALIASES: Record<string, string> = {
  HeunDeterministic: 'Heun',
  EulerDeterministic: 'Euler',
  RungeKutta4thOrderDeterministic: 'RungeKutta4thOrder',
};
const SCHEMES = new Set(['Euler', 'Heun', 'RungeKutta4thOrder', 'Identity']);
const UNSUPPORTED = new Set(['Dopri5', 'Dopri853', 'VODE', 'VODEStochastic', 'RungeKutta45']);

type Options = {
  dfun: Dfun;
  dt: number;
  n: number;
  nSv: number;
  noise?: NoiseConfig;
  seed: number;
  warnings: string[];
  model: Model;
};

export function normalizeMethod(
  method: string,
  hasNoise: boolean,
  warnings: string[],
): { scheme: string; stochastic: boolean } {
  if (UNSUPPORTED.has(method))
    throw new EngineError('integrator_unsupported', `${method} (adaptive SciPy integrator) is not supported`);
  const stochasticName = method.endsWith('Stochastic');
  const base = ALIASES[method] ?? (stochasticName ? method.slice(0, -'Stochastic'.length) : method);
  if (!SCHEMES.has(base)) throw new EngineError('unknown_integrator', `unknown integrator "${method}"`, { method });
  if (stochasticName && !hasNoise) throw new EngineError('noise_missing', `${method} needs a noise configuration`);
  if (!stochasticName && hasNoise) warnings.push('stochastic_variant_used');
  return { scheme: base, stochastic: hasNoise };
}

/** Per-entry `sqrt(2·nsig)·sqrt(dt)` for the sv-major state layout. */
function noiseScale(noise: NoiseConfig, nSv: number, n: number, dt: number): Float64Array {
  const out = new Float64Array(nSv * n);
  const nsig = noise.nsig;
  for (let v = 0; v < nSv; v++) {
    for (let i = 0; i < n; i++) {
      let value: number;
      if (typeof nsig === 'number') value = nsig;
      else if (nsig.length === nSv && Array.isArray(nsig[v])) {
        const row = nsig[v] as number[];
        if (row.length !== n) throw new EngineError('noise_shape', `nsig rows need ${n} nodes`);
        value = row[i];
      } else if (nsig.length === nSv) value = nsig[v] as number;
      else if (nsig.length === 1) value = nsig[0] as number;
      else throw new EngineError('noise_shape', `nsig must be a scalar, ${nSv} values or [${nSv}][${n}]`);
      if (!(value >= 0)) throw new EngineError('noise_shape', 'nsig must be non-negative');
      out[v * n + i] = Math.sqrt(2 * value) * Math.sqrt(dt);
    }
  }
  return out;
}

export function createIntegrator(method: string, o: Options): Step {
  const { scheme, stochastic } = normalizeMethod(method, o.noise !== undefined, o.warnings);
  const { dfun, dt, n } = o;
  const size = o.nSv * n;
  const k1 = new Float64Array(size);
  const k2 = new Float64Array(size);
  const k3 = new Float64Array(size);
  const k4 = new Float64Array(size);
  const tmp = new Float64Array(size);
  const dW = new Float64Array(size);
  let drawNoise: (X: Float64Array) => void = () => {};
  if (stochastic && o.noise) {
    const scale = noiseScale(o.noise, o.nSv, n, dt);
    const rng = new Xoshiro256(o.seed);
    const mult = o.noise.type === 'multiplicative' ? (o.noise.b ?? { a: 1, b: 0 }) : undefined;
    drawNoise = (X) => {
      for (let c = 0; c < size; c++) dW[c] = rng.normal() * scale[c];
      if (mult) for (let c = 0; c < size; c++) dW[c] *= mult.a * X[c] + mult.b;
    };
  }
  switch (scheme) {
    case 'Euler':
      return (X, C, t, stim) => {
        drawNoise(X);
        dfun(X, C, k1, n, t);
        addStimulus(k1, stim);
        for (let c = 0; c < size; c++) X[c] += dt * k1[c] + dW[c];
      };
    case 'Heun':
      return (X, C, t, stim) => {
        drawNoise(X);
        dfun(X, C, k1, n, t);
        for (let c = 0; c < size; c++) tmp[c] = X[c] + dt * k1[c] + dW[c];
        if (stim) for (let c = 0; c < size; c++) tmp[c] += dt * stim[c];
        dfun(tmp, C, k2, n, t + dt);
        const half = dt / 2;
        for (let c = 0; c < size; c++) X[c] += half * (k1[c] + k2[c]) + dW[c];
        if (stim) for (let c = 0; c < size; c++) X[c] += dt * stim[c];
      };
    case 'RungeKutta4thOrder':
      return (X, C, t, stim) => {
        drawNoise(X);
        const half = dt / 2;
        dfun(X, C, k1, n, t);
        for (let c = 0; c < size; c++) tmp[c] = X[c] + half * k1[c];
        dfun(tmp, C, k2, n, t + half);
        for (let c = 0; c < size; c++) tmp[c] = X[c] + half * k2[c];
        dfun(tmp, C, k3, n, t + half);
        for (let c = 0; c < size; c++) tmp[c] = X[c] + dt * k3[c];
        dfun(tmp, C, k4, n, t + dt);
        const sixth = dt / 6;
        for (let c = 0; c < size; c++) X[c] += sixth * (k1[c] + 2 * k2[c] + 2 * k3[c] + k4[c]) + dW[c];
        if (stim) for (let c = 0; c < size; c++) X[c] += dt * stim[c];
      };
    default:
      return (X, C, t, stim) => {
        drawNoise(X);
        dfun(X, C, k1, n, t);
        addStimulus(k1, stim);
        for (let c = 0; c < size; c++) X[c] = k1[c] + dW[c];
      };
  }
}

function addStimulus(derivative: Float64Array, stim: Float64Array | null): void {
  if (stim) for (let c = 0; c < derivative.length; c++) derivative[c] += stim[c];
}
