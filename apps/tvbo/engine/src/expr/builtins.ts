/** Built-in functions of the expression language (spec 03-tvbo §B2): arity, JavaScript target and derivative rule. */
import { add, call, div, type Expr, mul, neg, num, pow, sub } from './ast.ts';

type Derivative = (args: Expr[], dargs: Expr[]) => Expr;

export type Builtin = { minArgs: number; maxArgs: number; js: string; derivative: Derivative };

const unary = (js: string, d: (u: Expr) => Expr): Builtin => ({
  minArgs: 1,
  maxArgs: 1,
  js,
  derivative: ([u], [du]) => mul(d(u), du),
});
const ZERO_DERIVATIVE: Derivative = () => num(0);
const square = (u: Expr): Expr => pow(u, num(2));

/** Min/Max are differentiated branch-wise: the derivative of the selected argument (ties pick the first). */
function extremumDerivative(pick: '<=' | '>='): Derivative {
  return (args, dargs) => {
    let value = args[0];
    let deriv = dargs[0];
    for (let k = 1; k < args.length; k++) {
      const cond: Expr = { kind: 'cmp', op: pick, left: value, right: args[k] };
      deriv = {
        kind: 'piecewise',
        pieces: [
          { value: deriv, cond },
          { value: dargs[k], cond: num(1) },
        ],
      };
      value = call(pick === '<=' ? 'Min' : 'Max', [value, args[k]]);
    }
    return deriv;
  };
}

export const BUILTINS: Record<string, Builtin> = {
  exp: unary('Math.exp', (u) => call('exp', [u])),
  log: unary('Math.log', (u) => div(num(1), u)),
  sqrt: unary('Math.sqrt', (u) => div(num(0.5), call('sqrt', [u]))),
  sin: unary('Math.sin', (u) => call('cos', [u])),
  cos: unary('Math.cos', (u) => neg(call('sin', [u]))),
  tan: unary('Math.tan', (u) => add(num(1), square(call('tan', [u])))),
  asin: unary('Math.asin', (u) => div(num(1), call('sqrt', [sub(num(1), square(u))]))),
  acos: unary('Math.acos', (u) => neg(div(num(1), call('sqrt', [sub(num(1), square(u))])))),
  atan: unary('Math.atan', (u) => div(num(1), add(num(1), square(u)))),
  sinh: unary('Math.sinh', (u) => call('cosh', [u])),
  cosh: unary('Math.cosh', (u) => call('sinh', [u])),
  tanh: unary('Math.tanh', (u) => sub(num(1), square(call('tanh', [u])))),
  Abs: unary('Math.abs', (u) => call('sign', [u])),
  erf: unary('lib.erf', (u) => mul(num(2 / Math.sqrt(Math.PI)), call('exp', [neg(square(u))]))),
  erfc: unary('lib.erfc', (u) => mul(num(-2 / Math.sqrt(Math.PI)), call('exp', [neg(square(u))]))),
  sign: { minArgs: 1, maxArgs: 1, js: 'Math.sign', derivative: ZERO_DERIVATIVE },
  floor: { minArgs: 1, maxArgs: 1, js: 'Math.floor', derivative: ZERO_DERIVATIVE },
  ceiling: { minArgs: 1, maxArgs: 1, js: 'Math.ceil', derivative: ZERO_DERIVATIVE },
  Heaviside: { minArgs: 1, maxArgs: 1, js: 'lib.heaviside', derivative: ZERO_DERIVATIVE },
  atan2: {
    minArgs: 2,
    maxArgs: 2,
    js: 'Math.atan2',
    derivative: ([y, x], [dy, dx]) => div(sub(mul(x, dy), mul(y, dx)), add(square(x), square(y))),
  },
  Min: { minArgs: 1, maxArgs: Number.POSITIVE_INFINITY, js: 'Math.min', derivative: extremumDerivative('<=') },
  Max: { minArgs: 1, maxArgs: Number.POSITIVE_INFINITY, js: 'Math.max', derivative: extremumDerivative('>=') },
};
