/**
 * AST → NumPy source for exported TVB Python scripts (spec 03-tvbo §B2, §B9): element-wise `numpy.*` functions,
 * `scipy.special.erf/erfc`, Piecewise as nested `numpy.where`. Symbols are mapped by the caller, so generated code
 * never contains input text. Python's precedence equals the model language's, so parentheses follow `printSympy`.
 */
import type { Expr } from './ast.ts';
import { precedence } from './precedence.ts';

const LANGUAGE = { negation: 60, logicAsCalls: true };

/** Python's `repr(float)`: shortest digits, fixed notation for decimal exponents −4…15 (`2.5`, `3.0`, `1e-09`). */
export function pythonFloat(v: number): string {
  if (Number.isNaN(v)) return 'numpy.nan';
  if (!Number.isFinite(v)) return v > 0 ? 'numpy.inf' : '-numpy.inf';
  if (v < 0 || Object.is(v, -0)) return `-${pythonFloat(-v)}`;
  const [mantissa, exponentText] = v.toExponential().split('e');
  const exponent = Number(exponentText);
  if (exponent >= -4 && exponent < 16) {
    const fixed = String(v);
    return fixed.includes('.') ? fixed : `${fixed}.0`;
  }
  return `${mantissa}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
}

const wrap = (s: string, yes: boolean): string => (yes ? `(${s})` : s);

/**
 * Integer exponents (also the parser's `neg(2)` in `x**-2`) print as Python ints, as SymPy's NumPy printer does:
 * `x**2` is exact and defined for negative x.
 */
function integerExponent(e: Expr): number | undefined {
  const v = e.kind === 'num' ? e.value : e.kind === 'neg' && e.arg.kind === 'num' ? -e.arg.value : undefined;
  return v !== undefined && Number.isSafeInteger(v) ? v : undefined;
}

const FUNCTIONS: Record<string, string> = {
  exp: 'numpy.exp',
  log: 'numpy.log',
  sqrt: 'numpy.sqrt',
  sin: 'numpy.sin',
  cos: 'numpy.cos',
  tan: 'numpy.tan',
  asin: 'numpy.arcsin',
  acos: 'numpy.arccos',
  atan: 'numpy.arctan',
  atan2: 'numpy.arctan2',
  sinh: 'numpy.sinh',
  cosh: 'numpy.cosh',
  tanh: 'numpy.tanh',
  Abs: 'numpy.abs',
  sign: 'numpy.sign',
  floor: 'numpy.floor',
  ceiling: 'numpy.ceil',
  erf: 'scipy.special.erf',
  erfc: 'scipy.special.erfc',
};

/** Expression → NumPy; `name` maps every symbol (the caller maps an undeclared `pi` to `numpy.pi`, §B1). */
export function printNumpy(e: Expr, name: (symbol: string) => string): string {
  const rec = (x: Expr): string => printNumpy(x, name);
  const condition = (c: Expr): string => (c.kind === 'num' ? (c.value !== 0 ? 'True' : 'False') : rec(c));
  switch (e.kind) {
    case 'num':
      return pythonFloat(e.value);
    case 'sym':
      return name(e.name);
    case 'index':
      throw new Error(`indexing ${e.name}[${e.index}] is only allowed in coupling functions`);
    case 'neg':
      return `-${wrap(rec(e.arg), precedence(e.arg, LANGUAGE) < 60)}`;
    case 'not':
      return `numpy.logical_not(${condition(e.arg)})`;
    case 'logic':
      return `numpy.logical_${e.op}(${condition(e.left)}, ${condition(e.right)})`;
    case 'call':
      return printCall(e.fn, e.args.map(rec));
    case 'piecewise': {
      // numpy.where(mask, value, otherwise) from the last piece outwards; none true → NaN like the JS compiler (§B2).
      const last = e.pieces.at(-1)!;
      const finalIsTrue = last.cond.kind === 'num' && last.cond.value !== 0;
      const guarded = finalIsTrue ? e.pieces.slice(0, -1) : e.pieces;
      return guarded.reduceRight(
        (otherwise, p) => `numpy.where(${condition(p.cond)}, ${rec(p.value)}, ${otherwise})`,
        finalIsTrue ? rec(last.value) : 'numpy.nan',
      );
    }
    case 'bin': {
      const p = precedence(e, LANGUAGE);
      if (e.op === '**') {
        const base = wrap(rec(e.left), precedence(e.left, LANGUAGE) <= p);
        const power = integerExponent(e.right);
        if (power !== undefined) return `${base}**${wrap(String(power), power < 0)}`;
        return `${base}**${wrap(rec(e.right), precedence(e.right, LANGUAGE) < p)}`;
      }
      const left = wrap(rec(e.left), precedence(e.left, LANGUAGE) < p);
      return `${left} ${e.op} ${wrap(rec(e.right), precedence(e.right, LANGUAGE) <= p)}`;
    }
    case 'cmp':
      // Both sides are parenthesised below comparison level: Python would chain `a < b < c`.
      return `${wrap(rec(e.left), precedence(e.left, LANGUAGE) <= 30)} ${e.op} ${wrap(rec(e.right), precedence(e.right, LANGUAGE) <= 30)}`;
  }
}

/** numpy.minimum/maximum take two arrays, so longer Min/Max nest from the left; SymPy's Min(x) is x. */
function printCall(fn: string, args: string[]): string {
  if (fn === 'Min' || fn === 'Max') {
    const pair = fn === 'Min' ? 'numpy.minimum' : 'numpy.maximum';
    return args.length === 1 ? `(${args[0]})` : args.reduce((acc, a) => `${pair}(${acc}, ${a})`);
  }
  if (fn === 'Heaviside') return `numpy.heaviside(${args[0]}, 0.5)`;
  const target = FUNCTIONS[fn];
  if (!target) throw new Error(`function ${fn} has no NumPy equivalent (user functions must be inlined first)`);
  return `${target}(${args.join(', ')})`;
}
