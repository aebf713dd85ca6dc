import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { GFORTRAN, requireSystemTool } from '@platform/testing/system-tool.ts';
import { coreModels } from '../model/library.ts';
import type { Model } from '../model/types.ts';
import type { Expr } from './ast.ts';
import { compileScalar } from './codegen-js.ts';
import { parseExpression } from './parser.ts';
import { fortranNumber, printFortran, wrapFortranLine } from './print-fortran.ts';

/** AUTO-style names: upper case, as the exporter's index mapping would produce (`U(1)`, `PAR(3)`). */
const upper = (s: string): string => s.toUpperCase();
const fortran = (src: string): string => printFortran(parseExpression(src), upper);

function modelExpressions(model: Model): Expr[] {
  return [
    ...model.derivedParameters,
    ...model.functions,
    ...model.derivedVariables,
    ...model.stateVariables,
    ...model.outputTransforms,
  ].map((item) => item.expr);
}

test('numbers are double-precision literals with D exponents', () => {
  assert.equal(fortranNumber(2.5), '2.5D0');
  assert.equal(fortranNumber(3), '3.0D0');
  assert.equal(fortranNumber(1e-9), '1.0D-9');
  assert.equal(fortranNumber(1.5e-7), '1.5D-7');
  assert.equal(fortranNumber(2.5e21), '2.5D21');
  assert.equal(fortranNumber(0.001), '0.001D0');
  assert.equal(fortranNumber(-0.25), '-0.25D0');
  // NaN and +Infinity are their IEEE-754 bit patterns reinterpreted as REAL(8).
  const bits = (v: number): bigint => {
    const view = new DataView(new ArrayBuffer(8));
    view.setFloat64(0, v);
    return view.getBigInt64(0);
  };
  assert.equal(fortranNumber(Number.NaN), `TRANSFER(${bits(Number.NaN)}_8, 1.0D0)`);
  assert.equal(fortranNumber(Number.POSITIVE_INFINITY), `TRANSFER(${bits(Number.POSITIVE_INFINITY)}_8, 1.0D0)`);
  assert.equal(fortranNumber(Number.NEGATIVE_INFINITY), `-TRANSFER(${bits(Number.POSITIVE_INFINITY)}_8, 1.0D0)`);
});

test('symbols come only from the caller mapping', () => {
  const slots = new Map([
    ['V', 'U(1)'],
    ['W', 'U(2)'],
    ['tau', 'PAR(3)'],
  ]);
  const mapped = printFortran(parseExpression('(V - V**3/3 - W)/tau'), (s) => slots.get(s)!);
  assert.equal(mapped, '(U(1) - U(1)**3/3.0D0 - U(2))/PAR(3)');
  assert.throws(() => printFortran(parseExpression('x_j[0]'), upper), /coupling/);
  assert.throws(() => fortran('S(v)'), /no Fortran equivalent/);
});

test('operators and precedence', () => {
  const cases: [string, string][] = [
    ['-x**2', '-X**2'],
    ['(-x)**2', '(-X)**2'],
    ['x**-2', 'X**(-2)'],
    ['x**2.5', 'X**2.5D0'],
    ['x**y', 'X**Y'],
    ['x**(a + b)', 'X**(A + B)'],
    ['2**3**2', '2.0D0**3.0D0**2'],
    ['(2**3)**2', '(2.0D0**3)**2'],
    ['(a+b)*c', '(A + B)*C'],
    ['a/(b*c)', 'A/(B*C)'],
    ['a/b*c', 'A/B*C'],
    ['a - (b - c)', 'A - (B - C)'],
    ['a - b - c', 'A - B - C'],
    ['a*-b', 'A*(-B)'],
    ['a + -b', 'A + (-B)'],
    ['-(a + b)', '-(A + B)'],
    ['-(-a)', '-(-A)'],
    ['-a*b + c', '(-A)*B + C'],
    ['x*-2.5e-3', 'X*(-0.0025D0)'],
    ['x - 1e-9', 'X - 1.0D-9'],
  ];
  for (const [src, expected] of cases) assert.equal(fortran(src), expected, src);
});

