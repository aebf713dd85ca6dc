/**
 * Pseudo-arclength continuation of equilibria in one parameter (spec 03-tvbo §B8) with detection of folds (LP:
 * sign change of the tangent's p-component), branch points (BP: sign change of det[f_x f_p; tᵀ]) and Hopf points
 * (HB: the number of unstable complex eigenvalues changes by 2), each located by Illinois regula falsi.
 */
import { determinant, type Eigenvalue, eigenvalues, solve } from '../linalg/dense.ts';
import type { PointContext } from './equilibrium.ts';
import { firstLyapunovCoefficient } from './hopf-normal-form.ts';

export type ContinuationSettings = {
  parameter: string;
  lo: number;
  hi: number;
  ds: number;
  dsMin: number;
  dsMax: number;
  maxSteps: number;
  newtonTol: number;
  newtonMaxIterations: number;
  tolStability: number;
  maxBisectionSteps: number;
  bothside: boolean;
  maxNorm: number;
};

export const DEFAULT_SETTINGS: Omit<ContinuationSettings, 'parameter' | 'lo' | 'hi'> = {
  ds: 0.01,
  dsMin: 1e-6,
  dsMax: 0.1,
  maxSteps: 400,
  newtonTol: 1e-10,
  newtonMaxIterations: 25,
  tolStability: 1e-10,
  maxBisectionSteps: 25,
  bothside: false,
  maxNorm: 1e4,
};

export type BranchPoint = {
  step: number;
  param: number;
  x: number[];
  stable: boolean;
  nUnstable: number;
  nImag: number;
  itnewton: number;
  ds: number;
  eigenvalues: Eigenvalue[];
};

export type SpecialPoint = {
  type: 'LP' | 'HB' | 'BP' | 'EP';
  label: string;
  index: number;
  param: number;
  x: number[];
  omega?: number;
  /** First Lyapunov coefficient at HB: < 0 supercritical, > 0 subcritical. */
  l1?: number;
};

export type Branch = { parameter: string; points: BranchPoint[]; specialPoints: SpecialPoint[]; stopReasons: string[] };

type State = { u: Float64Array; t: Float64Array; its: number; ds: number };

