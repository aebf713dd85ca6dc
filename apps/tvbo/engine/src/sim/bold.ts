/**
 * TVB's Bold monitor (spec 03-tvbo §B6; tvb-root `monitors.py` Bold): an interim TemporalAverage over
 * `I = round(4/dt)` steps feeds a stock of `S = ceil(0.25·hrf_length)` samples, which is convolved with the
 * haemodynamic response kernel at every output step. Kernels as in TVB's `equations.py`: FirstOrderVolterra
 * (the default; output `(conv − 1)·k1·V0`), Gamma and DoubleExponential (normalised to their peak, times `a`)
 * and MixtureOfGammas (raw); the last three output the convolution itself.
 */
import { EngineError } from '../errors.ts';

/** FirstOrderVolterra constants (Friston et al. 2000): τs, τf in seconds; k1, V0 dimensionless. */
export const VOLTERRA = { tauS: 0.8, tauF: 0.4, k1: 5.6, V0: 0.02 };

export type HrfKernelName = 'FirstOrderVolterra' | 'Gamma' | 'DoubleExponential' | 'MixtureOfGammas';

/** TVB defaults of each kernel's parameters (times in seconds, frequencies in Hz). */
export const HRF_DEFAULTS: Record<HrfKernelName, Record<string, number>> = {
  FirstOrderVolterra: { tau_s: VOLTERRA.tauS, tau_f: VOLTERRA.tauF, k_1: VOLTERRA.k1, V_0: VOLTERRA.V0 },
  Gamma: { tau: 1.08, n: 3, a: 0.1 },
  DoubleExponential: { tau_1: 7.22, f_1: 0.03, amp_1: 0.1, tau_2: 7.4, f_2: 0.12, amp_2: 0.1, a: 0.1 },
  MixtureOfGammas: { a_1: 6, a_2: 13, l: 1, c: 0.4 },
};

/** G(t), t in seconds. */
export function volterraKernel(t: number, p = HRF_DEFAULTS.FirstOrderVolterra): number {
  const w = Math.sqrt(1 / p.tau_f - 1 / (4 * p.tau_s * p.tau_s));
  return (1 / 3) * Math.exp((-0.5 * t) / p.tau_s) * (Math.sin(w * t) / w);
}

function kernelFunction(name: HrfKernelName, p: Record<string, number>): (t: number) => number {
  switch (name) {
    case 'FirstOrderVolterra':
      return (t) => volterraKernel(t, p);
    case 'Gamma': {
      // TVB computes (n − 1)! by an integer loop over int(n).
      let factorial = 1;
      for (let i = 1; i < Math.trunc(p.n); i++) factorial *= i;
      return (t) => ((t / p.tau) ** (p.n - 1) * Math.exp(-t / p.tau)) / (p.tau * factorial);
    }
    case 'DoubleExponential':
      return (t) =>
        p.amp_1 * Math.exp(-t / p.tau_1) * Math.sin(2 * Math.PI * p.f_1 * t) -
        p.amp_2 * Math.exp(-t / p.tau_2) * Math.sin(2 * Math.PI * p.f_2 * t);
    case 'MixtureOfGammas': {
      const g1 = gammaFunction(p.a_1);
      const g2 = gammaFunction(p.a_2);
      return (t) =>
        ((p.l * t) ** (p.a_1 - 1) * Math.exp(-p.l * t)) / g1 -
        (p.c * (p.l * t) ** (p.a_2 - 1) * Math.exp(-p.l * t)) / g2;
    }
  }
}

/** Γ(x) by the Lanczos approximation (g = 7, n = 9): ~1e-15 relative for the kernel's shape parameters. */
export function gammaFunction(x: number): number {
  if (x < 0.5) return Math.PI / (Math.sin(Math.PI * x) * gammaFunction(1 - x));
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  const z = x - 1;
  let sum = c[0];
  for (let i = 1; i < 9; i++) sum += c[i] / (z + i);
  const t = z + 7.5;
  return Math.sqrt(2 * Math.PI) * t ** (z + 0.5) * Math.exp(-t) * sum;
}

export type HrfKernel = { name?: HrfKernelName; parameters?: Record<string, number> };

/** Kernel samples G_k = G(k·hrf_length/1000/S), k = 0…S−1 (hrf_length in ms). */
export function kernelSamples(hrfLength: number, kernel: HrfKernel = {}): Float64Array {
  const name = kernel.name ?? 'FirstOrderVolterra';
  const defaults = HRF_DEFAULTS[name];
  if (!defaults) throw new EngineError('invalid_request', `unknown HRF kernel "${name}"`);
  for (const key of Object.keys(kernel.parameters ?? {})) {
    if (!(key in defaults)) throw new EngineError('invalid_request', `${name} has no parameter "${key}"`);
  }
  const p = { ...defaults, ...kernel.parameters };
  const G = kernelFunction(name, p);
  const S = Math.ceil(0.25 * hrfLength);
  const samples = Float64Array.from({ length: S }, (_, k) => G((k * hrfLength) / 1000 / S));
  if (name === 'Gamma' || name === 'DoubleExponential') {
    let peak = -Infinity;
    for (const v of samples) peak = Math.max(peak, v);
    for (let k = 0; k < S; k++) samples[k] = (samples[k] / peak) * p.a;
  }
  return samples;
}

export type BoldFilter = {
  /** Feeds the VOIs after step s; returns the BOLD sample when s is an output step. */
  step(s: number, values: Float64Array): Float64Array | undefined;
};

export function boldFilter(
  dt: number,
  istep: number,
  width: number,
  hrfLength = 20000,
  kernel: HrfKernel = {},
): BoldFilter {
  if (dt > 8) throw new EngineError('bold_dt_too_large', `Bold needs dt ≤ 8 ms (got ${dt})`);
  const I = Math.round(4 / dt);
  const G = kernelSamples(hrfLength, kernel);
  const volterra = (kernel.name ?? 'FirstOrderVolterra') === 'FirstOrderVolterra';
  const k1V0 = volterra ? (kernel.parameters?.k_1 ?? VOLTERRA.k1) * (kernel.parameters?.V_0 ?? VOLTERRA.V0) : 1;
  const S = G.length;
  const interim = new Float64Array(I * width);
  const stock = new Float64Array(S * width);
  const out = new Float64Array(width);
  const mod = (a: number, b: number): number => ((a % b) + b) % b;
  let written = 0;
  return {
    step(s, values) {
      interim.set(values, mod((s % I) - 1, I) * width);
      if (s % I === 0) {
        written = mod((Math.floor(s / I) % S) - 1, S);
        for (let c = 0; c < width; c++) {
          let sum = 0;
          for (let k = 0; k < I; k++) sum += interim[k * width + c];
          stock[written * width + c] = sum / I;
        }
      }
      if (s % istep !== 0) return undefined;
      // G_rolled = roll(reverse(G), p): G_rolled[i] = reverse(G)[(i − p) mod S] = G[S − 1 − (i − p) mod S].
      out.fill(0);
      for (let i = 0; i < S; i++) {
        const g = G[S - 1 - mod(i - written, S)];
        for (let c = 0; c < width; c++) out[c] += g * stock[i * width + c];
      }
      if (volterra) for (let c = 0; c < width; c++) out[c] = (out[c] - 1) * k1V0;
      return out;
    },
  };
}
