/**
 * AST → free-form Fortran expressions for AUTO-07p `.f90` files (spec 03-tvbo §B2, §B8): `D0` double-precision
 * literals, integer powers with integer exponents, Piecewise as nested `MERGE`. Symbols are mapped by the caller
 * (`U(1)`, `PAR(3)`), so generated code never contains input text. Every printed value is REAL(8), as `MERGE` needs
 * equal types.
 */
import type { Expr } from './ast.ts';
import { precedence } from './precedence.ts';

const LANGUAGE = { negation: 40 };

/** REAL(8) from an IEEE bit pattern: NaN and ±∞ need neither `USE IEEE_ARITHMETIC` nor 0/0 (a gfortran error). */
const fromBits = (bits: bigint): string => `TRANSFER(${bits}_8, 1.0D0)`;
const QUIET_NAN = fromBits(0x7ff8000000000000n);
const INFINITY = fromBits(0x7ff0000000000000n);

/** Shortest round-trip digits with a `D` exponent: `2.5D0`, `1.0D-9`, `3.0D0`. */
export function fortranNumber(v: number): string {
  if (Number.isNaN(v)) return QUIET_NAN;
  if (!Number.isFinite(v)) return v > 0 ? INFINITY : `-${INFINITY}`;
  if (v < 0) return `-${fortranNumber(-v)}`;
  const [digits, exponent = '0'] = String(v).split('e');
  return `${digits.includes('.') ? digits : `${digits}.0`}D${Number(exponent)}`;
}

const wrap = (s: string, yes: boolean): string => (yes ? `(${s})` : s);

/**
 * Integer exponents (also the parser's `neg(2)` in `x**-2`) print as integer literals: `X**2` is then an integer
 * power, exact and legal for X < 0.
 */
function integerExponent(e: Expr): number | undefined {
  const v = e.kind === 'num' ? e.value : e.kind === 'neg' && e.arg.kind === 'num' ? -e.arg.value : undefined;
  return v !== undefined && Math.abs(v) < 2 ** 31 && Number.isInteger(v) ? v : undefined;
}

const INTRINSICS: Record<string, string> = {
  exp: 'EXP',
  log: 'LOG',
  sqrt: 'SQRT',
  sin: 'SIN',
  cos: 'COS',
  tan: 'TAN',
  asin: 'ASIN',
  acos: 'ACOS',
  atan: 'ATAN',
  atan2: 'ATAN2',
  sinh: 'SINH',
  cosh: 'COSH',
  tanh: 'TANH',
  Abs: 'ABS',
  erf: 'ERF',
  erfc: 'ERFC',
  Min: 'MIN',
  Max: 'MAX',
};

const COMPARISON: Record<string, string> = {
  '<': '.LT.',
  '<=': '.LE.',
  '>': '.GT.',
  '>=': '.GE.',
  '==': '.EQ.',
  '!=': '.NE.',
};

