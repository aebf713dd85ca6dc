/**
 * Network structure with TVB semantics (spec 03-tvbo §B4): `W[i][j]` is the weight from source j into receiver i,
 * delays `rint(L_ij / speed / dt)` rounded half to even, horizon = max idelay over all entries + 1, CSR rows keep
 * only non-zero weights.
 */
import { EngineError } from '../errors.ts';

export type Connectome = {
  n: number;
  weights: Float64Array;
  lengths: Float64Array;
  labels?: string[];
  centres?: Float64Array;
};

export type NetworkOptions = { dt: number; speed?: number; delays?: boolean; normalize?: 'none' | 'max' | 'region' };

export type Network = {
  n: number;
  horizon: number;
  rowPtr: Int32Array;
  col: Int32Array;
  weight: Float64Array;
  idelay: Int32Array;
  /** idelay_ii, needed by couplings that read a node's own delayed value. */
  selfDelay: Int32Array;
};

/** numpy.rint: round half to even. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x - Math.trunc(x)) === 0.5 ? 2 * Math.round(x / 2) : r;
}

export function connectomeFromRows(weights: number[][], lengths?: number[][]): Connectome {
  const n = weights.length;
  const flat = (m: number[][], name: string): Float64Array => {
    if (m.length !== n || m.some((row) => row.length !== n)) {
      throw new EngineError('connectivity_invalid', `${name} must be ${n}×${n}`);
    }
    return Float64Array.from(m.flat());
  };
  return {
    n,
    weights: flat(weights, 'weights'),
    lengths: lengths ? flat(lengths, 'tract_lengths') : new Float64Array(n * n),
  };
}

export function validateConnectome(c: Connectome): void {
  if (c.weights.length !== c.n * c.n || c.lengths.length !== c.n * c.n) {
    throw new EngineError('connectivity_invalid', 'weights and tract lengths must be square and of equal size');
  }
  for (let k = 0; k < c.weights.length; k++) {
    if (!Number.isFinite(c.weights[k]) || c.weights[k] < 0 || !Number.isFinite(c.lengths[k]) || c.lengths[k] < 0) {
      throw new EngineError('connectivity_invalid', `weights and lengths must be finite and non-negative (entry ${k})`);
    }
  }
}

export function buildNetwork(c: Connectome, options: NetworkOptions): Network {
  validateConnectome(c);
  const { n } = c;
  const speed = options.speed ?? 3.0;
  if (!(speed > 0)) throw new EngineError('connectivity_invalid', 'conduction speed must be > 0');
  const useDelays = options.delays ?? true;
  let scale = 1;
  if (options.normalize === 'max') scale = 1 / Math.max(...c.weights.map(Math.abs));
  if (options.normalize === 'region') {
    let maxRow = 0;
    for (let i = 0; i < n; i++) {
      let sum = 0;
      for (let j = 0; j < n; j++) sum += c.weights[i * n + j];
      maxRow = Math.max(maxRow, sum);
    }
    scale = 1 / maxRow;
  }
  const delayOf = (k: number): number => (useDelays ? roundHalfEven(c.lengths[k] / speed / options.dt) : 0);
  let horizon = 1;
  for (let k = 0; k < n * n; k++) horizon = Math.max(horizon, delayOf(k) + 1);
  const rowPtr = new Int32Array(n + 1);
  const col: number[] = [];
  const weight: number[] = [];
  const idelay: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const w = c.weights[i * n + j];
      if (w !== 0) {
        col.push(j);
        weight.push(w * scale);
        idelay.push(delayOf(i * n + j));
      }
    }
    rowPtr[i + 1] = col.length;
  }
  const selfDelay = Int32Array.from({ length: n }, (_, i) => delayOf(i * n + i));
  return {
    n,
    horizon,
    rowPtr,
    col: Int32Array.from(col),
    weight: Float64Array.from(weight),
    idelay: Int32Array.from(idelay),
    selfDelay,
  };
}

/** A single uncoupled node (no connectivity given). */
export const singleNode = (): Connectome => ({ n: 1, weights: new Float64Array(1), lengths: new Float64Array(1) });
