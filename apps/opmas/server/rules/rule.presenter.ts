import type { RegexWarning } from './redos-check.ts';
import type { RuleView } from './rule.schema.ts';
import type { RuleRow, RuleVersionRow } from './rule.tables.ts';
import type { RuleStats } from './rule-engine.ts';

const NO_STATS: RuleStats = { matches: 0, invalid_keys: 0, fires: 0, evicted_keys: 0, eval_ms: 0 };

/** A stored rule with this node's live counters (zero on nodes that run no agent). */
export function presentRule(row: RuleRow, live: RuleStats | undefined, warnings: RegexWarning[] = []): RuleView {
  const stats = live ?? NO_STATS;
  return {
    id: row.id,
    version: row.version,
    domain: row.domain,
    type: row.type,
    enabled: row.enabled,
    source: row.source,
    doc: { ...row.doc } as Record<string, unknown>,
    stats: {
      enabled: row.enabled,
      last_triggered: row.lastTriggered?.toISOString() ?? null,
      trigger_count: row.triggerCount,
      matches: stats.matches,
      invalid_keys: stats.invalid_keys,
      fires: stats.fires,
      eval_ms: Math.round(stats.eval_ms * 1000) / 1000,
    },
    warnings,
    updated_at: row.updatedAt.toISOString(),
  };
}

export function presentRuleVersion(row: RuleVersionRow) {
  return {
    version: row.version,
    doc: { ...row.doc } as Record<string, unknown>,
    enabled: row.enabled,
    changed_by: row.changedBy,
    changed_at: row.changedAt.toISOString(),
  };
}