test('every builtin maps to an intrinsic with SymPy semantics', () => {
  const cases: [string, string][] = [
    ['exp(x)', 'EXP(X)'],
    ['log(x)', 'LOG(X)'],
    ['sqrt(x)', 'SQRT(X)'],
    ['sin(x)', 'SIN(X)'],
    ['cos(x)', 'COS(X)'],
    ['tan(x)', 'TAN(X)'],
    ['asin(x)', 'ASIN(X)'],
    ['acos(x)', 'ACOS(X)'],
    ['atan(x)', 'ATAN(X)'],
    ['atan2(y, x)', 'ATAN2(Y, X)'],
    ['sinh(x)', 'SINH(X)'],
    ['cosh(x)', 'COSH(X)'],
    ['tanh(x)', 'TANH(X)'],
    ['Abs(x)', 'ABS(X)'],
    ['sign(x - 1)', 'MERGE(0.0D0, SIGN(1.0D0, X - 1.0D0), X - 1.0D0 .EQ. 0.0D0)'],
    ['Min(a, b)', 'MIN(A, B)'],
    ['Max(a, b, c)', 'MAX(A, B, C)'],
    ['2*Min(a + b)', '2.0D0*(A + B)'],
    ['floor(x)', 'DBLE(FLOOR(X, 8))'],
    ['ceiling(x)', 'DBLE(CEILING(X, 8))'],
    ['Heaviside(x)', 'MERGE(1.0D0, MERGE(0.5D0, 0.0D0, X .EQ. 0.0D0), X .GT. 0.0D0)'],
    ['erf(x)', 'ERF(X)'],
    ['erfc(x)', 'ERFC(X)'],
  ];
  for (const [src, expected] of cases) assert.equal(fortran(src), expected, src);
});

test('comparisons, logic and Piecewise as nested MERGE', () => {
  const nan = fortranNumber(Number.NaN);
  const cases: [string, string][] = [
    ['x < 1', 'X .LT. 1.0D0'],
    ['x <= 1', 'X .LE. 1.0D0'],
    ['x > 1', 'X .GT. 1.0D0'],
    ['x >= 1', 'X .GE. 1.0D0'],
    ['x == 1', 'X .EQ. 1.0D0'],
    ['x != 1', 'X .NE. 1.0D0'],
    ['(x < 1) & (y > 2) | ~(z > 3)', 'X .LT. 1.0D0 .AND. Y .GT. 2.0D0 .OR. .NOT. Z .GT. 3.0D0'],
    ['((x < 1) | (y > 2)) & (z > 3)', '(X .LT. 1.0D0 .OR. Y .GT. 2.0D0) .AND. Z .GT. 3.0D0'],
    ['~~(x < 1)', '.NOT. (.NOT. X .LT. 1.0D0)'],
    ['Piecewise((x, x < 0), (2, True))', 'MERGE(X, 2.0D0, X .LT. 0.0D0)'],
    ['Piecewise((x, x < 0), (x**2, x < 1), (2*x, True))', 'MERGE(X, MERGE(X**2, 2.0D0*X, X .LT. 1.0D0), X .LT. 0.0D0)'],
    ['Piecewise((x, x < 0), (1, x > 1))', `MERGE(X, MERGE(1.0D0, ${nan}, X .GT. 1.0D0), X .LT. 0.0D0)`],
    ['Piecewise((x, And(x > 0, True)), (0, True))', 'MERGE(X, 0.0D0, X .GT. 0.0D0 .AND. .TRUE.)'],
  ];
  for (const [src, expected] of cases) assert.equal(fortran(src), expected, src);
});

