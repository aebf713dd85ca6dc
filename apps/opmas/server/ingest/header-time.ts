/**
 * Timestamp forms found at the start of BSD-style headers (spec 02 "Parser"): `Mmm [ d]d hh:mm:ss` (RFC 3164 §4.1.2,
 * ubox `LOG_NET`), optionally followed by `TZNAME YYYY` (RFC 3164 §5.4 ex. 3); year-first `YYYY Mmm dd hh:mm:ss [TZ±n]`
 * (ex. 4); ISO 8601 / RFC 3339 stamps; and the logread file form `Www Mmm [ d]d hh:mm:ss YYYY facility.severity`.
 */
import { isValidDate, type LocalDateTime } from './local-time.ts';

export interface HeaderTime {
  /** Index just after the timestamp and its trailing space. */
  end: number;
  original: string;
  local: Omit<LocalDateTime, 'year'>;
  year?: number;
  /** Set when the stamp carries its own offset. */
  absolute?: number;
  tzName?: string;
  logread?: { facility: string; severity: string };
}

const MONTHS = 'Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec';
const MONTH_INDEX = new Map(MONTHS.split('|').map((name, i) => [name, i + 1]));
const CLOCK = '(\\d\\d):(\\d\\d):(\\d\\d)';

const LOGREAD = new RegExp(
  `^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (${MONTHS}) {1,2}(\\d{1,2}) ${CLOCK} (\\d{4}) ([a-z0-9-]+)\\.([a-z]+) `,
);
const BSD = new RegExp(
  `^(${MONTHS}) {1,2}(\\d{1,2}) ${CLOCK}(?:\\.(\\d{1,6}))?(?: ([A-Z]{2,5}(?:[+-]\\d{1,2})?) (\\d{4}))? `,
);
const YEAR_FIRST = new RegExp(
  `^(\\d{4}) (${MONTHS}) {1,2}(\\d{1,2}) ${CLOCK}(?: (TZ[+-]\\d{1,2}|UTC|GMT|[A-Z]{3}[+-]\\d{1,2}))? `,
);
const ISO = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)? /i;
const RFC3339 = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/i;

function clock(
  month: number,
  day: string,
  h: string,
  m: string,
  s: string,
  fraction = '',
): Omit<LocalDateTime, 'year'> | undefined {
  const local = {
    month,
    day: Number(day),
    hour: Number(h),
    minute: Number(m),
    second: Number(s),
    millisecond: Number(fraction.padEnd(3, '0').slice(0, 3)),
  };
  if (local.day < 1 || local.day > 31 || local.hour > 23 || local.minute > 59 || local.second > 60) return undefined;
  local.second = Math.min(local.second, 59); // leap second: keep the event inside the minute
  return local;
}

/** RFC 3339 timestamp (RFC 5424 §6.2.3) → UTC ms plus the sub-millisecond microseconds when given. */
export function parseRfc3339(text: string): { ts: number; us?: number } | undefined {
  const m = RFC3339.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  if (!isValidDate(year, month, day) || hour > 23 || minute > 59 || second > 60) return undefined;
  const fraction = (m[7] ?? '').padEnd(6, '0');
  const zone = m[8].toUpperCase();
  const sign = zone[0] === '-' ? -1 : 1;
  const offsetMin = zone === 'Z' ? 0 : sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
  const utc = new Date(
    Date.UTC(2000, month - 1, day, hour, minute, Math.min(second, 59), Number(fraction.slice(0, 3))),
  );
  utc.setUTCFullYear(year);
  const ts = utc.getTime() - offsetMin * 60_000;
  return (m[7]?.length ?? 0) > 3 ? { ts, us: Number(fraction.slice(3, 6)) } : { ts };
}

/** Reads the header timestamp at the start of `text`, or undefined when none of the known forms is there. */
export function parseHeaderTime(text: string): HeaderTime | undefined {
  let m = LOGREAD.exec(text);
  if (m) {
    const local = clock(MONTH_INDEX.get(m[1]) ?? 0, m[2], m[3], m[4], m[5]);
    if (!local) return undefined;
    const original = m[0].slice(0, m[0].length - m[7].length - m[8].length - 2);
    return { end: m[0].length, original, local, year: Number(m[6]), logread: { facility: m[7], severity: m[8] } };
  }
  m = BSD.exec(text);
  if (m) {
    const local = clock(MONTH_INDEX.get(m[1]) ?? 0, m[2], m[3], m[4], m[5], m[6]);
    if (!local) return undefined;
    const time: HeaderTime = { end: m[0].length, original: m[0].trimEnd(), local };
    if (m[7]) time.tzName = m[7];
    if (m[8]) time.year = Number(m[8]);
    return time;
  }
  m = YEAR_FIRST.exec(text);
  if (m) {
    const local = clock(MONTH_INDEX.get(m[2]) ?? 0, m[3], m[4], m[5], m[6]);
    if (!local) return undefined;
    const time: HeaderTime = { end: m[0].length, original: m[0].trimEnd(), local, year: Number(m[1]) };
    if (m[7]) time.tzName = m[7];
    return time;
  }
  m = ISO.exec(text);
  if (m) {
    const original = m[0].trimEnd();
    const local = clock(Number(m[2]), m[3], m[4], m[5], m[6], m[7]);
    if (!local) return undefined;
    const time: HeaderTime = { end: m[0].length, original, local, year: Number(m[1]) };
    if (m[8]) {
      const absolute = parseRfc3339(original);
      if (!absolute) return undefined;
      time.absolute = absolute.ts;
    }
    return time;
  }
  return undefined;
}
