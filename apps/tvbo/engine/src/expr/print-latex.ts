/**
 * AST → LaTeX with SymPy's `latex()` conventions (spec 03-tvbo §B2), for the KaTeX model viewer and the reports
 * (§B9). The output follows the tree as parsed, without SymPy's canonicalisation: `x**-1` prints `x^{-1}`, not
 * `\frac{1}{x}`. Choices where SymPy has no counterpart: coupling indexing `x_j[0]` prints `x_{j}[0]`; the accent
 * suffixes SymPy also reads (`xdot` → `\dot{x}`) are not applied, so a name like `local_coupling` stays readable.
 */
import type { Expr } from './ast.ts';

const GREEK_LOWER = new Set([
  'alpha',
  'beta',
  'gamma',
  'delta',
  'epsilon',
  'zeta',
  'eta',
  'theta',
  'iota',
  'kappa',
  'lambda',
  'mu',
  'nu',
  'xi',
  'pi',
  'rho',
  'sigma',
  'tau',
  'upsilon',
  'phi',
  'chi',
  'psi',
  'omega',
  'varepsilon',
  'vartheta',
  'varkappa',
  'varpi',
  'varrho',
  'varsigma',
  'varphi',
]);
const GREEK_CAPITAL = new Set([
  'Gamma',
  'Delta',
  'Theta',
  'Lambda',
  'Xi',
  'Pi',
  'Sigma',
  'Upsilon',
  'Phi',
  'Psi',
  'Omega',
]);
/** Capital Greek letters without a LaTeX command look like Latin capitals; SymPy prints them upright. */
const GREEK_AS_LATIN: Record<string, string> = {
  Alpha: 'A',
  Beta: 'B',
  Epsilon: 'E',
  Zeta: 'Z',
  Eta: 'H',
  Iota: 'I',
  Kappa: 'K',
  Mu: 'M',
  Nu: 'N',
  Omicron: 'O',
  Rho: 'P',
  Tau: 'T',
  Chi: 'X',
};

/** One name part: Greek names become commands (`lamda` is SymPy's spelling, since `lambda` is a Python keyword). */
function latexNamePart(part: string): string {
  const spelled = part === 'lamda' ? 'lambda' : part === 'Lamda' ? 'Lambda' : part;
  if (GREEK_LOWER.has(spelled) || GREEK_CAPITAL.has(spelled)) return `\\${spelled}`;
  if (spelled === 'omicron') return 'o';
  const latin = GREEK_AS_LATIN[spelled];
  return latin ? `\\mathrm{${latin}}` : spelled;
}

/** Symbol name → LaTeX: the first `_` starts a subscript of space-joined parts; trailing digits are subscripted. */
export function latexSymbol(name: string): string {
  const [head, ...subscripts] = name.split('_');
  // SymPy reads `x1` as `x_{1}` (letters followed by digits); `c_pop0` keeps `pop0` whole inside its subscript.
  const digits = /^([A-Za-z]+)(\d+)$/.exec(head);
  const main = digits ? digits[1] : head;
  if (digits) subscripts.unshift(digits[2]);
  const base = main === '' ? '{}' : latexNamePart(main);
  return subscripts.length === 0 ? base : `${base}_{${subscripts.map(latexNamePart).join(' ')}}`;
}

/** Left-hand side of a state equation: SymPy's `Derivative(V, t)`. */
export function printLatexDerivative(variable: string): string {
  return `\\frac{d}{d t} ${latexSymbol(variable)}`;
}

/** Decimal exponents SymPy (mpmath, 15 digits) prints in fixed notation: −5 < exponent < 15. */
const isFixedNotation = (v: number): boolean => {
  const exponent = Number(v.toExponential().split('e')[1]);
  return exponent > -5 && exponent < 15;
};

/** Shortest round-trip digits; outside SymPy's fixed range as `1.5 \cdot 10^{-7}`. */
export function latexNumber(v: number): string {
  if (Number.isNaN(v)) return '\\text{NaN}';
  if (!Number.isFinite(v)) return v > 0 ? '\\infty' : '- \\infty';
  if (v < 0) return `-${latexNumber(-v)}`;
  if (isFixedNotation(v)) return String(v);
  const [mantissa, exponent] = v.toExponential().split('e');
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`} \\cdot 10^{${Number(exponent)}}`;
}

/** Binding strength of the printed form; `\frac` and calls delimit themselves unless a minus leads. */
function precedence(e: Expr): number {
  switch (e.kind) {
    case 'bin':
      if (e.op === '/') return e.left.kind === 'neg' ? 50 : 100;
      return e.op === '**' ? 70 : e.op === '*' ? 50 : 40;
    case 'neg':
      return 50;
    case 'cmp':
      return 30;
    case 'not':
      return 25;
    case 'logic':
      return e.op === 'and' ? 20 : 10;
    case 'num':
      return e.value < 0 || !isFixedNotation(e.value) ? 50 : 100;
    default:
      return 100;
  }
}

/** A term printed with a leading minus must be parenthesised after `+`, `-`, `\cdot` and another minus. */
function leadsWithMinus(e: Expr): boolean {
  if (e.kind === 'neg') return true;
  if (e.kind === 'num') return e.value < 0;
  if (e.kind === 'bin' && e.op === '/') return e.left.kind === 'neg';
  return e.kind === 'bin' && e.op !== '**' && leadsWithMinus(e.left);
}