test('long lines continue with & at token boundaries only', () => {
  const terms = Array.from({ length: 40 }, (_, k) => `p${k}*exp(-x/1.2345678e-3)`);
  const statement = `      F(1) = ${fortran(terms.join(' + '))}`;
  assert.ok(statement.length > 400);
  const lines = wrapFortranLine(statement, '      ');
  assert.ok(lines.length >= 4);
  for (const [k, line] of lines.entries()) {
    assert.ok(line.length <= 132, `line ${k} has ${line.length} characters`);
    if (k < lines.length - 1) assert.ok(line.endsWith('&'), `line ${k} lacks the trailing &`);
    if (k > 0) assert.ok(line.startsWith('      &'), `line ${k} lacks the leading &`);
  }
  const rejoined = lines.map((l, k) => (k > 0 ? l.slice('      &'.length) : l).replace(/&$/, '')).join('');
  assert.equal(rejoined, statement);
  // Every cut sits after a space, a comma or a single * or /, never inside a literal such as 1.2345678D-3.
  for (const line of lines.slice(0, -1)) assert.match(line, /([ ,]|[^*][*/])&$/);
  assert.deepEqual(wrapFortranLine('      F(1) = X'), ['      F(1) = X']);
  assert.throws(() => wrapFortranLine('X'.repeat(140)), /no place to continue/);
});

test('every core model expression prints', () => {
  let printed = 0;
  for (const model of coreModels().values()) {
    for (const expr of modelExpressions(model)) {
      assert.ok(printFortran(expr, upper).length > 0);
      printed++;
    }
  }
  assert.ok(printed >= 50, `only ${printed} expressions`);
});

test('gfortran evaluates printed expressions like the JS compiler', (t) => {
  const gfortran = requireSystemTool(t, GFORTRAN);
  if (!gfortran) return;
  const sources = [
    '-x**2 + 2**3**2 - (a - (b - x))',
    'a/(b*x) + (a + b)*x - x**-2 + x**2.5',
    'Piecewise((x, x < 0.5), (x**2, x < 1), (2*x, True))',
    'Piecewise((a, (x > 0) & ~(x > 2)), (b, True))',
    'erfc(x) + erf(x/3) + exp(-x) + log(x) + sqrt(x)',
    'sin(x) + cos(x) + tan(x) + asin(x/4) + acos(x/4) + atan(x) + atan2(a, x)',
    'sinh(x) + cosh(x) + tanh(x) + Abs(a - x) + sign(a - x) + sign(x - x)',
    'Min(a, b, x) + Max(a, x) + floor(x) + ceiling(x) + Heaviside(x - a) + Heaviside(x - x)',
    '1e-9*x + 2.5e3',
    'Piecewise((x, x < 0.5), (a, x < 1))',
  ];
  const names = ['x', 'a', 'b'];
  const points = [
    [0.3, 1.5, -0.5],
    [0.75, 0.2, 2],
    [1.9, 1.9, 3],
  ];
  const slot = (s: string): string => `V(${names.indexOf(s) + 1})`;
  const program = [
    'PROGRAM check',
    '  IMPLICIT NONE',
    `  DOUBLE PRECISION :: V(${names.length})`,
    ...points.flatMap((p) => [
      ...p.map((v, k) => `  V(${k + 1}) = ${fortranNumber(v)}`),
      ...sources.flatMap((src) =>
        wrapFortranLine(`  WRITE(*, '(ES26.17E3)') ${printFortran(parseExpression(src), slot)}`, '    '),
      ),
    ]),
    'END PROGRAM check',
  ].join('\n');
  const dir = mkdtempSync(join(tmpdir(), 'tvbo-fortran-'));
  try {
    writeFileSync(join(dir, 'check.f90'), `${program}\n`);
    const build = spawnSync(gfortran, ['-o', join(dir, 'check'), join(dir, 'check.f90')], { encoding: 'utf8' });
    assert.equal(build.status, 0, build.stderr);
    const run = spawnSync(join(dir, 'check'), [], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    const values = run.stdout.trim().split('\n').map(Number);
    const expected = points.flatMap((p) => sources.map((src) => compileScalar(parseExpression(src), names)(p)));
    assert.equal(values.length, expected.length);
    for (const [k, want] of expected.entries()) {
      const close = Number.isNaN(want)
        ? Number.isNaN(values[k])
        : Math.abs(values[k] - want) <= 1e-12 * Math.max(1, Math.abs(want));
      assert.ok(close, `${sources[k % sources.length]}: ${values[k]} vs ${want}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
