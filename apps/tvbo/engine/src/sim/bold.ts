/**
 * TVB's Bold monitor (spec 03-tvbo §B6; tvb-root `monitors.py` Bold with the FirstOrderVolterra kernel): an interim
 * TemporalAverage over `I = round(4/dt)` steps feeds a stock of `S = ceil(0.25·hrf_length)` samples, which is
 * convolved with the haemodynamic response kernel at every output step.
 */
import { EngineError } from '../errors.ts';

/** FirstOrderVolterra constants (Friston et al. 2000): τs, τf in seconds; k1, V0 dimensionless. */
export const VOLTERRA = { tauS: 0.8, tauF: 0.4, k1: 5.6, V0: 0.02 };

/** G(t), t in seconds. */
export function volterraKernel(t: number): number {
  const { tauS, tauF } = VOLTERRA;
  const w = Math.sqrt(1 / tauF - 1 / (4 * tauS * tauS));
  return (1 / 3) * Math.exp((-0.5 * t) / tauS) * (Math.sin(w * t) / w);
}

/** Kernel samples G_k = G(k·hrf_length/1000/S), k = 0…S−1 (hrf_length in ms). */
export function kernelSamples(hrfLength: number): Float64Array {
  const S = Math.ceil(0.25 * hrfLength);
  return Float64Array.from({ length: S }, (_, k) => volterraKernel((k * hrfLength) / 1000 / S));
}

export type BoldFilter = {
  /** Feeds the VOIs after step s; returns the BOLD sample when s is an output step. */
  step(s: number, values: Float64Array): Float64Array | undefined;
};

export function boldFilter(dt: number, istep: number, width: number, hrfLength = 20000): BoldFilter {
  if (dt > 8) throw new EngineError('bold_dt_too_large', `Bold needs dt ≤ 8 ms (got ${dt})`);
  const I = Math.round(4 / dt);
  const G = kernelSamples(hrfLength);
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
      for (let c = 0; c < width; c++) out[c] = (out[c] - 1) * VOLTERRA.k1 * VOLTERRA.V0;
      return out;
    },
  };
}
