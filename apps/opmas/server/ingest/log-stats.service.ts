import type { Orm } from '@platform/kernel/db/database.ts';
import {
  presentDeviceSources,
  presentDomainSources,
  presentSeveritySources,
  presentTotals,
} from './log-stats.presenter.ts';
import { LogStatsRepository } from './log-stats.repository.ts';
import type { LogStatsQuery, LogStatsView } from './log-stats.schema.ts';
import { statsRange, wholeMinutes } from './log-stats-range.ts';

/** `GET /api/v1/logs/stats`: the range's counts grouped by device (default), domain or severity. */
export async function logStatsReport(orm: Orm, query: LogStatsQuery, now = new Date()): Promise<LogStatsView> {
  const range = statsRange(query, now);
  const repository = new LogStatsRepository(orm);
  const minutes = wholeMinutes(range);
  const header = { start_time: range.from.toISOString(), end_time: range.to.toISOString() };
  const groupBy = query.group_by ?? 'device';
  if (groupBy === 'domain') {
    const rows = await repository.byDomain(minutes);
    return { ...header, group_by: groupBy, ...presentTotals(rows), sources: presentDomainSources(rows) };
  }
  if (groupBy === 'severity') {
    const rows = await repository.bySeverity(minutes);
    return { ...header, group_by: groupBy, ...presentTotals(rows), sources: presentSeveritySources(rows) };
  }
  const rows = await repository.byDevice(minutes);
  return { ...header, group_by: groupBy, ...presentTotals(rows), sources: presentDeviceSources(rows) };
}
