/** Normalised model shapes (LinkML `Dynamics`, spec 03-tvbo §B1) and the error type of model validation. */
import type { Expr } from '../expr/ast.ts';

export type Issue = { path: string; code: string; message: string; column?: number };

export class ModelError extends Error {
  readonly code = 'model_invalid';
  readonly issues: Issue[];
  constructor(issues: Issue[]) {
    super(`model invalid: ${issues.map((i) => `${i.path}: ${i.code} (${i.message})`).join('; ')}`);
    this.issues = issues;
  }
}

export type Range = { lo: number; hi: number; step?: number };

export type Parameter = {
  name: string;
  value: number;
  domain?: Range;
  unit?: string;
  label?: string;
  symbol?: string;
  description?: string;
  heterogeneous?: boolean;
};

export type DerivedItem = { name: string; expr: Expr; unit?: string; description?: string };

export type FunctionDef = { name: string; args: string[]; expr: Expr; description?: string };

export type StateVariable = {
  name: string;
  expr: Expr;
  /** Initial-condition range. */
  domain: Range;
  boundaries?: { lo: number; hi: number };
  initialValue: number;
  couplingVariable: boolean;
  variableOfInterest: boolean;
  unit?: string;
  label?: string;
  description?: string;
};

export type CouplingInput = {
  name: string;
  /** Coupling row bound to this input, or -1 when no equation references it (its value is 0). */
  row: number;
  stateVariable?: string;
  description?: string;
};

export type OutputTransform = {
  name: string;
  expr: Expr;
  unit?: string;
  description?: string;
  variableOfInterest?: boolean;
};

export type Model = {
  name: string;
  label?: string;
  description?: string;
  references: string[];
  tvbClass?: string;
  parameters: Parameter[];
  /** Topologically ordered; user functions already inlined. */
  derivedParameters: DerivedItem[];
  functions: FunctionDef[];
  /** Topologically ordered; user functions already inlined. */
  derivedVariables: DerivedItem[];
  couplingInputs: CouplingInput[];
  stateVariables: StateVariable[];
  outputTransforms: OutputTransform[];
  numberOfModes: number;
  warnings: Issue[];
  /** Unknown top-level keys, kept for round-trips but never interpreted. */
  extra: Record<string, unknown>;
};
