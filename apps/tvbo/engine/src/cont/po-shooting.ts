/**
 * Periodic orbits from a Hopf point by multiple shooting (spec 03-tvbo §B8 "Periodic orbits (native)").
 * Unknowns U = (X_0…X_{m−1}, T, p); residuals φ(X_k, T/m) − X_{k+1 mod m} and the phase condition
 * ⟨f(X_0^prev), X_0 − X_0^prev⟩ = 0; pseudo-arclength continuation in U. Floquet multipliers are the eigenvalues of
 * the monodromy product without the trivial one nearest 1. LPC (turn in p), PD (a real multiplier crosses −1) and
 * NS (a complex pair crosses the unit circle) are detected between consecutive points and placed by linear
 * interpolation of their test function.
 */
import { type Eigenvalue, eigenvalues, solve } from '../linalg/dense.ts';
import { jacobianAt, type PointContext } from './equilibrium.ts';
import { hopfEigenvector } from './hopf-normal-form.ts';
import { type FlowContext, flowContext, flowSegment, type SegmentFlow, vectorField } from './po-flow.ts';

export type OrbitSettings = {
  parameter: string;
  lo: number;
  hi: number;
  ds: number;
  dsMin: number;
  dsMax: number;
  maxSteps: number;
  newtonTol: number;
  newtonMaxIterations: number;
  segments: number;
  stepsPerPeriod: number;
  maxPeriod: number;
  deltaP: number;
};

export const DEFAULT_ORBIT_SETTINGS: Omit<OrbitSettings, 'parameter' | 'lo' | 'hi'> = {
  ds: 0.01,
  dsMin: 1e-6,
  dsMax: 0.1,
  maxSteps: 100,
  newtonTol: 1e-9,
  newtonMaxIterations: 12,
  segments: 8,
  stepsPerPeriod: 2000,
  maxPeriod: 1e5,
  deltaP: 0,
};

export type OrbitPoint = {
  step: number;
  param: number;
  period: number;
  x: number[];
  min: number[];
  max: number[];
  multipliers: Eigenvalue[];
  stable: boolean;
  itnewton: number;
  ds: number;
};

export type OrbitSpecialPoint = { type: 'LPC' | 'PD' | 'NS'; label: string; index: number; param: number };

export type OrbitBranch = {
  parameter: string;
  points: OrbitPoint[];
  specialPoints: OrbitSpecialPoint[];
  stopReasons: string[];
};

export type HopfSeed = { x: ArrayLike<number>; param: number; omega: number };

type Evaluation = { G: Float64Array; DG: Float64Array; flows: SegmentFlow[] };

