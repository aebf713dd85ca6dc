/**
 * Compiles a normalised model to JavaScript (spec 03-tvbo §B2 "JS codegen"):
 * - `dfun(X, C, out, N, t)`: network right-hand side over sv-major arrays (`X[v*N+i]`), scalar parameters as
 *   literals so V8 can fold them, per-node parameters as array reads;
 * - a single-node point system with symbolic Jacobians `∂f/∂x`, `∂f/∂p` for continuation and equilibria, built by
 *   the chain rule over derived quantities so code size stays linear in the model (no inlining blow-up).
 */

import { EngineError } from '../errors.ts';
import { type Expr, freeSymbols, num, transform } from '../expr/ast.ts';
import { compileScalar, jsLib, jsNumber, toJs } from '../expr/codegen-js.ts';
import { diff } from '../expr/diff.ts';
import type { Model } from './types.ts';

export type ParameterOverrides = Record<string, number | ArrayLike<number>>;
export type Dfun = (X: Float64Array, C: Float64Array, out: Float64Array, N: number, t: number) => void;

export type ResolvedParameters = { scalar: Map<string, number>; perNode: Map<string, Float64Array> };

/** Applies overrides and evaluates derived parameters (once, in topological order; per node when needed). */
export function resolveParameters(model: Model, overrides: ParameterOverrides = {}, nNodes = 1): ResolvedParameters {
  const scalar = new Map<string, number>();
  const perNode = new Map<string, Float64Array>();
  const known = new Set(model.parameters.map((p) => p.name));
  for (const key of Object.keys(overrides)) {
    if (!known.has(key)) throw new EngineError('unknown_parameter', `unknown parameter "${key}"`, { parameter: key });
  }
  for (const p of model.parameters) {
    const o = overrides[p.name];
    if (o === undefined) scalar.set(p.name, p.value);
    else if (typeof o === 'number') scalar.set(p.name, o);
    else {
      if (o.length !== nNodes) {
        throw new EngineError('parameter_shape', `"${p.name}" needs ${nNodes} values, got ${o.length}`, {
          parameter: p.name,
        });
      }
      perNode.set(p.name, Float64Array.from(o));
    }
  }
  for (const d of model.derivedParameters) {
    const deps = [...freeSymbols(d.expr)].filter((s) => scalar.has(s) || perNode.has(s));
    const f = compileScalar(d.expr, [...deps, 'pi', 'E']);
    const value = (i: number): number =>
      f([...deps.map((s) => (perNode.has(s) ? perNode.get(s)![i] : scalar.get(s)!)), Math.PI, Math.E]);
    if (deps.some((s) => perNode.has(s)))
      perNode.set(
        d.name,
        Float64Array.from({ length: nNodes }, (_, i) => value(i)),
      );
    else scalar.set(d.name, value(0));
  }
  return { scalar, perNode };
}

function constantSymbol(name: string): string | undefined {
  if (name === 'local_coupling') return '0';
  if (name === 'pi') return jsNumber(Math.PI);
  if (name === 'E') return jsNumber(Math.E);
  if (name === 't') return 't';
  return undefined;
}

/** Number of coupling rows the model reads (rows bound to referenced coupling inputs). */
export const couplingRowCount = (model: Model): number => model.couplingInputs.filter((c) => c.row >= 0).length;

/**
 * Coupling rows the model reads once its scalar parameters are substituted and simplified: MontbrioPazoRoxin's
 * `cv*c_pop1` with the default cv = 0 reads no second row, so the simulator need not compute it.
 */
export function couplingRowsRead(model: Model, params: ResolvedParameters): Set<number> {
  const local = new Set([
    ...model.stateVariables.map((s) => s.name),
    ...model.derivedVariables.map((d) => d.name),
    ...params.perNode.keys(),
  ]);
  const substitute = (name: string): Expr | undefined => {
    if (local.has(name)) return undefined;
    const value = params.scalar.get(name);
    return value === undefined ? undefined : num(value);
  };
  const used = new Set<string>();
  for (const item of [...model.derivedVariables, ...model.stateVariables]) {
    freeSymbols(transform(item.expr, substitute), used);
  }
  const rows = new Set<number>();
  for (const c of model.couplingInputs) if (c.row >= 0 && used.has(c.name) && !local.has(c.name)) rows.add(c.row);
  return rows;
}

/**
 * `targets` replaces the state derivatives by other expressions over the same scope (output transforms for monitors).
 */
export function compileDfun(model: Model, params: ResolvedParameters, targets?: Expr[]): Dfun {
  const sv = new Map(model.stateVariables.map((s, k) => [s.name, `s${k}`]));
  const dv = new Map(model.derivedVariables.map((d, k) => [d.name, `d${k}`]));
  const input = new Map(model.couplingInputs.map((c) => [c.name, c.row >= 0 ? `c${c.row}` : '0']));
  const perNodeNames = [...params.perNode.keys()];
  const perNode = new Map(perNodeNames.map((n, k) => [n, `q${k}`]));
  const symbol = (name: string): string => {
    const hit = sv.get(name) ?? dv.get(name) ?? perNode.get(name);
    if (hit) return hit;
    const s = params.scalar.get(name);
    if (s !== undefined) return jsNumber(s);
    return input.get(name) ?? constantSymbol(name) ?? fail(name);
  };
  const lines: string[] = [];
  model.stateVariables.forEach((_, k) => {
    lines.push(`const s${k} = X[${k} * N + i];`);
  });
  for (const c of model.couplingInputs) if (c.row >= 0) lines.push(`const c${c.row} = C[${c.row} * N + i];`);
  perNodeNames.forEach((_, k) => {
    lines.push(`const q${k} = pn[${k}][i];`);
  });
  model.derivedVariables.forEach((d, k) => {
    lines.push(`const d${k} = ${toJs(d.expr, symbol)};`);
  });
  (targets ?? model.stateVariables.map((s) => s.expr)).forEach((e, k) => {
    lines.push(`out[${k} * N + i] = ${toJs(e, symbol)};`);
  });
  const src = `return function dfun(X, C, out, N, t) {\n for (let i = 0; i < N; i++) {\n  ${lines.join('\n  ')}\n }\n};`;
  return new Function('lib', 'pn', src)(
    jsLib,
    perNodeNames.map((n) => params.perNode.get(n)),
  );
}