/** Expression → Fortran; `name` maps every symbol (including `pi` and `E`, which a model may declare, §B1). */
export function printFortran(e: Expr, name: (symbol: string) => string): string {
  const rec = (x: Expr): string => printFortran(x, name);
  /** An operand beside a relational operator: Fortran has no chained comparisons. */
  const compared = (x: Expr): string => wrap(rec(x), precedence(x, LANGUAGE) <= 30);
  const condition = (c: Expr): string => (c.kind === 'num' ? (c.value !== 0 ? '.TRUE.' : '.FALSE.') : rec(c));
  switch (e.kind) {
    case 'num':
      return fortranNumber(e.value);
    case 'sym':
      return name(e.name);
    case 'index':
      throw new Error(`indexing ${e.name}[${e.index}] is only allowed in coupling functions`);
    case 'neg':
      return `-${wrap(rec(e.arg), precedence(e.arg, LANGUAGE) <= 40)}`;
    case 'not':
      // `.NOT. .NOT. x` is not valid Fortran: a negated operand must not start with another `.NOT.`.
      return `.NOT. ${wrap(condition(e.arg), precedence(e.arg, LANGUAGE) <= 25)}`;
    case 'call':
      return printCall(e.fn, e.args.map(rec), e.args.map(compared));
    case 'piecewise': {
      // MERGE(value, otherwise, mask) from the last piece outwards; none true → NaN as in the JS compiler (§B2).
      const last = e.pieces.at(-1)!;
      const finalIsTrue = last.cond.kind === 'num' && last.cond.value !== 0;
      const guarded = finalIsTrue ? e.pieces.slice(0, -1) : e.pieces;
      return guarded.reduceRight(
        (otherwise, p) => `MERGE(${rec(p.value)}, ${otherwise}, ${condition(p.cond)})`,
        finalIsTrue ? rec(last.value) : QUIET_NAN,
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
      const right = wrap(rec(e.right), precedence(e.right, LANGUAGE) <= p);
      return e.op === '*' || e.op === '/' ? `${left}${e.op}${right}` : `${left} ${e.op} ${right}`;
    }
    case 'cmp':
      return `${compared(e.left)} ${COMPARISON[e.op]} ${compared(e.right)}`;
    case 'logic': {
      const p = precedence(e, LANGUAGE);
      const left = wrap(condition(e.left), precedence(e.left, LANGUAGE) < p);
      return `${left} ${e.op === 'and' ? '.AND.' : '.OR.'} ${wrap(condition(e.right), precedence(e.right, LANGUAGE) <= p)}`;
    }
  }
}

/**
 * `args` are the printed arguments, `compared` the same wrapped for use beside a relational operator.
 * SymPy's sign(0) and Heaviside(0) are 0 and 1/2, unlike Fortran's SIGN; FLOOR/CEILING return integers, so they are
 * taken as 64-bit (no overflow below 2^63) and converted back to REAL(8).
 */
function printCall(fn: string, args: string[], compared: string[]): string {
  switch (fn) {
    case 'sign':
      return `MERGE(0.0D0, SIGN(1.0D0, ${args[0]}), ${compared[0]} .EQ. 0.0D0)`;
    case 'Heaviside':
      return `MERGE(1.0D0, MERGE(0.5D0, 0.0D0, ${compared[0]} .EQ. 0.0D0), ${compared[0]} .GT. 0.0D0)`;
    case 'floor':
      return `DBLE(FLOOR(${args[0]}, 8))`;
    case 'ceiling':
      return `DBLE(CEILING(${args[0]}, 8))`;
  }
  const intrinsic = INTRINSICS[fn];
  if (!intrinsic) throw new Error(`function ${fn} has no Fortran equivalent (user functions must be inlined first)`);
  // Fortran's MIN/MAX need two arguments; SymPy's Min(x) is x.
  if (args.length === 1 && (fn === 'Min' || fn === 'Max')) return `(${args[0]})`;
  return `${intrinsic}(${args.join(', ')})`;
}

const MAX_LINE = 132;

/** Splits a free-form line longer than 132 characters with a trailing `&` and a leading `&` on each continuation. */
export function wrapFortranLine(line: string, indent = ''): string[] {
  const lines: string[] = [];
  let prefix = '';
  let rest = line;
  while (prefix.length + rest.length > MAX_LINE) {
    const cut = lastBreak(rest, MAX_LINE - prefix.length - 1);
    if (cut === 0) throw new Error(`no place to continue the Fortran line "${line.slice(0, 60)}…"`);
    lines.push(`${prefix}${rest.slice(0, cut)}&`);
    rest = rest.slice(cut);
    prefix = `${indent}&`;
  }
  lines.push(prefix + rest);
  return lines;
}

/**
 * Largest cut ≤ `limit` right after a space, a comma or a lone `*`/`/` (the printer's token boundaries), so that no
 * number, name, `**` or `.AND.` is split; 0 when there is none.
 */
function lastBreak(text: string, limit: number): number {
  for (let cut = Math.min(limit, text.length - 1); cut > 0; cut--) {
    const before = text[cut - 1];
    if (before === ' ' || before === ',') return cut;
    if ((before === '*' || before === '/') && text[cut] !== '*' && text[cut - 2] !== '*') return cut;
  }
  return 0;
}
