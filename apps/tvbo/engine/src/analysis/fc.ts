/** Functional connectivity (spec 03-tvbo §B7): Pearson matrix over nodes and its agreement with a target matrix. */

export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let k = 0; k < n; k++) {
    ma += a[k] / n;
    mb += b[k] / n;
  }
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let k = 0; k < n; k++) {
    const da = a[k] - ma;
    const db = b[k] - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return sab / Math.sqrt(saa * sbb);
}

/** `series[node]` time series → N×N row-major Pearson matrix. */
export function fcMatrix(series: ArrayLike<number>[]): Float64Array {
  const n = series.length;
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    out[i * n + i] = 1;
    for (let j = i + 1; j < n; j++) out[i * n + j] = out[j * n + i] = pearson(series[i], series[j]);
  }
  return out;
}

/** Pearson r between the strict upper triangles (k = 1) of two N×N matrices. */
export function fcCorrelation(fc: Float64Array, target: Float64Array, n: number): number {
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      a.push(fc[i * n + j]);
      b.push(target[i * n + j]);
    }
  }
  return pearson(a, b);
}

/** Node time series of one VOI from a monitor's flat `[time][voi][node]` data. */
export function nodeSeries(data: Float64Array, nTime: number, nVoi: number, nNodes: number, voi = 0): Float64Array[] {
  return Array.from({ length: nNodes }, (_, i) =>
    Float64Array.from({ length: nTime }, (_, t) => data[(t * nVoi + voi) * nNodes + i]),
  );
}
