/**
 * Turns a tvbo `Dynamics` document (YAML/JSON object, map- or list-form collections) into a validated `Model`
 * (spec 03-tvbo §B1): defaults, symbol resolution, function inlining, topological ordering, path-precise errors.
 */
import { type Expr, freeSymbols, num, transform } from '../expr/ast.ts';
import { BUILTINS } from '../expr/builtins.ts';
import { ExpressionError, parseExpression } from '../expr/parser.ts';
import type {
  CouplingInput,
  DerivedItem,
  FunctionDef,
  Issue,
  Model,
  OutputTransform,
  Parameter,
  Range,
  StateVariable,
} from './types.ts';
import { ModelError } from './types.ts';

type Doc = Record<string, unknown>;

const KNOWN_KEYS = new Set([
  'name',
  'label',
  'iri',
  'model_type',
  'system_type',
  'description',
  'references',
  'has_reference',
  'parameters',
  'derived_parameters',
  'functions',
  'derived_variables',
  'coupling_inputs',
  'coupling_terms',
  'state_variables',
  'output_transforms',
  'number_of_modes',
  'local_coupling_term',
  'tvb_class',
]);

/** Reserved symbols (§B1); `E` and `pi` only apply when the model does not declare them. */
export const RESERVED: Record<string, number> = { pi: Math.PI, E: Math.E, t: Number.NaN, local_coupling: 0 };

const isObject = (v: unknown): v is Doc => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Map- and list-form collections both become ordered `[name, entry]` pairs. */
function entries(value: unknown, path: string, issues: Issue[]): [string, Doc][] {
  if (value === undefined || value === null) return [];
  const out: [string, Doc][] = [];
  const seen = new Set<string>();
  const push = (name: string, entry: Doc, at: string): void => {
    if (seen.has(name)) issues.push({ path: at, code: 'duplicate_name', message: `"${name}" is declared twice` });
    seen.add(name);
    out.push([name, entry]);
  };
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      const entry = isObject(item) ? item : {};
      const name = typeof entry.name === 'string' ? entry.name : undefined;
      if (!name) issues.push({ path: `${path}[${i}]`, code: 'missing_name', message: 'list entries need a name' });
      else push(name, entry, `${path}[${i}]`);
    });
  } else if (isObject(value)) {
    for (const [key, item] of Object.entries(value)) push(key, isObject(item) ? item : {}, `${path}.${key}`);
  } else {
    issues.push({ path, code: 'invalid_type', message: 'expected a map or a list' });
  }
  return out;
}

export function toNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') {
    const s = v.trim();
    if (s === 'True' || s === 'true') return 1;
    if (s === 'False' || s === 'false') return 0;
    if (/^[-+]?\.?inf$/i.test(s) || /^[-+]?infinity$/i.test(s)) return s.startsWith('-') ? -Infinity : Infinity;
    const n = Number(s);
    if (s !== '' && Number.isFinite(n)) return n;
  }
  return undefined;
}

function range(value: unknown): Range | undefined {
  if (!isObject(value)) return undefined;
  const lo = toNumber(value.lo);
  const hi = toNumber(value.hi);
  if (lo === undefined || hi === undefined) return undefined;
  const step = toNumber(value.step);
  return step === undefined ? { lo, hi } : { lo, hi, step };
}

const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function equationSource(entry: Doc): string | undefined {
  const eq = entry.equation;
  if (isObject(eq)) {
    const rhs = eq.rhs;
    if (typeof rhs === 'string' || typeof rhs === 'number') return String(rhs);
  }
  if (Array.isArray(entry.cases) && entry.cases.length > 0) {
    const pieces = entry.cases.map((c) => {
      const item = isObject(c) ? c : {};
      const rhs = isObject(item.equation) ? item.equation.rhs : undefined;
      return `(${String(rhs)}, ${String(item.condition ?? 'True')})`;
    });
    return `Piecewise(${pieces.join(', ')})`;
  }
  return undefined;
}