export function continuePeriodicOrbit(ctx: PointContext, hopf: HopfSeed, settings: OrbitSettings): OrbitBranch {
  const fc: FlowContext = flowContext(ctx, settings.parameter);
  const n = ctx.system.n;
  const m = settings.segments;
  const size = m * n + 2;
  const steps = Math.max(1, Math.round(settings.stepsPerPeriod / m));
  let phaseRef: Float64Array = new Float64Array(n);
  let phaseDir: Float64Array = new Float64Array(n);

  /** Residuals (m·n + 1) and their Jacobian (m·n + 1) × size, row-major. */
  const evaluate = (U: Float64Array): Evaluation => {
    const T = U[m * n];
    const p = U[m * n + 1];
    const rows = m * n + 1;
    const G = new Float64Array(rows);
    const DG = new Float64Array(rows * size);
    const flows: SegmentFlow[] = [];
    for (let k = 0; k < m; k++) {
      const flow = flowSegment(fc, U.subarray(k * n, (k + 1) * n), p, T / m, steps);
      flows.push(flow);
      const next = ((k + 1) % m) * n;
      const fEnd = vectorField(fc, flow.x, p);
      for (let r = 0; r < n; r++) {
        const row = (k * n + r) * size;
        G[k * n + r] = flow.x[r] - U[next + r];
        for (let c = 0; c < n; c++) DG[row + k * n + c] += flow.Phi[r * n + c];
        DG[row + next + r] -= 1;
        DG[row + m * n] = fEnd[r] / m;
        DG[row + m * n + 1] = flow.S[r];
      }
    }
    for (let c = 0; c < n; c++) {
      G[m * n] += phaseDir[c] * (U[c] - phaseRef[c]);
      DG[m * n * size + c] = phaseDir[c];
    }
    return { G, DG, flows };
  };
  const bordered = (DG: Float64Array, v: Float64Array): Float64Array => {
    const M = new Float64Array(size * size);
    M.set(DG);
    M.set(v, (size - 1) * size);
    return M;
  };
  /** Tangent at a corrected point from its residual Jacobian; only the phase row depends on the (new) phase. */
  const tangent = (DG: Float64Array, previous: Float64Array): Float64Array | undefined => {
    const rhs = new Float64Array(size);
    rhs[size - 1] = 1;
    const M = bordered(DG, previous);
    M.fill(0, m * n * size, (m * n + 1) * size);
    M.set(phaseDir, m * n * size);
    const t = solve(M, rhs, size);
    if (!t) return undefined;
    const norm = Math.hypot(...t);
    return t.map((v) => v / norm);
  };
  const correct = (
    anchor: Float64Array,
    t: Float64Array,
    s: number,
  ): { U: Float64Array; its: number; flows: SegmentFlow[]; DG: Float64Array } | undefined => {
    const U = anchor.map((v, k) => v + s * t[k]);
    // Each evaluation (m flows with variational equations) serves both the convergence test of one iteration
    // and the Newton step of the next: the flows are nearly all of the run time.
    let current = evaluate(U);
    for (let it = 1; it <= settings.newtonMaxIterations; it++) {
      const { G, DG } = current;
      const rhs = new Float64Array(size);
      for (let r = 0; r < size - 1; r++) rhs[r] = -G[r];
      let arc = -s;
      for (let k = 0; k < size; k++) arc += t[k] * (U[k] - anchor[k]);
      rhs[size - 1] = -arc;
      const dU = solve(bordered(DG, t), rhs, size);
      if (!dU) return undefined;
      for (let k = 0; k < size; k++) U[k] += dU[k];
      if (!U.every(Number.isFinite) || !(U[m * n] > 0)) return undefined;
      current = evaluate(U);
      const residual = Math.max(...Array.from(current.G, Math.abs));
      const step = Math.max(...Array.from(dU, Math.abs));
      const scale = Math.max(...Array.from(U, Math.abs));
      if (residual <= settings.newtonTol * (1 + scale) && step <= settings.newtonTol * (1 + scale) * 10) {
        return { U, its: it, flows: current.flows, DG: current.DG };
      }
    }
    return undefined;
  };
  const setPhase = (U: Float64Array): void => {
    phaseRef = U.slice(0, n);
    phaseDir = vectorField(fc, phaseRef, U[m * n + 1]);
  };
  const describe = (U: Float64Array, flows: SegmentFlow[], step: number, its: number, ds: number): OrbitPoint => {
    let M = new Float64Array(n * n);
    for (let r = 0; r < n; r++) M[r * n + r] = 1;
    for (const flow of flows) {
      const product = new Float64Array(n * n);
      for (let r = 0; r < n; r++)
        for (let c = 0; c < n; c++)
          for (let k = 0; k < n; k++) product[r * n + c] += flow.Phi[r * n + k] * M[k * n + c];
      M = product;
    }
    const all = eigenvalues(M, n);
    const trivial = all.reduce(
      (best, e, k) => (Math.hypot(e.re - 1, e.im) < Math.hypot(all[best].re - 1, all[best].im) ? k : best),
      0,
    );
    const multipliers = all.filter((_, k) => k !== trivial);
    const min = Array.from({ length: n }, (_, c) => Math.min(...flows.map((f) => f.min[c])));
    const max = Array.from({ length: n }, (_, c) => Math.max(...flows.map((f) => f.max[c])));
    return {
      step,
      param: U[m * n + 1],
      period: U[m * n],
      x: Array.from(U.subarray(0, n)),
      min,
      max,
      multipliers,
      stable: multipliers.every((e) => Math.hypot(e.re, e.im) < 1 - 1e-6),
      itnewton: its,
      ds,
    };
  };

  // Seed (spec §B8): X_k = x_H + ε·Re(q·e^{2πik/m}), T = 2π/ω, p = p_H + delta_p.
  const xH = Float64Array.from(hopf.x);
  fc.ctx.P[fc.pIndex] = hopf.param;
  const q = hopfEigenvector(jacobianAt(ctx, xH), n, hopf.omega);
  const eps = 1e-3 * Math.max(1, Math.hypot(...xH));
  const seed = new Float64Array(size);
  const seedTangent = new Float64Array(size);
  for (let k = 0; k < m; k++) {
    const [cos, sin] = [Math.cos((2 * Math.PI * k) / m), Math.sin((2 * Math.PI * k) / m)];
    for (let r = 0; r < n; r++) {
      const direction = q.re[r] * cos - q.im[r] * sin;
      seed[k * n + r] = xH[r] + eps * direction;
      seedTangent[k * n + r] = direction;
    }
  }
  seed[m * n] = (2 * Math.PI) / hopf.omega;
  seed[m * n + 1] = hopf.param + settings.deltaP;
  const seedNorm = Math.hypot(...seedTangent);
  for (let k = 0; k < size; k++) seedTangent[k] /= seedNorm;
  setPhase(seed);
  // First point: the amplitude along the seed direction is pinned, T and p adjust.
  const first = correct(seed, seedTangent, 0);
  if (!first)
    return { parameter: settings.parameter, points: [], specialPoints: [], stopReasons: ['seed_not_converged'] };
  setPhase(first.U);
  const t0 = tangent(first.DG, seedTangent);
  if (!t0) return { parameter: settings.parameter, points: [], specialPoints: [], stopReasons: ['singular_start'] };

  const states = [{ U: first.U, t: t0 }];
  const points = [describe(first.U, first.flows, 0, first.its, 0)];
  let ds = Math.abs(settings.ds);
  let stop = 'max_steps';
  for (let step = 1; step <= settings.maxSteps; step++) {
    const last = states[states.length - 1];
    const next = correct(last.U, last.t, ds);
    if (!next) {
      ds /= 2;
      if (ds < settings.dsMin) {
        stop = 'step_too_small';
        break;
      }
      setPhase(last.U);
      step--;
      continue;
    }
    setPhase(next.U);
    const t = tangent(next.DG, last.t);
    if (!t) {
      stop = 'singular_tangent';
      break;
    }
    states.push({ U: next.U, t });
    points.push(describe(next.U, next.flows, step, next.its, ds));
    const p = next.U[m * n + 1];
    if (p < settings.lo || p > settings.hi) {
      stop = 'parameter_bound';
      break;
    }
    if (next.U[m * n] > settings.maxPeriod) {
      stop = 'max_period';
      break;
    }
    if (next.its <= 3) ds = Math.min(1.3 * ds, settings.dsMax);
  }
  return {
    parameter: settings.parameter,
    points,
    specialPoints: detectOrbitBifurcations(
      points,
      states.map((s) => s.t[size - 1]),
    ),
    stopReasons: [stop],
  };
}

