/**
 * Flow of one shooting segment with its variational equations (spec 03-tvbo §B8 "Periodic orbits"): RK4 on
 * (x, Φ = ∂x/∂x₀, S = ∂x/∂p) with Φ' = f_x Φ and S' = f_x S + f_p, so Φ and S are the exact derivatives of the
 * discrete RK4 map. Also tracks the componentwise min/max of x for the branch's amplitude columns.
 */
import type { PointContext } from './equilibrium.ts';

export type SegmentFlow = { x: Float64Array; Phi: Float64Array; S: Float64Array; min: Float64Array; max: Float64Array };

export type FlowContext = { ctx: PointContext; pIndex: number; freeIndex: number };

export function flowContext(ctx: PointContext, parameter: string): FlowContext {
  return {
    ctx,
    pIndex: ctx.system.parameterNames.indexOf(parameter),
    freeIndex: ctx.system.freeParameters.indexOf(parameter),
  };
}

export function vectorField(fc: FlowContext, x: Float64Array, p: number): Float64Array {
  const out = new Float64Array(x.length);
  fc.ctx.P[fc.pIndex] = p;
  fc.ctx.system.f(x, fc.ctx.P, fc.ctx.cin, out);
  return out;
}

export function flowSegment(fc: FlowContext, x0: Float64Array, p: number, tau: number, steps: number): SegmentFlow {
  const { ctx, pIndex, freeIndex } = fc;
  const n = ctx.system.n;
  const k = Math.max(1, ctx.system.freeParameters.length);
  const size = n + n * n + n;
  ctx.P[pIndex] = p;
  const f = new Float64Array(n);
  const Jx = new Float64Array(n * n);
  const Jp = new Float64Array(n * k);
  // A copy rather than `y.subarray`: a fresh view per call (8 per RK4 step) dominated the run time.
  const x = new Float64Array(n);
  const derivative = (y: Float64Array, dy: Float64Array): void => {
    for (let c = 0; c < n; c++) x[c] = y[c];
    ctx.system.f(x, ctx.P, ctx.cin, f);
    ctx.system.jacobian(x, ctx.P, ctx.cin, Jx, Jp);
    dy.set(f);
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < n; c++) {
        let s = 0;
        for (let m = 0; m < n; m++) s += Jx[r * n + m] * y[n + m * n + c];
        dy[n + r * n + c] = s;
      }
      let s = freeIndex >= 0 ? Jp[r * k + freeIndex] : 0;
      for (let m = 0; m < n; m++) s += Jx[r * n + m] * y[n + n * n + m];
      dy[n + n * n + r] = s;
    }
  };
  const y = new Float64Array(size);
  y.set(x0);
  for (let r = 0; r < n; r++) y[n + r * n + r] = 1;
  const [k1, k2, k3, k4, tmp] = Array.from({ length: 5 }, () => new Float64Array(size));
  const h = tau / steps;
  const min = x0.slice();
  const max = x0.slice();
  for (let s = 0; s < steps; s++) {
    derivative(y, k1);
    for (let c = 0; c < size; c++) tmp[c] = y[c] + (h / 2) * k1[c];
    derivative(tmp, k2);
    for (let c = 0; c < size; c++) tmp[c] = y[c] + (h / 2) * k2[c];
    derivative(tmp, k3);
    for (let c = 0; c < size; c++) tmp[c] = y[c] + h * k3[c];
    derivative(tmp, k4);
    for (let c = 0; c < size; c++) y[c] += (h / 6) * (k1[c] + 2 * k2[c] + 2 * k3[c] + k4[c]);
    for (let c = 0; c < n; c++) {
      if (y[c] < min[c]) min[c] = y[c];
      if (y[c] > max[c]) max[c] = y[c];
    }
  }
  return {
    x: y.slice(0, n),
    Phi: y.slice(n, n + n * n),
    S: y.slice(n + n * n),
    min,
    max,
  };
}
