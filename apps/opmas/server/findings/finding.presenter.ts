import type { FindingView } from './finding.schema.ts';
import type { FindingRow } from './finding.tables.ts';

const iso = (date: Date | null): string | null => (date ? date.toISOString() : null);

/** Row → API shape (snake_case, ISO times). */
export function presentFinding(row: FindingRow): FindingView {
  return {
    id: row.id,
    rule_id: row.ruleId,
    domain: row.domain,
    severity: row.severity,
    status: row.status,
    title: row.title,
    device: row.device,
    device_id: row.deviceId,
    group_key: row.groupKey,
    fields: row.fields,
    event_count: row.eventCount,
    occurrences: row.occurrences,
    first_seen: row.firstSeen.toISOString(),
    last_seen: row.lastSeen.toISOString(),
    evidence: row.evidence,
    labels: row.labels,
    update_seq: row.updateSeq,
    source: row.source,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
    resolved_at: iso(row.resolvedAt),
    closed_at: iso(row.closedAt),
  };
}
