/**
 * Equilibria of a single uncoupled node (spec 03-tvbo §B8 "System"): coupling inputs fixed (default 0), noise off.
 * Start by RK4 time integration (dt 0.01 ms) then Newton; fall back to Newton from the initial values and the domain
 * midpoints (warning `initial_state_fallback`).
 */
import { EngineError } from '../errors.ts';
import { type Eigenvalue, eigenvalues, solve } from '../linalg/dense.ts';
import { compilePointSystem, type PointSystem } from '../model/compile.ts';
import type { Model } from '../model/types.ts';

export type PointContext = { model: Model; system: PointSystem; P: Float64Array; cin: Float64Array };

export function pointContext(
  model: Model,
  freeParameters: string[] = [],
  parameters: Record<string, number> = {},
  couplingInputs: Record<string, number> = {},
): PointContext {
  const system = compilePointSystem(model, freeParameters);
  const P = system.defaultParameters();
  for (const [name, value] of Object.entries(parameters)) {
    const k = system.parameterNames.indexOf(name);
    if (k < 0) throw new EngineError('unknown_parameter', `unknown parameter "${name}"`, { parameter: name });
    P[k] = value;
  }
  const cin = new Float64Array(Math.max(1, model.couplingInputs.length));
  for (const [name, value] of Object.entries(couplingInputs)) {
    const input = model.couplingInputs.find((c) => c.name === name);
    if (!input) throw new EngineError('unknown_variable', `unknown coupling input "${name}"`, { variable: name });
    if (input.row >= 0) cin[input.row] = value;
  }
  return { model, system, P, cin };
}

export function jacobianAt(ctx: PointContext, x: Float64Array): Float64Array {
  const n = ctx.system.n;
  const Jx = new Float64Array(n * n);
  ctx.system.jacobian(x, ctx.P, ctx.cin, Jx, new Float64Array(n * Math.max(1, ctx.system.freeParameters.length)));
  return Jx;
}

/** Newton on f(x) = 0 at fixed parameters; undefined when it does not converge. */
export function newton(
  ctx: PointContext,
  start: Float64Array,
  tol = 1e-12,
  maxIterations = 50,
): Float64Array | undefined {
  const n = ctx.system.n;
  const x = start.slice();
  const f = new Float64Array(n);
  for (let it = 0; it < maxIterations; it++) {
    ctx.system.f(x, ctx.P, ctx.cin, f);
    const dx = solve(jacobianAt(ctx, x), f, n);
    if (!dx) return undefined;
    let step = 0;
    for (let k = 0; k < n; k++) {
      x[k] -= dx[k];
      step = Math.max(step, Math.abs(dx[k]));
    }
    if (!x.every(Number.isFinite)) return undefined;
    ctx.system.f(x, ctx.P, ctx.cin, f);
    const residual = Math.max(...Array.from(f, Math.abs));
    if (residual <= tol && step <= 1e-10 * (1 + Math.max(...Array.from(x, Math.abs)))) return x;
  }
  return undefined;
}

export function integrateRk4(ctx: PointContext, start: Float64Array, duration: number, dt = 0.01): Float64Array {
  const n = ctx.system.n;
  const x = start.slice();
  const [k1, k2, k3, k4, tmp] = Array.from({ length: 5 }, () => new Float64Array(n));
  const f = (y: Float64Array, out: Float64Array): void => ctx.system.f(y, ctx.P, ctx.cin, out);
  for (let s = 0; s < Math.round(duration / dt); s++) {
    f(x, k1);
    for (let k = 0; k < n; k++) tmp[k] = x[k] + (dt / 2) * k1[k];
    f(tmp, k2);
    for (let k = 0; k < n; k++) tmp[k] = x[k] + (dt / 2) * k2[k];
    f(tmp, k3);
    for (let k = 0; k < n; k++) tmp[k] = x[k] + dt * k3[k];
    f(tmp, k4);
    for (let k = 0; k < n; k++) x[k] += (dt / 6) * (k1[k] + 2 * k2[k] + 2 * k3[k] + k4[k]);
  }
  return x;
}

export type EquilibriumType = 'stable_node' | 'stable_focus' | 'unstable_node' | 'unstable_focus' | 'saddle' | 'center';

export function classify(eigs: Eigenvalue[], tol = 1e-10): EquilibriumType {
  const unstable = eigs.filter((e) => e.re > tol).length;
  const complex = eigs.some((e) => Math.abs(e.im) > tol);
  if (unstable > 0 && unstable < eigs.length && eigs.some((e) => e.re < -tol)) return 'saddle';
  if (eigs.every((e) => Math.abs(e.re) <= tol)) return 'center';
  if (unstable === 0) return complex ? 'stable_focus' : 'stable_node';
  return complex ? 'unstable_focus' : 'unstable_node';
}

export type Equilibrium = {
  x: Float64Array;
  eigenvalues: Eigenvalue[];
  stable: boolean;
  type: EquilibriumType;
  warnings: string[];
};

export function describeEquilibrium(ctx: PointContext, x: Float64Array, warnings: string[] = []): Equilibrium {
  const eigs = eigenvalues(jacobianAt(ctx, x), ctx.system.n);
  const type = classify(eigs);
  return { x, eigenvalues: eigs, stable: eigs.every((e) => e.re <= 1e-10), type, warnings };
}

export function findEquilibrium(
  ctx: PointContext,
  options: { method?: 'time_integration' | 'newton' | 'given'; duration?: number; values?: number[] } = {},
): Equilibrium {
  const svs = ctx.model.stateVariables;
  const initial = Float64Array.from(svs, (s) => s.initialValue);
  const midpoints = Float64Array.from(svs, (s) => (s.domain.lo + s.domain.hi) / 2);
  const starts: Float64Array[] = [];
  if (options.method === 'given' && options.values) starts.push(Float64Array.from(options.values));
  else if (options.method !== 'newton') starts.push(integrateRk4(ctx, initial, options.duration ?? 2000));
  starts.push(initial, midpoints);
  for (const [k, start] of starts.entries()) {
    const x = newton(ctx, start);
    if (x) return describeEquilibrium(ctx, x, k > 0 ? ['initial_state_fallback'] : []);
  }
  throw new EngineError('initial_point_not_converged', 'no equilibrium found from any starting point');
}
