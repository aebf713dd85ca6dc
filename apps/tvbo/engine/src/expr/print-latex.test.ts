import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sharedData } from '@platform/testing/shared-data.ts';
import { coreModels, loadModelDir } from '../model/library.ts';
import type { Model } from '../model/types.ts';
import { parseExpression } from './parser.ts';
import { latexNumber, latexSymbol, printLatex, printLatexDerivative } from './print-latex.ts';

// KaTeX is not a dependency of the repository, so validity is checked structurally (balanced groups) below.

const latex = (src: string): string => printLatex(parseExpression(src));

function modelExpressions(model: Model): [string, ReturnType<typeof parseExpression>][] {
  return [
    ...model.derivedParameters.map((d) => [`derived_parameters.${d.name}`, d.expr] as const),
    ...model.functions.map((f) => [`functions.${f.name}`, f.expr] as const),
    ...model.derivedVariables.map((d) => [`derived_variables.${d.name}`, d.expr] as const),
    ...model.stateVariables.map((s) => [`state_variables.${s.name}`, s.expr] as const),
    ...model.outputTransforms.map((o) => [`output_transforms.${o.name}`, o.expr] as const),
  ].map(([label, expr]) => [`${model.name}: ${label}`, expr]);
}

/** Braces nest properly, every `\left` has its `\right` and every `\begin` its `\end`. */
function assertWellFormed(tex: string, label: string): void {
  let depth = 0;
  for (const ch of tex) {
    depth += ch === '{' ? 1 : ch === '}' ? -1 : 0;
    assert.ok(depth >= 0, `${label}: "}" before "{" in ${tex}`);
  }
  assert.equal(depth, 0, `${label}: unbalanced braces in ${tex}`);
  const count = (re: RegExp): number => tex.match(re)?.length ?? 0;
  assert.equal(count(/\\left\b/g), count(/\\right\b/g), `${label}: \\left/\\right in ${tex}`);
  assert.equal(count(/\\begin\{/g), count(/\\end\{/g), `${label}: \\begin/\\end in ${tex}`);
  assert.doesNotMatch(tex, /\\lamda|\^\{[^}]*\}\^|\\frac\{[^}]*\}\{[^}]*\}\^/, `${label}: invalid KaTeX in ${tex}`);
}

test('symbols: Greek names become commands and the first underscore starts a subscript', () => {
  const cases: [string, string][] = [
    ['alpha', '\\alpha'],
    ['lamda', '\\lambda'],
    ['lambda', '\\lambda'],
    ['Lamda', '\\Lambda'],
    ['Delta', '\\Delta'],
    ['omega', '\\omega'],
    ['Omega', '\\Omega'],
    ['Gamma', '\\Gamma'],
    ['varepsilon', '\\varepsilon'],
    ['Alpha', '\\mathrm{A}'],
    ['Eta', '\\mathrm{H}'],
    ['a_1', 'a_{1}'],
    ['nu_max', '\\nu_{max}'],
    ['tau_s', '\\tau_{s}'],
    ['tau_e', '\\tau_{e}'],
    ['x_j', 'x_{j}'],
    ['x_alpha', 'x_{\\alpha}'],
    ['a_b_c', 'a_{b c}'],
    ['QV_max', 'QV_{max}'],
    ['rNMDA', 'rNMDA'],
    ['x1', 'x_{1}'],
    ['Iext2', 'Iext_{2}'],
    ['beta1', '\\beta_{1}'],
    ['c_pop0', 'c_{pop0}'],
    ['alphabet', 'alphabet'],
    ['E', 'E'],
    ['pi', '\\pi'],
  ];
  for (const [name, expected] of cases) assert.equal(latexSymbol(name), expected, name);
  assert.equal(printLatexDerivative('V'), '\\frac{d}{d t} V');
  assert.equal(printLatexDerivative('theta_e'), '\\frac{d}{d t} \\theta_{e}');
});

