import type { ActivityRow } from './dashboard.repository.ts';
import type { ActivityItem, ActivityKind } from './dashboard.schema.ts';

/** Merges the per-source rows into one feed, newest first, at most `limit` items. */
export function presentActivity(sources: [ActivityKind, ActivityRow[]][], limit: number): ActivityItem[] {
  return sources
    .flatMap(([kind, rows]) => rows.map((row) => ({ kind, row })))
    .sort((a, b) => b.row.at.getTime() - a.row.at.getTime())
    .slice(0, limit)
    .map(({ kind, row }) => ({
      kind,
      id: row.id,
      at: row.at.toISOString(),
      title: row.title,
      ...(row.severity ? { severity: row.severity } : {}),
    }));
}

/** Counts per value of one field. */
export function countsBy<Row extends { n: number }>(rows: Row[], field: keyof Row): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const row of rows) {
    const key = String(row[field]);
    counts[key] = (counts[key] ?? 0) + Number(row.n);
  }
  return counts;
}
