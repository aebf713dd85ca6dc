import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { PYTHON_NUMPY, requireSystemTool } from '@platform/testing/system-tool.ts';
import { coreModels } from '../model/library.ts';
import type { Model } from '../model/types.ts';
import { type Expr, freeSymbols } from './ast.ts';
import { compileScalar } from './codegen-js.ts';
import { parseExpression } from './parser.ts';
import { printNumpy, pythonFloat } from './print-numpy.ts';

const same = (s: string): string => s;
const numpy = (src: string): string => printNumpy(parseExpression(src), same);

function modelExpressions(model: Model): Expr[] {
  return [
    ...model.derivedParameters,
    ...model.functions,
    ...model.derivedVariables,
    ...model.stateVariables,
    ...model.outputTransforms,
  ].map((item) => item.expr);
}

/** Evaluates printed expressions with numpy/scipy; each row of `inputs` binds `v[0]`, `v[1]`, … */
function evaluateInPython(python: string, printed: string[], inputs: number[][]): number[][] {
  const script = [
    'import json, sys, numpy, scipy.special',
    "numpy.seterr(all='ignore')",
    'for row in json.loads(sys.argv[1]):',
    '    v = numpy.array(row, dtype=float)',
    ...printed.map((p) => `    print(repr(float(${p})))`),
  ].join('\n');
  const run = spawnSync(python, ['-c', script, JSON.stringify(inputs)], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  const values = run.stdout.trim().split('\n').map(Number);
  return inputs.map((_, r) => values.slice(r * printed.length, (r + 1) * printed.length));
}

function assertClose(actual: number, expected: number, label: string): void {
  if (Number.isNaN(expected)) assert.ok(Number.isNaN(actual), `${label}: ${actual} vs NaN`);
  else
    assert.ok(
      Math.abs(actual - expected) <= 1e-12 * Math.max(1, Math.abs(expected)),
      `${label}: ${actual} vs ${expected}`,
    );
}

test('numbers print like Python float repr', () => {
  const cases: [number, string][] = [
    [2.5, '2.5'],
    [3, '3.0'],
    [1e-9, '1e-09'],
    [1.5e-7, '1.5e-07'],
    [0.0001, '0.0001'],
    [1e-5, '1e-05'],
    [1e15, '1000000000000000.0'],
    [1e16, '1e+16'],
    [2.5e21, '2.5e+21'],
    [1e100, '1e+100'],
    [-0.25, '-0.25'],
    [Number.NaN, 'numpy.nan'],
    [Number.NEGATIVE_INFINITY, '-numpy.inf'],
  ];
  for (const [v, expected] of cases) assert.equal(pythonFloat(v), expected, String(v));
});

test('symbols come only from the caller mapping', () => {
  const slots = new Map([
    ['V', 'state[0]'],
    ['pi', 'numpy.pi'],
  ]);
  assert.equal(
    printNumpy(parseExpression('pi*V**2'), (s) => slots.get(s)!),
    'numpy.pi * state[0]**2',
  );
  assert.throws(() => numpy('x_j[0]'), /coupling/);
  assert.throws(() => numpy('S(v)'), /no NumPy equivalent/);
});

test('operators and precedence', () => {
  const cases: [string, string][] = [
    ['-x**2', '-x**2'],
    ['(-x)**2', '(-x)**2'],
    ['x**-2', 'x**(-2)'],
    ['x**-y', 'x**(-y)'],
    ['x**0.5', 'x**0.5'],
    ['2**3**2', '2.0**3.0**2'],
    ['(2**3)**2', '(2.0**3)**2'],
    ['(-2)**x', '(-2.0)**x'],
    ['(a+b)*c', '(a + b) * c'],
    ['a/(b*c)', 'a / (b * c)'],
    ['a - (b - c)', 'a - (b - c)'],
    ['a - b - c', 'a - b - c'],
    ['a*-b', 'a * -b'],
    ['1e-9*x', '1e-09 * x'],
  ];
  for (const [src, expected] of cases) assert.equal(numpy(src), expected, src);
});

test('every builtin maps to numpy or scipy.special', () => {
  const cases: [string, string][] = [
    ['exp(x)', 'numpy.exp(x)'],
    ['log(x)', 'numpy.log(x)'],
    ['sqrt(x)', 'numpy.sqrt(x)'],
    ['sin(x)', 'numpy.sin(x)'],
    ['cos(x)', 'numpy.cos(x)'],
    ['tan(x)', 'numpy.tan(x)'],
    ['asin(x)', 'numpy.arcsin(x)'],
    ['acos(x)', 'numpy.arccos(x)'],
    ['atan(x)', 'numpy.arctan(x)'],
    ['atan2(y, x)', 'numpy.arctan2(y, x)'],
    ['sinh(x)', 'numpy.sinh(x)'],
    ['cosh(x)', 'numpy.cosh(x)'],
    ['tanh(x)', 'numpy.tanh(x)'],
    ['Abs(x)', 'numpy.abs(x)'],
    ['sign(x)', 'numpy.sign(x)'],
    ['Min(a, b)', 'numpy.minimum(a, b)'],
    ['Max(a, b, c)', 'numpy.maximum(numpy.maximum(a, b), c)'],
    ['2*Min(a + b)', '2.0 * (a + b)'],
    ['floor(x)', 'numpy.floor(x)'],
    ['ceiling(x)', 'numpy.ceil(x)'],
    ['Heaviside(x)', 'numpy.heaviside(x, 0.5)'],
    ['erf(x)', 'scipy.special.erf(x)'],
    ['erfc(x)', 'scipy.special.erfc(x)'],
  ];
  for (const [src, expected] of cases) assert.equal(numpy(src), expected, src);
});

test('comparisons, logic and Piecewise as nested numpy.where', () => {
  const cases: [string, string][] = [
    ['x < 1', 'x < 1.0'],
    ['x <= a + b', 'x <= a + b'],
    ['x != 1', 'x != 1.0'],
    ['(a < b) == (c < d)', '(a < b) == (c < d)'],
    [
      '(x < 1) & (y > 2) | ~(z > 3)',
      'numpy.logical_or(numpy.logical_and(x < 1.0, y > 2.0), numpy.logical_not(z > 3.0))',
    ],
    ['Piecewise((x, x < 0), (2, True))', 'numpy.where(x < 0.0, x, 2.0)'],
    [
      'Piecewise((x, x < 0), (x**2, x < 1), (2*x, True))',
      'numpy.where(x < 0.0, x, numpy.where(x < 1.0, x**2, 2.0 * x))',
    ],
    ['Piecewise((x, x < 0), (1, x > 1))', 'numpy.where(x < 0.0, x, numpy.where(x > 1.0, 1.0, numpy.nan))'],
    ['Piecewise((x, And(x > 0, True)), (0, True))', 'numpy.where(numpy.logical_and(x > 0.0, True), x, 0.0)'],
  ];
  for (const [src, expected] of cases) assert.equal(numpy(src), expected, src);
});

test('every core model expression prints', () => {
  let printed = 0;
  for (const model of coreModels().values()) {
    for (const expr of modelExpressions(model)) {
      assert.ok(printNumpy(expr, same).length > 0);
      printed++;
    }
  }
  assert.ok(printed >= 50, `only ${printed} expressions`);
});

test('python3 evaluates printed expressions like the JS compiler', (t) => {
  const python = requireSystemTool(t, PYTHON_NUMPY);
  if (!python) return;
  const sources = [
    '-x**2',
    '-x**-2 + (-x)**3 - 2**-x',
    '2**3**2 + (a + b)*x - a/(b*x) - (a - (b - x))',
    'x**2.5 + x**a',
    'Piecewise((x, x < 0.5), (x**2, x < 1), (2*x, True))',
    'Piecewise((x, x < 0.5), (a, x < 1))',
    'Piecewise((a, (x > 0) & ~(x > 2) | (b == 3)), (b, True))',
    'Piecewise((1, (x != a) & (x <= 1.9) & (x >= 0.3)), (0, True))',
    'erfc(x) + erf(x/3) + exp(-x) + log(x) + sqrt(x)',
    'sin(x) + cos(x) + tan(x) + asin(x/4) + acos(x/4) + atan(x) + atan2(a, x)',
    'sinh(x) + cosh(x) + tanh(x) + Abs(a - x) + sign(a - x) + sign(x - x)',
    'Min(a, b, x) + Max(a, x) + floor(x) + ceiling(x) + Heaviside(x - a) + Heaviside(x - x)',
    '1e-9*x + 2.5e21/x',
  ];
  const names = ['x', 'a', 'b'];
  const points = [
    [0.3, 1.5, -0.5],
    [0.75, 0.2, 2],
    [1.9, 1.9, 3],
  ];
  const slot = (s: string): string => `v[${names.indexOf(s)}]`;
  const results = evaluateInPython(
    python,
    sources.map((src) => printNumpy(parseExpression(src), slot)),
    points,
  );
  for (const [r, point] of points.entries()) {
    for (const [k, src] of sources.entries()) {
      assertClose(results[r][k], compileScalar(parseExpression(src), names)(point), `${src} at ${point}`);
    }
  }
});

test('python3 evaluates every core model expression like the JS compiler', (t) => {
  const python = requireSystemTool(t, PYTHON_NUMPY);
  if (!python) return;
  const exprs = [...coreModels().values()].flatMap(modelExpressions);
  const names = [...new Set(exprs.flatMap((e) => [...freeSymbols(e)]))];
  // Moderate positive inputs keep every model in its real domain (square roots, logarithms).
  const point = names.map((_, k) => 0.2 + ((k * 37) % 23) / 23);
  const slot = (s: string): string => `v[${names.indexOf(s)}]`;
  const [results] = evaluateInPython(
    python,
    exprs.map((e) => printNumpy(e, slot)),
    [point],
  );
  for (const [k, e] of exprs.entries()) {
    assertClose(results[k], compileScalar(e, names)(point), printNumpy(e, same));
  }
});
