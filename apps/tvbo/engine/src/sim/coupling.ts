/**
 * The eight TVB coupling functions (spec 03-tvbo §B5): `c_i = post(Σ_j w_ij · pre(x_i, x_j(t − d_ij)))`, compiled
 * into one generated loop over the CSR network and the history ring buffer. TVB defaults override the upstream YAML
 * values where they differ.
 */

import { EngineError } from '../errors.ts';
import { type Expr, freeSymbols } from '../expr/ast.ts';
import { jsLib, jsNumber, toJs } from '../expr/codegen-js.ts';
import { parseExpression } from '../expr/parser.ts';
import { toNumber } from '../model/normalize.ts';
import type { Network } from './connectivity.ts';

export type CouplingSpec = {
  name: string;
  pre: Expr;
  post: Expr;
  parameters: Record<string, number>;
  /** PreSigmoidal's dynamic mode has a second row that is not a weighted sum. */
  special?: 'pre-sigmoidal-dynamic';
};

type CatalogueEntry = { pre: string; post: string; parameters: Record<string, number>; aliases?: string[] };

export const COUPLING_CATALOGUE: Record<string, CatalogueEntry> = {
  Linear: { pre: 'x_j', post: 'a*gx + b', parameters: { a: 0.00390625, b: 0 } },
  Scaling: { pre: 'x_j', post: 'a*gx', parameters: { a: 0.00390625 } },
  HyperbolicTangent: {
    pre: 'a*(1 + tanh((b*x_j - midpoint)/sigma))',
    post: 'gx',
    parameters: { a: 1, b: 1, midpoint: 0, sigma: 1 },
  },
  Sigmoidal: {
    pre: 'x_j',
    post: 'cmin + (cmax - cmin)/(1 + exp(-a*(gx - midpoint)/sigma))',
    parameters: { cmin: -1, cmax: 1, midpoint: 0, a: 1, sigma: 230 },
  },
  SigmoidalJansenRit: {
    pre: 'cmin + (cmax - cmin)/(1 + exp(r*(midpoint - (x_j[0] - x_j[1]))))',
    post: 'a*gx',
    parameters: { cmin: 0, cmax: 0.005, midpoint: 6, r: 0.56, a: 1 },
  },
  PreSigmoidal: {
    pre: 'H*(Q + tanh(G*(P*x_j[0] - x_j[1])))',
    post: 'gx',
    parameters: { H: 0.5, Q: 1, G: 60, P: 1, theta: 0.5, dynamic: 1, globalT: 0 },
  },
  Difference: { pre: 'x_j - x_i', post: 'a*gx', parameters: { a: 0.1 } },
  Kuramoto: { pre: 'sin(x_j - x_i)', post: 'a*gx/N', parameters: { a: 1 }, aliases: ['KuramotoCoupling'] },
};

export function resolveCouplingName(name: string): string {
  if (COUPLING_CATALOGUE[name]) return name;
  const hit = Object.entries(COUPLING_CATALOGUE).find(([, e]) => e.aliases?.includes(name));
  if (!hit) throw new EngineError('unknown_coupling', `unknown coupling function "${name}"`, { name });
  return hit[0];
}

/**
 * Builds a coupling from the catalogue. `normalize` only affects Kuramoto: N_eff = node count instead of 1
 * (TVB divides by the number of coupling variables, which is 1).
 */
export function couplingFromCatalogue(
  name: string,
  overrides: Record<string, number> = {},
  options: { normalize?: boolean; nNodes?: number } = {},
): CouplingSpec {
  const canonical = resolveCouplingName(name);
  const entry = COUPLING_CATALOGUE[canonical];
  const parameters: Record<string, number> = { ...entry.parameters };
  for (const [k, v] of Object.entries(overrides)) {
    if (!(k in parameters) && !(canonical === 'Kuramoto' && k === 'N')) {
      throw new EngineError('unknown_parameter', `coupling ${canonical} has no parameter "${k}"`, { parameter: k });
    }
    parameters[k] = v;
  }
  if (canonical === 'Kuramoto' && overrides.N === undefined)
    parameters.N = options.normalize ? (options.nNodes ?? 1) : 1;
  let pre = entry.pre;
  let special: CouplingSpec['special'];
  if (canonical === 'PreSigmoidal') {
    if (parameters.dynamic) special = 'pre-sigmoidal-dynamic';
    else pre = 'H*(Q + tanh(G*(P*x_j - theta)))';
  }
  return { name: canonical, pre: parseExpression(pre), post: parseExpression(entry.post), parameters, special };
}

/** Upstream tvbo coupling-function YAML (`pre_expression`, `post_expression`, `parameters`) → spec. */
export function couplingFromDocument(doc: Record<string, unknown>): CouplingSpec {
  const name = String(doc.name ?? '');
  const rhs = (key: string): string => {
    const v = doc[key] as { rhs?: unknown } | undefined;
    return v && typeof v.rhs === 'string' ? v.rhs : key === 'pre_expression' ? 'x_j' : 'gx';
  };
  const parameters: Record<string, number> = {};
  const params = doc.parameters as Record<string, { value?: unknown }> | undefined;
  for (const [k, p] of Object.entries(params ?? {})) parameters[k] = toNumber(p?.value) ?? 0;
  return {
    name,
    pre: parseExpression(rhs('pre_expression')),
    post: parseExpression(rhs('post_expression')),
    parameters,
  };
}

