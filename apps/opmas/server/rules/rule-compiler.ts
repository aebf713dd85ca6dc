/**
 * Rule document → executable rule (spec 02 "Rule documents" and the match stage of "Rule evaluation"): every regex is
 * compiled (`rule_regex_invalid` with the pattern index), every `groupby`/`distinct`/`validate`/`require` name must be
 * a named group (`rule_unknown_field`), and matching is the stateless first-matching-pattern step.
 */
import { FACILITY_NAMES, severityCode } from '../ingest/pri.ts';
import { validateCapture } from './capture-validators.ts';
import {
  type CaptureType,
  type FindingSeverity,
  type PatternRole,
  parseDuration,
  type RuleDocument,
  RuleError,
  type RuleType,
} from './rule-document.ts';

export const DEFAULT_MATCH_MAX_CHARS = 4096;
const RULE_ID = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$/;
const NAMED_GROUP = /\(\?<([A-Za-z_$][\w$]*)>/g;
const EVENT_FIELDS = new Set(['$app', '$host', '$pid']);
const TYPES: readonly RuleType[] = ['trigger', 'threshold', 'leaky', 'metric', 'fact'];

export interface CompiledPattern {
  regex: RegExp;
  role: PatternRole;
}

export interface CompiledRule {
  id: string;
  domain: string;
  type: RuleType;
  enabled: boolean;
  programs?: ReadonlySet<string>;
  facilities?: ReadonlySet<number>;
  severityMax?: number;
  patterns: CompiledPattern[];
  exclude: RegExp[];
  metricName?: string;
  session?: { fields: string[]; ttlMs: number; pendingMs: number };
  require: string[];
  validate: [string, CaptureType][];
  groupby: string[];
  distinct?: string;
  threshold?: { count: number; windowMs: number };
  leaky?: { capacity: number; leakMs: number };
  metric?: { aggregate: 'avg' | 'min' | 'max'; windowMs: number; minSamples: number; op: string; value: number };
  cooldownMs: number;
  severity: FindingSeverity;
  labels: Record<string, string>;
  title?: string;
  fact?: { kind: string; key: string; fields: string[] };
}

/** What the match stage reads from a parsed event. */
export interface MatchableEvent {
  app: string;
  facility: number;
  severity: number;
  msg: string;
}

export type MatchResult =
  | { kind: 'match'; role: PatternRole; fields: Record<string, string>; pattern: number }
  | { kind: 'invalid'; field: string; pattern: number; fields: Record<string, string> };

function invalid(message: string, field?: string): never {
  throw new RuleError('rule_invalid', message, field ? { field } : {});
}

function compileRegex(source: string, flags: string | undefined, index: number, ruleId: string): RegExp {
  if (flags !== undefined && !/^[isu]*$/.test(flags)) invalid(`pattern ${index}: flags may only be i, s, u`, 'flags');
  try {
    return new RegExp(source, flags ?? '');
  } catch (error) {
    throw new RuleError('rule_regex_invalid', (error as Error).message, { rule: ruleId, pattern_index: index });
  }
}

function positive(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)
    invalid(`${field} must be a positive number`, field);
  return value;
}

