import assert from 'node:assert/strict';
import { test } from 'node:test';
import { freeSymbols } from './ast.ts';
import { compileScalar } from './codegen-js.ts';
import { diff } from './diff.ts';
import { ExpressionError, parseExpression } from './parser.ts';
import { printSympy } from './print-sympy.ts';

const evaluate = (src: string, env: Record<string, number>): number =>
  compileScalar(parseExpression(src), Object.keys(env))(Object.values(env));

test('power binds tighter than unary minus and is right-associative', () => {
  assert.equal(evaluate('-x**2', { x: 3 }), -9);
  assert.equal(evaluate('2**3**2', {}), 512);
  assert.equal(evaluate('2**-1', {}), 0.5);
  assert.equal(evaluate('-2*3 + 4/2 - 1', {}), -5);
});

test('Piecewise picks the first true branch and yields NaN when none is true', () => {
  const src = 'Piecewise((1, x < 0), (2, x < 5), (3, x < 10))';
  assert.equal(evaluate(src, { x: -1 }), 1);
  assert.equal(evaluate(src, { x: 3 }), 2);
  assert.equal(evaluate(src, { x: 7 }), 3);
  assert.ok(Number.isNaN(evaluate(src, { x: 20 })));
  assert.equal(evaluate('Piecewise((x, (x > 0) & (x < 1)), (0, True))', { x: 0.5 }), 0.5);
  assert.equal(evaluate('Piecewise((x, And(x > 0, Not(x > 1))), (0, True))', { x: 2 }), 0);
});

test('caret is rejected with its column and a hint', () => {
  assert.throws(
    () => parseExpression('x^2'),
    (err: unknown) => err instanceof ExpressionError && err.column === 2 && /\*\*/.test(err.message),
  );
  assert.throws(() => parseExpression('(x + 1'), ExpressionError);
  assert.throws(() => parseExpression('x +'), ExpressionError);
  assert.throws(() => parseExpression('(a, b)'), ExpressionError);
});

test('builtins evaluate like Math', () => {
  assert.equal(evaluate('exp(x) + log(x) + sqrt(x)', { x: 2 }), Math.exp(2) + Math.log(2) + Math.sqrt(2));
  assert.equal(evaluate('Max(x, 3, 1) + Min(x, 0) + Abs(-x) + sign(-x)', { x: 2 }), 3 + 0 + 2 - 1);
  assert.equal(evaluate('Heaviside(x) + ceiling(0.2) + floor(1.7)', { x: -1 }), 2);
  assert.ok(Math.abs(evaluate('erf(1)', {}) - 0.8427007929497149) < 1e-15);
  assert.ok(Math.abs(evaluate('erfc(4)', {}) / 1.541725790028002e-8 - 1) < 1e-14);
});

test('printing then re-parsing yields an equal tree', () => {
  const sources = [
    '-x**2 + (a - b) - (c - d)',
    'a/(b*c)/d - -x',
    '(-x)**2**y',
    'Piecewise((a*x1**2 + x1*(-b + d), x1 < 0), (d*x1 - 0.6*(z - 4.0)**2, True))',
    '~(x < 1) & (y >= 2) | (z != 3)',
    'a - (b + c) + (d + e)',
    'cmin + (cmax - cmin)/(exp(r*(midpoint - (x_j[0] - x_j[1]))) + 1.0)',
    '1e-9*x + 2.5e+21',
  ];
  for (const src of sources) {
    const tree = parseExpression(src);
    assert.deepEqual(parseExpression(printSympy(tree)), tree, src);
  }
});

test('derivatives agree with central differences', () => {
  const cases = [
    'x**3*exp(-x) + sin(x)*cos(x)/tanh(x)',
    'sqrt(x**2 + 1) * atan(x) + asin(x/3) - acos(x/4)',
    'Abs(x - 0.2) + Max(x, 0.5) + Piecewise((x**2, x < 1), (2*x, True))',
    '2**x + x**x + log(x)/erf(x) + erfc(x/2)',
    'atan2(x, 1 + x**2) + sinh(x) - cosh(x/2) + tan(x/5)',
  ];
  for (const src of cases) {
    const e = parseExpression(src);
    const f = compileScalar(e, ['x']);
    const df = compileScalar(diff(e, 'x'), ['x']);
    for (const x of [0.3, 0.7, 1.3, 2.1]) {
      const h = 1e-6;
      const numeric = (f([x + h]) - f([x - h])) / (2 * h);
      assert.ok(Math.abs(df([x]) - numeric) <= 1e-6 * Math.max(1, Math.abs(numeric)), `${src} at ${x}`);
    }
  }
});

test('free symbols are collected in first-occurrence order', () => {
  assert.deepEqual([...freeSymbols(parseExpression('b*a + sin(c) + b'))], ['b', 'a', 'c']);
});