const usesIndex = (e: Expr): boolean => JSON.stringify(e).includes('"kind":"index"');

/** Coupling rows produced for `nCvar` coupling variables. */
export const couplingRows = (spec: CouplingSpec, nCvar: number): number =>
  spec.special ? 2 : usesIndex(spec.pre) ? 1 : nCvar;

export type CouplingKernel = (buf: Float64Array, s: number, C: Float64Array) => void;

/**
 * Size of the history for K coupling variables. Each node's ring of H slots is stored twice in a row (slot t at
 * t and t + H), so the delayed read `(s − 1 − d) mod H` becomes `H + (s − 1) mod H − d` with no wrap test; this
 * halves the work of the hot edge loop. Slot t still holds step t mod H exactly as in TVB's ring buffer.
 */
export const historyLength = (nCvar: number, net: Network): number => Math.max(nCvar, 1) * net.n * 2 * net.horizon;

/** Index of slot t of coupling variable k at node j. */
export const historyIndex = (net: Network, k: number, j: number, t: number): number =>
  (k * net.n + j) * 2 * net.horizon + t;

/** Writes one step's coupling-variable values (`values[k*N + j]`) into slot `s mod H` of the history. */
export function writeHistory(buf: Float64Array, net: Network, nCvar: number, s: number, values: Float64Array): void {
  const H = net.horizon;
  const slot = s % H;
  for (let c = 0; c < nCvar * net.n; c++) {
    const at = c * 2 * H + slot;
    buf[at] = values[c];
    buf[at + H] = values[c];
  }
}

/**
 * Compiles the coupling for a network. The coupling for step s reads delayed values at slot `(s − 1 − d_ij) mod H`
 * and current ones (`x_i`) at `(s − 1) mod H`.
 */
/** `readRows`: rows the model reads; the others are never computed and stay 0 (default: all rows). */
export function compileCoupling(
  spec: CouplingSpec,
  net: Network,
  nCvar: number,
  readRows?: ReadonlySet<number>,
): CouplingKernel {
  const { n, horizon: H } = net;
  const span = 2 * H;
  const param = (name: string): string => {
    const v = spec.parameters[name];
    if (v === undefined) throw new EngineError('undefined_symbol', `coupling ${spec.name}: unknown symbol "${name}"`);
    return jsNumber(v);
  };
  const preSymbols = freeSymbols(spec.pre);
  const pre = toJs(
    spec.pre,
    (s) => (s === 'x_j' ? 'xj' : s === 'x_i' ? 'xi' : param(s)),
    (name, k) => {
      if (name !== 'x_j') throw new EngineError('undefined_symbol', `coupling ${spec.name}: only x_j can be indexed`);
      if (k >= nCvar) {
        throw new EngineError(
          'coupling_rows_mismatch',
          `coupling ${spec.name} reads x_j[${k}] but there are ${nCvar} coupling variables`,
        );
      }
      return `buf[${k * n * span} + at]`;
    },
  );
  const post = toJs(spec.post, (s) => (s === 'gx' ? 'gx' : param(s)));
  const rows = Array.from({ length: usesIndex(spec.pre) ? 1 : nCvar }, (_, k) => k).filter(
    (k) => !readRows || readRows.has(k),
  );
  // Per edge: start of the source node's mirrored ring plus H minus the delay.
  const offset = Int32Array.from(net.col, (j, e) => j * span + H - net.idelay[e]);
  const needsXi = preSymbols.has('x_i');
  const src = `
return function coupling(buf, s, C) {
  const base = (s - 1) % ${H};
  for (const k of [${rows.join(', ')}]) {
    const kOff = k * ${n * span} + base;
    for (let i = 0; i < ${n}; i++) {
      ${needsXi ? `const xi = buf[kOff + i * ${span}];` : ''}
      let gx = 0;
      const end = rowPtr[i + 1];
      for (let e = rowPtr[i]; e < end; e++) {
        const at = offset[e] + base;
        const xj = buf[kOff + offset[e]];
        gx += weight[e] * ${pre};
      }
      C[k * ${n} + i] = ${post};
    }
  }
};`;
  const kernel: CouplingKernel = new Function('lib', 'rowPtr', 'offset', 'weight', src)(
    jsLib,
    net.rowPtr,
    offset,
    net.weight,
  );
  if (spec.special !== 'pre-sigmoidal-dynamic') return kernel;
  return preSigmoidalDynamic(spec, net, kernel);
}

/** PreSigmoidal (dynamic): row 1 is each node's own (self-delayed) pre value, or its mean over nodes with `globalT`. */
function preSigmoidalDynamic(spec: CouplingSpec, net: Network, rowZero: CouplingKernel): CouplingKernel {
  const { n, horizon: H } = net;
  const { H: h, Q, G, P, globalT } = spec.parameters;
  return (buf, s, C) => {
    rowZero(buf, s, C);
    const base = (s - 1) % H;
    let mean = 0;
    for (let i = 0; i < n; i++) {
      const slot = H + base - net.selfDelay[i];
      const a = h * (Q + Math.tanh(G * (P * buf[i * 2 * H + slot] - buf[(n + i) * 2 * H + slot])));
      C[n + i] = a;
      mean += a / n;
    }
    if (globalT) C.fill(mean, n, 2 * n);
  };
}