/** Compiles and checks one rule document; throws `RuleError`. */
export function compileRule(doc: RuleDocument): CompiledRule {
  if (typeof doc?.id !== 'string' || doc.id.length > 64 || !RULE_ID.test(doc.id))
    invalid('id must match domain.name', 'id');
  if (!TYPES.includes(doc.type)) invalid(`type must be one of ${TYPES.join(', ')}`, 'type');
  const match = doc.match ?? invalid('match is required', 'match');
  const patternDocs = match.patterns ?? [];
  if (doc.type !== 'metric' && patternDocs.length === 0) invalid('match.patterns must not be empty', 'match.patterns');
  const patterns = patternDocs.map((p, i) => ({
    regex: compileRegex(p.regex, p.flags, i, doc.id),
    role: p.role ?? 'count',
  }));
  const exclude = (match.exclude ?? []).map((source, i) =>
    compileRegex(source, undefined, patterns.length + i, doc.id),
  );
  const groups = new Set(patternDocs.flatMap((p) => [...p.regex.matchAll(NAMED_GROUP)].map((m) => m[1])));
  const checkField = (name: string, field: string) => {
    if (doc.type !== 'metric' && !groups.has(name) && !EVENT_FIELDS.has(name)) {
      throw new RuleError('rule_unknown_field', `${field}: no named group ${name}`, { field, name });
    }
  };
  const groupby = doc.groupby ?? [];
  for (const name of groupby) checkField(name, 'groupby');
  if (doc.distinct !== undefined) checkField(doc.distinct, 'distinct');
  for (const name of Object.keys(doc.validate ?? {})) checkField(name, 'validate');
  for (const name of doc.require ?? []) checkField(name, 'require');
  for (const name of doc.session?.fields ?? []) checkField(name, 'session.fields');
  const facilities = match.facility?.map((name) => {
    const code = FACILITY_NAMES.indexOf(name);
    return code >= 0 ? code : invalid(`unknown facility ${name}`, 'match.facility');
  });
  const rule: CompiledRule = {
    id: doc.id,
    domain: doc.domain,
    type: doc.type,
    enabled: doc.enabled ?? true,
    patterns,
    exclude,
    require: doc.require ?? [],
    validate: Object.entries(doc.validate ?? {}),
    groupby,
    cooldownMs: parseDuration(doc.cooldown ?? doc.blackhole ?? '0s', 'cooldown'),
    severity: doc.severity ?? 'warning',
    labels: doc.labels ?? {},
  };
  if (match.program) rule.programs = new Set(match.program);
  if (facilities) rule.facilities = new Set(facilities);
  if (match.severity_max !== undefined) {
    rule.severityMax = severityCode(match.severity_max) ?? invalid('unknown severity_max', 'match.severity_max');
  }
  if (match.metric !== undefined) rule.metricName = match.metric;
  if (doc.distinct !== undefined) rule.distinct = doc.distinct;
  if (doc.title !== undefined) rule.title = doc.title;
  if (doc.session) {
    rule.session = {
      fields: doc.session.fields,
      ttlMs: parseDuration(doc.session.ttl, 'session.ttl'),
      pendingMs: parseDuration(doc.session.pending, 'session.pending'),
    };
  }
  if (doc.type === 'threshold') {
    const threshold = doc.threshold ?? invalid('threshold is required', 'threshold');
    rule.threshold = {
      count: positive(threshold.count, 'threshold.count'),
      windowMs: parseDuration(threshold.window, 'threshold.window'),
    };
  }
  if (doc.type === 'leaky') {
    const leaky = doc.leaky ?? invalid('leaky is required', 'leaky');
    rule.leaky = {
      capacity: positive(leaky.capacity, 'leaky.capacity'),
      leakMs: parseDuration(leaky.leakspeed, 'leaky.leakspeed'),
    };
  }
  if (doc.type === 'metric') {
    const metric = doc.metric ?? invalid('metric is required', 'metric');
    if (!['avg', 'min', 'max'].includes(metric.aggregate)) invalid('metric.aggregate', 'metric.aggregate');
    if (!['<', '<=', '>', '>='].includes(metric.op)) invalid('metric.op', 'metric.op');
    if (!rule.metricName) invalid('match.metric is required', 'match.metric');
    rule.metric = {
      aggregate: metric.aggregate,
      windowMs: parseDuration(metric.window, 'metric.window'),
      minSamples: positive(metric.min_samples, 'metric.min_samples'),
      op: metric.op,
      value: Number(metric.value),
    };
  }
  if (doc.type === 'fact') {
    const fact = doc.fact ?? invalid('fact is required', 'fact');
    checkField(fact.key, 'fact.key');
    for (const name of fact.fields) checkField(name, 'fact.fields');
    rule.fact = fact;
  }
  return rule;
}

/** Validates typed fields in place (normalising MACs); returns the first failing name. */
export function validateFields(rule: CompiledRule, fields: Record<string, string>): string | undefined {
  for (const [name, type] of rule.validate) {
    const value = fields[name];
    if (value === undefined) continue;
    const normalised = validateCapture(type, value);
    if (normalised === undefined) return name;
    fields[name] = normalised;
  }
  return undefined;
}

/** Stateless match stage: prefilters, exclusions, first matching pattern on the first `maxChars` of msg, validation. */
export function matchRule(
  rule: CompiledRule,
  event: MatchableEvent,
  maxChars = DEFAULT_MATCH_MAX_CHARS,
): MatchResult | undefined {
  if (!rule.enabled || rule.patterns.length === 0) return undefined;
  if (rule.programs && !rule.programs.has(event.app)) return undefined;
  if (rule.facilities && !rule.facilities.has(event.facility)) return undefined;
  if (rule.severityMax !== undefined && event.severity > rule.severityMax) return undefined;
  const text = event.msg.length > maxChars ? event.msg.slice(0, maxChars) : event.msg;
  if (rule.exclude.some((regex) => regex.test(text))) return undefined;
  for (const [index, pattern] of rule.patterns.entries()) {
    const m = pattern.regex.exec(text);
    if (!m) continue;
    const fields: Record<string, string> = {};
    for (const [name, value] of Object.entries(m.groups ?? {})) if (value !== undefined) fields[name] = value;
    const failed = validateFields(rule, fields);
    return failed === undefined
      ? { kind: 'match', role: pattern.role, fields, pattern: index }
      : { kind: 'invalid', field: failed, pattern: index, fields };
  }
  return undefined;
}
