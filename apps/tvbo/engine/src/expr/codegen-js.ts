/**
 * AST → JavaScript source (spec 03-tvbo §B2). Symbols are mapped by the caller to compiler-chosen identifiers,
 * so generated code never contains input text; integer powers 2–4 become products, which V8 folds far better
 * than `Math.pow`.
 */
import type { Expr } from './ast.ts';
import { BUILTINS } from './builtins.ts';
import { erf, erfc, heaviside } from './special-functions.ts';

/** Runtime helpers that generated code reaches through its `lib` parameter. */
export const jsLib = {
  erf,
  erfc,
  heaviside,
  p2: (v: number): number => v * v,
  p3: (v: number): number => v * v * v,
  p4: (v: number): number => {
    const s = v * v;
    return s * s;
  },
};

export type SymbolMap = (name: string) => string;

export function jsNumber(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : '(-Infinity)';
  const s = String(v);
  return v < 0 || Object.is(v, -0) ? `(${s})` : s;
}

export function toJs(e: Expr, symbol: SymbolMap, index?: (name: string, k: number) => string): string {
  const rec = (x: Expr): string => toJs(x, symbol, index);
  switch (e.kind) {
    case 'num':
      return jsNumber(e.value);
    case 'sym':
      return symbol(e.name);
    case 'index':
      if (!index) throw new Error(`indexing ${e.name}[${e.index}] is only allowed in coupling functions`);
      return index(e.name, e.index);
    case 'neg':
      return `(-${rec(e.arg)})`;
    case 'not':
      return `(!${rec(e.arg)})`;
    case 'cmp': {
      const op = e.op === '==' ? '===' : e.op === '!=' ? '!==' : e.op;
      return `(${rec(e.left)} ${op} ${rec(e.right)})`;
    }
    case 'logic':
      return `(${rec(e.left)} ${e.op === 'and' ? '&&' : '||'} ${rec(e.right)})`;
    case 'piecewise':
      return `(${e.pieces.map((p) => `${rec(p.cond)} ? ${rec(p.value)} : `).join('')}NaN)`;
    case 'call': {
      const b = BUILTINS[e.fn];
      if (!b) throw new Error(`unknown function ${e.fn}`);
      return `${b.js}(${e.args.map(rec).join(', ')})`;
    }
    case 'bin': {
      if (e.op !== '**') return `(${rec(e.left)} ${e.op} ${rec(e.right)})`;
      const base = rec(e.left);
      if (e.right.kind === 'num') {
        const n = e.right.value;
        if (n === 2 || n === 3 || n === 4) return `lib.p${n}(${base})`;
        if (n === 1) return base;
        if (n === 0.5) return `Math.sqrt(${base})`;
        if (n === -1) return `(1 / ${base})`;
        if (n === -2) return `(1 / lib.p2(${base}))`;
      }
      return `Math.pow(${base}, ${rec(e.right)})`;
    }
  }
}

/** Compiles one expression over named inputs read from an array, e.g. for evaluating derived parameters. */
export function compileScalar(e: Expr, names: readonly string[]): (values: ArrayLike<number>) => number {
  const slot = new Map(names.map((n, i) => [n, i]));
  const body = toJs(e, (name) => {
    const i = slot.get(name);
    if (i === undefined) throw new Error(`unbound symbol ${name}`);
    return `v[${i}]`;
  });
  return new Function('lib', `return function (v) { return ${body}; };`)(jsLib);
}
