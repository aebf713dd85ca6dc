/**
 * tvbo continuation YAML → native run (spec 03-tvbo §B8). Options this engine does not interpret (BifurcationKit
 * `options`, `software`, codim-2 runs, branches from folds/BPs) are kept and reported as warnings. Periodic-orbit
 * branches from Hopf points run by multiple shooting (a `collocation` request → warning `method_substituted`).
 */
import { EngineError } from '../errors.ts';
import { toNumber } from '../model/normalize.ts';
import type { Model } from '../model/types.ts';
import { findEquilibrium, pointContext } from './equilibrium.ts';
import { type Branch, type ContinuationSettings, continueEquilibrium, DEFAULT_SETTINGS } from './palc.ts';
import { orbitBranchesFromHopf, type PeriodicOrbitBranch } from './po-branches.ts';

type Doc = Record<string, unknown>;

export type ContinuationSpec = {
  name: string;
  dynamics?: string;
  settings: ContinuationSettings;
  freeParameters: { name: string; lo: number; hi: number }[];
  parameters: Record<string, number>;
  couplingInputs: Record<string, number>;
  initialState: { method: string; duration?: number; values?: number[] };
  branches: { name: string; sourcePoint: string; options: Doc }[];
  warnings: string[];
};

const KNOWN = new Set([
  'name',
  'label',
  'description',
  'dynamics',
  'free_parameters',
  'parameters',
  'coupling_inputs',
  'ds',
  'ds_min',
  'ds_max',
  'max_steps',
  'newton_tol',
  'newton_max_iterations',
  'tol_stability',
  'max_bisection_steps',
  'bothside',
  'initial_state',
  'branches',
  'backend',
  'id',
]);

const isObject = (v: unknown): v is Doc => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Map-form (`{name: {...}}`) and list-form (`[{name, ...}]`) collections both become named entries. */
function named(value: unknown): [string, Doc][] {
  if (Array.isArray(value)) return value.filter(isObject).map((e, i) => [String(e.name ?? `item${i}`), e]);
  if (isObject(value)) return Object.entries(value).map(([k, v]) => [k, isObject(v) ? v : {}]);
  return [];
}

const numberMap = (value: unknown): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const [k, v] of named(value)) out[k] = toNumber(v.value) ?? Number.NaN;
  if (isObject(value)) for (const [k, v] of Object.entries(value)) if (toNumber(v) !== undefined) out[k] = toNumber(v)!;
  return out;
};

export function parseContinuationSpec(doc: Doc): ContinuationSpec {
  const warnings: string[] = [];
  for (const key of Object.keys(doc)) if (!KNOWN.has(key)) warnings.push(`option_ignored: ${key}`);
  const freeParameters = (Array.isArray(doc.free_parameters) ? doc.free_parameters : []).filter(isObject).map((p) => {
    const d = isObject(p.domain) ? p.domain : {};
    return { name: String(p.name), lo: toNumber(d.lo) ?? -Infinity, hi: toNumber(d.hi) ?? Infinity };
  });
  if (freeParameters.length === 0) throw new EngineError('invalid_request', 'continuation needs a free parameter');
  if (freeParameters.length > 1) warnings.push('not_supported: codim-2 continuation');
  const num = (key: string, fallback: number): number => toNumber(doc[key]) ?? fallback;
  const settings: ContinuationSettings = {
    ...DEFAULT_SETTINGS,
    parameter: freeParameters[0].name,
    lo: freeParameters[0].lo,
    hi: freeParameters[0].hi,
    ds: num('ds', DEFAULT_SETTINGS.ds),
    dsMin: num('ds_min', DEFAULT_SETTINGS.dsMin),
    dsMax: num('ds_max', DEFAULT_SETTINGS.dsMax),
    maxSteps: num('max_steps', DEFAULT_SETTINGS.maxSteps),
    newtonTol: num('newton_tol', DEFAULT_SETTINGS.newtonTol),
    newtonMaxIterations: num('newton_max_iterations', DEFAULT_SETTINGS.newtonMaxIterations),
    tolStability: num('tol_stability', DEFAULT_SETTINGS.tolStability),
    maxBisectionSteps: num('max_bisection_steps', DEFAULT_SETTINGS.maxBisectionSteps),
    bothside: doc.bothside === true,
  };
  const init = isObject(doc.initial_state) ? doc.initial_state : {};
  const branches = named(doc.branches).map(([name, b]) => ({
    name,
    sourcePoint: String(b.source_point ?? 'hopf:-1'),
    options: b,
  }));
  return {
    name: String(doc.name ?? 'continuation'),
    dynamics: typeof doc.dynamics === 'string' ? doc.dynamics : undefined,
    settings,
    freeParameters,
    parameters: numberMap(doc.parameters),
    couplingInputs: numberMap(doc.coupling_inputs),
    initialState: {
      method: String(init.method ?? 'time_integration'),
      duration: toNumber(init.duration),
      values: Array.isArray(init.values) ? init.values.map(Number) : undefined,
    },
    branches,
    warnings,
  };
}

/** Experiment files hold several continuations under `continuations:` (map or list); plain specs are one. */
export function parseContinuationDocument(doc: Doc): ContinuationSpec[] {
  if (doc.continuations !== undefined) {
    return named(doc.continuations).map(([name, c]) => {
      const spec = parseContinuationSpec({ name, dynamics: doc.model, ...c });
      return spec;
    });
  }
  return [parseContinuationSpec(doc)];
}

export type ContinuationResult = {
  name: string;
  branches: ((Branch & { name: string; kind: 'equilibrium' }) | PeriodicOrbitBranch)[];
  warnings: string[];
};

/** `maxOrbitSteps` caps every periodic-orbit branch (callers bound the cost of shooting runs). */
export function runContinuation(
  model: Model,
  spec: ContinuationSpec,
  options: { maxOrbitSteps?: number } = {},
): ContinuationResult {
  const ctx = pointContext(model, [spec.settings.parameter], spec.parameters, spec.couplingInputs);
  const method = spec.initialState.method;
  const start = findEquilibrium(ctx, {
    method: method === 'newton' || method === 'given' ? method : 'time_integration',
    duration: spec.initialState.duration,
    values: spec.initialState.values,
  });
  const branch = continueEquilibrium(ctx, start.x, spec.settings);
  const warnings = [...spec.warnings, ...start.warnings];
  const orbits = spec.branches.flatMap((b) => orbitBranchesFromHopf(ctx, branch, spec.settings, b, warnings, options));
  return {
    name: spec.name,
    branches: [{ ...branch, name: spec.name, kind: 'equilibrium' }, ...orbits],
    warnings,
  };
}
