// The template functions the chart uses: Go's builtins (https://pkg.go.dev/text/template#hdr-Functions) and the Sprig/Helm
// functions (https://masterminds.github.io/sprig/, https://helm.sh/docs/chart_template_guide/function_list/).
// `and`, `or` and `include` need the evaluator and live in template-engine.ts.
import { createHash } from 'node:crypto';
import { stringify } from 'yaml';

export type TemplateFunction = (...args: unknown[]) => unknown;

export const isMap = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Go's notion of truth in templates: false, 0, nil and empty strings, lists and maps are false. */
export function isTruthy(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === 0 || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (isMap(value)) return Object.keys(value).length > 0;
  return true;
}

/** Formats a value like Go's `%v`: lists as `[a b]`, maps as `map[k:v]` with sorted keys. */
export function formatValue(value: unknown): string {
  if (value === undefined || value === null) return '<nil>';
  if (Array.isArray(value)) return `[${value.map(formatValue).join(' ')}]`;
  if (isMap(value)) {
    const entries = Object.keys(value)
      .sort()
      .map((key) => `${key}:${formatValue(value[key])}`);
    return `map[${entries.join(' ')}]`;
  }
  return String(value);
}

/** Sprig's strval: strings unchanged, everything else through `%v`. */
const text = (value: unknown): string => (typeof value === 'string' ? value : formatValue(value));

function integer(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new Error(`${name}: expected an integer, got ${formatValue(value)}`);
  }
  return value;
}

function indent(spaces: unknown, value: unknown): string {
  const pad = ' '.repeat(integer('indent', spaces));
  return pad + text(value).replaceAll('\n', `\n${pad}`);
}

/** Go's comparison rules: values of different basic kinds cannot be compared. */
function equal(left: unknown, right: unknown): boolean {
  const kind = (v: unknown) => (v === undefined || v === null ? 'nil' : typeof v);
  if (kind(left) !== kind(right)) {
    throw new Error(`incompatible types for comparison: ${formatValue(left)} and ${formatValue(right)}`);
  }
  if (typeof left === 'object' && left !== null) throw new Error('eq/ne are only defined on basic types');
  return left === right;
}

function printf(format: unknown, ...args: unknown[]): string {
  let next = 0;
  return text(format).replace(/%([%sdvq])/g, (_match, verb: string) => {
    if (verb === '%') return '%';
    if (next >= args.length) return `%!${verb}(MISSING)`;
    const arg = args[next++];
    if (verb === 'd') return String(integer('printf %d', arg));
    if (verb === 'q') return JSON.stringify(text(arg));
    return text(arg);
  });
}

function toYaml(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  // Helm marshals through JSON, so map keys come out sorted and the trailing newline is trimmed.
  return stringify(value, { sortMapEntries: true, lineWidth: 0 }).replace(/\n$/, '');
}

function dict(...pairs: unknown[]): Record<string, unknown> {
  if (pairs.length % 2 !== 0) throw new Error('dict: expected key/value pairs');
  const result: Record<string, unknown> = {};
  for (let i = 0; i < pairs.length; i += 2) result[text(pairs[i])] = pairs[i + 1];
  return result;
}

function truncate(length: unknown, value: unknown): string {
  const n = integer('trunc', length);
  const s = text(value);
  if (n < 0) return s.length + n > 0 ? s.slice(s.length + n) : s;
  return s.slice(0, n);
}

function required(message: unknown, value: unknown): unknown {
  if (value === undefined || value === null || value === '') throw new Error(text(message));
  return value;
}

function join(separator: unknown, list: unknown): string {
  if (!Array.isArray(list)) throw new Error(`join: expected a list, got ${formatValue(list)}`);
  return list.map(text).join(text(separator));
}

/** Name → [function, minimum arity, maximum arity]. */
export const functions: Record<string, [TemplateFunction, number, number]> = {
  not: [(value) => !isTruthy(value), 1, 1],
  eq: [(left, ...rights) => rights.some((right) => equal(left, right)), 2, Number.POSITIVE_INFINITY],
  ne: [(left, right) => !equal(left, right), 2, 2],
  quote: [
    (...values) =>
      values
        .filter((v) => v !== undefined && v !== null)
        .map((v) => JSON.stringify(text(v)))
        .join(' '),
    0,
    Number.POSITIVE_INFINITY,
  ],
  default: [(fallback, value) => (isTruthy(value) ? value : fallback), 1, 2],
  toYaml: [toYaml, 1, 1],
  indent: [indent, 2, 2],
  nindent: [(spaces, value) => `\n${indent(spaces, value)}`, 2, 2],
  trunc: [truncate, 2, 2],
  trimSuffix: [
    (suffix, value) => {
      const s = text(value);
      const x = text(suffix);
      return x && s.endsWith(x) ? s.slice(0, -x.length) : s;
    },
    2,
    2,
  ],
  join: [join, 2, 2],
  b64enc: [(value) => Buffer.from(text(value), 'utf8').toString('base64'), 1, 1],
  sha256sum: [(value) => createHash('sha256').update(text(value), 'utf8').digest('hex'), 1, 1],
  printf: [printf, 1, Number.POSITIVE_INFINITY],
  required: [required, 2, 2],
  dict: [dict, 0, Number.POSITIVE_INFINITY],
};
