/**
 * Rule documents as written in YAML/JSON (spec 02 "Rule documents"), and the pack file that groups them.
 * Structural checks live in rule-compiler.ts, which turns a document into an executable rule or a `RuleError`.
 */

export type RuleType = 'trigger' | 'threshold' | 'leaky' | 'metric' | 'fact';
export type PatternRole = 'count' | 'enrich' | 'reconcile';
export type CaptureType = 'mac' | 'ip' | 'iface' | 'user' | 'int';
export type FindingSeverity = 'info' | 'warning' | 'high' | 'critical';

export interface RulePatternDoc {
  regex: string;
  flags?: string;
  role?: PatternRole;
}

export interface RuleDocument {
  id: string;
  domain: string;
  type: RuleType;
  description: string;
  title?: string;
  match: {
    program?: string[];
    facility?: string[];
    severity_max?: string;
    patterns?: RulePatternDoc[];
    exclude?: string[];
    metric?: string;
  };
  session?: { by: 'pid'; fields: string[]; ttl: string; pending: string };
  require?: string[];
  validate?: Record<string, CaptureType>;
  groupby?: string[];
  distinct?: string;
  threshold?: { count: number; window: string };
  leaky?: { capacity: number; leakspeed: string };
  metric?: {
    aggregate: 'avg' | 'min' | 'max';
    window: string;
    min_samples: number;
    op: '<' | '<=' | '>' | '>=';
    value: number;
  };
  cooldown?: string;
  blackhole?: string;
  severity?: FindingSeverity;
  labels?: Record<string, string>;
  fact?: { kind: string; key: string; fields: string[] };
  enabled?: boolean;
}

export interface RulePack {
  pack: string;
  pack_version: number;
  rules: RuleDocument[];
}

export type RuleErrorCode = 'rule_invalid' | 'rule_regex_invalid' | 'rule_regex_unsafe' | 'rule_unknown_field';

export class RuleError extends Error {
  readonly code: RuleErrorCode;
  readonly details: Record<string, unknown>;

  constructor(code: RuleErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'RuleError';
    this.code = code;
    this.details = details;
  }
}

const DURATION = /^(\d+)(ms|s|m|h|d)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `<int>(ms|s|m|h|d)` → milliseconds. */
export function parseDuration(text: string, field: string): number {
  const m = DURATION.exec(String(text));
  if (!m) throw new RuleError('rule_invalid', `${field}: duration must be <int>(ms|s|m|h|d)`, { field });
  return Number(m[1]) * UNIT_MS[m[2]];
}
