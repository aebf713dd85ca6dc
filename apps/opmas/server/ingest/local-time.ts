/**
 * Device-local wall-clock times → UTC, per the spec's "Time" rules: IANA zone of the device, ambiguous local times take
 * the earlier offset, times in a DST gap take the offset in force before the gap, and a missing year is the one of
 * {Y−1, Y, Y+1} nearest to arrival (BSD syslog headers carry no year, RFC 3164 §4.1.2).
 */

export interface LocalDateTime {
  year: number;
  month: number; // 1..12
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

export interface ZonedResult {
  ts: number;
  warning?: 'time_ambiguous' | 'time_in_gap';
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const DAY_MS = 86_400_000;

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** True when `timeZone` is an IANA name this runtime knows. */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/**
 * Offsets per zone and UTC minute: zone transitions fall on whole minutes, and `Intl` formatting is the parser's most
 * expensive step, so a busy listener computes each (zone, minute) once. Bounded: cleared when it grows past the limit.
 */
const offsetCache = new Map<string, number>();
const OFFSET_CACHE_MAX = 50_000;
const UTC_ZONES = new Set(['UTC', 'Etc/UTC', 'Etc/GMT', 'GMT']);

/** Offset (ms, local − UTC) of `timeZone` at the instant `utcMs`. */
export function offsetAt(utcMs: number, timeZone: string): number {
  if (UTC_ZONES.has(timeZone)) return 0;
  const key = `${timeZone}|${Math.floor(utcMs / 60_000)}`;
  const cached = offsetCache.get(key);
  if (cached !== undefined) return cached;
  const offset = computeOffset(utcMs, timeZone);
  if (offsetCache.size >= OFFSET_CACHE_MAX) offsetCache.clear();
  offsetCache.set(key, offset);
  return offset;
}

function computeOffset(utcMs: number, timeZone: string): number {
  const parts = formatterFor(timeZone).formatToParts(new Date(utcMs));
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return asUtc - (utcMs - (((utcMs % 1000) + 1000) % 1000));
}

/** Calendar check: rejects Feb 29 of common years, Apr 31 and the like. */
export function isValidDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function wallClockMs(t: LocalDateTime): number {
  const ms = Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second, t.millisecond);
  // Date.UTC maps years 0..99 to 1900..1999; set the year explicitly.
  if (t.year < 100) return new Date(ms).setUTCFullYear(t.year);
  return ms;
}

/** Converts a local wall-clock time in `timeZone` to UTC ms. */
export function zonedToUtc(local: LocalDateTime, timeZone: string): ZonedResult {
  const wall = wallClockMs(local);
  if (UTC_ZONES.has(timeZone)) return { ts: wall };
  const before = offsetAt(wall - DAY_MS, timeZone);
  const after = offsetAt(wall + DAY_MS, timeZone);
  const candidates = [...new Set([before, after])]
    .map((offset) => wall - offset)
    .filter((utc) => offsetAt(utc, timeZone) === wall - utc)
    .sort((a, b) => a - b);
  if (candidates.length === 1) return { ts: candidates[0] };
  if (candidates.length > 1) return { ts: candidates[0], warning: 'time_ambiguous' };
  return { ts: wall - before, warning: 'time_in_gap' };
}

/** Year of the instant `utcMs` as seen in `timeZone`. */
export function yearIn(utcMs: number, timeZone: string): number {
  return new Date(utcMs + offsetAt(utcMs, timeZone)).getUTCFullYear();
}

/** Resolves a year-less local time to the candidate year nearest to `arrival`; undefined when no candidate is a real date. */
export function inferYear(
  local: Omit<LocalDateTime, 'year'>,
  arrival: number,
  timeZone: string,
): (ZonedResult & { year: number }) | undefined {
  const arrivalYear = yearIn(arrival, timeZone);
  let best: (ZonedResult & { year: number }) | undefined;
  for (const year of [arrivalYear - 1, arrivalYear, arrivalYear + 1]) {
    if (!isValidDate(year, local.month, local.day)) continue;
    const result = zonedToUtc({ ...local, year }, timeZone);
    if (!best || Math.abs(result.ts - arrival) < Math.abs(best.ts - arrival)) best = { ...result, year };
  }
  return best;
}