function fail(name: string): never {
  throw new EngineError('undefined_symbol', `unresolved symbol "${name}"`);
}

/**
 * Single-node system for equilibria and continuation: parameters live in an array `P` (model declaration order)
 * so they can vary; coupling inputs are fixed values `cin` (by coupling row).
 */
export type PointSystem = {
  n: number;
  parameterNames: string[];
  freeParameters: string[];
  /** f(x) into `out`. */
  f(x: Float64Array, P: Float64Array, cin: Float64Array, out: Float64Array): void;
  /** Jx (n×n row-major) and Jp (n×k row-major, k = free parameters). */
  jacobian(x: Float64Array, P: Float64Array, cin: Float64Array, Jx: Float64Array, Jp: Float64Array): void;
  defaultParameters(): Float64Array;
};

export function compilePointSystem(model: Model, freeParameters: string[] = []): PointSystem {
  const parameterNames = model.parameters.map((p) => p.name);
  for (const fp of freeParameters) {
    if (!parameterNames.includes(fp))
      throw new EngineError('unknown_parameter', `unknown parameter "${fp}"`, { parameter: fp });
  }
  const names = new Map<string, string>();
  // Later entries win: this is the §B1 resolution order read backwards.
  for (const c of model.couplingInputs) names.set(c.name, c.row >= 0 ? `cin[${c.row}]` : '0');
  model.parameters.forEach((p, k) => {
    names.set(p.name, `p${k}`);
  });
  model.derivedParameters.forEach((d, k) => {
    names.set(d.name, `e${k}`);
  });
  model.derivedVariables.forEach((d, k) => {
    names.set(d.name, `d${k}`);
  });
  model.stateVariables.forEach((s, k) => {
    names.set(s.name, `s${k}`);
  });
  const symbol = (name: string): string => names.get(name) ?? constantSymbol(name) ?? fail(name);

  const head: string[] = [];
  model.parameters.forEach((_, k) => {
    head.push(`const p${k} = P[${k}];`);
  });
  model.stateVariables.forEach((_, k) => {
    head.push(`const s${k} = x[${k}];`);
  });
  head.push('const t = 0;');
  const locals = [...model.derivedParameters, ...model.derivedVariables];
  for (const l of locals) head.push(`const ${names.get(l.name)} = ${toJs(l.expr, symbol)};`);

  const fBody = model.stateVariables.map((s, k) => `out[${k}] = ${toJs(s.expr, symbol)};`);

  // Chain rule: g[m][v] = ∂local_m/∂v including the dependence through earlier locals.
  const variables = [...model.stateVariables.map((s) => s.name), ...freeParameters];
  const grad = new Map<string, Map<string, string>>();
  const jacLines: string[] = [];
  let counter = 0;
  const totalDerivative = (e: Expr, v: string): string | undefined => {
    const terms: string[] = [];
    const direct = diff(e, v);
    if (!(direct.kind === 'num' && direct.value === 0)) terms.push(toJs(direct, symbol));
    for (const dep of freeSymbols(e)) {
      const g = grad.get(dep)?.get(v);
      if (!g) continue;
      const partial = diff(e, dep);
      if (partial.kind === 'num' && partial.value === 0) continue;
      terms.push(`${toJs(partial, symbol)} * ${g}`);
    }
    return terms.length ? terms.join(' + ') : undefined;
  };
  for (const l of locals) {
    const row = new Map<string, string>();
    for (const v of variables) {
      const d = totalDerivative(l.expr, v);
      if (d === undefined) continue;
      const id = `g${counter++}`;
      jacLines.push(`const ${id} = ${d};`);
      row.set(v, id);
    }
    grad.set(l.name, row);
  }
  const n = model.stateVariables.length;
  model.stateVariables.forEach((s, r) => {
    variables.forEach((v, c) => {
      const d = totalDerivative(s.expr, v);
      const target = c < n ? `Jx[${r * n + c}]` : `Jp[${r * freeParameters.length + (c - n)}]`;
      jacLines.push(`${target} = ${d ?? '0'};`);
    });
  });

  // biome-ignore lint/suspicious/noExplicitAny: generated functions are typed at their use sites below.
  const build = (params: string, body: string[]): any =>
    new Function('lib', `return function (${params}) {\n${head.join('\n')}\n${body.join('\n')}\n};`)(jsLib);
  const f = build('x, P, cin, out', fBody);
  const jacobian = build('x, P, cin, Jx, Jp', jacLines);
  const defaults = Float64Array.from(model.parameters.map((p) => p.value));
  return { n, parameterNames, freeParameters, f, jacobian, defaultParameters: () => defaults.slice() };
}