test('numbers: shortest round-trip, scientific outside SymPy fixed range', () => {
  assert.equal(latexNumber(2.5), '2.5');
  assert.equal(latexNumber(3), '3');
  assert.equal(latexNumber(0.0001), '0.0001');
  assert.equal(latexNumber(123456789012345), '123456789012345');
  assert.equal(latexNumber(1e-9), '1.0 \\cdot 10^{-9}');
  assert.equal(latexNumber(1e-5), '1.0 \\cdot 10^{-5}');
  assert.equal(latexNumber(1.5e-7), '1.5 \\cdot 10^{-7}');
  assert.equal(latexNumber(2.5e21), '2.5 \\cdot 10^{21}');
  assert.equal(latexNumber(1e15), '1.0 \\cdot 10^{15}');
  assert.equal(latexNumber(-0.5), '-0.5');
  assert.equal(latexNumber(Number.NaN), '\\text{NaN}');
  assert.equal(latex('1e-9*x'), '1.0 \\cdot 10^{-9} \\cdot x');
});

test('operators and precedence', () => {
  const cases: [string, string][] = [
    ['-x**2', '- x^{2}'],
    ['(-x)**2', '\\left(- x\\right)^{2}'],
    ['(a+b)*c', '\\left(a + b\\right) \\cdot c'],
    ['a*b + c', 'a \\cdot b + c'],
    ['a/(b*c)', '\\frac{a}{b \\cdot c}'],
    ['a/b*c', '\\frac{a}{b} \\cdot c'],
    ['a - (b - c)', 'a - \\left(b - c\\right)'],
    ['a - b - c', 'a - b - c'],
    ['a - (b + c)', 'a - \\left(b + c\\right)'],
    ['2**3**2', '2^{3^{2}}'],
    ['(2**3)**2', '\\left(2^{3}\\right)^{2}'],
    ['x**(a + b)', 'x^{a + b}'],
    ['(a + b)**2', '\\left(a + b\\right)^{2}'],
    ['(a/b)**2', '\\left(\\frac{a}{b}\\right)^{2}'],
    ['exp(x)**2', '\\left(e^{x}\\right)^{2}'],
    ['x_j[0]**2', 'x_{j}[0]^{2}'],
    ['(-2)**x', '\\left(- 2\\right)^{x}'],
    ['1e-9**x', '\\left(1.0 \\cdot 10^{-9}\\right)^{x}'],
    ['a*-b', 'a \\cdot \\left(- b\\right)'],
    ['a + -b*c', 'a + \\left(- b \\cdot c\\right)'],
    ['-x*y', '- x \\cdot y'],
    ['-(a + b)', '- \\left(a + b\\right)'],
    ['-(-x)', '- \\left(- x\\right)'],
    ['-a/b', '- \\frac{a}{b}'],
    ['a*(-b/c)', 'a \\cdot \\left(- \\frac{b}{c}\\right)'],
    ['x_j[1] - x', 'x_{j}[1] - x'],
  ];
  for (const [src, expected] of cases) assert.equal(latex(src), expected, src);
});