const realBelowMinusOne = (mu: Eigenvalue[]): number => mu.filter((e) => Math.abs(e.im) < 1e-8 && e.re < -1).length;
const complexOutside = (mu: Eigenvalue[]): number =>
  mu.filter((e) => Math.abs(e.im) >= 1e-8 && Math.hypot(e.re, e.im) > 1).length;
/** The multiplier nearest the crossing, as a signed distance used for interpolation. */
const nearest = (mu: Eigenvalue[], g: (e: Eigenvalue) => number): number =>
  mu.map(g).reduce((best, v) => (Math.abs(v) < Math.abs(best) ? v : best), Number.POSITIVE_INFINITY);

function detectOrbitBifurcations(points: OrbitPoint[], tangentP: number[]): OrbitSpecialPoint[] {
  const found: OrbitSpecialPoint[] = [];
  const counters: Record<string, number> = {};
  const add = (type: OrbitSpecialPoint['type'], k: number, gA: number, gB: number): void => {
    const [A, B] = [points[k], points[k + 1]];
    const w = Number.isFinite(gA) && Number.isFinite(gB) && gA !== gB ? gA / (gA - gB) : 0.5;
    counters[type] = (counters[type] ?? 0) + 1;
    found.push({ type, label: `${type}${counters[type]}`, index: k, param: A.param + w * (B.param - A.param) });
  };
  for (let k = 0; k + 1 < points.length; k++) {
    const [A, B] = [points[k], points[k + 1]];
    if (Math.sign(tangentP[k]) !== Math.sign(tangentP[k + 1])) add('LPC', k, tangentP[k], tangentP[k + 1]);
    if (realBelowMinusOne(A.multipliers) !== realBelowMinusOne(B.multipliers)) {
      const g = (e: Eigenvalue): number => (Math.abs(e.im) < 1e-8 ? e.re + 1 : Number.POSITIVE_INFINITY);
      add('PD', k, nearest(A.multipliers, g), nearest(B.multipliers, g));
    }
    if (Math.abs(complexOutside(A.multipliers) - complexOutside(B.multipliers)) === 2) {
      const g = (e: Eigenvalue): number =>
        Math.abs(e.im) >= 1e-8 ? Math.hypot(e.re, e.im) - 1 : Number.POSITIVE_INFINITY;
      add('NS', k, nearest(A.multipliers, g), nearest(B.multipliers, g));
    }
  }
  return found;
}
