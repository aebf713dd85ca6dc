import { badRequest } from '@platform/kernel/http/errors.ts';
import type { MinuteRange } from './log-stats.repository.ts';

const HOUR_MS = 3_600_000;
/** spec 02-opmas "API" `/logs/stats`: default last 1 h, max 31 d. */
const DEFAULT_SPAN_MS = HOUR_MS;
const MAX_SPAN_MS = 31 * 24 * HOUR_MS;

const parseTime = (value: string, name: string): Date => {
  const time = Date.parse(value);
  if (Number.isNaN(time)) throw badRequest(`${name} is not a date`, { field: name }, 'validation_failed');
  return new Date(time);
};

/** The requested range: 400 `validation_failed` for bad or reversed dates, 400 `range_too_large` beyond 31 days. */
export function statsRange(query: { start_time?: string; end_time?: string }, now: Date): MinuteRange {
  const to = query.end_time === undefined ? now : parseTime(query.end_time, 'end_time');
  const from =
    query.start_time === undefined
      ? new Date(to.getTime() - DEFAULT_SPAN_MS)
      : parseTime(query.start_time, 'start_time');
  if (from > to) throw badRequest('start_time is after end_time', undefined, 'validation_failed');
  if (to.getTime() - from.getTime() > MAX_SPAN_MS) {
    throw badRequest('the range is longer than 31 days', { max_days: 31 }, 'range_too_large');
  }
  return { from, to };
}

/** Widens a range to whole minutes, so the minute a range starts in is counted (rows are keyed by minute start). */
export function wholeMinutes({ from, to }: MinuteRange): MinuteRange {
  return { from: new Date(Math.floor(from.getTime() / 60_000) * 60_000), to };
}