export function continueEquilibrium(ctx: PointContext, x0: Float64Array, settings: ContinuationSettings): Branch {
  const n = ctx.system.n;
  const pIndex = ctx.system.parameterNames.indexOf(settings.parameter);
  const f = new Float64Array(n);
  const Jx = new Float64Array(n * n);
  const Jp = new Float64Array(n);
  const evaluate = (u: Float64Array): void => {
    ctx.P[pIndex] = u[n];
    const x = u.subarray(0, n);
    ctx.system.f(x, ctx.P, ctx.cin, f);
    ctx.system.jacobian(x, ctx.P, ctx.cin, Jx, Jp);
  };
  /** [f_x f_p; vᵀ] as an (n+1)² matrix at the last evaluated point. */
  const bordered = (v: Float64Array): Float64Array => {
    const M = new Float64Array((n + 1) ** 2);
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < n; c++) M[r * (n + 1) + c] = Jx[r * n + c];
      M[r * (n + 1) + n] = Jp[r];
    }
    M.set(v, n * (n + 1));
    return M;
  };
  const tangent = (u: Float64Array, previous: Float64Array): Float64Array | undefined => {
    evaluate(u);
    const rhs = new Float64Array(n + 1);
    rhs[n] = 1;
    const t = solve(bordered(previous), rhs, n + 1);
    if (!t) return undefined;
    const norm = Math.hypot(...t);
    return t.map((v) => v / norm);
  };
  /** Newton on (f(u), tᵀ(u − anchor) − s) = 0. */
  const correct = (anchor: Float64Array, t: Float64Array, s: number): { u: Float64Array; its: number } | undefined => {
    const u = anchor.map((v, k) => v + s * t[k]);
    for (let it = 1; it <= settings.newtonMaxIterations; it++) {
      evaluate(u);
      const rhs = new Float64Array(n + 1);
      for (let r = 0; r < n; r++) rhs[r] = -f[r];
      let arc = -s;
      for (let k = 0; k <= n; k++) arc += t[k] * (u[k] - anchor[k]);
      rhs[n] = -arc;
      const du = solve(bordered(t), rhs, n + 1);
      if (!du) return undefined;
      for (let k = 0; k <= n; k++) u[k] += du[k];
      if (!u.every(Number.isFinite)) return undefined;
      evaluate(u);
      const residual = Math.max(...Array.from(f, Math.abs));
      const step = Math.max(...Array.from(du, Math.abs));
      const size = Math.max(...Array.from(u, Math.abs));
      if (residual <= settings.newtonTol && step <= settings.newtonTol * (1 + size)) return { u, its: it };
    }
    return undefined;
  };

  const spectrum = (u: Float64Array): Eigenvalue[] => {
    evaluate(u);
    return eigenvalues(Jx, n);
  };
  const complexUnstable = (eigs: Eigenvalue[]): number =>
    eigs.filter((e) => e.re > settings.tolStability && Math.abs(e.im) > 1e-12).length;
  const describe = (state: State, step: number): BranchPoint => {
    const eigs = spectrum(state.u);
    const nUnstable = eigs.filter((e) => e.re > settings.tolStability).length;
    return {
      step,
      param: state.u[n],
      x: Array.from(state.u.subarray(0, n)),
      stable: nUnstable === 0,
      nUnstable,
      nImag: complexUnstable(eigs),
      itnewton: state.its,
      ds: state.ds,
      eigenvalues: eigs,
    };
  };

  const start = new Float64Array(n + 1);
  start.set(x0);
  start[n] = ctx.P[pIndex];

  const run = (direction: 1 | -1): { states: State[]; stop: string } => {
    const e = new Float64Array(n + 1);
    e[n] = direction * Math.sign(settings.ds || 1);
    const t0 = tangent(start, e);
    if (!t0) return { states: [], stop: 'singular_start' };
    const states: State[] = [{ u: start.slice(), t: t0, its: 0, ds: 0 }];
    let ds = Math.abs(settings.ds);
    for (let step = 0; step < settings.maxSteps; step++) {
      const last = states[states.length - 1];
      const next = correct(last.u, last.t, ds);
      if (!next) {
        ds /= 2;
        if (ds < settings.dsMin) return { states, stop: 'step_too_small' };
        step--;
        continue;
      }
      const p = next.u[n];
      if (p < settings.lo || p > settings.hi) {
        const bound = p < settings.lo ? settings.lo : settings.hi;
        const onBound = correct(last.u, last.t, (ds * (bound - last.u[n])) / (p - last.u[n]));
        if (onBound) states.push({ u: onBound.u, t: tangent(onBound.u, last.t) ?? last.t, its: onBound.its, ds });
        return { states, stop: 'parameter_bound' };
      }
      const t = tangent(next.u, last.t);
      if (!t) return { states, stop: 'singular_tangent' };
      states.push({ u: next.u, t, its: next.its, ds });
      if (Math.max(...Array.from(next.u.subarray(0, n), Math.abs)) > settings.maxNorm)
        return { states, stop: 'max_norm' };
      if (next.its <= 3) ds = Math.min(1.3 * ds, settings.dsMax);
    }
    return { states, stop: 'max_steps' };
  };

  const forward = run(1);
  const backward = settings.bothside ? run(-1) : { states: [] as State[], stop: '' };
  const states = [...backward.states.slice(1).reverse(), ...forward.states];
  const points = states.map((s, k) => describe(s, k));
  const specialPoints: SpecialPoint[] = [];
  const counters: Record<string, number> = {};
  const lyapunovAt = (u: Float64Array, omega: number): number => {
    ctx.P[pIndex] = u[n];
    return firstLyapunovCoefficient(ctx, u.slice(0, n), omega);
  };
  const add = (type: SpecialPoint['type'], index: number, u: Float64Array, omega?: number): void => {
    counters[type] = (counters[type] ?? 0) + 1;
    specialPoints.push({
      type,
      label: `${type}${counters[type]}`,
      index,
      param: u[n],
      x: Array.from(u.subarray(0, n)),
      omega,
      l1: type === 'HB' && omega ? lyapunovAt(u, omega) : undefined,
    });
  };

  // Orient every tangent along the joined branch (the backward half was computed pointing the other way).
  const oriented = states.map((s, k) => (k < backward.states.length - 1 ? s.t.map((v) => -v) : s.t));
  const det = (k: number): number => {
    evaluate(states[k].u);
    return determinant(bordered(oriented[k]), n + 1);
  };
  for (let k = 0; k + 1 < states.length; k++) {
    const [A, B] = [states[k], states[k + 1]];
    const tA = oriented[k];
    const arc = tA.reduce((acc, v, i) => acc + v * (B.u[i] - A.u[i]), 0);
    const locate = (g: (u: Float64Array) => number): Float64Array => {
      let [s0, s1] = [0, arc];
      let [g0, g1] = [g(A.u), g(B.u)];
      let best = Math.abs(g0) < Math.abs(g1) ? A.u : B.u;
      let side = 0;
      for (let it = 0; it < settings.maxBisectionSteps; it++) {
        const s = (s0 * g1 - s1 * g0) / (g1 - g0);
        const c = correct(A.u, tA, s);
        if (!c) break;
        best = c.u;
        const gs = g(c.u);
        if (Math.abs(gs) <= 1e-12) break;
        if (Math.sign(gs) === Math.sign(g1)) {
          [s1, g1] = [s, gs];
          if (side === -1) g0 /= 2;
          side = -1;
        } else {
          [s0, g0] = [s, gs];
          if (side === 1) g1 /= 2;
          side = 1;
        }
      }
      return best;
    };
    if (Math.sign(oriented[k][n]) !== Math.sign(oriented[k + 1][n])) {
      add(
        'LP',
        k,
        locate((u) => tangent(u, tA)?.[n] ?? 0),
      );
    }
    if (Math.sign(det(k)) !== Math.sign(det(k + 1))) {
      const dA = det(k);
      const u = locate((v) => {
        evaluate(v);
        const t = tangent(v, tA) ?? tA;
        return determinant(bordered(t), n + 1) * Math.sign(dA);
      });
      const fold = specialPoints.at(-1);
      if (!(fold?.type === 'LP' && fold.index === k)) add('BP', k, u);
    }
    if (Math.abs(complexUnstable(spectrum(A.u)) - complexUnstable(spectrum(B.u))) === 2) {
      const eigsA = spectrum(A.u).filter((e) => e.im > 1e-12);
      const eigsB = spectrum(B.u).filter((e) => e.im > 1e-12);
      // The critical pair is the one whose real part changes sign between A and B.
      const pair = eigsA.reduce((best, e) => (Math.abs(e.re) < Math.abs(best.re) ? e : best), eigsA[0]);
      const match = (eigs: Eigenvalue[]): Eigenvalue =>
        eigs.reduce((best, e) => (Math.abs(e.im - pair.im) < Math.abs(best.im - pair.im) ? e : best), eigs[0]);
      if (eigsB.length > 0) {
        const u = locate((v) => match(spectrum(v).filter((e) => e.im > 1e-12)).re);
        add('HB', k, u, Math.abs(match(spectrum(u).filter((e) => e.im > 1e-12)).im));
      }
    }
  }
  if (states.length > 0) {
    add('EP', 0, states[0].u);
    add('EP', states.length - 1, states[states.length - 1].u);
  }
  return {
    parameter: settings.parameter,
    points,
    specialPoints,
    stopReasons: [backward.stop, forward.stop].filter(Boolean),
  };
}