export function normalizeModel(doc: unknown): Model {
  const issues: Issue[] = [];
  const warnings: Issue[] = [];
  if (!isObject(doc)) throw new ModelError([{ path: '$', code: 'invalid_type', message: 'a model must be a map' }]);
  const name = text(doc.name);
  if (!name) issues.push({ path: 'name', code: 'missing_name', message: 'the model needs a name' });

  const parse = (src: string | undefined, path: string): Expr => {
    if (src === undefined) return num(Number.NaN);
    try {
      return parseExpression(src);
    } catch (err) {
      if (err instanceof ExpressionError) {
        issues.push({ path, code: 'expression_invalid', message: err.message, column: err.column });
        return num(Number.NaN);
      }
      throw err;
    }
  };

  const parameters: Parameter[] = entries(doc.parameters, 'parameters', issues).map(([pname, p]) => {
    const value = toNumber(p.value ?? p.default);
    if (value === undefined) {
      issues.push({ path: `parameters.${pname}`, code: 'parameter_without_value', message: `"${pname}" has no value` });
    }
    const domain = range(p.domain);
    return dropUndefined({
      name: pname,
      value: value ?? Number.NaN,
      domain: domain && domain.lo > domain.hi ? { ...domain, lo: domain.hi, hi: domain.lo } : domain,
      unit: text(p.unit),
      label: text(p.label),
      symbol: text(p.symbol),
      description: text(p.description) ?? text(p.definition),
      heterogeneous: p.heterogeneous === true ? true : undefined,
    });
  });

  const functions: FunctionDef[] = entries(doc.functions, 'functions', issues).map(([fname, f]) => {
    const args = Array.isArray(f.arguments)
      ? f.arguments.map((a) => (isObject(a) ? String(a.name) : String(a)))
      : isObject(f.arguments)
        ? Object.keys(f.arguments)
        : [];
    return {
      name: fname,
      args,
      expr: parse(equationSource(f), `functions.${fname}.equation.rhs`),
      description: text(f.description),
    };
  });

  const derivedParameters: DerivedItem[] = entries(doc.derived_parameters, 'derived_parameters', issues).map(
    ([dname, d]) =>
      dropUndefined({
        name: dname,
        expr: parse(equationSource(d), `derived_parameters.${dname}.equation.rhs`),
        unit: text(d.unit),
        description: text(d.description),
      }),
  );

  const derivedVariables: DerivedItem[] = entries(doc.derived_variables, 'derived_variables', issues).map(
    ([dname, d]) =>
      dropUndefined({
        name: dname,
        expr: parse(equationSource(d), `derived_variables.${dname}.equation.rhs`),
        unit: text(d.unit),
        description: text(d.description),
      }),
  );

  const inputDocs = entries(
    doc.coupling_inputs ?? doc.coupling_terms,
    doc.coupling_inputs ? 'coupling_inputs' : 'coupling_terms',
    issues,
  );

  const svDocs = entries(doc.state_variables, 'state_variables', issues);
  if (svDocs.length === 0)
    issues.push({ path: 'state_variables', code: 'missing_state_variables', message: 'no state variables' });
  const stateVariables: StateVariable[] = svDocs.map(([sname, s]) => {
    const src = equationSource(s);
    if (src === undefined) {
      issues.push({
        path: `state_variables.${sname}.equation`,
        code: 'missing_equation',
        message: `"${sname}" has no equation`,
      });
    }
    let domain = range(s.domain);
    if (domain && domain.lo > domain.hi) {
      warnings.push({
        path: `state_variables.${sname}.domain`,
        code: 'domain_inverted',
        message: `lo > hi for "${sname}"; swapped`,
      });
      domain = { ...domain, lo: domain.hi, hi: domain.lo };
    }
    const initial = toNumber(s.initial_value);
    const bounds = isObject(s.boundaries)
      ? { lo: toNumber(s.boundaries.lo) ?? -Infinity, hi: toNumber(s.boundaries.hi) ?? Infinity }
      : undefined;
    const fallback = initial ?? 0;
    return dropUndefined({
      name: sname,
      expr: parse(src, `state_variables.${sname}.equation.rhs`),
      domain: domain ?? { lo: fallback, hi: fallback },
      boundaries: bounds,
      initialValue: initial ?? (domain ? (domain.lo + domain.hi) / 2 : 0),
      couplingVariable: s.coupling_variable === true,
      variableOfInterest: s.variable_of_interest === true,
      unit: text(s.unit),
      label: text(s.label),
      description: text(s.description),
    });
  });
  if (stateVariables.length > 0 && !stateVariables.some((s) => s.couplingVariable)) {
    stateVariables[0].couplingVariable = true;
    warnings.push({
      path: 'state_variables',
      code: 'default_coupling_variable',
      message: `no coupling variable flagged; using "${stateVariables[0].name}"`,
    });
  }
  if (!stateVariables.some((s) => s.variableOfInterest)) {
    for (const s of stateVariables) s.variableOfInterest = true;
    warnings.push({
      path: 'state_variables',
      code: 'default_variables_of_interest',
      message: 'no variable of interest flagged; using all',
    });
  }

  const outputTransforms: OutputTransform[] = entries(doc.output_transforms, 'output_transforms', issues).map(
    ([oname, o]) =>
      dropUndefined({
        name: oname,
        expr: parse(equationSource(o), `output_transforms.${oname}.equation.rhs`),
        variableOfInterest: o.variable_of_interest === true ? true : undefined,
        unit: text(o.unit),
        description: text(o.description),
      }),
  );

  checkShadowing(
    [parameters, derivedParameters, derivedVariables, stateVariables, functions].map((l) => l.map((x) => x.name)),
    warnings,
  );

  const inline = makeInliner(functions, issues);
  for (const list of [derivedParameters, derivedVariables, stateVariables, outputTransforms] as {
    name: string;
    expr: Expr;
  }[][]) {
    for (const item of list) item.expr = inline(item.expr, item.name);
  }

  const paramNames = new Set(parameters.map((p) => p.name));
  const dpNames = new Set(derivedParameters.map((d) => d.name));
  const dvNames = new Set(derivedVariables.map((d) => d.name));
  const svNames = new Set(stateVariables.map((s) => s.name));
  const inputNames = new Set(inputDocs.map(([n]) => n));
  const constants = new Set(['pi', 'E']);
  const dynamicScope = (n: string): boolean =>
    svNames.has(n) || dvNames.has(n) || dpNames.has(n) || paramNames.has(n) || inputNames.has(n) || n in RESERVED;
  const parameterScope = (n: string): boolean => dpNames.has(n) || paramNames.has(n) || constants.has(n);

  const checkSymbols = (items: { name: string; expr: Expr }[], section: string, inScope: (n: string) => boolean) => {
    for (const item of items) {
      for (const s of freeSymbols(item.expr)) {
        if (!inScope(s))
          issues.push({ path: `${section}.${item.name}`, code: 'undefined_symbol', message: `unknown symbol "${s}"` });
      }
    }
  };
  checkSymbols(derivedParameters, 'derived_parameters', parameterScope);
  checkSymbols(derivedVariables, 'derived_variables', dynamicScope);
  checkSymbols(stateVariables, 'state_variables', dynamicScope);
  checkSymbols(outputTransforms, 'output_transforms', dynamicScope);

  const orderedDp = topoSort(derivedParameters, 'derived_parameters', issues);
  const orderedDv = topoSort(derivedVariables, 'derived_variables', issues);

  const referenced = new Set<string>();
  for (const item of [...derivedVariables, ...stateVariables]) {
    for (const s of freeSymbols(item.expr)) if (inputNames.has(s)) referenced.add(s);
  }
  let nextRow = 0;
  const couplingInputs: CouplingInput[] = inputDocs.map(([iname, d]) =>
    dropUndefined({
      name: iname,
      row: referenced.has(iname) && !svNames.has(iname) && !dvNames.has(iname) ? nextRow++ : -1,
      stateVariable: text(d.state_variable),
      description: text(d.description),
    }),
  );

  if (issues.length > 0) throw new ModelError(issues);
  const extra: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(doc)) if (!KNOWN_KEYS.has(k)) extra[k] = v;
  const refs = doc.references ?? doc.has_reference;
  return dropUndefined({
    name: name!,
    label: text(doc.label),
    description: text(doc.description),
    references: Array.isArray(refs) ? refs.map(String) : typeof refs === 'string' ? [refs] : [],
    tvbClass: text(doc.tvb_class),
    parameters,
    derivedParameters: orderedDp,
    functions,
    derivedVariables: orderedDv,
    couplingInputs,
    stateVariables,
    outputTransforms,
    numberOfModes: toNumber(doc.number_of_modes) ?? 1,
    warnings,
    extra,
  });
}