test('every builtin prints in SymPy style', () => {
  const cases: [string, string][] = [
    ['exp(x)', 'e^{x}'],
    ['log(x)', '\\log{\\left(x \\right)}'],
    ['sqrt(x + 1)', '\\sqrt{x + 1}'],
    ['sin(x)', '\\sin{\\left(x \\right)}'],
    ['cos(x)', '\\cos{\\left(x \\right)}'],
    ['tan(x)', '\\tan{\\left(x \\right)}'],
    ['asin(x)', '\\operatorname{asin}{\\left(x \\right)}'],
    ['acos(x)', '\\operatorname{acos}{\\left(x \\right)}'],
    ['atan(x)', '\\operatorname{atan}{\\left(x \\right)}'],
    ['atan2(y, x)', '\\operatorname{atan}_{2}{\\left(y,x \\right)}'],
    ['sinh(x)', '\\sinh{\\left(x \\right)}'],
    ['cosh(x)', '\\cosh{\\left(x \\right)}'],
    ['tanh(x)', '\\tanh{\\left(x \\right)}'],
    ['Abs(x)', '\\left|{x}\\right|'],
    ['sign(x)', '\\operatorname{sign}{\\left(x \\right)}'],
    ['Min(a, b)', '\\min\\left(a, b\\right)'],
    ['Max(a, b, c)', '\\max\\left(a, b, c\\right)'],
    ['floor(x)', '\\left\\lfloor{x}\\right\\rfloor'],
    ['ceiling(x)', '\\left\\lceil{x}\\right\\rceil'],
    ['Heaviside(x)', '\\theta\\left(x\\right)'],
    ['erf(x)', '\\operatorname{erf}{\\left(x \\right)}'],
    ['erfc(x)', '\\operatorname{erfc}{\\left(x \\right)}'],
    ['exp(-x/tau)', 'e^{- \\frac{x}{\\tau}}'],
    ['S(v)', 'S{\\left(v \\right)}'],
  ];
  for (const [src, expected] of cases) assert.equal(latex(src), expected, src);
});

test('comparisons, logic and Piecewise', () => {
  const cases: [string, string][] = [
    ['x < 1', 'x < 1'],
    ['x <= 1', 'x \\leq 1'],
    ['x > a + b', 'x > a + b'],
    ['x >= 1', 'x \\geq 1'],
    ['x == 1', 'x = 1'],
    ['x != 1', 'x \\neq 1'],
    ['(x < 1) & (y > 2)', 'x < 1 \\wedge y > 2'],
    ['(x < 1) | (y > 2) & (z > 3)', 'x < 1 \\vee y > 2 \\wedge z > 3'],
    ['((x < 1) | (y > 2)) & (z > 3)', '\\left(x < 1 \\vee y > 2\\right) \\wedge z > 3'],
    ['~(x < 1)', '\\neg \\left(x < 1\\right)'],
    ['Not(b)', '\\neg b'],
    [
      'Piecewise((x, x < 0), (2, True))',
      '\\begin{cases} x & \\text{for}\\: x < 0 \\\\ 2 & \\text{otherwise} \\end{cases}',
    ],
    [
      'Piecewise((x, x < 0), (x**2, x > 1))',
      '\\begin{cases} x & \\text{for}\\: x < 0 \\\\ x^{2} & \\text{for}\\: x > 1 \\end{cases}',
    ],
    [
      'Piecewise((x, True), (1, x < 0))',
      '\\begin{cases} x & \\text{for}\\: \\text{True} \\\\ 1 & \\text{for}\\: x < 0 \\end{cases}',
    ],
    [
      'a*Piecewise((1, (x > 0) & (x < 1)), (0, True))',
      'a \\cdot \\begin{cases} 1 & \\text{for}\\: x > 0 \\wedge x < 1 \\\\ 0 & \\text{otherwise} \\end{cases}',
    ],
  ];
  for (const [src, expected] of cases) assert.equal(latex(src), expected, src);
});

test('every core model expression prints well-formed LaTeX', () => {
  let printed = 0;
  for (const model of coreModels().values()) {
    for (const [label, expr] of modelExpressions(model)) {
      assertWellFormed(printLatex(expr), label);
      printed++;
    }
    for (const p of model.parameters) assertWellFormed(latexSymbol(p.name), `${model.name}: ${p.name}`);
  }
  assert.ok(printed >= 50, `only ${printed} expressions`);
  const jansen = coreModels().get('JansenRit')!;
  const y4 = jansen.stateVariables.find((s) => s.name === 'y4')!;
  assert.match(printLatex(y4.expr), /\\frac\{/);
});

test('every upstream model expression prints well-formed LaTeX', (t) => {
  const dir = sharedData(t, 'tvbo', 'models');
  if (!dir) return;
  for (const model of loadModelDir(dir).values()) {
    for (const [label, expr] of modelExpressions(model)) assertWellFormed(printLatex(expr), label);
  }
});
