import type { Expr } from './ast.ts';

/**
 * Binding strength of an expression's top operator in the text printers (higher binds tighter). Languages differ
 * only in unary minus (SymPy and NumPy bind it above `*`; Fortran at the level of binary `+`/`-`, so `a*-b` needs
 * parentheses) and in logic (NumPy prints it as `numpy.logical_*` calls, which delimit themselves).
 */
export function precedence(e: Expr, language: { negation: number; logicAsCalls?: boolean }): number {
  switch (e.kind) {
    case 'bin':
      return e.op === '**' ? 70 : e.op === '*' || e.op === '/' ? 50 : 40;
    case 'neg':
      return language.negation;
    case 'cmp':
      return 30;
    case 'not':
      return language.logicAsCalls ? 100 : 25;
    case 'logic':
      return language.logicAsCalls ? 100 : e.op === 'and' ? 20 : 10;
    case 'num':
      return e.value < 0 || Object.is(e.value, -0) ? language.negation : 100;
    default:
      return 100;
  }
}
