/**
 * Pratt parser for SymPy-string expressions (spec 03-tvbo §B2).
 * `**` is right-associative and binds tighter than unary minus (`-x**2 = -(x**2)`, `2**3**2 = 512`);
 * `^` is rejected because SymPy reads it as XOR, not power.
 */
import { type CompareOp, type Expr, num } from './ast.ts';

export class ExpressionError extends Error {
  readonly code = 'expression_invalid';
  readonly column: number;
  readonly source: string;
  constructor(message: string, source: string, column: number) {
    super(`${message} at column ${column} in "${source}"`);
    this.column = column;
    this.source = source;
  }
}

type Token = { type: 'num' | 'id' | 'op' | 'end'; text: string; col: number };

const OPERATORS = ['**', '<=', '>=', '==', '!=', '+', '-', '*', '/', '(', ')', ',', '[', ']', '<', '>', '&', '|', '~'];

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const ch = src[i];
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const col = i + 1;
    const numberMatch = /^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(src.slice(i));
    if (numberMatch) {
      tokens.push({ type: 'num', text: numberMatch[0], col });
      i += numberMatch[0].length;
      continue;
    }
    const idMatch = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i));
    if (idMatch) {
      tokens.push({ type: 'id', text: idMatch[0], col });
      i += idMatch[0].length;
      continue;
    }
    if (ch === '^') throw new ExpressionError('"^" is not a power operator (use **)', src, col);
    const op = OPERATORS.find((o) => src.startsWith(o, i));
    if (!op) throw new ExpressionError(`unexpected character "${ch}"`, src, col);
    tokens.push({ type: 'op', text: op, col });
    i += op.length;
  }
  tokens.push({ type: 'end', text: '', col: src.length + 1 });
  return tokens;
}

const COMPARE = new Set(['<', '<=', '>', '>=', '==', '!=']);
const BINDING: Record<string, number> = {
  '|': 10,
  '&': 20,
  '<': 30,
  '<=': 30,
  '>': 30,
  '>=': 30,
  '==': 30,
  '!=': 30,
  '+': 40,
  '-': 40,
  '*': 50,
  '/': 50,
  '**': 70,
};
const UNARY_BP = 60;
const NOT_BP = 25;

/** A parenthesised tuple is only legal as a Piecewise argument; this marker carries it there. */
const TUPLE = '__tuple';

export function parseExpression(src: string): Expr {
  const tokens = tokenize(String(src));
  let pos = 0;
  const peek = (): Token => tokens[pos];
  const next = (): Token => tokens[pos++];
  const fail = (msg: string, tok: Token = peek()): never => {
    throw new ExpressionError(msg, src, tok.col);
  };
  const expect = (text: string): void => {
    if (peek().text !== text || peek().type !== 'op') fail(`expected "${text}"`);
    pos++;
  };

  const parseArgs = (): Expr[] => {
    const args: Expr[] = [];
    if (peek().text === ')' && peek().type === 'op') {
      pos++;
      return args;
    }
    for (;;) {
      args.push(parse(0));
      const t = next();
      if (t.type === 'op' && t.text === ')') return args;
      if (t.type !== 'op' || t.text !== ',') fail('expected "," or ")"', t);
    }
  };

  const nud = (tok: Token): Expr => {
    if (tok.type === 'num') return num(Number(tok.text));
    if (tok.type === 'id') return identifier(tok);
    if (tok.type === 'op') {
      if (tok.text === '-') return { kind: 'neg', arg: parse(UNARY_BP) };
      if (tok.text === '+') return parse(UNARY_BP);
      if (tok.text === '~') return { kind: 'not', arg: parse(NOT_BP) };
      if (tok.text === '(') {
        const first = parse(0);
        if (peek().text === ',' && peek().type === 'op') {
          const items = [first];
          while (peek().text === ',' && peek().type === 'op') {
            pos++;
            items.push(parse(0));
          }
          expect(')');
          return { kind: 'call', fn: TUPLE, args: items };
        }
        expect(')');
        return first;
      }
    }
    return fail(tok.type === 'end' ? 'unexpected end of expression' : `unexpected "${tok.text}"`, tok);
  };

  const identifier = (tok: Token): Expr => {
    const name = tok.text;
    if (name === 'True') return num(1);
    if (name === 'False') return num(0);
    if (peek().type === 'op' && peek().text === '(') {
      pos++;
      const args = parseArgs();
      return buildCall(name, args, tok);
    }
    if (peek().type === 'op' && peek().text === '[') {
      pos++;
      const idx = next();
      if (idx.type !== 'num' || !Number.isInteger(Number(idx.text))) fail('index must be an integer', idx);
      expect(']');
      return { kind: 'index', name, index: Number(idx.text) };
    }
    return { kind: 'sym', name };
  };

  const buildCall = (name: string, args: Expr[], tok: Token): Expr => {
    if (name === 'Piecewise') {
      if (args.length === 0) fail('Piecewise needs at least one (value, condition) pair', tok);
      const pieces = args.map((a) => {
        if (a.kind !== 'call' || a.fn !== TUPLE || a.args.length !== 2)
          fail('Piecewise arguments must be (value, condition)', tok);
        const pair = (a as { args: Expr[] }).args;
        return { value: pair[0], cond: pair[1] };
      });
      return { kind: 'piecewise', pieces };
    }
    if (args.some((a) => a.kind === 'call' && a.fn === TUPLE)) fail('tuples are only allowed inside Piecewise', tok);
    if (name === 'And' || name === 'Or') {
      if (args.length < 1) fail(`${name} needs arguments`, tok);
      const op = name === 'And' ? 'and' : 'or';
      return args.reduce((l, r) => ({ kind: 'logic', op, left: l, right: r }));
    }
    if (name === 'Not') {
      if (args.length !== 1) fail('Not takes one argument', tok);
      return { kind: 'not', arg: args[0] };
    }
    return { kind: 'call', fn: name, args };
  };

  const led = (left: Expr, tok: Token): Expr => {
    const op = tok.text;
    if (op === '**') return { kind: 'bin', op: '**', left, right: parse(BINDING['**'] - 1) };
    const right = parse(BINDING[op]);
    if (COMPARE.has(op)) return { kind: 'cmp', op: op as CompareOp, left, right };
    if (op === '&') return { kind: 'logic', op: 'and', left, right };
    if (op === '|') return { kind: 'logic', op: 'or', left, right };
    return { kind: 'bin', op: op as '+' | '-' | '*' | '/', left, right };
  };

  function parse(minBp: number): Expr {
    let left = nud(next());
    for (;;) {
      const tok = peek();
      if (tok.type !== 'op') {
        if (tok.type === 'end') break;
        fail(`unexpected "${tok.text}"`, tok);
      }
      const bp = BINDING[tok.text];
      if (bp === undefined || bp <= minBp) break;
      pos++;
      left = led(left, tok);
    }
    return left;
  }

  const expr = parse(0);
  if (peek().type !== 'end') fail(`unexpected "${peek().text}"`);
  if (expr.kind === 'call' && expr.fn === TUPLE) fail('a tuple is not an expression', tokens[0]);
  return expr;
}
