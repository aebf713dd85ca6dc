/**
 * Prints an AST back to SymPy-string syntax with the minimal parentheses that re-parse to the same tree
 * (spec 03-tvbo acceptance 1: print → parse round-trips every library expression).
 */
import type { Expr } from './ast.ts';
import { precedence } from './precedence.ts';

const LANGUAGE = { negation: 60 };

const wrap = (s: string, yes: boolean): string => (yes ? `(${s})` : s);

export function formatNumber(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'oo' : '-oo';
  return String(v);
}

export function printSympy(e: Expr): string {
  switch (e.kind) {
    case 'num':
      return formatNumber(e.value);
    case 'sym':
      return e.name;
    case 'index':
      return `${e.name}[${e.index}]`;
    case 'neg':
      return `-${wrap(printSympy(e.arg), precedence(e.arg, LANGUAGE) < 60)}`;
    case 'not':
      return `~${wrap(printSympy(e.arg), precedence(e.arg, LANGUAGE) < 30)}`;
    case 'call':
      return `${e.fn}(${e.args.map(printSympy).join(', ')})`;
    case 'piecewise':
      return `Piecewise(${e.pieces.map((p) => `(${printSympy(p.value)}, ${printCondition(p.cond)})`).join(', ')})`;
    case 'bin': {
      const p = precedence(e, LANGUAGE);
      if (e.op === '**') {
        return `${wrap(printSympy(e.left), precedence(e.left, LANGUAGE) <= p)}**${wrap(printSympy(e.right), precedence(e.right, LANGUAGE) < p)}`;
      }
      const l = wrap(printSympy(e.left), precedence(e.left, LANGUAGE) < p);
      const r = wrap(printSympy(e.right), precedence(e.right, LANGUAGE) <= p);
      return `${l} ${e.op} ${r}`;
    }
    case 'cmp':
    case 'logic': {
      const p = precedence(e, LANGUAGE);
      const op = e.kind === 'cmp' ? e.op : e.op === 'and' ? '&' : '|';
      return `${wrap(printSympy(e.left), precedence(e.left, LANGUAGE) < p)} ${op} ${wrap(printSympy(e.right), precedence(e.right, LANGUAGE) <= p)}`;
    }
  }
}

function printCondition(c: Expr): string {
  if (c.kind === 'num') return c.value !== 0 ? 'True' : 'False';
  return printSympy(c);
}
