/**
 * Step parameter references (spec "Step kinds": values come from `{{path}}` references such as `finding.fields.ip`,
 * `finding.device.hostname`, `device.ip_address`, alternatives `a|b`, or literals). A reference that resolves to
 * nothing is `param_missing`; values are validated afterwards by the template's typed parameters.
 */
import type { ExecutionMode } from '../opmas.schema.ts';

const REFERENCE = /^\{\{\s*([^{}]+?)\s*\}\}$/;

/** What references can read. */
export interface StepScope {
  finding?: Record<string, unknown>;
  device?: Record<string, unknown>;
  params?: Record<string, unknown>;
}

export class StepParamError extends Error {
  readonly param: string;
  constructor(param: string, message: string) {
    super(message);
    this.name = 'StepParamError';
    this.param = param;
  }
}

function lookup(scope: StepScope, path: string): unknown {
  let value: unknown = scope;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** Resolves one value: a `{{a|b}}` reference takes the first alternative that is set; anything else is a literal. */
export function resolveValue(raw: string | number, scope: StepScope): string | undefined {
  if (typeof raw === 'number') return String(raw);
  const reference = REFERENCE.exec(raw);
  if (!reference) return raw;
  for (const alternative of reference[1].split('|').map((part) => part.trim())) {
    const value = lookup(scope, alternative);
    if (value !== undefined && value !== null && value !== '') return String(value);
  }
  return undefined;
}

/** Resolves every parameter; throws `StepParamError` naming the first one that resolves to nothing. */
export function resolveParams(params: Record<string, string | number>, scope: StepScope): Record<string, string> {
  const resolved: Record<string, string> = {};
  for (const [name, raw] of Object.entries(params)) {
    const value = resolveValue(raw, scope);
    if (value === undefined) throw new StepParamError(name, `${name}: ${String(raw)} resolves to nothing`);
    resolved[name] = value;
  }
  return resolved;
}

const MODE_ORDER: ExecutionMode[] = ['observe', 'dry_run', 'execute'];

/** The least permissive of the given modes (spec: effective mode = min over system, profile, playbook, device). */
export function minMode(...modes: (ExecutionMode | null | undefined)[]): ExecutionMode {
  let index = MODE_ORDER.length - 1;
  for (const mode of modes) if (mode) index = Math.min(index, MODE_ORDER.indexOf(mode));
  return MODE_ORDER[index];
}