/** Bases that take a superscript without parentheses (`e^{x}^{2}` and `\frac{a}{b}^{2}` would misread). */
const isAtomicBase = (e: Expr): boolean =>
  e.kind === 'sym' || e.kind === 'index' || (e.kind === 'num' && precedence(e) === 100);

const wrap = (s: string, yes: boolean): string => (yes ? `\\left(${s}\\right)` : s);

/** SymPy's style for named functions: `\sin{\left(x \right)}`. */
const applied =
  (command: string) =>
  (args: string[]): string =>
    `${command}{\\left(${args.join(', ')} \\right)}`;

const FUNCTIONS: Record<string, (args: string[]) => string> = {
  exp: ([x]) => `e^{${x}}`,
  sqrt: ([x]) => `\\sqrt{${x}}`,
  log: applied('\\log'),
  sin: applied('\\sin'),
  cos: applied('\\cos'),
  tan: applied('\\tan'),
  sinh: applied('\\sinh'),
  cosh: applied('\\cosh'),
  tanh: applied('\\tanh'),
  asin: applied('\\operatorname{asin}'),
  acos: applied('\\operatorname{acos}'),
  atan: applied('\\operatorname{atan}'),
  atan2: (args) => `\\operatorname{atan}_{2}{\\left(${args.join(',')} \\right)}`,
  erf: applied('\\operatorname{erf}'),
  erfc: applied('\\operatorname{erfc}'),
  sign: applied('\\operatorname{sign}'),
  Abs: ([x]) => `\\left|{${x}}\\right|`,
  floor: ([x]) => `\\left\\lfloor{${x}}\\right\\rfloor`,
  ceiling: ([x]) => `\\left\\lceil{${x}}\\right\\rceil`,
  Heaviside: ([x]) => `\\theta\\left(${x}\\right)`,
  Min: (args) => `\\min\\left(${args.join(', ')}\\right)`,
  Max: (args) => `\\max\\left(${args.join(', ')}\\right)`,
};

const COMPARISON: Record<string, string> = {
  '<': '<',
  '<=': '\\leq',
  '>': '>',
  '>=': '\\geq',
  '==': '=',
  '!=': '\\neq',
};

/** Expression → LaTeX (valid KaTeX input). */
export function printLatex(e: Expr): string {
  switch (e.kind) {
    case 'num':
      return latexNumber(e.value);
    case 'sym':
      return latexSymbol(e.name);
    case 'index':
      return `${latexSymbol(e.name)}[${e.index}]`;
    case 'neg':
      return `- ${wrap(printLatex(e.arg), precedence(e.arg) < 50 || leadsWithMinus(e.arg))}`;
    case 'not':
      return `\\neg ${wrap(printCondition(e.arg), precedence(e.arg) <= 30)}`;
    case 'call': {
      const args = e.args.map(printLatex);
      // Functions outside the builtins (user functions inside function bodies) print like SymPy's undefined functions.
      return FUNCTIONS[e.fn]?.(args) ?? applied(latexSymbol(e.fn))(args);
    }
    case 'piecewise':
      return `\\begin{cases} ${e.pieces.map((p, k) => `${printLatex(p.value)} & ${pieceCondition(p.cond, k === e.pieces.length - 1)}`).join(' \\\\ ')} \\end{cases}`;
    case 'bin': {
      if (e.op === '/') {
        // SymPy pulls the sign of a negated numerator in front: `-a/b` → `- \frac{a}{b}`.
        const numerator = e.left.kind === 'neg' ? e.left.arg : e.left;
        return `${numerator === e.left ? '' : '- '}\\frac{${printLatex(numerator)}}{${printLatex(e.right)}}`;
      }
      if (e.op === '**') return `${wrap(printLatex(e.left), !isAtomicBase(e.left))}^{${printLatex(e.right)}}`;
      const p = precedence(e);
      const left = wrap(printLatex(e.left), precedence(e.left) < p);
      const right = wrap(printLatex(e.right), precedence(e.right) <= p || leadsWithMinus(e.right));
      return `${left} ${e.op === '*' ? '\\cdot' : e.op} ${right}`;
    }
    case 'cmp':
      return `${wrap(printLatex(e.left), precedence(e.left) <= 30)} ${COMPARISON[e.op]} ${wrap(printLatex(e.right), precedence(e.right) <= 30)}`;
    case 'logic': {
      const p = precedence(e);
      const left = wrap(printCondition(e.left), precedence(e.left) < p);
      return `${left} ${e.op === 'and' ? '\\wedge' : '\\vee'} ${wrap(printCondition(e.right), precedence(e.right) <= p)}`;
    }
  }
}

/** Boolean positions print numbers as truth values (the parser reads `True`/`False` as 1/0). */
function printCondition(c: Expr): string {
  if (c.kind === 'num') return c.value !== 0 ? '\\text{True}' : '\\text{False}';
  return printLatex(c);
}

function pieceCondition(c: Expr, last: boolean): string {
  if (last && c.kind === 'num' && c.value !== 0) return '\\text{otherwise}';
  return `\\text{for}\\: ${printCondition(c)}`;
}
