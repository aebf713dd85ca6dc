/**
 * Expression AST for the SymPy-style model language (spec 03-tvbo §B2) and simplifying constructors.
 * The constructors fold constants and drop neutral elements (`0*x`, `1*x`, `x**1`, `x+0`) so that symbolic
 * derivatives stay small enough to compile.
 */

export type BinaryOp = '+' | '-' | '*' | '/' | '**';
export type CompareOp = '<' | '<=' | '>' | '>=' | '==' | '!=';

export type Expr =
  | { kind: 'num'; value: number }
  | { kind: 'sym'; name: string }
  | { kind: 'bin'; op: BinaryOp; left: Expr; right: Expr }
  | { kind: 'neg'; arg: Expr }
  | { kind: 'call'; fn: string; args: Expr[] }
  | { kind: 'cmp'; op: CompareOp; left: Expr; right: Expr }
  | { kind: 'logic'; op: 'and' | 'or'; left: Expr; right: Expr }
  | { kind: 'not'; arg: Expr }
  | { kind: 'piecewise'; pieces: { value: Expr; cond: Expr }[] }
  | { kind: 'index'; name: string; index: number };

export const num = (value: number): Expr => ({ kind: 'num', value });
export const sym = (name: string): Expr => ({ kind: 'sym', name });
export const ZERO = num(0);
export const ONE = num(1);

const isNum = (e: Expr, v?: number): e is { kind: 'num'; value: number } =>
  e.kind === 'num' && (v === undefined || e.value === v);

export function add(a: Expr, b: Expr): Expr {
  if (isNum(a) && isNum(b)) return num(a.value + b.value);
  if (isNum(a, 0)) return b;
  if (isNum(b, 0)) return a;
  if (b.kind === 'neg') return sub(a, b.arg);
  return { kind: 'bin', op: '+', left: a, right: b };
}

export function sub(a: Expr, b: Expr): Expr {
  if (isNum(a) && isNum(b)) return num(a.value - b.value);
  if (isNum(b, 0)) return a;
  if (isNum(a, 0)) return neg(b);
  return { kind: 'bin', op: '-', left: a, right: b };
}

export function mul(a: Expr, b: Expr): Expr {
  if (isNum(a) && isNum(b)) return num(a.value * b.value);
  if (isNum(a, 0) || isNum(b, 0)) return ZERO;
  if (isNum(a, 1)) return b;
  if (isNum(b, 1)) return a;
  if (isNum(a, -1)) return neg(b);
  if (isNum(b, -1)) return neg(a);
  return { kind: 'bin', op: '*', left: a, right: b };
}

export function div(a: Expr, b: Expr): Expr {
  if (isNum(a) && isNum(b) && b.value !== 0) return num(a.value / b.value);
  if (isNum(a, 0)) return ZERO;
  if (isNum(b, 1)) return a;
  return { kind: 'bin', op: '/', left: a, right: b };
}

export function pow(a: Expr, b: Expr): Expr {
  if (isNum(a) && isNum(b)) return num(a.value ** b.value);
  if (isNum(b, 0)) return ONE;
  if (isNum(b, 1)) return a;
  return { kind: 'bin', op: '**', left: a, right: b };
}

export function neg(a: Expr): Expr {
  if (isNum(a)) return num(-a.value);
  if (a.kind === 'neg') return a.arg;
  return { kind: 'neg', arg: a };
}

export const call = (fn: string, args: Expr[]): Expr => ({ kind: 'call', fn, args });

/** Piecewise whose every branch is the same expression collapses to that expression. */
export function piecewise(pieces: { value: Expr; cond: Expr }[]): Expr {
  const first = pieces[0];
  if (first && isNum(first.cond) && first.cond.value !== 0) return first.value;
  if (pieces.every((p) => isNum(p.value) && isNum(first.value, p.value.value)) && isTrueCond(pieces.at(-1)!.cond)) {
    return first.value;
  }
  return { kind: 'piecewise', pieces };
}

const isTrueCond = (c: Expr): boolean => isNum(c) && c.value !== 0;

/** Rebuilds an expression bottom-up through the simplifying constructors, mapping symbols with `onSym`. */
export function transform(
  e: Expr,
  onSym: (name: string) => Expr | undefined,
  onCall?: (fn: string, args: Expr[]) => Expr | undefined,
): Expr {
  const rec = (x: Expr): Expr => transform(x, onSym, onCall);
  switch (e.kind) {
    case 'num':
    case 'index':
      return e;
    case 'sym':
      return onSym(e.name) ?? e;
    case 'neg':
      return neg(rec(e.arg));
    case 'bin':
      return binary(e.op, rec(e.left), rec(e.right));
    case 'call': {
      const args = e.args.map(rec);
      return onCall?.(e.fn, args) ?? foldCall(e.fn, args);
    }
    case 'cmp':
      return { kind: 'cmp', op: e.op, left: rec(e.left), right: rec(e.right) };
    case 'logic':
      return { kind: 'logic', op: e.op, left: rec(e.left), right: rec(e.right) };
    case 'not':
      return { kind: 'not', arg: rec(e.arg) };
    case 'piecewise':
      return piecewise(e.pieces.map((p) => ({ value: rec(p.value), cond: rec(p.cond) })));
  }
}

export function binary(op: BinaryOp, a: Expr, b: Expr): Expr {
  switch (op) {
    case '+':
      return add(a, b);
    case '-':
      return sub(a, b);
    case '*':
      return mul(a, b);
    case '/':
      return div(a, b);
    case '**':
      return pow(a, b);
  }
}

const FOLDABLE: Record<string, (...x: number[]) => number> = {
  exp: Math.exp,
  log: Math.log,
  sqrt: Math.sqrt,
  sin: Math.sin,
  cos: Math.cos,
  tanh: Math.tanh,
};

function foldCall(fn: string, args: Expr[]): Expr {
  const f = FOLDABLE[fn];
  if (f && args.length === 1 && isNum(args[0])) return num(f(args[0].value));
  return call(fn, args);
}

/** Free symbol names in first-occurrence order. */
export function freeSymbols(e: Expr, out: Set<string> = new Set()): Set<string> {
  switch (e.kind) {
    case 'sym':
      out.add(e.name);
      break;
    case 'neg':
    case 'not':
      freeSymbols(e.arg, out);
      break;
    case 'bin':
    case 'cmp':
    case 'logic':
      freeSymbols(e.left, out);
      freeSymbols(e.right, out);
      break;
    case 'call':
      for (const a of e.args) freeSymbols(a, out);
      break;
    case 'piecewise':
      for (const p of e.pieces) {
        freeSymbols(p.value, out);
        freeSymbols(p.cond, out);
      }
      break;
  }
  return out;
}

/** Names of all called functions. */
export function calledFunctions(e: Expr, out: Set<string> = new Set()): Set<string> {
  const visit = (x: Expr): void => {
    if (x.kind === 'call') {
      out.add(x.fn);
      x.args.forEach(visit);
    } else if (x.kind === 'neg' || x.kind === 'not') visit(x.arg);
    else if (x.kind === 'bin' || x.kind === 'cmp' || x.kind === 'logic') {
      visit(x.left);
      visit(x.right);
    } else if (x.kind === 'piecewise') {
      for (const p of x.pieces) {
        visit(p.value);
        visit(p.cond);
      }
    }
  };
  visit(e);
  return out;
}