function dropUndefined<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}

/**
 * A name declared in two sections resolves by the §B1 order (state variable, derived variable, derived parameter,
 * parameter); upstream ZerlautAdaptationFirstOrder declares `S_i` both as parameter and derived variable.
 */
function checkShadowing(groups: string[][], warnings: Issue[]): void {
  const sections = ['parameters', 'derived_parameters', 'derived_variables', 'state_variables', 'functions'];
  const owner = new Map<string, string>();
  groups.forEach((names, g) => {
    for (const n of names) {
      const prev = owner.get(n);
      if (prev !== undefined && prev !== sections[g]) {
        warnings.push({
          path: `${sections[g]}.${n}`,
          code: 'shadowed_name',
          message: `"${n}" is also declared in ${prev}`,
        });
      }
      owner.set(n, sections[g]);
    }
  });
}

/** Inlines user functions (argument substitution), rejecting unknown names, wrong arity and recursion. */
function makeInliner(functions: FunctionDef[], issues: Issue[]): (e: Expr, owner: string) => Expr {
  const byName = new Map(functions.map((f) => [f.name, f]));
  const expand = (e: Expr, owner: string, stack: string[]): Expr =>
    transform(
      e,
      () => undefined,
      (fn, args) => {
        const builtin = BUILTINS[fn];
        if (builtin) {
          if (args.length < builtin.minArgs || args.length > builtin.maxArgs) {
            issues.push({
              path: owner,
              code: 'arity_mismatch',
              message: `${fn} takes ${builtin.minArgs} argument(s), got ${args.length}`,
            });
          }
          return undefined;
        }
        const f = byName.get(fn);
        if (!f) {
          issues.push({ path: owner, code: 'unknown_function', message: `unknown function "${fn}"` });
          return num(Number.NaN);
        }
        if (args.length !== f.args.length) {
          issues.push({
            path: owner,
            code: 'arity_mismatch',
            message: `${fn} takes ${f.args.length} argument(s), got ${args.length}`,
          });
          return num(Number.NaN);
        }
        if (stack.includes(fn)) {
          issues.push({ path: `functions.${fn}`, code: 'cyclic_definition', message: `function "${fn}" calls itself` });
          return num(Number.NaN);
        }
        const body = expand(f.expr, `functions.${fn}`, [...stack, fn]);
        const bound = new Map(f.args.map((a, i) => [a, args[i]]));
        return transform(body, (s) => bound.get(s));
      },
    );
  return (e, owner) => expand(e, owner, []);
}

function topoSort(items: DerivedItem[], section: string, issues: Issue[]): DerivedItem[] {
  const byName = new Map(items.map((d) => [d.name, d]));
  const state = new Map<string, 'visiting' | 'done'>();
  const out: DerivedItem[] = [];
  const visit = (d: DerivedItem): void => {
    const s = state.get(d.name);
    if (s === 'done') return;
    if (s === 'visiting') {
      issues.push({
        path: `${section}.${d.name}`,
        code: 'cyclic_definition',
        message: `"${d.name}" depends on itself`,
      });
      return;
    }
    state.set(d.name, 'visiting');
    for (const dep of freeSymbols(d.expr)) {
      const other = byName.get(dep);
      if (other && other !== d) visit(other);
      else if (other === d)
        issues.push({
          path: `${section}.${d.name}`,
          code: 'cyclic_definition',
          message: `"${d.name}" depends on itself`,
        });
    }
    state.set(d.name, 'done');
    out.push(d);
  };
  items.forEach(visit);
  return out;
}
