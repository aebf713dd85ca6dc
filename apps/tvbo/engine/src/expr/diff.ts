/**
 * Symbolic differentiation (spec 03-tvbo §B2). Callers substitute derived variables and user functions first,
 * so only state variables, parameters and builtins remain. Piecewise differentiates branch-wise with the same
 * conditions; step-like functions have derivative 0.
 */
import { add, call, div, type Expr, mul, neg, num, piecewise, pow, sub } from './ast.ts';
import { BUILTINS } from './builtins.ts';

const isZero = (e: Expr): boolean => e.kind === 'num' && e.value === 0;

export function diff(e: Expr, x: string): Expr {
  switch (e.kind) {
    case 'num':
    case 'index':
    case 'cmp':
    case 'logic':
    case 'not':
      return num(0);
    case 'sym':
      return num(e.name === x ? 1 : 0);
    case 'neg':
      return neg(diff(e.arg, x));
    case 'piecewise':
      return piecewise(e.pieces.map((p) => ({ value: diff(p.value, x), cond: p.cond })));
    case 'call': {
      const rule = BUILTINS[e.fn];
      if (!rule) throw new Error(`cannot differentiate unknown function ${e.fn}`);
      const dargs = e.args.map((a) => diff(a, x));
      if (dargs.every(isZero)) return num(0);
      return rule.derivative(e.args, dargs);
    }
    case 'bin': {
      const a = e.left;
      const b = e.right;
      const da = diff(a, x);
      const db = diff(b, x);
      switch (e.op) {
        case '+':
          return add(da, db);
        case '-':
          return sub(da, db);
        case '*':
          return add(mul(da, b), mul(a, db));
        case '/':
          if (isZero(db)) return div(da, b);
          return div(sub(mul(da, b), mul(a, db)), pow(b, num(2)));
        case '**':
          if (isZero(db)) {
            if (isZero(da)) return num(0);
            const lowered = b.kind === 'num' ? num(b.value - 1) : sub(b, num(1));
            return mul(mul(b, pow(a, lowered)), da);
          }
          if (isZero(da)) return mul(mul(e, call('log', [a])), db);
          return mul(e, add(mul(db, call('log', [a])), div(mul(b, da), a)));
      }
    }
  }
}
